package io.streamsynth.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our embedding preprocessing against torchvision 0.14's {@code Resize(S)}, {@code CenterCrop(C)}
 * and {@code Normalize(mean, std)} on uint8 tensors, on images of odd sizes (reference tensors made
 * once by src/test/resources/preprocess-reference/make_reference.py).
 */
class PreprocessingTorchvisionTest {
    private static final JsonNode REFERENCE = json("reference.json");

    @ParameterizedTest
    @ValueSource(strings = {"rgb_37x53", "rgb_123x199", "rgb_15x401", "rgb_97x131_defaults", "rgb_101x77",
            "rgb_9x13_upscaled", "grey_29x31"})
    void matchesTorchvisionWithinOneLevelBeforeNormalisation(String name) throws Exception {
        JsonNode c = REFERENCE.get("cases").get(name);
        int channels = c.get("channels").asInt();
        ImageSpec spec = new ImageSpec(channels, c.get("resize").asInt(), c.get("crop").asInt(), doubles(c.get("mean")),
                doubles(c.get("std")), ImageSpec.WHITE, false, 0);
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(1 << 20, 4096, 4096), channels, ImageSpec.WHITE);
        DecodedImage source = decoder.decode(resource(name + ".png")).image();
        DecodedImage expected = decoder.decode(resource(name + ".ref.png")).image();
        Preprocessing preprocessing = new Preprocessing(spec);

        DecodedImage ours = preprocessing.forEmbedding(preprocessing.toSquare(source));

        assertThat(ours.height()).isEqualTo(spec.crop());
        assertThat(ours.width()).isEqualTo(spec.crop());
        int worst = 0;
        for (int i = 0; i < ours.pixels().length; i++) {
            worst = Math.max(worst, Math.abs((ours.pixels()[i] & 0xff) - (expected.pixels()[i] & 0xff)));
        }
        assertThat(worst).as("largest difference in 1/255 steps").isLessThanOrEqualTo(1);

        float[] normalised = new float[spec.inputPixels()];
        preprocessing.normalize(expected, normalised, 0);
        for (JsonNode point : c.get("normalised")) {
            int at = (point.get(0).asInt() * spec.crop() + point.get(1).asInt()) * spec.crop() + point.get(2).asInt();
            assertThat((double) normalised[at]).isCloseTo(point.get(3).asDouble(), within(1e-5));
        }
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asDouble()));
        return out;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PreprocessingTorchvisionTest.class.getResourceAsStream("/preprocess-reference/" + name)) {
            if (in == null) {
                throw new IOException("no reference file " + name);
            }
            return in.readAllBytes();
        }
    }

    private static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(resource(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
