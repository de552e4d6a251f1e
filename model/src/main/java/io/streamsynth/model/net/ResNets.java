package io.streamsynth.model.net;

/**
 * torchvision's ResNet-18 and ResNet-50 bodies ({@code torchvision.models.resnet18/50} up to and
 * excluding {@code avgpool} and {@code fc}), child for child: {@code conv1} 7x7 stride 2 padding 3
 * without bias, {@code bn1}, {@code relu} and {@code maxpool} 3x3 stride 2 padding 1 (one block here,
 * {@link ReluMaxPool}, for speed on the CPU), then
 * {@code layer1..layer4} of [2, 2, 2, 2] basic blocks or [3, 4, 6, 3] bottlenecks, of widths
 * 64, 128, 256, 512, the first block of layer2..layer4 with stride 2. Output: (N, 512, H/32, W/32)
 * for ResNet-18, (N, 2048, H/32, W/32) for ResNet-50 (sides rounded up at each stride).
 */
final class ResNets {
    private static final int[] WIDTHS = {64, 128, 256, 512};

    private ResNets() {}

    /** Appends the body's children to {@code net}; returns the channels of its output. */
    static int addResNet18(NamedSequential net) {
        return addBody(net, false, new int[] {2, 2, 2, 2});
    }

    static int addResNet50(NamedSequential net) {
        return addBody(net, true, new int[] {3, 4, 6, 3});
    }

    private static int addBody(NamedSequential net, boolean bottleneck, int[] blocks) {
        net.then("conv1", Layers.conv(64, 7, 2, 3))
                .then("bn1", new BatchNorm2d())
                .then("relu_maxpool", new ReluMaxPool(3, 2, 1));
        int channels = 64;
        for (int layer = 0; layer < WIDTHS.length; layer++) {
            NamedSequential stage = new NamedSequential();
            for (int b = 0; b < blocks[layer]; b++) {
                int stride = b == 0 && layer > 0 ? 2 : 1;
                stage.then(Integer.toString(b), new ResidualBlock(bottleneck, channels, WIDTHS[layer], stride));
                channels = ResidualBlock.outChannels(bottleneck, WIDTHS[layer]);
            }
            net.then("layer" + (layer + 1), stage);
        }
        return channels;
    }
}
