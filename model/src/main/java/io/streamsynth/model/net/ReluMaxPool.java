package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code nn.ReLU} then {@code nn.MaxPool2d(kernel, stride, padding)}, as they follow a batch norm in ResNet's
 * stem (3x3, stride 2, padding 1) and in each block of the small CNN (2x2, stride 2). Input (N, C, H, W),
 * output (N, C, (H + 2 padding - kernel) / stride + 1, likewise for W). On the CPU both run on a
 * channels-last copy of the input and the output is copied back to the default layout; on a GPU they run
 * as they are. Values and gradients are exactly those of the two layers run directly, down to the
 * gradients of the layers before (a ReLU and a maximum only select; {@code ReluMaxPoolTest}).
 *
 * <p>Why: libtorch 2.7.1's CPU max pooling in the default layout is a slow scalar loop, and in channels
 * last it is vectorised over the channels. For ResNet-18's stem at 112 x 112, batch 32, forward and
 * backward cost 40 ms this way against 66 ms (168 against 261 at 224 x 224); for the small CNN's three
 * pools at 28 x 28, 7.8 ms against 10.2 ms (docs/BENCHMARKS.md section 9,
 * {@code scripts/MaxPoolLayoutProbe.java}). The ReLU runs on the copy as well (it costs the same there).
 * Only this block changes layout: libtorch keeps a layout from operator to operator, and in channels last
 * it miscomputes a convolution of ResNet-18's own layer4 (same section), so nothing after it sees one.
 */
final class ReluMaxPool extends AbstractBlock {
    private final Shape kernel;
    private final Shape stride;
    private final Shape padding;

    ReluMaxPool(int kernel, int stride, int padding) {
        super((byte) 1);
        this.kernel = new Shape(kernel, kernel);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getDevice().isGpu()) {
            try (NDArray activated = Activation.relu(x)) {
                return new NDList(Pool.maxPool2d(activated, kernel, stride, padding, false));
            }
        }
        Shape s = x.getShape();
        // two views that change nothing forward; backward, the second one's gradient (channels last) cannot be
        // viewed flat, so it is copied to the default layout, and batch norm's backward pass sees the gradient
        // it always saw (the same bits)
        NDArray flatInput = x.reshape(-1);
        NDArray input = flatInput.reshape(s);
        // N, H, W, C memory viewed as (N, C, H, W): libtorch takes that for channels last
        NDArray transposed = input.transpose(0, 2, 3, 1);
        NDArray copied = transposed.reshape(-1);
        NDArray nhwc = copied.reshape(s.get(0), s.get(2), s.get(3), s.get(1));
        NDArray channelsLast = nhwc.transpose(0, 3, 1, 2);
        NDArray activated = Activation.relu(channelsLast);
        NDArray pooled = Pool.maxPool2d(activated, kernel, stride, padding, false);
        Shape o = pooled.getShape();
        // no view of channels-last memory has the shape (N, C * H * W), so this reshape copies to the default layout
        NDArray flat = pooled.reshape(o.get(0), -1);
        NDArray out = flat.reshape(o);
        // our handles only: autograd keeps what the backward pass reads
        for (NDArray a : new NDArray[] {flatInput, input, transposed, copied, nhwc, channelsLast, activated, pooled, flat}) {
            a.close();
        }
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), side(s.get(2), 0), side(s.get(3), 1))};
    }

    private long side(long in, int axis) {
        return (in + 2 * padding.get(axis) - kernel.get(axis)) / stride.get(axis) + 1;
    }
}
