package io.streamsynth.model.net;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names every parameter of a network as PyTorch's {@code state_dict()} would: the attribute path of
 * its module joined with dots, then the parameter's own name ({@code layer2.0.downsample.1.running_var}).
 * DJL's own names ({@code 06layer2_01010_03downsample_02..._runningVar}) are internal to DJL.
 *
 * <p>Every block on the path must be a {@link TorchModule} (children with PyTorch names) or a leaf
 * whose parameter names are PyTorch's: {@code Conv2d} and {@code Linear} ({@code weight},
 * {@code bias}), {@link BatchNorm2d}, {@link GeneralizedMeanPool}, {@link TorchScriptBackbone} (the
 * module's own names, without the child's).
 */
public final class TorchNames {
    private TorchNames() {}

    /**
     * @return every parameter by its PyTorch name, in the network's order (also torchvision's order)
     * @throws IllegalArgumentException when a block with children is not a {@link TorchModule}
     */
    public static LinkedHashMap<String, Parameter> of(Block root) {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        block.getDirectParameters().forEach(p -> out.put(prefix + p.getValue().getName(), p.getValue()));
        if (block.getChildren().isEmpty()) {
            return;
        }
        if (!(block instanceof TorchModule module)) {
            throw new IllegalArgumentException(block.getClass().getSimpleName()
                    + " has children without PyTorch names; build it from TorchModule");
        }
        for (Map.Entry<String, Block> child : module.namedChildren().entrySet()) {
            // a TorchScript module's parameters keep its own names: what its author's state_dict() says
            collect(child.getValue(), child.getValue() instanceof TorchScriptBackbone ? prefix
                    : prefix + child.getKey() + ".", out);
        }
    }
}
