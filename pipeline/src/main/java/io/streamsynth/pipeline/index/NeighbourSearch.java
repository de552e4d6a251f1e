package io.streamsynth.pipeline.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * The k nearest neighbours of an indexed item, by cosine similarity, from one Lucene searcher: the
 * item's own vector is read back from the index and sent as a {@link KnnFloatVectorQuery} (HNSW,
 * exploring at least {@value #MIN_CANDIDATES} candidates) for k + 1 hits, and the item itself is left out. Lucene's cosine score is {@code (1 + cos) / 2}; the
 * answer gives {@code cos}, rounded to 6 decimals (the score is a float32).
 */
public final class NeighbourSearch {
    static final String ITEM = "item";
    static final String LABEL = "label";
    static final String VECTOR = "vector";
    /** The fewest candidates HNSW keeps while it searches (Lucene's k of the query). */
    static final int MIN_CANDIDATES = 100;

    private NeighbourSearch() {}

    /** The neighbours, or empty when the item is not in the index. */
    public static Optional<List<Neighbour>> of(IndexSearcher searcher, String itemId, int k) throws IOException {
        TopDocs own = searcher.search(new TermQuery(new Term(ITEM, itemId)), 1);
        if (own.scoreDocs.length == 0) {
            return Optional.empty();
        }
        float[] query = vectorOf(searcher, own.scoreDocs[0].doc);
        // HNSW explores as many candidates as the query asks hits for; a wider beam than k + 1 buys recall
        TopDocs hits = searcher.search(new KnnFloatVectorQuery(VECTOR, query, Math.max(k + 1, MIN_CANDIDATES)), k + 1);
        StoredFields stored = searcher.storedFields();
        List<Neighbour> out = new ArrayList<>(k);
        for (ScoreDoc hit : hits.scoreDocs) {
            Document doc = stored.document(hit.doc);
            String id = doc.get(ITEM);
            if (id.equals(itemId) || out.size() == k) {
                continue;
            }
            // scores are float32: digits past the sixth decimal would be noise
            out.add(new Neighbour(id, doc.get(LABEL), Math.round((2.0 * hit.score - 1.0) * 1e6) / 1e6));
        }
        return Optional.of(out);
    }

    private static float[] vectorOf(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
        int local = doc - leaf.docBase;
        if (values == null || values.advance(local) != local) {
            throw new IllegalStateException("the index holds item document " + doc + " without a vector");
        }
        return values.vectorValue().clone();
    }
}
