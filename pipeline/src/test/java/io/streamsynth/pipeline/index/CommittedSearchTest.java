package io.streamsynth.pipeline.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `index search` against a directory whose served version `index serve` switches meanwhile. */
class CommittedSearchTest {
    @TempDir
    Path root;

    /** Commits version {@code version} of catalog c with three items; item "q" is nearest to "a". */
    private void build(IndexLayout layout, long version) throws IOException {
        try (VectorIndex index = VectorIndex.open(layout.versionDir("c", version), "c", version)) {
            index.put(0, 0, "q", "x", new float[] {1, 0});
            index.put(0, 1, "a", "x", new float[] {0.9f, 0.1f});
            index.put(0, 2, "b", "y", new float[] {0, 1});
            index.commit(Map.of(0, 3L));
        }
    }

    private static IndexState serving(long version) {
        return new IndexState(Map.of(0, 3L), Map.of(), Map.of("c", version), List.of(), List.of());
    }

    @Test
    void aVersionRetiredBetweenReadingTheStateAndOpeningItIsFollowedToTheNewOne() throws Exception {
        IndexLayout layout = new IndexLayout(root);
        build(layout, 1);
        build(layout, 2);
        // the switch as `index serve` makes it, placed after this search read the state: version 2
        // committed, the state saved, version 1's directory deleted
        List<Long> read = new ArrayList<>();
        CommittedSearch search = new CommittedSearch(layout, () -> {
            long served = read.isEmpty() ? 1 : 2;
            read.add(served);
            if (served == 1) {
                IndexLayout.deleteTree(layout.versionDir("c", 1));
            }
            return serving(served);
        });

        Neighbours answer = search.neighbours("c", "q", 2);

        assertThat(read).containsExactly(1L, 2L);
        assertThat(answer.modelVersion()).isEqualTo(2);
        assertThat(answer.neighbours()).extracting(Neighbour::itemId).containsExactly("a", "b");
    }

    @Test
    void aServedVersionThatCannotBeReadWithoutASwitchIsNamedInTheError() throws Exception {
        IndexLayout layout = new IndexLayout(root);
        build(layout, 1);
        IndexLayout.deleteTree(layout.versionDir("c", 1));
        CommittedSearch search = new CommittedSearch(layout, () -> serving(1));

        assertThatThrownBy(() -> search.neighbours("c", "q", 2)).isInstanceOf(IOException.class)
                .hasMessageContaining("catalog 'c' at version 1").hasMessageContaining("still serves it");
        assertThatThrownBy(() -> new CommittedSearch(layout, () -> serving(1)).neighbours("other", "q", 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no complete version");
    }

    @Test
    @Timeout(120)
    void searchesRacingSwitchesOnDiskAlwaysAnswerFromOneServedVersion() throws Exception {
        IndexLayout layout = new IndexLayout(root);
        build(layout, 0);
        serving(0).write(layout.stateFile());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        int switches = 40;
        Thread writer = new Thread(() -> {
            try {
                for (long v = 1; v <= switches && !stop.get(); v++) {
                    build(layout, v);
                    serving(v).write(layout.stateFile());
                    IndexLayout.deleteTree(layout.versionDir("c", v - 1));
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        CommittedSearch search = new CommittedSearch(layout);
        List<Long> answeredFrom = new ArrayList<>();
        writer.start();
        try {
            while (writer.isAlive()) {
                Neighbours answer = search.neighbours("c", "q", 2);
                assertThat(answer.neighbours()).extracting(Neighbour::itemId).containsExactly("a", "b");
                answeredFrom.add(answer.modelVersion());
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailure.get()).isNull();
        assertThat(answeredFrom).as("answers follow the switches, never back").isSorted();
        assertThat(answeredFrom.size()).as("searches ran while versions switched").isGreaterThan(switches);
        assertThat(search.neighbours("c", "q", 2).modelVersion()).isEqualTo(switches);
    }
}
