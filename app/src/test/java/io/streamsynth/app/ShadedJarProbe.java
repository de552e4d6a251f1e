package io.streamsynth.app;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.types.ItemEmbedding;

/**
 * Runs inside a child JVM whose class path starts with the shaded jar (ShadedJarIT): the code paths that
 * depend on which copy of a class the shade kept. Prints "ok" and exits 0, or throws.
 */
public final class ShadedJarProbe {

    private ShadedJarProbe() {
    }

    public static void main(String[] args) {
        // Jackson's fast float reader and writer: Flink's shaded Jackson once put unrelocated copies of
        // these classes in the jar, and the embedding reader died with NoClassDefFoundError ("wrong name").
        float[] vector = {0.1f, -1.2345678e-8f, Float.MIN_VALUE, -Float.MAX_VALUE, 1f / 3f};
        ItemEmbedding read = EmbeddingJson.decode(EmbeddingJson.encode(
                new ItemEmbedding("fashion", "item-1", "7", 3, 1, vector)));
        for (int i = 0; i < vector.length; i++) {
            if (Float.floatToIntBits(read.vector[i]) != Float.floatToIntBits(vector[i])) {
                throw new AssertionError("vector[" + i + "] read back as " + read.vector[i] + ", wrote " + vector[i]);
            }
        }
        // the PNG writer the quickstart's producer uses (ImageIO's service registry in a shaded jar)
        byte[] png = ImageDecoder.encodePng(1, 2, 2, new byte[] {0, 1, 2, (byte) 255});
        if (png.length < 8 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
            throw new AssertionError("encodePng did not write a PNG");
        }
        System.out.println("ok");
    }
}
