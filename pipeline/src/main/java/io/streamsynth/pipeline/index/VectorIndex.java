package io.streamsynth.pipeline.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * The Lucene HNSW index of one catalog at one model version: one document per live item (its id,
 * label and unit vector, compared by cosine), updated in place by a newer record of the item and
 * removed by its tombstone. Searches see changes after {@link #refresh}.
 *
 * <p>Each commit stores, in Lucene's commit user data, the embeddings topic's position (next offset
 * per partition) that everything before it was applied at. Reopened after a crash, the index skips
 * records below that position, so replaying the topic from an older position never applies a record
 * twice, and the index and its position cannot disagree: both are one Lucene commit.
 *
 * <p>Not thread-safe for writes (one feeder thread); searches may run on any thread.
 */
public final class VectorIndex implements AutoCloseable {
    static final String POSITION = "embeddings_position";

    private final String catalog;
    private final long version;
    private final Path dir;
    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Set<String> items = new HashSet<>();
    private final Map<Integer, Long> committedPosition;

    private VectorIndex(String catalog, long version, Path dir) throws IOException {
        this.catalog = catalog;
        this.version = version;
        this.dir = dir;
        this.directory = FSDirectory.open(dir);
        IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        this.writer = new IndexWriter(directory, config);
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
        if (live != null) {
            live.forEach(e -> data.put(e.getKey(), e.getValue()));
        }
        this.committedPosition = Positions.parse(data.getOrDefault(POSITION, ""));
        this.searchers = new SearcherManager(writer, null);
        loadItems();
    }

    /** Opens the index in {@code dir}, creating it when absent. */
    public static VectorIndex open(Path dir, String catalog, long version) throws IOException {
        return new VectorIndex(catalog, version, dir);
    }

    public String catalog() {
        return catalog;
    }

    public long version() {
        return version;
    }

    public Path dir() {
        return dir;
    }

    /** Live items (updated at once, not only at {@link #refresh}). */
    public int size() {
        return items.size();
    }

    /** Whether the last commit already holds the record at this offset. */
    boolean applied(int partition, long offset) {
        Long next = committedPosition.get(partition);
        return next != null && offset < next;
    }

    /**
     * Adds or replaces the item's document, unless the record is already in the last commit.
     *
     * @throws IllegalArgumentException when Lucene refuses the vector (zero vector, other dimension
     *                                  than the index's, more than 1024 dimensions); the index is unchanged
     */
    public void put(int partition, long offset, String itemId, String label, float[] vector) throws IOException {
        if (applied(partition, offset)) {
            return;
        }
        Document doc = new Document();
        doc.add(new StringField(NeighbourSearch.ITEM, itemId, Field.Store.YES));
        if (label != null) {
            doc.add(new StoredField(NeighbourSearch.LABEL, label));
        }
        doc.add(new KnnFloatVectorField(NeighbourSearch.VECTOR, vector, VectorSimilarityFunction.COSINE));
        writer.updateDocument(new Term(NeighbourSearch.ITEM, itemId), doc);
        items.add(itemId);
    }

    /** Removes the item, unless the record is already in the last commit; true when it was there. */
    public boolean delete(int partition, long offset, String itemId) throws IOException {
        if (applied(partition, offset) || !items.remove(itemId)) {
            return false;
        }
        writer.deleteDocuments(new Term(NeighbourSearch.ITEM, itemId));
        return true;
    }

    /** Makes the changes so far visible to searches. */
    public void refresh() throws IOException {
        searchers.maybeRefresh();
    }

    /** Commits the changes so far with the position they were applied up to. */
    public void commit(Map<Integer, Long> position) throws IOException {
        writer.setLiveCommitData(Map.of(POSITION, Positions.format(position), "catalog", catalog,
                "model_version", Long.toString(version)).entrySet());
        writer.commit();
        committedPosition.clear();
        committedPosition.putAll(position);
    }

    /** The item's neighbours as of the last refresh, or empty when the item is not in the index. */
    public Optional<List<Neighbour>> neighbours(String itemId, int k) throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            return NeighbourSearch.of(searcher, itemId, k);
        } finally {
            searchers.release(searcher);
        }
    }

    private void loadItems() throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                StoredFields stored = leaf.reader().storedFields();
                for (int d = 0; d < leaf.reader().maxDoc(); d++) {
                    if (live == null || live.get(d)) {
                        items.add(stored.document(d, Set.of(NeighbourSearch.ITEM)).get(NeighbourSearch.ITEM));
                    }
                }
            }
        }
    }

    /** Closes without committing: what was not committed is replayed from the topic. */
    @Override
    public void close() throws IOException {
        searchers.close();
        writer.rollback();
        directory.close();
    }
}
