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

    /**
     * {@code torch.optim.Adam}'s step in its own order of operations: the moments in place,
     * denominator sqrt(v) / sqrt(1 - beta2^t) + epsilon, then w -= lr / (1 - beta1^t) * m / denominator.
     * Each full-size temporary is closed as soon as it is used (at most two are alive at once, three
     * with weight decay), so the allocator hands the same memory to the next one.
     */
    @Override
    protected void apply(NDArray weight, NDArray gradient, NDArray[] state, long step, float lrScale) {
        NDArray m = state[0];
        NDArray v = state[1];
        try (NDArray decayed = weightDecay == 0f ? null : weight.mul(weightDecay).addi(gradient)) {
            NDArray g = decayed == null ? gradient : decayed;
            try (NDArray scaled = g.mul(1f - beta1)) {
                m.muli(beta1).addi(scaled);
            }
            try (NDArray squared = g.square()) {
                v.muli(beta2).addi(squared.muli(1f - beta2));
            }
        }
        double c1 = 1.0 - Math.pow(beta1, step);
        double c2 = 1.0 - Math.pow(beta2, step);
        try (NDArray denominator = v.sqrt()) {
            denominator.divi((float) Math.sqrt(c2)).addi(epsilon);
            try (NDArray change = m.mul((float) (learningRate * lrScale / c1))) {
                weight.subi(change.divi(denominator));
            }
        }
    }

    @Override
    public Map<String, Object> hyperParameters() {
        return Map.of("optimizer", "adam", "learning_rate", learningRate, "beta1", beta1, "beta2", beta2,
                "epsilon", epsilon, "weight_decay", weightDecay);
    }
}
