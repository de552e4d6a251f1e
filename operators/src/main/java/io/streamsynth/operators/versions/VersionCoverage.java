package io.streamsynth.operators.versions;

import io.streamsynth.operators.types.VersionProgress;
import java.util.Arrays;

/**
 * Which key groups of the embedder have reported one catalog's version complete, and with how many
 * live items each. A key group reported twice (a restored subtask may speak again for key groups it
 * took over) counts once, with its newest figure. Kept as keyed state of {@link VersionMarkers}
 * (a Flink POJO: public fields, no-argument constructor).
 */
public class VersionCoverage {
    public int maxParallelism;
    /** Live items per key group; -1 where the key group has not reported. */
    public int[] liveItems;
    public int reported;
    public String checkpointSha256;
    public String weightsSha256;

    public VersionCoverage() {}

    /** No key group reported yet, for an embedder of {@code maxParallelism} key groups. */
    public static VersionCoverage empty(int maxParallelism, String checkpointSha256, String weightsSha256) {
        if (maxParallelism < 1) {
            throw new IllegalArgumentException("max parallelism must be at least 1, got " + maxParallelism);
        }
        VersionCoverage c = new VersionCoverage();
        c.maxParallelism = maxParallelism;
        c.liveItems = new int[maxParallelism];
        Arrays.fill(c.liveItems, -1);
        c.checkpointSha256 = checkpointSha256;
        c.weightsSha256 = weightsSha256;
        return c;
    }

    /**
     * Takes a "complete" report's key groups in.
     *
     * @throws IllegalArgumentException when the report speaks of other key groups than this embedder's
     */
    public void add(VersionProgress complete) {
        if (complete.maxParallelism != maxParallelism || complete.keyGroups.length != complete.liveItems.length) {
            throw new IllegalArgumentException("a report for " + complete.maxParallelism + " key groups with "
                    + complete.keyGroups.length + " groups and " + complete.liveItems.length + " counts does not fit "
                    + maxParallelism + " key groups");
        }
        for (int i = 0; i < complete.keyGroups.length; i++) {
            int g = complete.keyGroups[i];
            if (g < 0 || g >= maxParallelism) {
                throw new IllegalArgumentException("key group " + g + " is outside 0.." + (maxParallelism - 1));
            }
            if (liveItems[g] < 0) {
                reported++;
            }
            liveItems[g] = complete.liveItems[i];
        }
    }

    /** Every key group 0 .. maxParallelism-1 has reported. */
    public boolean isComplete() {
        return reported == maxParallelism;
    }

    /** Live items of the key groups that reported. */
    public long items() {
        long sum = 0;
        for (int n : liveItems) {
            if (n > 0) {
                sum += n;
            }
        }
        return sum;
    }
}
