package io.streamsynth.pipeline.kafka;

import io.streamsynth.operators.decode.EventLimits;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics the job needs, with settings that suit each and agree with the job's own limits:
 * images take any event up to {@code --max-event-bytes}; checkpoints are chunked, so their message
 * limit follows {@code --checkpoint-chunk-bytes} (at least 8 MiB) and they are never expired by age;
 * dead letters carry any input record whole, so they take what images take; version markers are
 * small, in one partition, kept forever; catalog settings are compacted (the newest record of each
 * catalog is its settings), in one partition. The
 * {@link JobSettingsCheck} refuses topics made otherwise, with the same margins.
 */
public final class TopicSetup {
    private TopicSetup() {}

    /**
     * Room for what Kafka adds to a value in a stored batch: the key (an id of up to 128
     * characters), the headers of a chunk or a dead letter, and the batch framing.
     */
    public static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

    /** The least message limit of the checkpoints topic, whatever the chunk size. */
    public static final int MIN_CHECKPOINTS_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /** Any input record, even one over the event limit, plus the dead-letter headers. */
    public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 8 * 1024 * 1024 + RECORD_OVERHEAD_BYTES;

    /** With the job's default event and chunk limits. */
    public static List<NewTopic> topics(Topics t, int partitions) {
        return topics(t, partitions, EventLimits.DEFAULT_MAX_EVENT_BYTES, 512 * 1024);
    }

    /**
     * @param maxEventBytes {@code --max-event-bytes}: the images topic takes an event of this size
     * @param maxChunkBytes {@code --checkpoint-chunk-bytes}: the checkpoints topic takes a chunk of this size
     */
    public static List<NewTopic> topics(Topics t, int partitions, int maxEventBytes, int maxChunkBytes) {
        int images = imagesMaxMessageBytes(maxEventBytes);
        return List.of(
                new NewTopic(t.images(), partitions, (short) 1).configs(Map.of("max.message.bytes",
                        Integer.toString(images))),
                new NewTopic(t.checkpoints(), 1, (short) 1).configs(Map.of("max.message.bytes",
                        Integer.toString(checkpointsMaxMessageBytes(maxChunkBytes)), "retention.ms", "-1")),
                new NewTopic(t.embeddings(), partitions, (short) 1),
                new NewTopic(t.deadLetters(), 1, (short) 1).configs(Map.of("max.message.bytes",
                        Integer.toString(deadLettersMaxMessageBytes(images)))),
                // a few hundred bytes per promoted version, kept forever: a consumer that starts late
                // finds each catalog's newest complete version (compaction by catalog would keep only
                // the newest marker, which may be a superseded one)
                new NewTopic(t.versions(), 1, (short) 1).configs(Map.of("retention.ms", "-1")),
                // key = catalog: compaction keeps each catalog's newest settings (or its tombstone, for a while)
                new NewTopic(t.catalogs(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
    }

    /** The message limit the images topic needs for events of up to {@code maxEventBytes}. */
    public static int imagesMaxMessageBytes(int maxEventBytes) {
        return maxEventBytes + RECORD_OVERHEAD_BYTES;
    }

    /** The message limit the checkpoints topic needs for chunks of {@code maxChunkBytes}. */
    public static int checkpointsMaxMessageBytes(int maxChunkBytes) {
        return Math.max(MIN_CHECKPOINTS_MAX_MESSAGE_BYTES, maxChunkBytes + RECORD_OVERHEAD_BYTES);
    }

    /** The message limit the dead-letter topic needs to repeat any record of the images topic. */
    public static int deadLettersMaxMessageBytes(long imagesMaxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE,
                Math.max(DEAD_LETTER_MAX_MESSAGE_BYTES, imagesMaxMessageBytes + RECORD_OVERHEAD_BYTES));
    }
}
