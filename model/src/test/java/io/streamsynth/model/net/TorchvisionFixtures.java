package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The torchvision fixtures of src/test/resources/backbone, made once by make_resnet_fixtures.py with
 * Debian's torch 1.13 and torchvision 0.14 (random weights, 64 x 64 inputs).
 */
public final class TorchvisionFixtures {
    private static final String DIR = "/backbone/";

    private TorchvisionFixtures() {}

    /** A torchvision network at the fixtures' input size. */
    public static Architecture resnet(Architecture.Kind kind, int embeddingSize) {
        return new Architecture(kind, 3, 64, 64, embeddingSize, 64);
    }

    /** torchvision's resnet18 state_dict as safetensors (float16 tensors), num_batches_tracked left out. */
    public static byte[] resnet18Weights() throws IOException {
        try (InputStream in = new GZIPInputStream(resource("resnet18_weights.safetensors.gz"))) {
            return in.readAllBytes();
        }
    }

    /** "input" (4, 3, 64, 64), and torchvision's "features" (4, 512) and "embeddings" (4, 1000) for it. */
    public static SafeTensors.Contents resnet18Reference() throws IOException {
        try (InputStream in = resource("resnet18_reference.safetensors")) {
            return SafeTensors.read(in.readAllBytes());
        }
    }

    static InputStream resource(String name) {
        InputStream in = TorchvisionFixtures.class.getResourceAsStream(DIR + name);
        assertThat(in).as("test resource " + name).isNotNull();
        return in;
    }

    /** The largest absolute difference is below {@code tolerance}. */
    public static void assertClose(float[] actual, float[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("largest absolute difference").isLessThan(tolerance);
    }
}
