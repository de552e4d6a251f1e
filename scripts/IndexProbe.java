// Figures of one `index` Lucene index: indexing rate, query latency and recall@k of HNSW against
// brute-force cosine, on N clustered unit vectors (C clusters, Gaussian noise), as one catalog version.
// Run: java -cp app/target/streamsynth.jar scripts/IndexProbe.java [N] [DIM] [QUERIES] [K]
import io.streamsynth.pipeline.index.Neighbour;
import io.streamsynth.pipeline.index.VectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

public class IndexProbe {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 22000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int clusters = 10;
        Random random = new Random(1);
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = unit(gaussian(random, dim, 1));
        }
        float[][] v = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] noise = gaussian(random, dim, 0.08);
            float[] x = centres[i % clusters].clone();
            for (int d = 0; d < dim; d++) {
                x[d] += noise[d];
            }
            v[i] = unit(x);
        }
        Path dir = Files.createTempDirectory("index-probe");
        try (VectorIndex index = VectorIndex.open(dir, "probe", 1)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                index.put(0, i, "item-" + i, null, v[i]);
            }
            index.commit(Map.of(0, (long) n));
            index.refresh();
            double indexSeconds = (System.nanoTime() - t0) / 1e9;
            long[] micros = new long[queries];
            double recall = 0;
            for (int q = 0; q < queries; q++) {
                int item = random.nextInt(n);
                long s = System.nanoTime();
                List<Neighbour> found = index.neighbours("item-" + item, k).orElseThrow();
                micros[q] = (System.nanoTime() - s) / 1000;
                Set<String> exact = bruteForce(v, item, k);
                recall += found.stream().filter(f -> exact.contains(f.itemId())).count() / (double) k;
            }
            Arrays.sort(micros);
            System.out.printf("{\"items\":%d,\"dim\":%d,\"index_items_per_s\":%.0f,\"queries\":%d,\"k\":%d,"
                    + "\"query_p50_ms\":%.2f,\"query_p99_ms\":%.2f,\"recall_at_k_vs_brute_force\":%.4f}%n", n, dim,
                    n / indexSeconds, queries, k, micros[queries / 2] / 1000.0, micros[queries * 99 / 100] / 1000.0,
                    recall / queries);
        }
    }

    private static Set<String> bruteForce(float[][] v, int query, int k) {
        Integer[] order = new Integer[v.length];
        double[] sim = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
            double dot = 0;
            for (int d = 0; d < v[i].length; d++) {
                dot += v[i][d] * v[query][d];
            }
            sim[i] = i == query ? Double.NEGATIVE_INFINITY : dot;
        }
        Arrays.sort(order, (a, b) -> Double.compare(sim[b], sim[a]));
        Set<String> out = new HashSet<>();
        for (int i = 0; i < k; i++) {
            out.add("item-" + order[i]);
        }
        return out;
    }

    private static float[] gaussian(Random r, int dim, double sd) {
        float[] x = new float[dim];
        for (int d = 0; d < dim; d++) {
            x[d] = (float) (r.nextGaussian() * sd);
        }
        return x;
    }

    private static float[] unit(float[] x) {
        double norm = 0;
        for (float f : x) {
            norm += f * f;
        }
        for (int d = 0; d < x.length; d++) {
            x[d] /= (float) Math.sqrt(norm);
        }
        return x;
    }
}
