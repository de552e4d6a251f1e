package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * Builds the embedding networks as PyTorch modules would be laid out: a backbone, then our head,
 * {@code avgpool} (global average, or GeM with a learnt {@code avgpool.p}), {@code fc} (linear to the
 * embedding size, with bias) and an L2 normalisation, so outputs lie on the unit sphere.
 *
 * <p>For {@code resnet18} and {@code resnet50} the whole network is torchvision's
 * {@code resnet18(num_classes=D)} (resp. resnet50) followed by {@code x / sqrt(sum(x^2) + 1e-12)}:
 * its {@code state_dict} and ours have the same names and shapes, so the exported weights load there
 * with {@code load_state_dict}.
 */
public final class EmbeddingNetworks {
    /** Name of the pooling child: torchvision's, so a GeM exponent is {@code avgpool.p}. */
    public static final String POOL = "avgpool";
    /** Name of the embedding layer: torchvision's classifier slot. */
    public static final String FC = "fc";
    /**
     * Child name of a TorchScript backbone; its parameters keep the module's own names, unprefixed
     * (see {@link TorchNames}).
     */
    public static final String SCRIPTED = "backbone";
    /** Name of the final L2 normalisation (no parameters). */
    public static final String NORM = "l2norm";
    /** Added under the square root so the gradient stays finite at the origin. */
    public static final float NORM_EPSILON = 1e-12f;

    private EmbeddingNetworks() {}

    /**
     * A built-in network.
     *
     * @throws IllegalArgumentException for {@code torchscript}, which needs its module: {@link #build(Architecture,
     *     TorchScriptBackbone)}
     */
    public static EmbeddingNet build(Architecture a) {
        return build(a, null);
    }

    /**
     * A network; {@code backbone} is the loaded module of a {@code torchscript} architecture (the child
     * {@code backbone}, whose parameters keep the module's names) and null for the built-in ones. A module
     * that pools itself (N x F) gets no pooling: {@code avgpool} passes its output through.
     */
    public static EmbeddingNet build(Architecture a, TorchScriptBackbone backbone) {
        if ((a.kind() == Architecture.Kind.TORCHSCRIPT) != (backbone != null)) {
            throw new IllegalArgumentException(backbone == null ? "a torchscript network needs its loaded module"
                    : "only a torchscript network takes a TorchScript module");
        }
        NamedSequential net = new NamedSequential();
        switch (a.kind()) {
            case CNN -> addSmallCnn(net, a.baseFilters(), a.cnnMaxPools());
            case RESNET18 -> ResNets.addResNet18(net);
            case RESNET50 -> ResNets.addResNet50(net);
            case TORCHSCRIPT -> net.then(SCRIPTED, backbone);
        }
        Block pool;
        if (a.kind() == Architecture.Kind.TORCHSCRIPT && !a.scripted().featureMap()) {
            pool = LambdaBlock.singleton(x -> x, "pooled_by_backbone");
        } else if (a.pooling() == Architecture.Pooling.GEM) {
            pool = new GeneralizedMeanPool();
        } else {
            pool = LambdaBlock.singleton(Pool::globalAvgPool2d, "global_avg_pool");
        }
        net.then(POOL, pool)
                .then(FC, Linear.builder().setUnits(a.embeddingSize()).build())
                .then(NORM, LambdaBlock.singleton(EmbeddingNetworks::normalizeRows, "l2_normalize"));
        return new EmbeddingNet(net);
    }

    /**
     * Three 3x3 convolutions (padding 1, no bias) with batch norm and relu, each followed by a 2x2 max
     * pool while {@code pools} lasts (with three, 28x28 becomes 14, 7 and 3 before the head):
     * {@code conv1, bn1, relu1_pool1, conv2, bn2, relu2_pool2, conv3, bn3, relu3_pool3} (a ReLU and a pool
     * are one {@link ReluMaxPool}, for speed on the CPU; {@code relu3} alone without a third pool), with f,
     * 2f and 4f filters. The pools hold no parameters, so the names of the weights do not depend on them.
     */
    private static void addSmallCnn(NamedSequential net, int f, int pools) {
        for (int i = 1; i <= 3; i++) {
            net.then("conv" + i, Layers.conv(f << (i - 1), 3, 1, 1))
                    .then("bn" + i, new BatchNorm2d());
            if (i <= pools) {
                net.then("relu" + i + "_pool" + i, new ReluMaxPool(2, 2, 0));
            } else {
                net.then("relu" + i, Layers.relu());
            }
        }
    }

    /** Rows divided by sqrt(sum of squares + {@link #NORM_EPSILON}). */
    public static NDArray normalizeRows(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).add(NORM_EPSILON).sqrt());
    }
}
