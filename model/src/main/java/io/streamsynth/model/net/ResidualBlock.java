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
 * named {@code downsample.0} and {@code downsample.1}) when the shape changes, and a final relu. A
 * bottleneck's strided downsample convolution is computed as a matrix product ({@link PointwiseConv2d}):
 * same weight, same numbers, and no libtorch convolution to crash in.
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
            add("downsample", new NamedSequential().then("0", downsampleConv(bottleneck, out, stride))
                    .then("1", new BatchNorm2d()));
        }
    }

    /**
     * The downsample branch's 1x1 convolution. A bottleneck's is a matrix product ({@link PointwiseConv2d}):
     * libtorch 2.7.1 dies in the backward pass of ResNet-50's strided 512-to-1024 and 1024-to-2048 ones
     * wherever oneDNN runs its brgemm kernels without AMX (here, from AVX2 to AVX-512). Only the strided ones: measured in one run, alternating (docs/BENCHMARKS.md section 9),
     * a ResNet-50 step with every 1x1 convolution as a matrix product cost 0.86x the convolutions' CPU time at
     * 64 x 64 but 1.76x at 112 x 112, so the stride-1 ones stay convolutions. A basic block's downsample
     * (64 to 128, 128 to 256, 256 to 512 channels) is none of the pairs oneDNN trips on.
     */
    private static Block downsampleConv(boolean bottleneck, int out, int stride) {
        return bottleneck && stride > 1 ? new PointwiseConv2d(out, stride) : Layers.conv(out, 1, stride, 0);
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
