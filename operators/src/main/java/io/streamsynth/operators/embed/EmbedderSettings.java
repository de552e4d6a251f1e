package io.streamsynth.operators.embed;

import io.streamsynth.model.runtime.DeviceSpec;
import java.io.Serializable;
import java.time.Duration;

/**
 * @param device    auto, cpu or gpu:N
 * @param batchSize images per forward pass
 * @param maxDelay  longest a new item waits for its batch to fill before it is embedded anyway
 */
public record EmbedderSettings(DeviceSpec device, int batchSize, Duration maxDelay) implements Serializable {
    public EmbedderSettings {
        if (batchSize < 1 || batchSize > 65536) {
            throw new IllegalArgumentException("embed-batch-size must be within 1..65536, got " + batchSize);
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("embed-max-delay must not be negative, got " + maxDelay);
        }
    }
}
