package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A built embedding network: the DJL block, its parameters under PyTorch names, and which of them
 * belong to the backbone (everything before {@code avgpool}) and which to our head ({@code avgpool.*},
 * {@code fc.*}), for fine-tuning with a smaller backbone learning rate, frozen batch norms or a
 * frozen backbone.
 */
public final class EmbeddingNet {
    private final NamedSequential root;
    private final List<Block> backbone = new ArrayList<>();
    private boolean backboneFrozen;
    private boolean batchNormFrozen;

    EmbeddingNet(NamedSequential root) {
        this.root = root;
        for (Map.Entry<String, Block> c : root.namedChildren().entrySet()) {
            if (c.getKey().equals(EmbeddingNetworks.POOL)) {
                break;
            }
            backbone.add(c.getValue());
        }
    }

    public Block block() {
        return root;
    }

    /** Every parameter (batch-norm running statistics included) by PyTorch name, in torchvision's order. */
    public LinkedHashMap<String, Parameter> parameters() {
        return TorchNames.of(root);
    }

    /** Whether a parameter (by PyTorch name) is part of our head rather than the backbone. */
    public static boolean isHead(String name) {
        return name.startsWith(EmbeddingNetworks.POOL + ".") || name.startsWith(EmbeddingNetworks.FC + ".");
    }

    /** The TorchScript backbone, or null for a built-in network. */
    public TorchScriptBackbone scripted() {
        return backbone.size() == 1 && backbone.get(0) instanceof TorchScriptBackbone s ? s : null;
    }

    /** Unit-norm embeddings (N, D) of images (N, C, H, W). */
    public NDArray forward(ParameterStore store, NDArray images, boolean training) {
        return root.forward(store, new NDList(images), training).singletonOrThrow();
    }

    /** The pooled backbone features (N, F) that the head's {@code fc} maps to embeddings. */
    public NDArray features(ParameterStore store, NDArray images, boolean training) {
        return root.forwardThrough(store, new NDList(images), training, EmbeddingNetworks.POOL).singletonOrThrow();
    }

    /**
     * Fixes the backbone's weights and batch-norm statistics (a head-only warm-up) or releases them.
     * Call after initialisation.
     */
    public void freezeBackbone(boolean frozen) {
        this.backboneFrozen = frozen;
        applyFreezing();
    }

    /**
     * Keeps every batch norm of the backbone in inference mode with fixed affine parameters. A
     * TorchScript backbone always runs in inference mode; this fixes its normalisation layers' affine
     * parameters (see {@link TorchScriptBackbone}).
     */
    public void freezeBatchNorm(boolean frozen) {
        this.batchNormFrozen = frozen;
        applyFreezing();
    }

    public boolean isBackboneFrozen() {
        return backboneFrozen;
    }

    private void applyFreezing() {
        for (Block b : backbone) {
            freeze(b);
        }
    }

    private void freeze(Block block) {
        if (block instanceof TorchScriptBackbone scripted) {
            scripted.freeze(backboneFrozen, batchNormFrozen);
            return;
        }
        if (block instanceof BatchNorm2d norm) {
            norm.setFrozen(backboneFrozen || batchNormFrozen);
            return;
        }
        block.getDirectParameters().forEach(p -> p.getValue().freeze(backboneFrozen));
        block.getChildren().forEach(c -> freeze(c.getValue()));
    }
}
