package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.train.BackboneFile;
import java.io.IOException;
import java.io.InputStream;

/**
 * The TorchScript fixtures of src/test/resources/torchscript, made once by make_torchscript_fixtures.py
 * with Debian's torch 1.13 and torchvision 0.14 (random weights, traced in eval mode).
 */
public final class TorchScriptFixtures {
    private static final String DIR = "/torchscript/";
    /** mobilenet_v3_small(width_mult=0.25).features: 144 channels, a 2 x 2 map at 64 x 64. */
    public static final String MOBILENET = "mobilenet_map.pt";
    /** A conv net for 1 x 28 x 28 that pools itself: 32 features. */
    public static final String GREY = "grey_pooled.pt";

    private TorchScriptFixtures() {}

    public static byte[] bytes(String name) throws IOException {
        try (InputStream in = TorchScriptFixtures.class.getResourceAsStream(DIR + name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return in.readAllBytes();
        }
    }

    public static BackboneFile file(String name) throws IOException {
        return BackboneFile.of(name, bytes(name));
    }

    public static SafeTensors.Contents reference(String name) throws IOException {
        return SafeTensors.read(bytes(name));
    }

    /** The network of {@code name} at {@code channels x size x size}, as the start-up probe finds it. */
    public static Architecture architecture(String name, int channels, int size, int embeddingSize,
            Architecture.Pooling pooling) throws IOException {
        BackboneFile f = file(name);
        return Architecture.torchScript(channels, size, size, embeddingSize, pooling,
                TorchScriptBackbone.inspect(f, channels, size, size), f.sha256());
    }
}
