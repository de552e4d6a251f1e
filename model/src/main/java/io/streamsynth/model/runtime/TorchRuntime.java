package io.streamsynth.model.runtime;

import ai.djl.engine.Engine;

/**
 * Loads DJL's PyTorch engine once per JVM with settings that must be in place before the native
 * library starts: the engine reads its thread counts only at load time, and {@code ai.djl.offline}
 * stops it from ever reaching for the network (the natives come from pytorch-native-cpu). Once
 * loaded, libtorch's log level is set from {@code TORCH_CPP_LOG_LEVEL} ({@link TorchLogLevel}).
 */
public final class TorchRuntime {
    private static volatile Engine engine;

    private TorchRuntime() {}

    /**
     * Returns the engine, loading it with {@code threads} intra-op threads on first use. A later
     * call with a different thread count cannot change a running engine, so it is ignored.
     *
     * @param threads intra-op threads; 0 leaves PyTorch's default (one per core)
     */
    public static synchronized Engine engine(int threads) {
        if (engine == null) {
            System.setProperty("ai.djl.offline", "true");
            if (threads > 0) {
                System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            }
            if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            }
            engine = Engine.getEngine("PyTorch");
            TorchLogLevel.applyFromEnvironment();
        }
        return engine;
    }

    /** The engine with default threads. */
    public static Engine engine() {
        return engine(0);
    }
}
