package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.junit.jupiter.api.Test;

class OwedReportsTest {
    private static final KeyGroupRange ALL = KeyGroupRange.of(0, 127);
    private static final KeyGroupRange LOW = KeyGroupRange.of(0, 63);
    private static final KeyGroupRange HIGH = KeyGroupRange.of(64, 127);

    private static List<OwedReports.Entry> owing(KeyGroupRange range, long version, long embedded) {
        OwedReports r = new OwedReports();
        r.owe("shoes", version, range, "c", "w");
        r.embedded("shoes", version, (int) embedded);
        return r.snapshot();
    }

    @Test
    void aScaleOutSplitsTheOwedKeyGroupsAndLeavesTheEmbeddedCountWithTheLowestGroup() {
        List<OwedReports.Entry> snapshot = owing(ALL, 3, 10);
        OwedReports low = new OwedReports();
        low.restore(snapshot, LOW);
        OwedReports high = new OwedReports();
        high.restore(snapshot, HIGH);

        assertThat(low.get("shoes").keyGroupArray()).containsExactly(IntStream.rangeClosed(0, 63).toArray());
        assertThat(high.get("shoes").keyGroupArray()).containsExactly(IntStream.rangeClosed(64, 127).toArray());
        assertThat(low.get("shoes").embedded + high.get("shoes").embedded).as("counted once").isEqualTo(10);
        assertThat(high.get("shoes").version).isEqualTo(3);
        assertThat(high.get("shoes").checkpointSha256).isEqualTo("c");
    }

    @Test
    void aScaleInJoinsTheKeyGroupsOfOneVersionAndAddsTheirCounts() {
        List<OwedReports.Entry> both = new java.util.ArrayList<>(owing(LOW, 3, 4));
        both.addAll(owing(HIGH, 3, 5));
        OwedReports one = new OwedReports();
        one.restore(both, ALL);
        assertThat(one.get("shoes").keyGroups.cardinality()).isEqualTo(128);
        assertThat(one.get("shoes").embedded).isEqualTo(9);
    }

    @Test
    void keyGroupsOwedElsewhereAreNotTakenAndSettlingClearsTheCatalog() {
        OwedReports high = new OwedReports();
        high.restore(owing(LOW, 3, 4), HIGH);
        assertThat(high.isEmpty()).as("only the other subtask's key groups were owed").isTrue();

        OwedReports r = new OwedReports();
        r.owe("shoes", 3, LOW, "c", "w");
        r.embedded("shoes", 2, 7); // a count of another version is not this one's
        assertThat(r.settle("shoes").embedded).isZero();
        assertThat(r.snapshot()).isEmpty();
    }
}
