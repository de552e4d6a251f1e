package io.streamsynth.model.runtime;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Runs code with PyTorch's gradient recording off. PyTorch keeps that switch per thread and turns
 * it on for every new thread, so a Flink task thread would otherwise record graphs for inference
 * and refuse in-place weight updates ("a leaf Variable that requires grad is being used in an
 * in-place operation").
 */
public final class NoGrad {
    private NoGrad() {}

    public static <T> T call(Supplier<T> body) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    public static void run(Runnable body) {
        call(() -> {
            body.run();
            return null;
        });
    }
}
