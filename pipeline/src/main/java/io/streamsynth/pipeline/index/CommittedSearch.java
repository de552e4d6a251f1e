package io.streamsynth.pipeline.index;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.FSDirectory;

/**
 * Neighbours of an item from the last commit of an index directory, read from another process than
 * the {@code index serve} that writes it (the {@code index search} command).
 *
 * <p>The writer switches a catalog to a newer version by committing the new index, saving
 * {@code state.json}, then deleting the retired version's directory. A reader that read the state
 * just before the switch finds that directory gone, or going while Lucene opens its files. It then
 * reads the state again: when it names a newer version, it searches that one; when the same version
 * fails twice, the directory is really broken and the error says which. An opened reader keeps its
 * files (open files outlive their deletion), so a search that got its reader is not disturbed.
 */
public final class CommittedSearch {
    /** Switches one search may run into before it gives up (each is a whole version's commit). */
    static final int MAX_SWITCHES = 8;

    /** Reads the saved state; a seam for tests that place a switch at an exact point. */
    interface StateSource {
        IndexState read() throws IOException;
    }

    private final IndexLayout layout;
    private final StateSource state;

    CommittedSearch(IndexLayout layout, StateSource state) {
        this.layout = layout;
        this.state = state;
    }

    public CommittedSearch(IndexLayout layout) {
        this(layout, () -> IndexState.read(layout.stateFile()));
    }

    /**
     * The neighbours of {@code item} in the newest complete version of {@code catalog}.
     *
     * @throws IllegalArgumentException when the catalog has no complete version, or the item is not in it
     * @throws IOException              when the served version's index cannot be read and no switch explains it
     */
    public Neighbours neighbours(String catalog, String item, int k) throws IOException {
        Long failedVersion = null;
        IOException failure = null;
        for (int attempt = 0; attempt <= MAX_SWITCHES; attempt++) {
            Long version = state.read().served().get(catalog);
            if (version == null) {
                throw new IllegalArgumentException("catalog '" + catalog + "' has no complete version in "
                        + layout.root());
            }
            if (version.equals(failedVersion)) {
                break; // the state still names the version that failed: no switch explains it
            }
            Optional<List<Neighbour>> found;
            try (FSDirectory dir = FSDirectory.open(layout.versionDir(catalog, version));
                    DirectoryReader reader = DirectoryReader.open(dir)) {
                found = NeighbourSearch.of(new IndexSearcher(reader), item, k);
            } catch (IOException e) {
                failedVersion = version;
                failure = e;
                continue;
            }
            long served = version;
            return new Neighbours(catalog, served, item, found.orElseThrow(() -> new IllegalArgumentException(
                    "item '" + item + "' is not in catalog '" + catalog + "' at version " + served)));
        }
        throw new IOException("the index of catalog '" + catalog + "' at version " + failedVersion + " in "
                + layout.versionDir(catalog, failedVersion) + " cannot be read (" + failure.getMessage()
                + "), and the state still serves it: move the index directory away to rebuild it from the topics",
                failure);
    }
}
