package io.streamsynth.model.net;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;

/** The few PyTorch layers our networks are made of, with PyTorch's hyper-parameters spelled out. */
final class Layers {
    private Layers() {}

    /** {@code nn.Conv2d(in, filters, kernel, stride, padding, bias=False)}; the input channels come from the input. */
    static Block conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(false)
                .setFilters(filters)
                .build();
    }

    static Block relu() {
        return Activation.reluBlock();
    }
}
