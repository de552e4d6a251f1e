package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The weights digest of a checkpoint is taken over these bytes, so they must depend on the content alone. */
class SafeTensorsDigestTest {
    private static LinkedHashMap<String, Tensor> weights() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("conv.weight", Tensor.vector(0.25f, -1f, 3f));
        tensors.put("conv.bias", Tensor.scalar(0.5f));
        return tensors;
    }

    @Test
    void theSameMetadataInAnotherMapOrderGivesTheSameBytesAndDigest() {
        Map<String, String> one = new LinkedHashMap<>();
        one.put("format", "pt");
        one.put("producer", "streamsynth");
        one.put("optimizer_steps", "300");
        Map<String, String> other = new LinkedHashMap<>();
        other.put("optimizer_steps", "300");
        other.put("producer", "streamsynth");
        other.put("format", "pt");

        byte[] a = SafeTensors.write(weights(), one);
        byte[] b = SafeTensors.write(weights(), other);

        assertThat(b).isEqualTo(a);
        assertThat(Sha256.hex(b)).isEqualTo(Sha256.hex(a));
        String header = new String(a, 8, a.length - 8 - 4 * 4, StandardCharsets.UTF_8);
        assertThat(header).contains("\"__metadata__\":{\"format\":\"pt\",\"optimizer_steps\":\"300\","
                + "\"producer\":\"streamsynth\"}");
        assertThat(SafeTensors.read(a).metadata()).isEqualTo(one);
    }
}
