package io.streamsynth.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.training.GradientCollector;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.streamsynth.model.runtime.BundledScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Adam (Kingma and Ba, 2015) with bias correction; weight decay is added to the gradient as an L2
 * term, as PyTorch's {@code torch.optim.Adam} does (torch 1.13's arithmetic: {@link #applyAll}).
 */
public final class Adam extends ParameterOptimizer {
    private static final String STEP_MODULE = "adam_step.pt";
    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final PtSymbolBlock module;

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
        PtSymbolBlock step;
        try {
            step = BundledScript.load(Adam.class, STEP_MODULE, parent);
        } catch (RuntimeException e) {
            super.close();
            throw e;
        }
        this.module = step;
    }

    @Override
    protected String[] slots() {
        return new String[] {"m", "v"};
    }

    /**
     * torch 1.13's {@code torch.optim.Adam} step ({@code _single_tensor_adam}) over every parameter in one call to
     * {@code adam_step.pt}, a TorchScript module of torch's own in-place operations (written by
     * {@code scripts/make_adam_step.py}, which gives the formula): g += weight decay * w, the moments in place,
     * denominator sqrt(v) / sqrt(1 - beta2^t) + epsilon, then w -= lr * lrScale / (1 - beta1^t) * m / denominator,
     * and each gradient zeroed.
     */
    @Override
    protected void applyAll(List<NDArray> weights, List<NDArray> gradients, List<NDArray[]> state, long step,
            float[] lrScales) {
        int n = weights.size();
        PtNDArray[] w = new PtNDArray[n];
        PtNDArray[] g = new PtNDArray[n];
        PtNDArray[] m = new PtNDArray[n];
        PtNDArray[] v = new PtNDArray[n];
        double[] scales = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = (PtNDArray) weights.get(i);
            g[i] = (PtNDArray) gradients.get(i);
            m[i] = (PtNDArray) state.get(i)[0];
            v[i] = (PtNDArray) state.get(i)[1];
            scales[i] = lrScales[i];
        }
        long updated = call("forward", new IValue[] {IValue.listFrom(w), IValue.listFrom(g)}, m, v, scales, step);
        if (updated != n) {
            throw new IllegalStateException("adam_step.pt updated " + updated + " of " + n + " parameters");
        }
    }

    /**
     * Runs one of {@code adam_step.pt}'s methods: its own leading arguments, then the moments, learning-rate scales,
     * step count and hyperparameters every method takes; closes every argument handle.
     */
    private long call(String method, IValue[] leading, PtNDArray[] m, PtNDArray[] v, double[] scales, long step) {
        IValue[] trailing = {IValue.listFrom(m), IValue.listFrom(v), IValue.listFrom(scales), IValue.from(step),
                IValue.from((double) learningRate), IValue.from((double) beta1), IValue.from((double) beta2),
                IValue.from((double) epsilon), IValue.from((double) weightDecay)};
        IValue[] inputs = new IValue[leading.length + trailing.length];
        System.arraycopy(leading, 0, inputs, 0, leading.length);
        System.arraycopy(trailing, 0, inputs, leading.length, trailing.length);
        try (IValue result = IValueUtils.runMethod(module, method, inputs)) {
            return result.toLong();
        } finally {
            for (IValue in : inputs) {
                in.close();
            }
        }
    }

    /**
     * The backward pass and the update as one call to {@code adam_step.pt}'s {@code minimize}: the gradients come
     * from {@code torch.autograd.grad} as fresh tensors and go straight into {@link #applyAll}'s arithmetic, where
     * a backward pass into {@code .grad} adds each to a zeroed tensor that the update zeroes again (two passes over
     * every gradient that torch's {@code zero_grad(set_to_none=True)} avoids and DJL cannot express). The
     * finiteness rule is {@link ParameterOptimizer#update}'s (the same float sums, in the same order), checked in
     * the same call. The parameters' {@code .grad} is left as it was; a parameter the loss does not reach is
     * updated with a zero gradient, as in {@code .grad}. Same weights and state, bit for bit, as
     * {@code collector.backward(loss)} then {@link #update} ({@code AdamMinimizeTest}).
     */
    @Override
    public boolean minimize(NDArray loss, GradientCollector collector, PairList<String, Parameter> parameters,
            ToDoubleFunction<String> lrScale) {
        List<PtNDArray> w = new ArrayList<>();
        List<PtNDArray> m = new ArrayList<>();
        List<PtNDArray> v = new ArrayList<>();
        List<Double> scales = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (Pair<String, Parameter> p : parameters) {
            if (p.getValue().requiresGradient()) {
                NDArray weight = p.getValue().getArray();
                if (!hasState(p.getKey())) {
                    fresh.add(p.getKey());
                }
                NDArray[] slots = stateFor(p.getKey(), weight);
                w.add((PtNDArray) weight);
                m.add((PtNDArray) slots[0]);
                v.add((PtNDArray) slots[1]);
                // rounded to float as update() rounds it, for the same bits
                scales.add((double) (float) lrScale.applyAsDouble(p.getKey()));
            }
        }
        if (w.isEmpty()) {
            return super.minimize(loss, collector, parameters, lrScale);
        }
        long count = call("minimize", new IValue[] {IValue.from((PtNDArray) loss), IValue.listFrom(w.toArray(PtNDArray[]::new))},
                m.toArray(PtNDArray[]::new), v.toArray(PtNDArray[]::new),
                scales.stream().mapToDouble(Double::doubleValue).toArray(), steps() + 1);
        if (count == 0) {
            // as update() leaves it: a parameter never updated has no state yet
            fresh.forEach(this::dropState);
            return false;
        }
        if (count != w.size()) {
            throw new IllegalStateException("adam_step.pt updated " + count + " of " + w.size() + " parameters");
        }
        countStep();
        return true;
    }

    @Override
    public void close() {
        module.close();
        super.close();
    }

    @Override
    public Map<String, Object> hyperParameters() {
        return Map.of("optimizer", "adam", "learning_rate", learningRate, "beta1", beta1, "beta2", beta2,
                "epsilon", epsilon, "weight_decay", weightDecay);
    }
}
