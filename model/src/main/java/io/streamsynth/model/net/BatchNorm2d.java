package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code BatchNorm2d} with its defaults (epsilon 1e-5, momentum 0.1, affine, running
 * statistics) and its parameter names {@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var}, over axis 1 of (N, C, H, W).
 *
 * <p>A frozen batch norm normalises with its running statistics even in training and leaves its
 * affine parameters alone: fine-tuning with small P x K batches otherwise replaces statistics
 * learnt on millions of images with noisy ones from 32 (the usual practice in metric learning, e.g.
 * the EE authors' Inception-BN runs keep batch norm fixed).
 */
final class BatchNorm2d extends AbstractBlock {
    static final float EPSILON = 1e-5f;
    /**
     * PyTorch's momentum 0.1 is the weight of the new batch in the running statistics; DJL's op took the
     * weight of the old ones, 0.9, and handed libtorch 1 - 0.9 computed in float (0.10000002), which this
     * block still passes, so running statistics keep the bits they had.
     */
    static final float DJL_MOMENTUM = 0.9f;

    private final Parameter weight = addParameter(
            Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).build());
    private final Parameter bias = addParameter(
            Parameter.builder().setName("bias").setType(Parameter.Type.BETA).build());
    private final Parameter runningMean = addParameter(
            Parameter.builder().setName("running_mean").setType(Parameter.Type.RUNNING_MEAN).optRequiresGrad(false)
                    .build());
    private final Parameter runningVar = addParameter(
            Parameter.builder().setName("running_var").setType(Parameter.Type.RUNNING_VAR).optRequiresGrad(false)
                    .build());
    private boolean frozen;

    BatchNorm2d() {
        super((byte) 1);
    }

    /** Freezes (or thaws) the affine parameters and the running statistics. */
    void setFrozen(boolean frozen) {
        this.frozen = frozen;
        weight.freeze(frozen);
        bias.freeze(frozen);
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape channels = new Shape(inputShapes[0].get(1));
        weight.setShape(channels);
        bias.setShape(channels);
        runningMean.setShape(channels);
        runningVar.setShape(channels);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        var device = x.getDevice();
        // libtorch's batch_norm itself: DJL's BatchNorm.batchNorm, given axis 1, swaps axis 1 with itself before and
        // after, so the output is a view, and the residual block's in-place sum on it made autograd copy slices of
        // the gradient back (32 copies and 8 fills per ResNet-18 pass, docs/BENCHMARKS.md section 9)
        return new NDList(JniUtils.batchNorm((PtNDArray) x, (PtNDArray) store.getValue(runningMean, device, training),
                (PtNDArray) store.getValue(runningVar, device, training), (PtNDArray) store.getValue(weight, device, training),
                (PtNDArray) store.getValue(bias, device, training), training && !frozen, 1f - DJL_MOMENTUM, EPSILON));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
