package io.streamsynth.pipeline.job;

import io.streamsynth.pipeline.kafka.Topics;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.operators.kafka.CheckpointAssembler;
import io.streamsynth.operators.kafka.VersionMarkerJson;
import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.pipeline.kafka.CommittedTopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The version markers a read_committed consumer sees, and what they must agree with on the
 * embeddings and checkpoints topics ({@link PublishedAudit}).
 */
final class MarkerAudit {
    private final List<VersionMarker> markers;
    /** Version to the SHA-256 of its encoded checkpoint, as assembled from the chunks, and of its weights. */
    private final Map<Long, String[]> digests;

    private MarkerAudit(List<VersionMarker> markers, Map<Long, String[]> digests) {
        this.markers = markers;
        this.digests = digests;
    }

    static MarkerAudit read(String bootstrapServers, Topics topics) {
        List<VersionMarker> markers = new ArrayList<>();
        try (CommittedTopicReader reader = new CommittedTopicReader(bootstrapServers, new Properties(),
                topics.versions())) {
            reader.readAll(Duration.ofMillis(500), null, r -> {
                VersionMarker m = VersionMarkerJson.decode(r.value());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("key of %s", m).isEqualTo(m.catalog);
                markers.add(m);
            });
        }
        Map<Long, String[]> digests = new HashMap<>();
        CheckpointAssembler assembler = new CheckpointAssembler(4);
        try (CommittedTopicReader reader = new CommittedTopicReader(bootstrapServers, new Properties(),
                topics.checkpoints())) {
            reader.readAll(Duration.ofMillis(500), null, r -> assembler.accept(r).ifPresent(a -> {
                Checkpoint c = CheckpointCodec.decode(a.bytes());
                digests.put(c.metadata().modelVersion(), new String[] {Sha256.hex(a.bytes()),
                    c.metadata().weightsSha256()});
            }));
        }
        return new MarkerAudit(markers, digests);
    }

    /** Polls until a complete marker of {@code version} is committed; returns what was read then. */
    static MarkerAudit untilComplete(String bootstrapServers, Topics topics, long version, Duration timeout)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        MarkerAudit audit = read(bootstrapServers, topics);
        while (audit.marker(version).filter(VersionMarker::isComplete).isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no complete marker of v" + version + " within " + timeout + ": "
                        + audit.markers);
            }
            Thread.sleep(500);
            audit = read(bootstrapServers, topics);
        }
        return audit;
    }

    List<VersionMarker> markers() {
        return markers;
    }

    Optional<VersionMarker> marker(long version) {
        return markers.stream().filter(m -> m.version == version).findFirst();
    }

    /** The newest version on the checkpoints topic, 0 when none. */
    long newestPublished() {
        return digests.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    long count(String status) {
        return markers.stream().filter(m -> m.status.equals(status)).count();
    }

    /**
     * One marker per version and no other; every version that an embedding carries has one (it
     * reached the embedder, so its pass completed or was superseded), and only published versions
     * have one, naming that version's checkpoint and weights digests. A complete marker counts at
     * most the items that have a record at its version (items that arrive after a subtask reported
     * are embedded at it too, uncounted); the newest one counts exactly the live items, whose last
     * record is at its version.
     */
    void assertAgreesWith(PublishedAudit published) {
        List<Long> versions = markers.stream().map(m -> m.version).toList();
        // not sorted: a newer version's superseded marker may precede an older version's, whose pass another
        // subtask was still running (VersionMarkersTest; under a paced refresh a subtask skips waiting versions)
        assertThat(versions).as("one marker per version").doesNotHaveDuplicates();

        Map<Long, Set<String>> itemsAt = new HashMap<>();
        Map<String, Long> lastVersion = new HashMap<>();
        for (String item : published.liveItems()) {
            for (String record : published.history(item)) {
                if (!record.equals("deleted")) {
                    long v = Long.parseLong(record.substring(0, record.indexOf('#')));
                    itemsAt.computeIfAbsent(v, k -> new HashSet<>()).add(item);
                    lastVersion.put(item, v);
                }
            }
        }
        assertThat(versions).as("versions embedded at").containsAll(new TreeSet<>(itemsAt.keySet()));
        for (VersionMarker m : markers) {
            assertThat(m.catalog).isEqualTo(GeneratedCatalog.CATALOG);
            assertThat(digests).as("published versions").containsKey(m.version);
            assertThat(m.weightsSha256).as("weights of v%d", m.version).isEqualTo(digests.get(m.version)[1]);
            assertThat(m.checkpointSha256).as("checkpoint of v%d", m.version).isEqualTo(digests.get(m.version)[0]);
            if (m.isComplete()) {
                assertThat(m.items).as("items of %s", m)
                        .isLessThanOrEqualTo(itemsAt.getOrDefault(m.version, Set.of()).size());
            }
        }
        VersionMarker newest = markers.get(markers.size() - 1);
        assertThat(newest.isComplete()).as("%s", newest).isTrue();
        long atNewest = lastVersion.values().stream().filter(v -> v == newest.version).count();
        assertThat(atNewest).as("live items whose last record is at v%d", newest.version)
                .isEqualTo(published.liveItems().size());
        assertThat(newest.items).as("items of %s", newest).isEqualTo(atNewest);
    }

    String figures() {
        return markers.size() + " markers (" + count(VersionMarker.COMPLETE) + " complete, "
                + count(VersionMarker.SUPERSEDED) + " superseded)";
    }
}
