package io.streamsynth.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) with bias correction; weight decay is added to the gradient as an L2
 * term, as PyTorch's {@code torch.optim.Adam} does.
 */
public final class Adam extends ParameterOptimizer {
    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;

    public Adam(NDManager parent, float learningRate, float weightDecay) {
        this(parent, learningRate, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    public Adam(NDManager parent, float learningRate, float beta1, float beta2, float epsilon, float weightDecay) {
        super(parent);
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    @Override
    protected String[] slots() {
        return new String[] {"m", "v"};
    }

    @Override
    protected void apply(NDArray weight, NDArray gradient, NDArray[] state, long step, float lrScale) {
        NDArray g = weightDecay == 0f ? gradient : gradient.add(weight.mul(weightDecay));
        NDArray m = state[0].muli(beta1).addi(g.mul(1f - beta1));
        NDArray v = state[1].muli(beta2).addi(g.square().mul(1f - beta2));
        double c1 = 1.0 - Math.pow(beta1, step);
        double c2 = 1.0 - Math.pow(beta2, step);
        NDArray denominator = v.div((float) c2).sqrt().add(epsilon);
        weight.subi(m.mul((float) (learningRate * lrScale / c1)).div(denominator));
    }

    @Override
    public Map<String, Object> hyperParameters() {
        return Map.of("optimizer", "adam", "learning_rate", learningRate, "beta1", beta1, "beta2", beta2,
                "epsilon", epsilon, "weight_decay", weightDecay);
    }
}
