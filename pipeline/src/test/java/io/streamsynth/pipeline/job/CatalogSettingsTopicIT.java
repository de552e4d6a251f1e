package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.operators.decode.DecodeEvents;
import io.streamsynth.operators.kafka.DeadLetterSerializer;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import io.streamsynth.pipeline.produce.FashionMnistItems;
import io.streamsynth.pipeline.produce.ImageItems;
import io.streamsynth.pipeline.produce.OutgoingImages;
import io.streamsynth.pipeline.shots.ProductShotCatalog;
import io.streamsynth.pipeline.shots.ProductShotRenderer;
import io.streamsynth.pipeline.shots.ShotKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalog settings as data (issue 10 part 4): a job training Fashion-MNIST as {@code fashion} under its
 * flags (grey 28 x 28, 16-d) is told mid-run, by a record on the catalogs topic, that a second catalog
 * {@code products} takes RGB shots at S 72 / C 64 with a 24-d network; that catalog's product shots then
 * train and embed under those settings while {@code fashion} goes on under the flags. Four invalid records
 * are dead-lettered once each with reason {@code invalid_catalog_settings}, and the job never restarts.
 * Real broker, MiniCluster, RocksDB.
 */
class CatalogSettingsTopicIT {
    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    private static final String FASHION = "fashion";
    private static final String PRODUCTS = "products";
    private static final int PRODUCTS_EMBEDDING = 24;
    /** After the checkpoint metadata's own words: channels, S, C of the record. */
    private static final String PRODUCTS_SETTINGS = "{\"schema_version\":1,\"catalog\":\"products\","
            + "\"image_channels\":3,\"image_resize\":72,\"image_crop\":64,\"architecture\":\"cnn\","
            + "\"embedding_size\":24,\"base_filters\":8,\"classes_per_batch\":3,\"samples_per_class\":4,"
            + "\"publish_every_steps\":4}";

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aCatalogAnnouncedMidRunTrainsAndEmbedsWithItsOwnImageSpecWhileBadRecordsAreDeadLettered()
            throws Exception {
        ImageItems fashion = FashionMnistItems.select(FASHION_MNIST, FashionMnist.Split.TRAIN, Set.of(0, 1, 5, 7))
                .limit(96);
        ImageItems shots = FashionMnistItems.select(FASHION_MNIST, FashionMnist.Split.TEST, Set.of(2, 3, 4))
                .limit(36);
        JobMetrics metrics = new JobMetrics();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "catalogs-topic");
            kafka.createTopics(TopicSetup.topics(config.topics(), 1));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    metrics.addTo(FlinkEnvironments.stateConfig(dir.resolve("checkpoints"))));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "catalogs-topic");
            JobID id = job.jobId();
            try (ImageEventProducer images = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    ImageEventProducer catalogs = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                            config.topics().catalogs());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                for (ImageItems.Item item : fashion.items()) {
                    images.send(FASHION, item.itemId(), fashion.images(), item.index(), true);
                }
                images.flush();
                waitUntil(watcher, () -> version(watcher, FASHION) >= 1, "a trained version of fashion");

                // mid-run: the new catalog's settings, then two records that must not take effect
                catalogs.sendRaw(PRODUCTS, PRODUCTS_SETTINGS.getBytes(StandardCharsets.UTF_8));
                catalogs.sendRaw("broken", PRODUCTS_SETTINGS.replace("\"cnn\"", "\"vgg16\"")
                        .replace("\"products\"", "\"broken\"").getBytes(StandardCharsets.UTF_8));
                catalogs.sendRaw(PRODUCTS, PRODUCTS_SETTINGS.replace("\"catalog\":\"products\"",
                        "\"catalog\":\"fashion\"").replace("24", "8").getBytes(StandardCharsets.UTF_8));
                catalogs.sendRaw("negative", PRODUCTS_SETTINGS.replace("\"products\"", "\"negative\"")
                        .replace("\"image_resize\":72", "\"image_resize\":-10").getBytes(StandardCharsets.UTF_8));
                catalogs.sendRaw("missing", PRODUCTS_SETTINGS.replace("\"products\"", "\"missing\"")
                        .replace("\"embedding_size\":24,", "").getBytes(StandardCharsets.UTF_8));
                catalogs.flush();
                waitUntil(watcher, () -> metrics.operator(id, "decode+validate", "catalogSettingsApplied") >= 1
                        && metrics.operator(id, "decode+validate", "catalogSettingsRejected") >= 4,
                        "the settings records at the decoder");

                OutgoingImages productShots = ProductShotCatalog.outgoing(shots, new ProductShotRenderer(7, 80, 120,
                        EnumSet.allOf(ShotKind.class)));
                for (OutgoingImages.Entry shot : productShots.entries()) {
                    images.sendEvent(PRODUCTS, shot.itemId(), ImageEventJson.encode(shot.itemId(), PRODUCTS,
                            shot.itemId(), shot.label(), shot.bytes().read(), System.currentTimeMillis(), true));
                }
                images.flush();
                waitUntil(watcher, () -> version(watcher, PRODUCTS) >= 1
                        && embedded(watcher, PRODUCTS).size() == shots.size(), "a trained products version and "
                        + "every product shot embedded");

                Checkpoint products = watcher.newestCheckpointByCatalog().get(PRODUCTS);
                Checkpoint flags = watcher.newestCheckpointByCatalog().get(FASHION);
                System.out.printf("catalogs topic: fashion at version %d (%s), products at version %d step %d (%s, "
                        + "preprocessing %s); dead letters %d%n", flags.metadata().modelVersion(),
                        flags.metadata().architecture(), products.metadata().modelVersion(),
                        products.metadata().step(), products.metadata().architecture(),
                        products.metadata().preprocessing(), watcher.deadLetters());

                assertThat(Architecture.fromMap(products.metadata().architecture()))
                        .as("the record names no pooling: its network's default, whatever the job's")
                        .isEqualTo(new Architecture(Architecture.Kind.CNN, 3, 64, 64, PRODUCTS_EMBEDDING, 8,
                                Architecture.Pooling.GEM));
                ImageSpec spec = ImageSpec.fromMap(products.metadata().preprocessing());
                assertThat(List.of(spec.channels(), spec.resize(), spec.crop())).containsExactly(3, 72, 64);
                assertThat(products.metadata().step()).as("products trained").isPositive();
                assertThat(Architecture.fromMap(flags.metadata().architecture()))
                        .isEqualTo(GeneratedCatalog.ARCHITECTURE);
                assertThat(embedded(watcher, PRODUCTS)).allSatisfy(e -> assertThat(e.vector).hasSize(PRODUCTS_EMBEDDING));
                assertThat(embedded(watcher, FASHION)).hasSize(fashion.size())
                        .allSatisfy(e -> assertThat(e.vector).hasSize(GeneratedCatalog.ARCHITECTURE.embeddingSize()));

                assertThat(watcher.deadLetterRecords()).hasSize(4).allSatisfy(r -> assertThat(header(r,
                        DeadLetterSerializer.REASON)).isEqualTo(DecodeEvents.INVALID_CATALOG_SETTINGS));
                assertThat(watcher.deadLetterRecords()).extracting(r -> header(r, DeadLetterSerializer.DETAIL))
                        .anySatisfy(d -> assertThat(d).startsWith("architecture").contains("vgg16"))
                        .anySatisfy(d -> assertThat(d).startsWith("catalog").contains("products"))
                        .anySatisfy(d -> assertThat(d).startsWith("image_resize").contains("-10"))
                        .anySatisfy(d -> assertThat(d).startsWith("embedding_size").contains("required"));
                assertThat(metrics.job(id, "numRestarts")).isZero();
            } finally {
                job.close();
            }
        }
    }

    private static long version(PipelineWatcher watcher, String catalog) {
        Checkpoint c = watcher.newestCheckpointByCatalog().get(catalog);
        return c == null ? -1 : c.metadata().modelVersion();
    }

    /** The catalog's newest embedding of each item at its catalog's newest promoted version. */
    private static List<ItemEmbedding> embedded(PipelineWatcher watcher, String catalog) {
        Checkpoint served = watcher.newestPromotedCheckpointByCatalog().get(catalog);
        long version = served == null ? -1 : served.metadata().modelVersion();
        return watcher.newestEmbeddings().values().stream()
                .filter(e -> catalog.equals(e.catalog) && e.modelVersion == version).toList();
    }

    private static void waitUntil(PipelineWatcher watcher, BooleanSupplier done, String what) {
        long deadline = System.currentTimeMillis() + 150_000;
        while (!done.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waiting for " + what).isLessThan(deadline);
            watcher.poll(Duration.ofMillis(200));
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
