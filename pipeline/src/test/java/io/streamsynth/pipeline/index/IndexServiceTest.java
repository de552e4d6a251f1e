package io.streamsynth.pipeline.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index service against a real broker, fed records and markers the way the job writes them. */
class IndexServiceTest {
    private static final Duration LONG_GRACE = Duration.ofMinutes(5);
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = IndexRig.broker();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    /** Version 1 and version 2 of three items in the plane: different vectors, so answers tell the versions apart. */
    private static final Map<Long, Map<String, float[]>> SHOP = Map.of(
            1L, Map.of("a", unit(1, 0), "b", unit(1, 0.2f), "c", unit(0, 1)),
            2L, Map.of("a", unit(1, 0), "b", unit(0, 1), "c", unit(1, -0.5f)));

    @Test
    void answersOnlyFromTheNewestCompleteVersionAndSwitchesOnceItsRecordsAreIn() throws Exception {
        IndexRig rig = new IndexRig(kafka);
        rig.commit(shop(rig, 1, "a"), shop(rig, 1, "b"), shop(rig, 1, "c"));
        try (IndexService service = rig.start(dir, LONG_GRACE, false)) {
            rig.awaitCaughtUp(service);
            assertThatThrownBy(() -> service.indexes().neighbours("shop", "a", 2))
                    .isInstanceOf(NoSuchElementException.class).hasMessageContaining("no complete version");

            rig.commit(rig.marker("shop", 1, "complete", 3));
            IndexRig.await("version 1 served", () -> servedVersion(service, "shop") == 1);
            List<String> wrong = new CopyOnWriteArrayList<>();
            List<Long> versionsSeen = new CopyOnWriteArrayList<>();
            AtomicBoolean querying = new AtomicBoolean(true);
            Thread client = new Thread(() -> {
                while (querying.get()) {
                    try {
                        Neighbours n = service.indexes().neighbours("shop", "a", 2);
                        versionsSeen.add(n.modelVersion());
                        if (!matchesBruteForce(n, SHOP.get(n.modelVersion()))) {
                            wrong.add(n.toString());
                        }
                        Thread.sleep(1);
                    } catch (Exception e) {
                        wrong.add(e.toString());
                    }
                }
            });
            client.start();
            try {
                // two of version 2's records, then its marker: still version 1 (the marker counts 3 items)
                rig.commit(shop(rig, 2, "a"), shop(rig, 2, "b"));
                rig.commit(rig.marker("shop", 2, "complete", 3));
                rig.awaitCaughtUp(service);
                Thread.sleep(300);
                assertThat(servedVersion(service, "shop")).isEqualTo(1);
                assertThat(service.indexes().neighbours("shop", "a", 2).neighbours())
                        .extracting(Neighbour::itemId).containsExactly("b", "c");

                // the last record of version 2, committed after the marker (the sinks' order within a checkpoint)
                rig.commit(shop(rig, 2, "c"));
                IndexRig.await("version 2 served", () -> servedVersion(service, "shop") == 2);
                assertThat(service.indexes().neighbours("shop", "a", 2).neighbours())
                        .extracting(Neighbour::itemId).containsExactly("c", "b");
                Thread.sleep(200);
            } finally {
                querying.set(false);
                client.join();
            }
            assertThat(wrong).isEmpty();
            assertThat(versionsSeen).contains(1L, 2L);
            assertThat(versionsSeen.indexOf(2L)).isGreaterThan(versionsSeen.lastIndexOf(1L));
            IndexRig.await("version 1 dropped", () -> !Files.exists(new IndexLayout(dir).versionDir("shop", 1)));
        }
    }

    @Test
    void aTombstoneRemovesTheItemAndTheNewestRecordOfAnItemWins() throws Exception {
        IndexRig rig = new IndexRig(kafka);
        rig.commit(rig.embedding("t", "a", "x", 1, 1, 1, 0), rig.embedding("t", "b", "x", 1, 1, 0, 1),
                rig.embedding("t", "c", "y", 1, 1, 1, 1), rig.embedding("t", "d", "y", 1, 1, -1, 0));
        rig.commit(rig.embedding("t", "b", "x", 1, 2, 1, 0.1f), rig.marker("t", 1, "complete", 4));
        try (IndexService service = rig.start(dir, LONG_GRACE, false)) {
            IndexRig.await("version 1 served", () -> servedVersion(service, "t") == 1);
            Neighbours before = service.indexes().neighbours("t", "a", 3);
            assertThat(before.neighbours()).extracting(Neighbour::itemId).containsExactly("b", "c", "d");
            // b's second image: cos((1,0), (1,0.1)) = 1/sqrt(1.01)
            assertThat(before.neighbours().get(0).similarity()).isCloseTo(1 / Math.sqrt(1.01), within(1e-6));

            rig.commit(rig.tombstone("t", "c"));
            rig.awaitCaughtUp(service);
            assertThat(service.indexes().neighbours("t", "a", 3).neighbours())
                    .extracting(Neighbour::itemId).containsExactly("b", "d");
            assertThatThrownBy(() -> service.indexes().neighbours("t", "c", 3))
                    .isInstanceOf(NoSuchElementException.class).hasMessageContaining("item 'c' is not in catalog 't'");
        }
    }

    @Test
    void aRestartResumesFromTheCommittedPositionWithoutReadingAgainOrLosing() throws Exception {
        IndexRig rig = new IndexRig(kafka);
        rig.commit(rig.embedding("r", "a", "x", 1, 1, 1, 0), rig.embedding("r", "b", "x", 1, 1, 0, 1),
                rig.embedding("r", "c", "x", 1, 1, 1, 1), rig.marker("r", 1, "complete", 3));
        try (IndexService service = rig.start(dir, LONG_GRACE, false)) {
            IndexRig.await("version 1 served", () -> servedVersion(service, "r") == 1);
            rig.awaitCaughtUp(service);
            assertThat(service.feeder().embeddingsRead()).isEqualTo(3);
        }
        rig.commit(rig.embedding("r", "d", "x", 1, 1, 1, 0.5f), rig.tombstone("r", "b"));
        try (IndexService service = rig.start(dir, LONG_GRACE, false)) {
            // served from the saved state before anything is read
            assertThat(servedVersion(service, "r")).isEqualTo(1);
            rig.awaitCaughtUp(service);
            assertThat(service.feeder().embeddingsRead()).as("records read after the restart").isEqualTo(2);
            assertThat(service.indexes().neighbours("r", "a", 5).neighbours())
                    .extracting(Neighbour::itemId).containsExactly("d", "c");
        }
    }

    @Test
    void catalogsWithTheSameItemIdsStaySeparate() throws Exception {
        IndexRig rig = new IndexRig(kafka);
        rig.commit(rig.embedding("north", "sku-1", null, 1, 1, 1, 0), rig.embedding("north", "sku-2", null, 1, 1, 1, 1),
                rig.embedding("south", "sku-1", null, 4, 1, 0, 1), rig.embedding("south", "sku-3", null, 4, 1, 1, 1),
                rig.marker("north", 1, "complete", 2));
        try (IndexService service = rig.start(dir, LONG_GRACE, false)) {
            IndexRig.await("north served", () -> servedVersion(service, "north") == 1);
            rig.awaitCaughtUp(service);
            assertThatThrownBy(() -> service.indexes().neighbours("south", "sku-1", 1))
                    .isInstanceOf(NoSuchElementException.class).hasMessageContaining("catalog 'south'");
            rig.commit(rig.marker("south", 4, "complete", 2));
            IndexRig.await("south served", () -> servedVersion(service, "south") == 4);
            Neighbours north = service.indexes().neighbours("north", "sku-1", 5);
            Neighbours south = service.indexes().neighbours("south", "sku-1", 5);
            assertThat(north.modelVersion()).isEqualTo(1);
            assertThat(north.neighbours()).extracting(Neighbour::itemId).containsExactly("sku-2");
            assertThat(south.neighbours()).extracting(Neighbour::itemId).containsExactly("sku-3");
            // sku-1 is (1,0) in north and (0,1) in south; both have a neighbour at 45 degrees
            assertThat(south.neighbours().get(0).similarity()).isCloseTo(Math.sqrt(0.5), within(1e-6));
        }
    }

    @Test
    void partitionsAddedWhileItRunsAreReadFromTheirBeginning() throws Exception {
        IndexRig rig = new IndexRig(kafka);
        rig.commit(rig.embedding("grow", "a", null, 1, 1, 1, 0), rig.embedding("grow", "b", null, 1, 1, 0, 1),
                rig.marker("grow", 1, "complete", 2));
        try (IndexService service = rig.start(dir, LONG_GRACE, false, Duration.ofMillis(500))) {
            IndexRig.await("version 1 served", () -> servedVersion(service, "grow") == 1);
            rig.awaitCaughtUp(service);
            assertThat(service.feeder().embeddingsPosition()).containsOnlyKeys(0, 1);

            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                    "bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createPartitions(Map.of(rig.embeddings, org.apache.kafka.clients.admin.NewPartitions
                        .increaseTo(4), rig.markers, org.apache.kafka.clients.admin.NewPartitions.increaseTo(2)))
                        .all().get();
            }
            // version 2 lies in the new partitions only: item c in embeddings partition 3, its marker in markers 1
            rig.commit(new org.apache.kafka.clients.producer.ProducerRecord<>(rig.embeddings, 3,
                    io.streamsynth.operators.types.ItemKey.encode("grow", "c"),
                    io.streamsynth.operators.kafka.EmbeddingJson.encode(new io.streamsynth.operators.types.ItemEmbedding(
                            "grow", "c", null, 2, 1, new float[] {1, 0.1f}))));
            org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> marker = rig.marker("grow", 2, "complete", 1);
            rig.commit(new org.apache.kafka.clients.producer.ProducerRecord<>(rig.markers, 1, marker.key(),
                    marker.value()));

            IndexRig.await("version 2, written to new partitions only, served",
                    () -> servedVersion(service, "grow") == 2);
            rig.awaitCaughtUp(service);
            assertThat(service.feeder().embeddingsPosition()).containsOnlyKeys(0, 1, 2, 3).containsEntry(3, 2L);
            assertThat(service.feeder().markersPosition()).containsOnlyKeys(0, 1);
        }
        // the new partitions' positions are saved: a restart reads nothing again
        try (IndexService service = rig.start(dir, LONG_GRACE, false)) {
            assertThat(servedVersion(service, "grow")).isEqualTo(2);
            rig.awaitCaughtUp(service);
            assertThat(service.feeder().embeddingsRead()).isZero();
        }
    }

    private org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> shop(IndexRig rig, long version, String item) {
        return rig.embedding("shop", item, null, version, 1, SHOP.get(version).get(item));
    }

    private static long servedVersion(IndexService service, String catalog) {
        long[] served = service.indexes().served().get(catalog);
        return served == null ? -1 : served[0];
    }

    @Test
    void aStartThatKafkaRefusesLeavesTheIndexDirectoryFreeForTheNextStart() throws Exception {
        IndexRig rig = new IndexRig(kafka);
        var a = rig.embedding("shop", "a", null, 1, 1, unit(1, 0));
        try (CatalogIndexes indexes = new CatalogIndexes(new IndexLayout(dir), IndexState.empty(), LONG_GRACE,
                System.err)) {
            indexes.embedding(0, 0, a.key(), a.value());
            indexes.commit(Map.of(0, 1L), Map.of());
        }
        // no bootstrap.servers: the consumer refuses to be made, after the indexes were opened
        assertThatThrownBy(() -> IndexService.start(new IndexService.Settings(new IndexLayout(dir),
                new java.util.Properties(), "embeddings", "markers", Duration.ofMillis(200), LONG_GRACE, null, null,
                100), System.err)).isInstanceOf(org.apache.kafka.common.KafkaException.class);
        try (IndexService service = rig.start(dir, LONG_GRACE, false)) {
            rig.awaitCaughtUp(service);
        }
    }

    /** Neighbours by brute-force cosine over {@code vectors}, the query left out. */
    static List<String> bruteForce(Map<String, float[]> vectors, String query, int k) {
        List<String> others = new ArrayList<>(vectors.keySet());
        others.remove(query);
        others.sort((x, y) -> Double.compare(cos(vectors.get(query), vectors.get(y)), cos(vectors.get(query), vectors.get(x))));
        return others.subList(0, Math.min(k, others.size()));
    }

    private static boolean matchesBruteForce(Neighbours n, Map<String, float[]> vectors) {
        List<String> ids = n.neighbours().stream().map(Neighbour::itemId).toList();
        if (!ids.equals(bruteForce(vectors, n.itemId(), 2))) {
            return false;
        }
        for (Neighbour x : n.neighbours()) {
            if (Math.abs(x.similarity() - cos(vectors.get(n.itemId()), vectors.get(x.itemId()))) > 1e-5) {
                return false;
            }
        }
        return true;
    }

    static double cos(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static float[] unit(float x, float y) {
        float n = (float) Math.sqrt(x * x + y * y);
        return new float[] {x / n, y / n};
    }
}
