package io.streamsynth.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/** SGD with momentum and L2 weight decay, in PyTorch's convention: v = mu v + (g + wd w); w -= lr v. */
public final class SgdMomentum extends ParameterOptimizer {
    private final float learningRate;
    private final float momentum;
    private final float weightDecay;

    public SgdMomentum(NDManager parent, float learningRate, float momentum, float weightDecay) {
        super(parent);
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    protected String[] slots() {
        return new String[] {"momentum"};
    }

    @Override
    protected void applyAll(List<NDArray> weights, List<NDArray> gradients, List<NDArray[]> state, long step,
            float[] lrScales) {
        for (int i = 0; i < weights.size(); i++) {
            NDArray weight = weights.get(i);
            NDArray gradient = gradients.get(i);
            NDArray g = weightDecay == 0f ? gradient : gradient.add(weight.mul(weightDecay));
            weight.subi(state.get(i)[0].muli(momentum).addi(g).mul(learningRate * lrScales[i]));
            zero(gradient);
        }
    }

    @Override
    public Map<String, Object> hyperParameters() {
        return Map.of("optimizer", "sgd", "learning_rate", learningRate, "momentum", momentum,
                "weight_decay", weightDecay);
    }
}
