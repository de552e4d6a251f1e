package io.streamsynth.pipeline.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the index command has consumed and decided, saved as {@code state.json} after every index
 * has committed (so a state never claims more than the indexes hold): the positions (next offset per
 * partition) of the embeddings and markers topics, the version each catalog serves, and the complete
 * markers still waiting for their records, and the versions newer than the served ones whose marker
 * said superseded (their records, which may still come, are skipped). Written to a temporary file, forced to disk and moved
 * into place atomically: a crash leaves the old state or the new one, never a mix.
 *
 * @param embeddings position in the embeddings topic
 * @param markers    position in the markers topic
 * @param served     per catalog, the model version queries are answered from
 * @param pending    complete markers not yet served
 * @param superseded versions with a superseded marker, newer than their catalog's served one (absent
 *                   from a state written before it was kept: none)
 */
public record IndexState(Map<Integer, Long> embeddings, Map<Integer, Long> markers, Map<String, Long> served,
        List<PendingMarker> pending, List<IndexLayout.CatalogVersion> superseded) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public IndexState {
        embeddings = new TreeMap<>(embeddings);
        markers = new TreeMap<>(markers);
        served = new TreeMap<>(served);
        pending = List.copyOf(pending);
        superseded = superseded == null ? List.of() : List.copyOf(superseded);
    }

    /** The state of a new index directory: nothing consumed, nothing served. */
    public static IndexState empty() {
        return new IndexState(Map.of(), Map.of(), Map.of(), List.of(), List.of());
    }

    /** The saved state, or {@link #empty} when there is none. */
    public static IndexState read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return empty();
        }
        try {
            return JSON.readValue(file.toFile(), IndexState.class);
        } catch (IOException e) {
            throw new IOException("the index state " + file + " is unreadable (" + e.getMessage()
                    + "); move the index directory away to rebuild it from the topics", e);
        }
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A complete marker read but not yet served.
     *
     * @param required  the embeddings topic's read_committed end offsets when the marker was read:
     *                  the records the marker covers lie before them
     * @param readAtMillis when the marker was read
     */
    public record PendingMarker(String catalog, long version, long items, Map<Integer, Long> required,
            long readAtMillis) {
        public PendingMarker {
            required = new TreeMap<>(required);
        }
    }
}
