import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.*;
import java.util.*;

/**
 * Six training steps (triplet, ee, Adam 1e-3, batch 4 x 8 of random pixels from a fixed seed) of ResNet-18 at
 * 64 x 64 and of the small CNN at 28 x 28, then the embeddings of four more images: prints each step's loss, a hash
 * of the embeddings' float bits and one of the exported weights. Two jars that print the same lines train to the
 * same bits. docs/BENCHMARKS.md section 9.
 *
 *   java -cp app/target/streamsynth.jar scripts/SameBitsCheck.java
 */
public class SameBitsCheck {
    public static void main(String[] args) {
        TorchRuntime.engine(1);
        for (Architecture.Kind kind : new Architecture.Kind[] {Architecture.Kind.RESNET18, Architecture.Kind.CNN}) {
            int size = kind == Architecture.Kind.CNN ? 28 : 64;
            int ch = kind == Architecture.Kind.CNN ? 1 : 3;
            Architecture a = new Architecture(kind, ch, size, size, 64, 32);
            int n = 32;
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = i / 8;
            Random random = new Random(1);
            TrainingConfig config = new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 1e-3f, 0.9f, 0f);
            try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1); TrainingStep step = new TrainingStep(model, config)) {
                StringBuilder sb = new StringBuilder(kind + ":");
                for (int s = 0; s < 6; s++) {
                    float[] pixels = new float[n * a.pixelsPerImage()];
                    for (int i = 0; i < pixels.length; i++) pixels[i] = random.nextFloat();
                    sb.append(" loss ").append(step.run(pixels, labels).loss());
                }
                float[] px = new float[4 * a.pixelsPerImage()];
                for (int i = 0; i < px.length; i++) px[i] = random.nextFloat();
                float[][] e = model.embed(px, 4);
                long h = 0;
                for (float[] r : e) for (float v : r) h = h * 31 + Float.floatToIntBits(v);
                long w = 0;
                for (var t : new TreeMap<>(model.exportWeights()).entrySet()) {
                    for (float v : t.getValue().data()) w = w * 31 + Float.floatToIntBits(v);
                }
                System.out.println(sb + "\n  embed hash " + h + " weights hash " + w);
            }
        }
    }
}
