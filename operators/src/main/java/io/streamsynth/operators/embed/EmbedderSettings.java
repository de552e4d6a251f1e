package io.streamsynth.operators.embed;

import io.streamsynth.model.runtime.DeviceSpec;
import java.io.Serializable;
import java.time.Duration;

/**
 * @param device          auto, cpu or gpu:N
 * @param batchSize       images per forward pass
 * @param maxDelay        longest a new item waits for its batch to fill before it is embedded anyway
 * @param batchesPerSlice batches a re-embedding pass runs before it lets records and checkpoint
 *                        barriers through again
 * @param scriptedBackbone the TorchScript module a torchscript model's checkpoints are rebuilt over (a path or
 *                        Flink file system URI each TaskManager can read; its sha256 must be the checkpoint's
 *                        {@code backbone_sha256}); null when the job trains a built-in network
 * @param refreshPauseFactor after a catalog's re-embedding pass that took D, its next pass starts no sooner
 *                        than this many times D after it ended, and a version promoted meanwhile waits, the
 *                        newest only ({@link RefreshPacing}); 0 = a newer version takes the running pass over
 *                        at once
 */
public record EmbedderSettings(DeviceSpec device, int batchSize, Duration maxDelay, int batchesPerSlice,
        String scriptedBackbone, double refreshPauseFactor) implements Serializable {
    /** Slices of a few batches: long enough that scheduling costs nothing, short enough not to hold barriers up. */
    public static final int DEFAULT_BATCHES_PER_SLICE = 4;

    public EmbedderSettings {
        if (batchSize < 1 || batchSize > 65536) {
            throw new IllegalArgumentException("embed-batch-size must be within 1..65536, got " + batchSize);
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("embed-max-delay must not be negative, got " + maxDelay);
        }
        if (batchesPerSlice < 1 || batchesPerSlice > 1024) {
            throw new IllegalArgumentException("embed batches per slice must be within 1..1024, got "
                    + batchesPerSlice);
        }
        if (!(refreshPauseFactor >= 0 && refreshPauseFactor <= 1000)) {
            throw new IllegalArgumentException("refresh-pause-factor must be within 0..1000, got "
                    + refreshPauseFactor);
        }
    }

    /** Without refresh pacing. */
    public EmbedderSettings(DeviceSpec device, int batchSize, Duration maxDelay, int batchesPerSlice,
            String scriptedBackbone) {
        this(device, batchSize, maxDelay, batchesPerSlice, scriptedBackbone, 0);
    }

    public EmbedderSettings(DeviceSpec device, int batchSize, Duration maxDelay) {
        this(device, batchSize, maxDelay, DEFAULT_BATCHES_PER_SLICE);
    }

    /** Models of built-in networks only. */
    public EmbedderSettings(DeviceSpec device, int batchSize, Duration maxDelay, int batchesPerSlice) {
        this(device, batchSize, maxDelay, batchesPerSlice, null);
    }

    /** The same settings, rebuilding torchscript models over {@code uri}. */
    public EmbedderSettings withScriptedBackbone(String uri) {
        return new EmbedderSettings(device, batchSize, maxDelay, batchesPerSlice, uri, refreshPauseFactor);
    }

    /** The same settings, pacing re-embedding passes by {@code factor}. */
    public EmbedderSettings withRefreshPauseFactor(double factor) {
        return new EmbedderSettings(device, batchSize, maxDelay, batchesPerSlice, scriptedBackbone, factor);
    }
}
