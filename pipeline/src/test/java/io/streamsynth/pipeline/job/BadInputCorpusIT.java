package io.streamsynth.pipeline.job;

import io.streamsynth.pipeline.kafka.Topics;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.kafka.DeadLetterSerializer;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.pipeline.job.BadInputCorpus.BadEvent;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job, on a real in-JVM broker and a MiniCluster, fed every kind of bad input mixed among
 * good events: each bad record reaches the dead-letter topic exactly once, byte for byte, with its
 * reason; the job never restarts; and every event is accounted for.
 */
class BadInputCorpusIT {
    private static final int CLASSES = 6;
    private static final int GOOD = 180;
    private static final int FLOOD = 400;
    private static final int P = 4;
    private static final int K = 4;
    private static final int MAX_SAMPLES_PER_CLASS = 16;
    private static final String SPARSE = "sparse";
    /** Fewer than K items in each class: no class ever becomes eligible for a batch. */
    private static final int SPARSE_CLASSES = 5;
    private static final int SPARSE_PER_CLASS = K - 1;
    private static final int LARGE_MESSAGES = 8 << 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void everyBadEventIsDeadLetteredOnceWithItsBytesAndReasonAndTheJobTrainsOnTheRestWithoutRestarting()
            throws Exception {
        JobMetrics metrics = new JobMetrics();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = config(kafka.bootstrapServers());
            kafka.createTopics(topics(config.topics()));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    metrics.addTo(FlinkEnvironments.stateConfig(dir.resolve("checkpoints"))));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "bad-input");
            JobID id = job.jobId();
            Properties large = new Properties();
            large.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(LARGE_MESSAGES));
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), large,
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                List<BadEvent> malformed = BadInputCorpus.malformed();
                List<BadEvent> bad = new ArrayList<>(malformed);
                int half = malformed.size() / 2;

                GeneratedCatalog.send(producer, 0, GOOD / 2, CLASSES);
                send(producer, malformed.subList(0, half));
                sendSparseCatalog(producer);
                // A producer's retries: the same event_id again, once byte for byte and once with a new event_time.
                BadInputCorpus.Event original = goodEvent("retried", 2);
                byte[] originalBytes = original.bytes();
                producer.sendRaw(original.key, originalBytes);
                // Without an event_id nothing is deduplicated: both count as valid, the second replaces the first.
                BadInputCorpus.Event noId = goodEvent("no-event-id", 3).without("event_id");
                producer.sendRaw(noId.key, noId.bytes());
                producer.sendRaw(noId.key, noId.put("event_time", 1_767_225_600_001L).bytes());
                GeneratedCatalog.send(producer, GOOD / 2, GOOD, CLASSES);
                send(producer, malformed.subList(half, malformed.size()));
                sendFlood(producer);
                BadInputCorpus.Event query = goodEvent("query", 4).put("train", false).without("label");
                producer.sendRaw(query.key, query.bytes());
                bad.add(new BadEvent("duplicate event_id, same bytes", original.key, originalBytes, "duplicate_event"));
                producer.sendRaw(original.key, originalBytes);
                byte[] retried = original.put("event_time", 1_767_225_700_000L).bytes();
                bad.add(new BadEvent("duplicate event_id, new event_time", original.key, retried, "duplicate_event"));
                producer.sendRaw(original.key, retried);
                // deletes of items the job never stored: counted, not dead-lettered, no tombstone
                producer.sendTombstone(GeneratedCatalog.CATALOG, "never-sent");
                producer.sendEvent(GeneratedCatalog.CATALOG, "never-sent-either", ("{\"schema_version\":1,"
                        + "\"catalog\":\"" + GeneratedCatalog.CATALOG + "\",\"item_id\":\"never-sent-either\","
                        + "\"deleted\":true}").getBytes(StandardCharsets.UTF_8));
                int unknownDeletes = 2;
                producer.flush();

                long eventsIn = producer.sent() - unknownDeletes;
                int validEvents = GOOD + SPARSE_CLASSES * SPARSE_PER_CLASS + 1 + 2 + FLOOD + 1;
                int validItems = validEvents - 1;
                int embeddedItems = validItems - SPARSE_CLASSES * SPARSE_PER_CLASS;
                assertThat(eventsIn).isEqualTo(validEvents + bad.size());

                long newest = Waiting.untilQuietAndEmbedded(watcher, embeddedItems, Duration.ofSeconds(200));
                waitFor(() -> watcher.deadLetters(), bad.size(), watcher);
                waitFor(() -> metrics.operator(id, "batch builder", "batchesBuilt")
                        - metrics.operator(id, "trainer", "steps"), 0, watcher);
                watcher.poll(Duration.ofSeconds(3));

                // every bad record: in the dead-letter topic once, with its key, its exact bytes and its reason
                assertThat(watcher.deadLetters()).isEqualTo(bad.size());
                Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : watcher.deadLetterRecords()) {
                    byKey.computeIfAbsent(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                            k -> new ArrayList<>()).add(r);
                }
                for (BadEvent b : bad) {
                    List<ConsumerRecord<byte[], byte[]>> letters = byKey.getOrDefault(b.key(), List.of());
                    ConsumerRecord<byte[], byte[]> letter = letters.stream()
                            .filter(r -> Arrays.equals(r.value(), b.value())).findFirst().orElse(null);
                    assertThat(letter).as("dead letter of %s (key %s), found %s", b.kind(), b.key(),
                            letters.stream().map(BadInputCorpusIT::reason).toList()).isNotNull();
                    assertThat(reason(letter)).as("reason for %s", b.kind()).isEqualTo(b.reason());
                    assertThat(header(letter, DeadLetterSerializer.SOURCE)).startsWith(config.topics().images() + "-");
                    assertThat(header(letter, DeadLetterSerializer.DETAIL)).isNotBlank();
                }
                assertThat(bad.stream().map(BadEvent::reason).distinct().count()).as("kinds of reason")
                        .isGreaterThanOrEqualTo(20);

                // the job never restarted
                assertThat(metrics.job(id, "numRestarts")).isZero();
                assertThat(job.client().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

                // counts add up: in = valid + dead-lettered; every valid item stored, every trainable one embedded
                assertThat(metrics.operator(id, "decode+validate", "eventsIn")).isEqualTo(eventsIn + unknownDeletes);
                assertThat(metrics.operator(id, "decode+validate", "deadLetters")).isEqualTo(malformed.size());
                assertThat(metrics.operator(id, "drop duplicates", "duplicateEvents")).isEqualTo(2);
                // every event that passed decoding and the duplicate check reached the embedder's item state
                assertThat(metrics.operator(id, "embedder", "itemsReceived")).isEqualTo(validEvents);
                Map<String, ItemEmbedding> embedded = watcher.newestEmbeddings();
                assertThat(embedded).hasSize(validItems);
                // the sparse catalog never trains, yet its items are served by its initial model (cold start)
                assertThat(embedded.values()).filteredOn(e -> e.catalog.equals(SPARSE))
                        .hasSize(SPARSE_CLASSES * SPARSE_PER_CLASS).allSatisfy(e -> assertThat(e.modelVersion).isZero());
                assertThat(embedded.values()).filteredOn(e -> !e.catalog.equals(SPARSE)).hasSize(embeddedItems)
                        .allSatisfy(e -> {
                            assertThat(e.catalog).isEqualTo(GeneratedCatalog.CATALOG);
                            assertThat(e.modelVersion).isEqualTo(newest);
                        });
                assertThat(watcher.outOfOrderEmbeddings()).isZero();
                assertThat(watcher.tombstones()).as("deletes of unknown items publish nothing").isZero();
                assertThat(metrics.operator(id, "embedder", "deletesOfUnknownItems")).isEqualTo(unknownDeletes);

                // trained: every valid training event was buffered or held out; each step is a full P x K batch
                long buffered = metrics.operator(id, "batch builder", "samplesBuffered");
                long heldOut = metrics.operator(id, "batch builder", "heldOutForwarded");
                assertThat(metrics.operator(id, "batch builder", "samplesRejected")).isZero();
                assertThat(buffered + heldOut).isEqualTo(validEvents - 1);
                long steps = metrics.operator(id, "trainer", "steps");
                assertThat(steps).isPositive();
                assertThat(metrics.operator(id, "trainer", "imagesTrained")).isEqualTo(steps * P * K);

                // the flood: the generated catalog's buffer stays within its caps (6 classes x 16)
                String generated = GeneratedCatalog.CATALOG;
                assertThat(metrics.catalog(id, "batch builder", generated, "bufferedClasses")).isEqualTo(CLASSES);
                assertThat(metrics.catalog(id, "batch builder", generated, "bufferedSamples"))
                        .isLessThanOrEqualTo((long) CLASSES * MAX_SAMPLES_PER_CLASS);
                // the operator's gauges add the sparse catalog's buffer (it is never trained on) to it
                assertThat(metrics.catalog(id, "batch builder", SPARSE, "bufferedClasses")).isEqualTo(SPARSE_CLASSES);
                assertThat(metrics.operator(id, "batch builder", "bufferedClasses")).isEqualTo(CLASSES + SPARSE_CLASSES);
                assertThat(buffered).isGreaterThan(FLOOD);

                // a catalog whose classes never reach K: stored, never trained, only its version 0 published
                assertThat(watcher.checkpoints()).filteredOn(c -> c.metadata().catalog().equals(SPARSE))
                        .extracting(c -> c.metadata().modelVersion() + "@" + c.metadata().step() + " "
                                + c.metadata().promotion().get("reason")).containsExactly("0@0 cold_start");
                assertThat(watcher.checkpoints()).filteredOn(c -> c.metadata().catalog().equals(GeneratedCatalog.CATALOG))
                        .hasSizeGreaterThan(1);

                System.out.printf("bad-input corpus: events in %d, dead-lettered %d (%d kinds of reason), valid %d"
                        + " (items %d), buffered %d, held out %d, steps %d, images trained %d, embedded items %d"
                        + " at version %d, restarts %d; largest dead letters %s bytes%n", eventsIn,
                        watcher.deadLetters(), bad.stream().map(BadEvent::reason).distinct().count(), validEvents,
                        validItems, buffered, heldOut, steps, steps * P * K, embedded.size(), newest,
                        metrics.job(id, "numRestarts"), watcher.deadLetterRecords().stream()
                                .map(r -> r.value() == null ? 0 : r.value().length).sorted(Comparator.reverseOrder())
                                .limit(3).toList());
            } finally {
                job.close();
            }
        }
    }

    private static JobConfig config(String bootstrapServers) {
        JobConfig c = GeneratedCatalog.config(bootstrapServers, "bad-input");
        return c.toBuilder().maxSamplesPerClass(MAX_SAMPLES_PER_CLASS).build();
    }

    /** The job's topics, with an images topic that takes records over Kafka's default 1 MiB. */
    private static List<NewTopic> topics(Topics t) {
        List<NewTopic> topics = new ArrayList<>();
        for (NewTopic topic : TopicSetup.topics(t, 2)) {
            topics.add(topic.name().equals(t.images()) ? new NewTopic(t.images(), 2, (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(LARGE_MESSAGES))) : topic);
        }
        return topics;
    }

    private static void send(ImageEventProducer producer, List<BadEvent> events) {
        for (BadEvent b : events) {
            producer.sendRaw(b.key(), b.value());
        }
    }

    private static void sendSparseCatalog(ImageEventProducer producer) {
        for (int c = 0; c < SPARSE_CLASSES; c++) {
            for (int i = 0; i < SPARSE_PER_CLASS; i++) {
                String item = "sparse-" + c + "-" + i;
                BadInputCorpus.Event e = goodEvent(item, c).put("catalog", SPARSE);
                producer.sendRaw(e.key, e.bytes());
            }
        }
    }

    /** FLOOD more events of class 0, on top of its share of the good ones. */
    private static void sendFlood(ImageEventProducer producer) {
        for (int i = 0; i < FLOOD; i++) {
            BadInputCorpus.Event e = goodEvent("flood-" + i, 0);
            producer.sendRaw(e.key, e.bytes());
        }
    }

    private static BadInputCorpus.Event goodEvent(String item, int label) {
        BadInputCorpus.Event e = new BadInputCorpus.Event(item);
        e.put("schema_version", 1).put("event_id", "event-" + item).put("catalog", GeneratedCatalog.CATALOG)
                .put("item_id", item).put("label", Integer.toString(label));
        e.image(ImageDecoder.encodePng(1, GeneratedCatalog.SIZE, GeneratedCatalog.SIZE,
                GeneratedCatalog.pixels(label, item.hashCode())));
        return e.put("event_time", 1_767_225_600_000L).put("train", true);
    }

    private static void waitFor(LongSupplier value, long expected, PipelineWatcher watcher) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (value.getAsLong() != expected && System.currentTimeMillis() < deadline) {
            watcher.poll(Duration.ofMillis(300));
        }
        assertThat(value.getAsLong()).isEqualTo(expected);
    }

    private static String reason(ConsumerRecord<byte[], byte[]> r) {
        return header(r, DeadLetterSerializer.REASON);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
