/*
 * One 1x1 convolution, forward and backward, through DJL's libtorch: the smallest case of the
 * ResNet-50 crash of docs/BENCHMARKS.md section 9 (SIGFPE in oneDNN 3.7.1's
 * brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1, backward-data of a strided 1x1
 * convolution with 512 -> 1024 or 1024 -> 2048 channels). A crash kills this JVM, so run it as a child
 * process and read its exit code (134 after SIGFPE, 0 and an "ok" line otherwise):
 *
 *   ./mvnw -o -q -pl model dependency:build-classpath -Dmdep.outputFile=cp.txt
 *   java -cp model/target/classes:$(cat cp.txt) scripts/Conv1x1BackwardProbe.java IN OUT SIDE BATCH STRIDE
 *   ONEDNN_MAX_CPU_ISA=AVX2 java ... (oneDNN limited to an instruction set; ONEDNN_VERBOSE=all lists
 *   the implementations it tries)
 */
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

public class Conv1x1BackwardProbe {
    public static void main(String[] a) {
        int in = Integer.parseInt(a[0]);
        int out = Integer.parseInt(a[1]);
        int side = Integer.parseInt(a[2]);
        int n = Integer.parseInt(a[3]);
        int stride = Integer.parseInt(a[4]);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(n, in, side, side));
            NDArray w = m.randomNormal(new Shape(out, in, 1, 1)).mul(0.01);
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray y = Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(0, 0), new Shape(1, 1), 1)
                        .singletonOrThrow();
                c.backward(y.sum());
            }
            System.out.printf("ok in=%d out=%d side=%d batch=%d stride=%d |grad x|_1=%.1f%n", in, out, side, n, stride,
                    x.getGradient().abs().sum().getFloat());
        }
    }
}
