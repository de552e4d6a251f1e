package io.streamsynth.pipeline.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorIndexTest {
    @TempDir
    Path dir;

    @Test
    void neighboursEqualBruteForceCosineOnAHandMadeSet() throws Exception {
        Random random = new Random(7);
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            float[] v = new float[8];
            double norm = 0;
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
                norm += v[d] * v[d];
            }
            for (int d = 0; d < v.length; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
            vectors.put("item-" + i, v);
        }
        try (VectorIndex index = VectorIndex.open(dir, "c", 1)) {
            long offset = 0;
            for (Map.Entry<String, float[]> e : vectors.entrySet()) {
                index.put(0, offset++, e.getKey(), "label-" + e.getKey(), e.getValue());
            }
            index.refresh();
            for (String query : vectors.keySet()) {
                List<Neighbour> found = index.neighbours(query, 5).orElseThrow();
                assertThat(found).extracting(Neighbour::itemId)
                        .containsExactlyElementsOf(IndexServiceTest.bruteForce(vectors, query, 5));
                for (Neighbour n : found) {
                    assertThat(n.similarity()).isCloseTo(IndexServiceTest.cos(vectors.get(query),
                            vectors.get(n.itemId())), within(1e-5));
                    assertThat(n.label()).isEqualTo("label-" + n.itemId());
                }
            }
            assertThat(index.neighbours("nobody", 5)).isEmpty();
        }
    }

    @Test
    void reopenedAfterACrashItHoldsItsLastCommitAndSkipsTheRecordsInIt() throws Exception {
        try (VectorIndex index = VectorIndex.open(dir, "c", 1)) {
            index.put(0, 0, "a", null, new float[] {1, 0});
            index.put(1, 0, "b", null, new float[] {0, 1});
            index.commit(Map.of(0, 1L, 1, 1L));
            index.put(0, 1, "c", null, new float[] {1, 1});
            // closing without a commit is what a crash leaves on disk
        }
        try (VectorIndex index = VectorIndex.open(dir, "c", 1)) {
            assertThat(index.size()).isEqualTo(2);
            // replay from an older position: a and b are in the commit, c is not
            index.put(0, 0, "a", null, new float[] {-1, 0});
            index.put(1, 0, "b", null, new float[] {-1, 0});
            index.put(0, 1, "c", null, new float[] {1, 1});
            index.refresh();
            assertThat(index.size()).isEqualTo(3);
            List<Neighbour> ofA = index.neighbours("a", 2).orElseThrow();
            assertThat(ofA).extracting(Neighbour::itemId).containsExactly("c", "b");
            assertThat(ofA.get(0).similarity()).isCloseTo(Math.sqrt(0.5), within(1e-6));
        }
    }

    @Test
    void aVectorLuceneCannotIndexIsRefusedAndTheIndexStaysUsable() throws Exception {
        try (VectorIndex index = VectorIndex.open(dir, "c", 1)) {
            index.put(0, 0, "a", null, new float[] {1, 0});
            assertThatThrownBy(() -> index.put(0, 1, "b", null, new float[] {1, 0, 0}))
                    .isInstanceOf(IllegalArgumentException.class);
            index.put(0, 2, "c", null, new float[] {0, 1});
            index.refresh();
            assertThat(index.size()).isEqualTo(2);
            assertThat(index.neighbours("a", 5).orElseThrow()).extracting(Neighbour::itemId).containsExactly("c");
        }
    }
}
