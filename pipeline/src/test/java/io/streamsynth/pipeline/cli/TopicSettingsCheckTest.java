package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics and a live producer that break the job's contract, on one real broker: each refused by
 * `train` in one line with exit code 2, and the corrected setting passing the same check.
 */
@Timeout(180)
class TopicSettingsCheckTest {
    private static EmbeddedKafka kafka;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = TopicFixtures.startBroker();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void imagesTopicWithTheBrokersDefaultMessageLimitRefusesTheDefaultEventLimit() throws Exception {
        // made without max.message.bytes, as --create-topics, docker/ and k8s/ did: the broker's 1 MiB applies
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of("images", Map.of("max.message.bytes", "")));

        CommandRun run = JobSettingsFixture.train(kafka, t);

        JobSettingsFixture.assertRefusedInOneLine(run, "--max-event-bytes 2097152", "topic '" + t.images()
                + "' max.message.bytes 1048588", "lower --max-event-bytes to at most 983052");
        assertThatCode(() -> JobSettingsFixture.check(kafka, t, 1, "--max-event-bytes", "983052"))
                .doesNotThrowAnyException();
    }

    @Test
    void aMissingVersionMarkersTopicIsNamedInOneLineBeforeTheJobStarts() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of());

        Topics withoutMarkers = new Topics(t.images(), t.checkpoints(), t.embeddings(), t.deadLetters(),
                "no-such-versions", t.catalogs());

        CommandRun run = JobSettingsFixture.train(kafka, withoutMarkers);

        JobSettingsFixture.assertRefusedInOneLine(run, "topic 'no-such-versions' does not exist at "
                + kafka.bootstrapServers() + ": create it (train --create-topics) or check the topic names");
    }

    @Test
    void aMissingCatalogSettingsTopicIsNamedInOneLineBeforeTheJobStarts() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of());

        Topics withoutCatalogs = new Topics(t.images(), t.checkpoints(), t.embeddings(), t.deadLetters(),
                t.versions(), "no-such-catalogs");

        CommandRun run = JobSettingsFixture.train(kafka, withoutCatalogs);

        JobSettingsFixture.assertRefusedInOneLine(run, "topic 'no-such-catalogs' does not exist at "
                + kafka.bootstrapServers() + ": create it (train --create-topics) or check the topic names");
    }

    @Test
    void aCatalogSettingsTopicThatExpiresRecordsIsRefusedAndACompactedOnePasses() throws Exception {
        Topics expiring = JobSettingsFixture.topics(kafka, 1, Map.of("catalogs", Map.of("cleanup.policy", "delete",
                "retention.ms", "86400000")));

        JobSettingsFixture.assertRefusedInOneLine(JobSettingsFixture.train(kafka, expiring), "topic '"
                + expiring.catalogs() + "' has cleanup.policy=delete with retention.ms=86400000",
                "set cleanup.policy=compact");
        Topics compacted = JobSettingsFixture.topics(kafka, 1, Map.of());
        assertThatCode(() -> JobSettingsFixture.check(kafka, compacted, 1)).doesNotThrowAnyException();
    }

    @Test
    void chunksLargerThanTheCheckpointsTopicTakesAreRefused() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of());

        CommandRun run = JobSettingsFixture.train(kafka, t, "--checkpoint-chunk-bytes", Integer.toString(32 << 20));

        JobSettingsFixture.assertRefusedInOneLine(run, "--checkpoint-chunk-bytes 33554432", "topic '"
                + t.checkpoints() + "' max.message.bytes 8388608", "lower --checkpoint-chunk-bytes to at most 8323072");
        assertThatCode(() -> JobSettingsFixture.check(kafka, t, 1, "--checkpoint-chunk-bytes", "8323072"))
                .doesNotThrowAnyException();
    }

    @Test
    void topicsMadeForTheJobsLargerLimitsPassTheCheck() throws Exception {
        Topics t = new Topics("big-images", "big-checkpoints", "big-embeddings", "big-dead-letters",
                "big-embedding-versions");
        // the topics --create-topics makes for 4 MiB events and 16 MiB chunks (beyond the 8 MiB default)
        String[] flags = {"--max-event-bytes", Integer.toString(4 << 20), "--checkpoint-chunk-bytes",
            Integer.toString(16 << 20)};
        io.streamsynth.pipeline.kafka.TopicCreator.createMissing(kafka.bootstrapServers(), new Properties(),
                io.streamsynth.pipeline.kafka.TopicSetup.topics(t, 1, 4 << 20, 16 << 20));

        assertThatCode(() -> JobSettingsFixture.check(kafka, t, 1, flags)).doesNotThrowAnyException();
    }

    @Test
    void maxRequestSizeBelowTheLargestRecordIsRefused() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of());
        Path file = Files.writeString(dir.resolve("small-requests.properties"), "max.request.size=1048576\n");

        CommandRun run = JobSettingsFixture.train(kafka, t, "--kafka-properties", file.toString());

        JobSettingsFixture.assertRefusedInOneLine(run, "the sinks' max.request.size 1048576",
                "set max.request.size to at least 2228224");
        Path fixed = Files.writeString(dir.resolve("large-requests.properties"), "max.request.size=2228224\n");
        assertThatCode(() -> JobSettingsFixture.check(kafka, t, 1, "--kafka-properties", fixed.toString()))
                .doesNotThrowAnyException();
    }

    @Test
    void deadLetterTopicSmallerThanTheImagesRecordsIsRefused() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of("dead-letters", Map.of("max.message.bytes",
                "1048576")));

        CommandRun run = JobSettingsFixture.train(kafka, t);

        JobSettingsFixture.assertRefusedInOneLine(run, "topic '" + t.deadLetters() + "' max.message.bytes 1048576",
                "max.message.bytes 2162688", "at least 2228224");
        Topics fixed = JobSettingsFixture.topics(kafka, 1, Map.of("dead-letters", Map.of("max.message.bytes",
                "2228224")));
        assertThatCode(() -> JobSettingsFixture.check(kafka, fixed, 1)).doesNotThrowAnyException();
    }

    @Test
    void compactedOrExpiringCheckpointsTopicIsRefused() throws Exception {
        Topics compacted = JobSettingsFixture.topics(kafka, 1, Map.of("checkpoints", Map.of("cleanup.policy",
                "compact")));
        Topics expiring = JobSettingsFixture.topics(kafka, 1, Map.of("checkpoints", Map.of("retention.ms",
                "604800000")));

        JobSettingsFixture.assertRefusedInOneLine(JobSettingsFixture.train(kafka, compacted), "topic '"
                + compacted.checkpoints() + "' has cleanup.policy=compact", "set cleanup.policy=delete");
        JobSettingsFixture.assertRefusedInOneLine(JobSettingsFixture.train(kafka, expiring), "topic '"
                + expiring.checkpoints() + "' has retention.ms=604800000", "set retention.ms=-1");
        Topics kept = JobSettingsFixture.topics(kafka, 1, Map.of());
        assertThatCode(() -> JobSettingsFixture.check(kafka, kept, 1)).doesNotThrowAnyException();
    }

    @Test
    void compactedOrExpiringMarkersTopicIsRefused() throws Exception {
        Topics compacted = JobSettingsFixture.topics(kafka, 1, Map.of("versions", Map.of("cleanup.policy",
                "compact")));
        Topics expiring = JobSettingsFixture.topics(kafka, 1, Map.of("versions", Map.of("retention.ms",
                "86400000")));
        Topics compactAndDelete = JobSettingsFixture.topics(kafka, 1, Map.of("versions", Map.of("cleanup.policy",
                "compact,delete")));

        JobSettingsFixture.assertRefusedInOneLine(JobSettingsFixture.train(kafka, compacted), "topic '"
                + compacted.versions() + "' has cleanup.policy=compact", "set cleanup.policy=delete");
        JobSettingsFixture.assertRefusedInOneLine(JobSettingsFixture.train(kafka, expiring), "topic '"
                + expiring.versions() + "' has retention.ms=86400000", "set retention.ms=-1");
        JobSettingsFixture.assertRefusedInOneLine(JobSettingsFixture.train(kafka, compactAndDelete), "topic '"
                + compactAndDelete.versions() + "' has cleanup.policy=compact,delete");
        Topics kept = JobSettingsFixture.topics(kafka, 1, Map.of());
        assertThatCode(() -> JobSettingsFixture.check(kafka, kept, 1)).doesNotThrowAnyException();
    }

    @Test
    void fewerImagesPartitionsThanTheParallelismAreRefused() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of());

        CommandRun run = JobSettingsFixture.train(kafka, t, "--parallelism", "3");

        JobSettingsFixture.assertRefusedInOneLine(run, "topic '" + t.images() + "' has 1 partition for "
                + "parallelism 3", "lower --parallelism to 1");
        Topics wide = JobSettingsFixture.topics(kafka, 3, Map.of());
        assertThatCode(() -> JobSettingsFixture.check(kafka, wide, 3)).doesNotThrowAnyException();
    }

    @Test
    void minInsyncReplicasAboveTheReplicationFactorIsRefused() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of("embeddings", Map.of("min.insync.replicas", "2")));

        CommandRun run = JobSettingsFixture.train(kafka, t);

        JobSettingsFixture.assertRefusedInOneLine(run, "topic '" + t.embeddings() + "' has replication factor 1 "
                + "but min.insync.replicas 2", "lower the topic's min.insync.replicas to 1");
        Topics fixed = JobSettingsFixture.topics(kafka, 1, Map.of("embeddings", Map.of("min.insync.replicas", "1")));
        assertThatCode(() -> JobSettingsFixture.check(kafka, fixed, 1)).doesNotThrowAnyException();
    }

    @Test
    void severalMismatchesAreOneLineEach() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of("images", Map.of("max.message.bytes", ""),
                "checkpoints", Map.of("cleanup.policy", "compact")));

        CommandRun run = JobSettingsFixture.train(kafka, t);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip().lines()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("error: "));
    }

    @Test
    void aPrefixInUseByARunningProducerIsRefusedAndAnotherPrefixPasses() throws Exception {
        Topics t = JobSettingsFixture.topics(kafka, 1, Map.of());
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch committed = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // another job's embeddings sink: one transaction after another, as at every checkpoint
        Thread other = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = transactional("first-job-embeddings-0-1")) {
                producer.initTransactions();
                while (running.get()) {
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>(t.embeddings(), new byte[] {1}));
                    producer.commitTransaction();
                    committed.countDown();
                    Thread.sleep(200);
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "other-job");
        other.start();
        try {
            assertThat(committed.await(60, TimeUnit.SECONDS)).as("the other job commits (%s)", failed.get()).isTrue();
            CommandRun run = JobSettingsFixture.train(kafka, t, "--job-name", "first-job");

            JobSettingsFixture.assertRefusedInOneLine(run, "--transactional-id-prefix 'first-job' is in use by a "
                    + "running producer (transactional id 'first-job-embeddings-0-1'", "give this job its own "
                    + "--transactional-id-prefix");
            assertThatCode(() -> JobSettingsFixture.check(kafka, t, 1, "--transactional-id-prefix", "second-job"))
                    .doesNotThrowAnyException();
        } finally {
            running.set(false);
            other.join(10_000);
        }
        // the first job gone, its ids stay with the coordinator: a restart under the same prefix passes
        assertThatCode(() -> JobSettingsFixture.check(kafka, t, 1, "--transactional-id-prefix", "first-job"))
                .doesNotThrowAnyException();
    }

    private static KafkaProducer<byte[], byte[]> transactional(String id) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
