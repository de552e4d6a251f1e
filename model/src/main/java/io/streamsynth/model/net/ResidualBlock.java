package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * torchvision's {@code BasicBlock} and {@code Bottleneck} (He et al., "Deep Residual Learning for
 * Image Recognition", CVPR 2016, figure 5), with their child names:
 *
 * <ul>
 *   <li>basic: {@code conv1} 3x3 (stride s), {@code bn1}, relu, {@code conv2} 3x3, {@code bn2};
 *   <li>bottleneck: {@code conv1} 1x1, {@code bn1}, relu, {@code conv2} 3x3 (stride s), {@code bn2}, relu,
 *       {@code conv3} 1x1 to 4x the width, {@code bn3}; the stride sits on the 3x3 convolution
 *       ("ResNet v1.5", as torchvision does, not on the first 1x1 as in the paper);
 * </ul>
 *
 * then the shortcut is added, {@code downsample} (a 1x1 convolution with stride s and a batch norm,
 * named {@code downsample.0} and {@code downsample.1}) when the shape changes, and a final relu.
 */
final class ResidualBlock extends TorchModule {
    private final boolean bottleneck;
    private final boolean project;

    /**
     * @param inChannels channels of the block's input
     * @param planes     torchvision's {@code planes}: the block's width (output = planes, or 4 x planes for a bottleneck)
     * @param stride     1, or 2 for the first block of layer2..layer4
     */
    ResidualBlock(boolean bottleneck, int inChannels, int planes, int stride) {
        this.bottleneck = bottleneck;
        int out = outChannels(bottleneck, planes);
        if (bottleneck) {
            add("conv1", Layers.conv(planes, 1, 1, 0));
            add("bn1", new BatchNorm2d());
            add("conv2", Layers.conv(planes, 3, stride, 1));
            add("bn2", new BatchNorm2d());
            add("conv3", Layers.conv(out, 1, 1, 0));
            add("bn3", new BatchNorm2d());
        } else {
            add("conv1", Layers.conv(planes, 3, stride, 1));
            add("bn1", new BatchNorm2d());
            add("conv2", Layers.conv(planes, 3, 1, 1));
            add("bn2", new BatchNorm2d());
        }
        this.project = stride != 1 || inChannels != out;
        if (project) {
            add("downsample", new NamedSequential().then("0", Layers.conv(out, 1, stride, 0)).then("1", new BatchNorm2d()));
        }
    }

    static int outChannels(boolean bottleneck, int planes) {
        return bottleneck ? 4 * planes : planes;
    }

    private String[] mainPath() {
        return bottleneck ? new String[] {"conv1", "bn1", "conv2", "bn2", "conv3", "bn3"}
                : new String[] {"conv1", "bn1", "conv2", "bn2"};
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NDArray x = input;
        String[] path = mainPath();
        for (int i = 0; i < path.length; i++) {
            NDArray y = child(path[i]).forward(store, new NDList(x), training).singletonOrThrow();
            // relu after every batch norm but the last; that one comes after the sum
            if (path[i].startsWith("bn") && i < path.length - 1) {
                NDArray activated = Activation.relu(y);
                y.close();
                y = activated;
            }
            if (x != input) {
                Intermediates.release(x, y);
            }
            x = y;
        }
        NDArray shortcut = project ? child("downsample").forward(store, inputs, training).singletonOrThrow() : input;
        // in place, as torchvision's `out += identity`: autograd saved nothing of the batch norm's output
        NDArray sum = x.addi(shortcut);
        if (project) {
            shortcut.close();
        }
        NDArray out = Activation.relu(sum);
        sum.close();
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (String name : mainPath()) {
            shapes = child(name).getOutputShapes(shapes);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (String name : mainPath()) {
            Block b = child(name);
            b.initialize(manager, dataType, shapes);
            shapes = b.getOutputShapes(shapes);
        }
        if (project) {
            child("downsample").initialize(manager, dataType, inputShapes);
        }
    }
}
