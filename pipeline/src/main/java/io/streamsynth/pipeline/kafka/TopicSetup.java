package io.streamsynth.pipeline.kafka;

import io.streamsynth.pipeline.job.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics the job needs, with settings that suit each: checkpoints are chunked, so 8 MiB
 * messages suffice; dead letters carry any input record whole, so they take what images take.
 */
public final class TopicSetup {
    private TopicSetup() {}

    /** Any input record, even one over the event limit, plus the dead-letter headers. */
    public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 8 * 1024 * 1024 + 64 * 1024;

    public static List<NewTopic> topics(Topics t, int partitions) {
        return List.of(
                new NewTopic(t.images(), partitions, (short) 1),
                new NewTopic(t.checkpoints(), 1, (short) 1).configs(Map.of("max.message.bytes", "8388608",
                        "retention.ms", "-1")),
                new NewTopic(t.embeddings(), partitions, (short) 1),
                new NewTopic(t.deadLetters(), 1, (short) 1).configs(Map.of("max.message.bytes",
                        Integer.toString(DEAD_LETTER_MAX_MESSAGE_BYTES))));
    }
}
