package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.server.BrokerServer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kafka broker goes away for a while in the middle of a run and comes back on the same port
 * (the test kit pre-binds its listeners, so a restarted broker listens where it did), while a
 * producer keeps sending: nothing is lost or published twice. Both outages are ridden out by the
 * clients' retries within their default delivery timeout (120 s).
 *
 * <p>An outage longer than the sinks' delivery timeout is not tested here: the failing Kafka
 * writer rethrows the send error again while the task is cleaned up, which Flink treats as fatal
 * for the whole TaskManager. A real cluster replaces that process; the single TaskManager of a
 * local environment is gone for good, so such a test would hang rather than prove anything.
 */
class BrokerRestartIT {
    private static final int CLASSES = 5;
    private static final int BEFORE = 300;
    private static final int ITEMS = 800;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "down {0} s")
    @ValueSource(ints = {10, 25})
    @Timeout(420)
    void jobOutlastsABrokerRestartAndLosesNothing(int downSeconds) throws Exception {
        long started = System.currentTimeMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "broker-restart");
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            Configuration conf = FaultWaits.restartingStateConfig(dir.resolve("checkpoints"), 1000);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "broker-restart");
            BrokerServer broker = kafka.cluster().brokers().values().iterator().next();
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                GeneratedCatalog.send(producer, 0, BEFORE, CLASSES);
                long before = FaultWaits.untilVersionAbove(watcher, 1, Duration.ofSeconds(120));

                // the producer keeps sending, a few events every 100 ms, before, during and after the outage
                AtomicInteger sent = new AtomicInteger(BEFORE);
                Thread sender = new Thread(() -> {
                    while (sent.get() < ITEMS) {
                        int from = sent.get();
                        int to = Math.min(ITEMS, from + 5);
                        for (int i = from; i < to; i++) {
                            sendWithoutWaiting(producer, i);
                        }
                        sent.set(to);
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "paced-sender");
                sender.start();
                Thread.sleep(1000);
                int sentWhenDown = sent.get();
                broker.shutdown();
                Thread.sleep(downSeconds * 1000L);
                int sentWhileDown = sent.get() - sentWhenDown;
                broker.startup();
                kafka.cluster().waitForReadyBrokers();
                sender.join(TimeUnit.MINUTES.toMillis(3));
                assertThat(sender.isAlive()).as("sender finished").isFalse();
                producer.flush();

                long newest = Waiting.untilQuietAndEmbedded(watcher, ITEMS, Duration.ofSeconds(240));
                PublishedAudit audit = PublishedAudit.read(kafka.bootstrapServers(), config.topics());
                audit.assertVersionsHaveNoGapOrRepeat();
                audit.assertEveryItemAtTheNewestVersionInOrderOnce(ITEMS);
                assertThat(newest).isGreaterThan(before);
                assertThat(sentWhileDown).as("events handed to the producer while the broker was down").isPositive();
                System.err.printf("[figures] BrokerRestartIT down %d s: %d events in (%d handed to"
                        + " the producer during the outage), %s, wall %.0f s%n", downSeconds, ITEMS,
                        sentWhileDown, audit.figures(), (System.currentTimeMillis() - started) / 1000.0);
            } finally {
                job.close();
            }
        }
    }

    /** Like {@link GeneratedCatalog#send} for one item, but without flushing: the producer buffers during the outage. */
    private static void sendWithoutWaiting(ImageEventProducer producer, int item) {
        int label = GeneratedCatalog.labelOf(item, CLASSES);
        byte[] png = ImageDecoder.encodePng(1, GeneratedCatalog.SIZE, GeneratedCatalog.SIZE,
                GeneratedCatalog.pixels(label, item));
        String id = GeneratedCatalog.itemId(item);
        producer.sendRaw(id, ImageEventJson.encode(id, GeneratedCatalog.CATALOG, id, Integer.toString(label), png,
                System.currentTimeMillis(), true));
    }
}
