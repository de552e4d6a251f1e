package io.streamsynth.model.net;

import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A block whose children carry PyTorch attribute names ({@code conv1}, {@code bn1}, {@code layer1},
 * {@code 0}, {@code downsample}), so {@link TorchNames} can spell every parameter the way a
 * {@code torch.nn.Module}'s {@code state_dict()} does. DJL prefixes each child's name with its
 * position ({@code 01conv1}); this class remembers the plain names.
 */
abstract class TorchModule extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Map<String, Block> named = new LinkedHashMap<>();

    TorchModule() {
        super(VERSION);
    }

    /** Adds a child under its PyTorch attribute name; names are unique within a module. */
    protected final <B extends Block> B add(String name, B block) {
        if (named.putIfAbsent(name, block) != null) {
            throw new IllegalArgumentException("module already has a child named '" + name + "'");
        }
        return addChildBlock(name, block);
    }

    /** Children by PyTorch name, in the order they were added. */
    final Map<String, Block> namedChildren() {
        return named;
    }

    protected final Block child(String name) {
        Block block = named.get(name);
        if (block == null) {
            throw new IllegalArgumentException("module has no child named '" + name + "'");
        }
        return block;
    }
}
