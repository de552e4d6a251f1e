package io.streamsynth.model.train;

import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.streamsynth.model.checkpoint.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Base of our optimizers. DJL's own optimizers keep their moments where no caller can read them,
 * and a restored job must resume with exactly the optimizer state it checkpointed, so the state
 * lives here, in arrays we own and can export.
 *
 * <p>Each update reads a parameter's gradient, updates the weights in place (outside gradient
 * recording) and zeroes the gradient, because PyTorch accumulates gradients across backward passes.
 */
public abstract class ParameterOptimizer implements AutoCloseable {
    private final NDManager stateManager;
    private final Map<String, NDArray[]> state = new HashMap<>();
    private long steps;

    protected ParameterOptimizer(NDManager parent) {
        this.stateManager = parent.newSubManager();
    }

    /** Names of the per-parameter state slots, in export order. */
    protected abstract String[] slots();

    /**
     * Updates every weight in place and zeroes every gradient. The lists are parallel, one entry per trainable
     * parameter, and every array in them is temporarily attached to a scratch manager, so temporaries made from
     * them are freed after the step at the latest.
     *
     * @param weights   the parameters' arrays
     * @param gradients their gradients, all finite; to be zeroed (a fill: PyTorch accumulates into them)
     * @param state     each parameter's slots ({@link #slots()}), zero-initialised, updated in place
     * @param step      1-based count of updates including this one
     * @param lrScales  each parameter's learning rate relative to the configured one (a backbone's
     *                  {@code --backbone-lr-factor}; 1 for the head)
     */
    protected abstract void applyAll(List<NDArray> weights, List<NDArray> gradients, List<NDArray[]> state, long step,
            float[] lrScales);

    /**
     * Applies one update to every trainable parameter, unless some gradient is not finite: then
     * it discards the gradients and leaves weights and state as they were, because one NaN would
     * poison the model for good. (PyTorch 2.7's CPU convolution backward has produced NaN input
     * gradients here for 4-channel layers on two threads, at random.)
     *
     * @return whether the update was applied
     */
    public boolean update(PairList<String, Parameter> parameters) {
        return update(parameters, name -> 1f);
    }

    /**
     * As {@link #update(PairList)}, each parameter's learning rate scaled by {@code lrScale} of its
     * name: what PyTorch users do with parameter groups.
     *
     * <p>Finiteness is decided from one number, the sum of every gradient element: a NaN or an
     * infinity anywhere makes it NaN or infinite. (Finite gradients whose sum overflows a float,
     * beyond 3.4e38, are discarded too; such a step would not be worth taking.) One reduction per
     * tensor and one read from the device, where checking each element with NaN and infinity masks
     * cost four full-size passes and a device read per tensor.
     */
    public boolean update(PairList<String, Parameter> parameters, ToDoubleFunction<String> lrScale) {
        try (NDManager scratch = stateManager.newSubManager()) {
            List<String> names = new ArrayList<>();
            List<NDArray> weights = new ArrayList<>();
            List<NDArray> gradients = new ArrayList<>();
            NDArray total = null;
            for (Pair<String, Parameter> p : parameters) {
                if (p.getValue().requiresGradient()) {
                    NDArray weight = p.getValue().getArray();
                    weight.tempAttach(scratch);
                    NDArray grad = weight.getGradient();
                    NDArray sum = grad.sum();
                    total = total == null ? sum : total.addi(sum);
                    names.add(p.getKey());
                    weights.add(weight);
                    gradients.add(grad);
                }
            }
            if (total != null && !Float.isFinite(total.getFloat())) {
                gradients.forEach(ParameterOptimizer::zero);
                return false;
            }
            steps++;
            List<NDArray[]> slots = new ArrayList<>(weights.size());
            float[] scales = new float[weights.size()];
            for (int i = 0; i < weights.size(); i++) {
                NDArray[] s = stateFor(names.get(i), weights.get(i));
                for (NDArray slot : s) {
                    slot.tempAttach(scratch);
                }
                slots.add(s);
                scales[i] = (float) lrScale.applyAsDouble(names.get(i));
            }
            applyAll(weights, gradients, slots, steps, scales);
            return true;
        }
    }

    /**
     * The backward pass of {@code loss} (a scalar) into every trainable parameter, then {@link #update(PairList,
     * ToDoubleFunction)}: one training step's second half. Call it inside the gradient collector that recorded the
     * loss, once per loss (the graph is freed). A subclass may fuse the two with the same arithmetic and the same
     * finiteness rule, and then leaves the parameters' {@code .grad} as it was ({@link Adam}).
     *
     * @return whether the update was applied
     */
    public boolean minimize(NDArray loss, GradientCollector collector, PairList<String, Parameter> parameters,
            ToDoubleFunction<String> lrScale) {
        collector.backward(loss);
        return NoGrad.call(() -> update(parameters, lrScale));
    }

    /** Counts one applied update, for a subclass that applies one without {@link #update}. */
    protected void countStep() {
        steps++;
    }

    /** Every element; parsed once, since the training step zeroes each gradient on every step. */
    private static final NDIndex ALL = new NDIndex("...");

    /** A fill, not a multiplication: NaN times zero is still NaN. */
    protected static void zero(NDArray gradient) {
        gradient.set(ALL, 0f);
    }

    /** Whether the parameter has state slots yet (it has been updated, or its state imported). */
    protected boolean hasState(String name) {
        return state.containsKey(name);
    }

    /** Forgets (and frees) the parameter's state slots, as if it had never been updated. */
    protected void dropState(String name) {
        NDArray[] s = state.remove(name);
        if (s != null) {
            for (NDArray a : s) {
                a.close();
            }
        }
    }

    /** The parameter's state slots ({@link #slots()}), created as zeros on first use. */
    protected NDArray[] stateFor(String name, NDArray weight) {
        return state.computeIfAbsent(name, n -> {
            NDArray[] s = new NDArray[slots().length];
            for (int i = 0; i < s.length; i++) {
                s[i] = stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
            }
            return s;
        });
    }

    public long steps() {
        return steps;
    }

    /** Tensors named {@code slot/parameter}; parameters never updated yet have no entry. */
    public Map<String, Tensor> exportState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.keySet().stream().sorted().forEach(name -> {
            NDArray[] s = state.get(name);
            for (int i = 0; i < s.length; i++) {
                out.put(slots()[i] + "/" + name, new Tensor(s[i].getShape().getShape(), s[i].toFloatArray()));
            }
        });
        return out;
    }

    /** Restores state written by {@link #exportState()} and the update count. */
    public void importState(Map<String, Tensor> tensors, long stepCount) {
        NoGrad.run(() -> replaceState(tensors, stepCount));
    }

    private void replaceState(Map<String, Tensor> tensors, long stepCount) {
        state.values().forEach(arrays -> {
            for (NDArray a : arrays) {
                a.close();
            }
        });
        state.clear();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            int slot = slash < 0 ? -1 : java.util.Arrays.asList(slots()).indexOf(key.substring(0, slash));
            if (slot < 0) {
                throw new IllegalArgumentException("optimizer state entry '" + key + "' does not belong to "
                        + getClass().getSimpleName());
            }
            NDArray[] s = state.computeIfAbsent(key.substring(slash + 1), n -> new NDArray[slots().length]);
            Tensor t = e.getValue();
            s[slot] = HostArrays.floats(stateManager, t.data(), new ai.djl.ndarray.types.Shape(t.shape()));
        }
        for (Map.Entry<String, NDArray[]> e : state.entrySet()) {
            for (NDArray a : e.getValue()) {
                if (a == null) {
                    throw new IllegalArgumentException("optimizer state for '" + e.getKey() + "' is incomplete");
                }
            }
        }
        this.steps = stepCount;
    }

    /** Name and settings, for checkpoint metadata. */
    public abstract Map<String, Object> hyperParameters();

    @Override
    public void close() {
        stateManager.close();
    }
}
