package io.streamsynth.model.net;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * PyTorch's {@code nn.Sequential} (children named {@code 0}, {@code 1}, ...) or any module whose
 * forward pass runs its children in order ({@code conv1, bn1, relu_maxpool, layer1, ...}).
 */
final class NamedSequential extends TorchModule {

    /** Appends a child under its PyTorch name. */
    NamedSequential then(String name, Block block) {
        add(name, block);
        return this;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return forwardThrough(store, inputs, training, null);
    }

    /**
     * Runs the children in order up to and including {@code last} (all of them when null). Each
     * intermediate output is closed once the next child has consumed it (see {@link Intermediates}).
     *
     * @throws IllegalArgumentException when {@code last} names no child
     */
    NDList forwardThrough(ParameterStore store, NDList inputs, boolean training, String last) {
        if (last != null) {
            child(last);
        }
        NDList x = inputs;
        for (Map.Entry<String, Block> c : namedChildren().entrySet()) {
            NDList next = c.getValue().forward(store, x, training);
            if (x != inputs) {
                Intermediates.release(x, next, inputs);
            }
            x = next;
            if (c.getKey().equals(last)) {
                break;
            }
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block b : namedChildren().values()) {
            shapes = b.getOutputShapes(shapes);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block b : namedChildren().values()) {
            b.initialize(manager, dataType, shapes);
            shapes = b.getOutputShapes(shapes);
        }
    }
}
