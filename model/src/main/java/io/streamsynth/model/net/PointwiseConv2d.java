package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.Conv2d(in, out, kernel_size=1, stride=s, bias=False)}, computed as one matrix
 * product over channels instead of through libtorch's convolution: the same parameter
 * ({@code weight}, shape (out, in, 1, 1)), the same outputs and gradients.
 *
 * <p>Why: libtorch 2.7.1's oneDNN (3.7.1) dies with SIGFPE while it chooses a blocking for the
 * backward-data pass of a strided 1x1 convolution whose (in, out) channels are one of the pairs its
 * {@code brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1} special-cases ("maskrcnn" workaround:
 * 1024/2048, 1024/512, 256/1024, 512/1024, 512/2048), as ResNet-50's {@code layer3.0.downsample} and
 * {@code layer4.0.downsample} are: an integer division by a count of row blocks that is 0 whenever a
 * candidate spatial block is narrower than the kernel's row block. It depends neither on the image size
 * nor on the machine's cache sizes; here it happened with oneDNN limited to any instruction set from AVX2
 * to AVX-512 with bfloat16 (below AVX2 oneDNN has no brgemm kernels; AMX untested), see
 * docs/BENCHMARKS.md section 9. A matrix product never reaches that code.
 *
 * <p>For input (N, in, H, W): a stride s keeps rows and columns 0, s, 2s, ... (what a 1x1 kernel with
 * stride s and no padding reads), then y = x' W^T over the channels of each pixel, with x' the input as
 * (N*H'*W', in) in channels-last order; the output is returned as (N, out, H', W'), H' = ceil(H / s).
 */
final class PointwiseConv2d extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int filters;
    private final int stride;
    private final Parameter weight;

    /**
     * @param filters output channels
     * @param stride  1 or more, the same along both axes
     */
    PointwiseConv2d(int filters, int stride) {
        super(VERSION);
        if (filters < 1 || stride < 1) {
            throw new IllegalArgumentException("filters and stride must be positive, got " + filters + ", " + stride);
        }
        this.filters = filters;
        this.stride = stride;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(filters, inputShapes[0].get(1), 1, 1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = store.getValue(weight, x.getDevice(), training);
        return new NDList(apply(x, w, stride));
    }

    /**
     * The convolution itself, for callers holding their own weight.
     *
     * @param x      (N, in, H, W)
     * @param w      (out, in, 1, 1)
     * @param stride 1 or more
     * @return (N, out, ceil(H / stride), ceil(W / stride)), contiguous
     */
    static NDArray apply(NDArray x, NDArray w, int stride) {
        NDArray sampled = stride == 1 ? x : x.get(new NDIndex(":, :, ::{}, ::{}", stride, stride));
        Shape s = sampled.getShape();
        long n = s.get(0);
        long in = s.get(1);
        long h = s.get(2);
        long wd = s.get(3);
        long out = w.getShape().get(0);
        NDList temporary = new NDList();
        try {
            if (sampled != x) {
                temporary.add(sampled);
            }
            // channels last, so that every pixel is a row of the product; the reshape copies
            NDArray rows = keep(temporary, keep(temporary, sampled.transpose(0, 2, 3, 1)).reshape(n * h * wd, in));
            NDArray matrix = keep(temporary, keep(temporary, w.reshape(out, in)).transpose());
            NDArray product = keep(temporary, rows.matMul(matrix));
            // (N, H', W', out) viewed as (N, out, H', W'), then laid out as PyTorch's contiguous NCHW: a
            // reshape to (N, out * H' * W') cannot be a view of channels-last memory, so it copies
            NDArray nchw = keep(temporary, keep(temporary, keep(temporary, product.reshape(n, h, wd, out))
                    .transpose(0, 3, 1, 2)).reshape(n, out * h * wd));
            return nchw.reshape(n, out, h, wd);
        } finally {
            // our handles only: autograd keeps what the backward pass needs (see Intermediates)
            temporary.close();
        }
    }

    private static NDArray keep(NDList temporary, NDArray a) {
        temporary.add(a);
        return a;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), filters, ceilDiv(s.get(2), stride), ceilDiv(s.get(3), stride))};
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
