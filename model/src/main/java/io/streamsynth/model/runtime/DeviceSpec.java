package io.streamsynth.model.runtime;

import ai.djl.Device;

/**
 * A device request as users write it: {@code auto} (a GPU when the engine sees one), {@code cpu},
 * or {@code gpu:N}.
 */
public record DeviceSpec(Kind kind, int gpuIndex) implements java.io.Serializable {
    public enum Kind { AUTO, CPU, GPU }

    public DeviceSpec {
        if (kind == Kind.GPU && gpuIndex < 0) {
            throw new IllegalArgumentException("gpu index must be >= 0, got " + gpuIndex);
        }
    }

    public static DeviceSpec parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("auto")) {
            return new DeviceSpec(Kind.AUTO, 0);
        }
        if (t.equals("cpu")) {
            return new DeviceSpec(Kind.CPU, 0);
        }
        if (t.equals("gpu")) {
            return new DeviceSpec(Kind.GPU, 0);
        }
        if (t.startsWith("gpu:")) {
            try {
                return new DeviceSpec(Kind.GPU, Integer.parseInt(t.substring(4)));
            } catch (NumberFormatException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException(
                "device must be auto, cpu or gpu:N (N a GPU index), got '" + text + "'");
    }

    /** Resolves the request against the engine; asking for a GPU that is not there is an error. */
    public Device resolve() {
        int gpus = TorchRuntime.engine().getGpuCount();
        return switch (kind) {
            case AUTO -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpuIndex >= gpus) {
                    throw new IllegalArgumentException("device gpu:" + gpuIndex + " requested but the engine sees "
                            + gpus + " GPU(s)");
                }
                yield Device.gpu(gpuIndex);
            }
        };
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + gpuIndex : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
