package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/** Builds the embedding networks; every one ends in an L2 normalisation so outputs lie on the unit sphere. */
public final class EmbeddingNetworks {
    private EmbeddingNetworks() {}

    public static Block build(Architecture a) {
        SequentialBlock net = switch (a.kind()) {
            case CNN -> smallCnn(a.baseFilters(), a.cnnMaxPools());
            case RESNET -> residual(a.baseFilters());
        };
        return net.add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(a.embeddingSize()).build())
                .add(l2Normalize());
    }

    /**
     * Three conv blocks with batch norm, each followed by a 2x2 max pooling while {@code pools} lasts:
     * with three, 28x28 becomes 14, 7 and 3 before global pooling.
     */
    private static SequentialBlock smallCnn(int f, int pools) {
        SequentialBlock net = new SequentialBlock();
        for (int block = 0; block < 3; block++) {
            net.add(convBnRelu(f << block, 1));
            if (block < pools) {
                net.add(Pool.maxPool2dBlock(new Shape(2, 2)));
            }
        }
        return net;
    }

    /** A ResNet-style stack (He et al. 2016, basic blocks) for RGB images of any size. */
    private static SequentialBlock residual(int f) {
        return new SequentialBlock()
                .add(convBnRelu(f, 1))
                .add(residualBlock(f, 1, false))
                .add(residualBlock(2 * f, 2, true))
                .add(residualBlock(2 * f, 1, false))
                .add(residualBlock(4 * f, 2, true))
                .add(residualBlock(4 * f, 1, false));
    }

    private static Block residualBlock(int filters, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(filters, 3, stride))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(conv(filters, 3, 1))
                .add(BatchNorm.builder().build());
        Block shortcut = project
                ? new SequentialBlock().add(conv(filters, 1, stride)).add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        return new SequentialBlock()
                .add(new ParallelBlock(EmbeddingNetworks::sum, List.of(main, shortcut)))
                .add(Activation.reluBlock());
    }

    private static NDList sum(List<NDList> branches) {
        return new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow()));
    }

    private static Block convBnRelu(int filters, int stride) {
        return new SequentialBlock()
                .add(conv(filters, 3, stride))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock());
    }

    private static Block conv(int filters, int kernel, int stride) {
        int pad = kernel / 2;
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optBias(false)
                .setFilters(filters)
                .build();
    }

    /** The epsilon sits under the square root so the gradient stays finite at the origin. */
    static Block l2Normalize() {
        return LambdaBlock.singleton(EmbeddingNetworks::normalizeRows, "l2_normalize");
    }

    public static NDArray normalizeRows(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
    }
}
