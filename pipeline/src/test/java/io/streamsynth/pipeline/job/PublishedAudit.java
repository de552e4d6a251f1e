package io.streamsynth.pipeline.job;

import io.streamsynth.pipeline.kafka.Topics;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.operators.kafka.CheckpointAssembler;
import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.pipeline.kafka.CommittedTopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Everything the job published, read afresh from the beginning of the checkpoints and embeddings
 * topics as a read_committed consumer sees it once the job has settled, and the invariants a fault
 * must not break: model versions 0..n with no gap or repeat, and the embeddings topic's ordering
 * contract: per item, within one life (between tombstones), strictly increasing
 * (model_version, item_revision), the last record of a live item at the newest version.
 */
final class PublishedAudit {
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    /** Item id to the versions it was embedded at in its current life, in the order they arrived (one partition per item). */
    private final Map<String, List<Long>> versionsByItem = new TreeMap<>();
    /** Item id to its records' (version, revision) in its current life, in topic order. */
    private final Map<String, List<long[]>> orderByItem = new TreeMap<>();
    /** Item id to its records as text (v#r, or "deleted"), over all its lives. */
    private final Map<String, List<String>> historyByItem = new TreeMap<>();
    private final List<String> outOfOrder = new ArrayList<>();
    private long embeddings;
    private long tombstones;

    static PublishedAudit read(String bootstrapServers, Topics topics) {
        PublishedAudit audit = new PublishedAudit();
        CheckpointAssembler assembler = new CheckpointAssembler(4);
        try (CommittedTopicReader reader = new CommittedTopicReader(bootstrapServers, new Properties(),
                topics.checkpoints())) {
            reader.readAll(Duration.ofSeconds(1), null, r -> assembler.accept(r)
                    .ifPresent(a -> audit.checkpoints.add(CheckpointCodec.decode(a.bytes()))));
        }
        try (CommittedTopicReader reader = new CommittedTopicReader(bootstrapServers, new Properties(),
                topics.embeddings())) {
            reader.readAll(Duration.ofSeconds(1), null, r -> {
                if (r.value() == null) {
                    String item = ItemKey.decode(r.key()).orElseThrow().itemId();
                    audit.versionsByItem.remove(item);
                    audit.orderByItem.remove(item);
                    audit.historyByItem.computeIfAbsent(item, k -> new ArrayList<>()).add("deleted");
                    audit.tombstones++;
                    return;
                }
                ItemEmbedding e = EmbeddingJson.decode(r.value());
                assertThat(r.key()).as("key of %s", e.itemId).isEqualTo(ItemKey.encode(e.catalog, e.itemId));
                List<long[]> order = audit.orderByItem.computeIfAbsent(e.itemId, k -> new ArrayList<>());
                if (!order.isEmpty()) {
                    long[] last = order.get(order.size() - 1);
                    if (e.modelVersion < last[0] || e.modelVersion == last[0] && e.itemRevision <= last[1]) {
                        audit.outOfOrder.add(e.itemId + ": v" + e.modelVersion + "#" + e.itemRevision + " after v"
                                + last[0] + "#" + last[1]);
                    }
                }
                order.add(new long[] {e.modelVersion, e.itemRevision});
                audit.versionsByItem.computeIfAbsent(e.itemId, k -> new ArrayList<>()).add(e.modelVersion);
                audit.historyByItem.computeIfAbsent(e.itemId, k -> new ArrayList<>())
                        .add(e.modelVersion + "#" + e.itemRevision);
                audit.embeddings++;
            });
        }
        return audit;
    }

    List<Long> versions() {
        return checkpoints.stream().map(c -> c.metadata().modelVersion()).toList();
    }

    long newestVersion() {
        return checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1).metadata().modelVersion();
    }

    /** The newest version the promotion gate promoted: the one the embedder serves; -1 if none. */
    long newestPromotedVersion() {
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            if (checkpoints.get(i).metadata().promoted()) {
                return checkpoints.get(i).metadata().modelVersion();
            }
        }
        return -1;
    }

    List<Checkpoint> checkpoints() {
        return checkpoints;
    }

    long embeddings() {
        return embeddings;
    }

    long tombstones() {
        return tombstones;
    }

    /** Every record of the item over all its lives, in topic order: "version#revision" or "deleted". */
    List<String> history(String itemId) {
        return historyByItem.getOrDefault(itemId, List.of());
    }

    /** Items whose last record is an embedding (not a tombstone). */
    java.util.Set<String> liveItems() {
        return versionsByItem.keySet();
    }

    /** Per item and life, strictly increasing (model_version, item_revision) in topic order. */
    void assertOrderingContract() {
        assertThat(outOfOrder).as("records that break the ordering contract").isEmpty();
    }

    /** Published versions whose lineage says the trainer was restored from a Flink checkpoint or savepoint. */
    long resumedVersions() {
        return checkpoints.stream().filter(c -> c.metadata().lineage().containsKey("resumed_from_weights_sha256"))
                .count();
    }

    /** Versions are 0 (cold start), 1, ..., n in the order a consumer receives them. */
    void assertVersionsHaveNoGapOrRepeat() {
        List<Long> versions = versions();
        assertThat(versions).as("published versions").isNotEmpty();
        for (int i = 0; i < versions.size(); i++) {
            assertThat(versions.get(i)).as("version #%d of %s", i, versions).isEqualTo((long) i);
        }
    }

    /** Items 0..items-1 of {@link GeneratedCatalog}: see {@link #assertEveryItemAtTheNewestVersionInOrderOnce(Collection)}. */
    void assertEveryItemAtTheNewestVersionInOrderOnce(int items) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            ids.add(GeneratedCatalog.itemId(i));
        }
        assertEveryItemAtTheNewestVersionInOrderOnce(ids);
    }

    /**
     * These items (and no other) are live, their records keep the ordering contract (strictly
     * increasing (model_version, item_revision) per life: no (item, version, revision) twice, never an
     * older version after a newer one), and each one's last record is at the newest version (a
     * consumer that keeps the last record per item ends at the newest promoted model). A version may be absent
     * for an item when a newer version superseded it before the embedder's re-embedding pass reached
     * that item (see RefreshPasses): the pass then goes on at the newer version, so an intermediate
     * version's pass never completed.
     */
    void assertEveryItemAtTheNewestVersionInOrderOnce(Collection<String> itemIds) {
        assertOrderingContract();
        long newest = newestPromotedVersion();
        assertThat(versionsByItem.keySet()).as("items embedded").containsExactlyInAnyOrderElementsOf(itemIds);
        Map<String, List<Long>> stale = new HashMap<>();
        versionsByItem.forEach((item, versions) -> {
            if (versions.get(versions.size() - 1) != newest) {
                stale.put(item, versions);
            }
        });
        assertThat(stale).as("items whose last record is not at v%d", newest).isEmpty();
    }

    /**
     * Promoted versions that some item skipped (a newer version superseded them during their pass);
     * versions the gate did not promote are never embedded and do not count.
     */
    long versionsSkippedBySomeItem() {
        java.util.Set<Long> promoted = new java.util.TreeSet<>();
        checkpoints.stream().filter(c -> c.metadata().promoted()).forEach(c -> promoted.add(c.metadata().modelVersion()));
        java.util.Set<Long> skipped = new java.util.TreeSet<>();
        versionsByItem.values().forEach(versions -> {
            for (long v : promoted) {
                if (v > versions.get(0) && !versions.contains(v)) {
                    skipped.add(v);
                }
            }
        });
        return skipped.size();
    }

    String figures() {
        return "versions 0.." + newestVersion() + " (newest promoted " + newestPromotedVersion() + ")" + " (" + checkpoints.size() + " checkpoints), " + embeddings
                + " embeddings of " + versionsByItem.size() + " live items, " + tombstones + " tombstones, " + resumedVersions()
                + " versions with a resumed_from lineage, " + versionsSkippedBySomeItem()
                + " versions superseded during their re-embedding pass";
    }
}
