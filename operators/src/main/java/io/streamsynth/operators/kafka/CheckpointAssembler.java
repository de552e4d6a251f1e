package io.streamsynth.operators.kafka;

import io.streamsynth.model.checkpoint.CheckpointIntegrityException;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.operators.types.CheckpointChunk;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Consumer-side reassembly of checkpoints from the chunk records of the checkpoints topic.
 *
 * <p>Chunks of several versions may arrive interleaved (a producer retrying, or reading from the
 * topic's start) and more than once. Per catalog it delivers each version once, and only versions
 * newer than the last one delivered: a consumer wants the newest model, so when a version
 * completes, older incomplete ones are dropped and their late chunks ignored. At most
 * {@code maxIncompleteVersions} versions per catalog are held incomplete; a new one beyond that
 * pushes out the oldest.
 *
 * <p>Not thread-safe: use one per consumer thread.
 */
public final class CheckpointAssembler {

    private final int maxIncompleteVersions;
    private final Map<String, CatalogProgress> catalogs = new HashMap<>();

    public CheckpointAssembler(int maxIncompleteVersions) {
        if (maxIncompleteVersions < 1) {
            throw new IllegalArgumentException("maxIncompleteVersions must be positive, got " + maxIncompleteVersions);
        }
        this.maxIncompleteVersions = maxIncompleteVersions;
    }

    /**
     * Takes one record of the checkpoints topic.
     *
     * @return the whole checkpoint when this record was the last chunk missing, else empty
     * @throws WireFormatException          when the record is not a valid checkpoint chunk
     * @throws CheckpointIntegrityException when the joined chunks do not match their SHA-256; the
     *                                      version is dropped, so a clean resend can still complete
     */
    public Optional<AssembledCheckpoint> accept(ConsumerRecord<byte[], byte[]> record) {
        CheckpointChunk chunk = CheckpointChunkReader.read(record);
        return catalogs.computeIfAbsent(chunk.catalog, catalog -> new CatalogProgress()).accept(chunk);
    }

    /**
     * The versions of a catalog still being collected, newer than the last one assembled, each with
     * how far it got (e.g. "3 of 5 chunks"): what a reader tells a user who asked for one of them.
     */
    public Map<Long, String> incompleteVersions(String catalog) {
        CatalogProgress progress = catalogs.get(catalog);
        Map<Long, String> out = new TreeMap<>();
        if (progress != null) {
            progress.incomplete.forEach((version, partial) -> out.put(version, partial.progress()));
        }
        return out;
    }

    /** Versions of one catalog being collected. */
    private final class CatalogProgress {
        private final TreeMap<Long, PartialCheckpoint> incomplete = new TreeMap<>();
        private long lastDelivered = -1;

        Optional<AssembledCheckpoint> accept(CheckpointChunk chunk) {
            if (chunk.version <= lastDelivered) {
                return Optional.empty();
            }
            PartialCheckpoint partial = partialFor(chunk);
            if (partial == null || !partial.add(chunk) || !partial.isComplete()) {
                return Optional.empty();
            }
            incomplete.remove(chunk.version);
            byte[] whole = partial.join();
            String actual = Sha256.hex(whole);
            if (!actual.equals(partial.sha256())) {
                throw new CheckpointIntegrityException("checkpoint " + chunk.catalog + " v" + chunk.version
                        + " joined from " + chunk.count + " chunks", partial.sha256(), actual);
            }
            lastDelivered = chunk.version;
            incomplete.headMap(chunk.version).clear();
            return Optional.of(new AssembledCheckpoint(chunk.catalog, chunk.version, whole));
        }

        /** The partial checkpoint the chunk belongs to, or null when it is not worth keeping. */
        private PartialCheckpoint partialFor(CheckpointChunk chunk) {
            PartialCheckpoint partial = incomplete.get(chunk.version);
            if (partial != null) {
                if (!partial.belongsHere(chunk)) {
                    throw new WireFormatException("chunk " + chunk.index + " of checkpoint " + chunk.catalog + " v"
                            + chunk.version + " declares another count, size or SHA-256 than earlier chunks of"
                            + " that version; two different checkpoints claim the same version");
                }
                return partial;
            }
            if (incomplete.size() >= maxIncompleteVersions) {
                if (chunk.version < incomplete.firstKey()) {
                    return null;
                }
                incomplete.pollFirstEntry();
            }
            partial = new PartialCheckpoint(chunk);
            incomplete.put(chunk.version, partial);
            return partial;
        }
    }
}
