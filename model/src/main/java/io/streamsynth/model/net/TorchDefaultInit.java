package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * PyTorch's default initialisation of {@code nn.Conv2d} and {@code nn.Linear} ({@code reset_parameters}:
 * {@code kaiming_uniform_(weight, a=sqrt(5))}, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias
 * from the same interval), applied over DJL's own initialisation (weights N(0, 2/fan_in), biases 0).
 * fan_in is a weight's element count over its first axis: in_channels x kh x kw for a convolution,
 * in_features for a linear layer. Batch norm keeps weight 1 and bias 0, as in PyTorch.
 *
 * <p>Why the small CNN uses it (issue 13, part 5; docs/RESULTS.md, "Against a plain PyTorch loop",
 * section 6): with the training step matched to a plain PyTorch loop step for step
 * ({@code scripts/H13StepCheck.java}), the initialisation was what was left between the two, and
 * PyTorch's trained better with Symmetrical Synthesis on the setting (multi-similarity, 5 x 16,
 * 300 steps; the difference in zero-shot Recall@1 over the same seeds in ours and in the reference is
 * reported there), although the untrained network retrieves less well (0.708 against 0.742).
 */
public final class TorchDefaultInit {
    private TorchDefaultInit() {}

    /**
     * Redraws, in place, every parameter named {@code X.weight} of rank 2 or more and the {@code X.bias}
     * beside it. Draws come from the engine's random stream, so they follow its seed.
     *
     * @param named   parameters by PyTorch name, already initialised (their shapes known)
     * @param manager the manager to draw under; the drawn arrays are closed before this returns
     */
    public static void apply(Map<String, Parameter> named, NDManager manager) {
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            String name = e.getKey();
            NDArray weight = e.getValue().getArray();
            if (!name.endsWith(".weight") || weight.getShape().dimension() < 2) {
                continue;
            }
            long fanIn = weight.getShape().size() / weight.getShape().get(0);
            float bound = (float) (1.0 / Math.sqrt(fanIn));
            redraw(weight, bound, manager);
            Parameter bias = named.get(name.substring(0, name.length() - ".weight".length()) + ".bias");
            if (bias != null) {
                redraw(bias.getArray(), bound, manager);
            }
        }
    }

    private static void redraw(NDArray target, float bound, NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            scratch.randomUniform(-bound, bound, target.getShape(), target.getDataType()).copyTo(target);
        }
    }
}
