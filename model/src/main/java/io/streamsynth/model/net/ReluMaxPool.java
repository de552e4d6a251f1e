package io.streamsynth.model.net;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamsynth.model.runtime.BundledScript;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code nn.ReLU} then {@code nn.MaxPool2d(kernel, stride, padding)}, as they follow a batch norm in ResNet's
 * stem (3x3, stride 2, padding 1) and in each block of the small CNN (2x2, stride 2). Input (N, C, H, W),
 * output (N, C, (H + 2 padding - kernel) / stride + 1, likewise for W). On the CPU both run as one TorchScript
 * call ({@code relu_max_pool_k3s2p1.pt} and {@code relu_max_pool_k2s2p0.pt}, written by
 * {@code scripts/make_relu_max_pool.py}): each window's maximum is found on a channels-last copy of the ReLU's
 * output, outside autograd, and the output gathered from the ReLU's output at those positions; without
 * autograd (inference) the module pools on the channels-last copy itself. On a GPU the two layers run as
 * they are. Values and gradients are exactly those of the two layers run directly, down to
 * the gradients of the layers before ({@code ReluMaxPoolTest}).
 *
 * <p>Why: libtorch 2.7.1's CPU max pooling in the default layout is a slow scalar loop, and in channels last
 * it is vectorised over the channels. Pooling in channels last under autograd would leave the backward pass a
 * channels-last gradient to copy back to the default layout, a slow transposing copy; the gather's backward
 * pass scatters into the default layout directly. For ResNet-18's stem at 112 x 112, batch 32, forward and
 * backward cost 22 ms this way, against 39 ms with the pooling under autograd in channels last and 67 ms in
 * the default layout (85, 400 and 265 ms at 224 x 224); for the small CNN's three pools at 28 x 28, 6.3 ms
 * against 9.7 and 11.4
 * (docs/BENCHMARKS.md section 9, {@code scripts/MaxPoolLayoutProbe.java}). Only the search changes layout:
 * libtorch keeps a layout from operator to operator, and in channels last it miscomputes a convolution of
 * ResNet-18's own layer4 (same section), so nothing after this block sees one.
 */
final class ReluMaxPool extends AbstractBlock {
    private static final Map<String, PtSymbolBlock> SCRIPTS = new ConcurrentHashMap<>();
    private final Shape kernel;
    private final Shape stride;
    private final Shape padding;
    private final String script;

    /**
     * @throws IllegalArgumentException for a pooling other than (3, 2, 1) and (2, 2, 0), the two with a script
     */
    ReluMaxPool(int kernel, int stride, int padding) {
        super((byte) 1);
        this.kernel = new Shape(kernel, kernel);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
        this.script = "relu_max_pool_k" + kernel + "s" + stride + "p" + padding + ".pt";
        if (ReluMaxPool.class.getResource(script) == null) {
            throw new IllegalArgumentException("no " + script + " for a " + kernel + "x" + kernel + " max pool, stride "
                    + stride + ", padding " + padding + ": scripts/make_relu_max_pool.py writes one per pooling");
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        // DJL leaves its handle on the input alive when a TorchScript call throws: inputs the pooling cannot take go
        // the direct way, to fail there (or pass, for an empty batch)
        boolean scriptable = s.dimension() == 4 && s.size() > 0 && side(s.get(2), 0) >= 1 && side(s.get(3), 1) >= 1;
        if (x.getDevice().isGpu() || !scriptable) {
            try (NDArray activated = Activation.relu(x)) {
                return new NDList(Pool.maxPool2d(activated, kernel, stride, padding, false));
            }
        }
        // "training" here means autograd follows the thread's gradient mode, as for any other operator
        return IValueUtils.forward(SCRIPTS.computeIfAbsent(script, ReluMaxPool::load), inputs, true);
    }

    /** Loaded once per JVM onto a manager of its own, which lives as long as the JVM (a few KB). */
    private static PtSymbolBlock load(String script) {
        return BundledScript.load(ReluMaxPool.class, script, NDManager.newBaseManager(Device.cpu(), "PyTorch"));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), side(s.get(2), 0), side(s.get(3), 1))};
    }

    /** libtorch's output size (floored: an input narrower than the window gives 0). */
    private long side(long in, int axis) {
        return Math.floorDiv(in + 2 * padding.get(axis) - kernel.get(axis), stride.get(axis)) + 1;
    }
}
