package io.streamsynth.bench.cli;

import ai.djl.Device;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.runtime.TorchRuntime;
import picocli.CommandLine.Option;

/** PyTorch settings the timing benchmarks share. */
final class BenchRuntimeOptions {
    @Option(names = "--threads", description = "PyTorch intra-op threads, 0 = one per core (default: "
            + "${DEFAULT-VALUE}: on a shared machine a second thread waits for the first at every operation, see "
            + "docs/BENCHMARKS.md).")
    int threads = 1;

    @Option(names = "--device", description = "auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device = "auto";

    /** Loads the engine with these threads and resolves the device; call once, before any model exists. */
    Device start() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be 0 or more, got " + threads);
        }
        TorchRuntime.engine(threads);
        return DeviceSpec.parse(device).resolve();
    }
}
