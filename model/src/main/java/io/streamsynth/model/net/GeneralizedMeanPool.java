package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.streamsynth.model.runtime.OwnedScalars;

/**
 * Generalised-mean (GeM) pooling (Radenović, Tolias and Chum, "Fine-tuning CNN Image Retrieval with
 * No Human Annotation", TPAMI 2018, eq. 3): per channel, (mean over H x W of clamp(x, 1e-6)^p)^(1/p),
 * with p a learnt parameter named {@code p}, shape (1), starting at 3 as in the paper. p = 1 is
 * average pooling and p to infinity max pooling. Input (N, C, H, W), output (N, C).
 */
final class GeneralizedMeanPool extends AbstractBlock {
    static final float INITIAL_P = 3f;
    static final float CLAMP = 1e-6f;

    private final Parameter p = addParameter(Parameter.builder().setName("p").setType(Parameter.Type.OTHER)
            .optShape(new Shape(1)).optInitializer(new ConstantInitializer(INITIAL_P)).build());

    GeneralizedMeanPool() {
        super((byte) 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray exponent = store.getValue(p, x.getDevice(), training);
        // 1 / p is made on the input's manager: an operation on the parameter's own array would put its result
        // (and the graph behind it) on the model's manager, which lives as long as the job (two arrays a pass)
        NDArray inverse = OwnedScalars.of(x, 1f).div(exponent);
        return new NDList(Pool.globalAvgPool2d(x.clip(CLAMP, Float.MAX_VALUE).pow(exponent)).pow(inverse));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1))};
    }
}
