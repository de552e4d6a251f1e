package io.streamsynth.operators.embed;

import java.util.BitSet;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Which keys and key groups one subtask of a keyed operator holds, for state that Flink does not
 * partition by key itself (union lists, which give every subtask every subtask's entries).
 */
final class SubtaskKeys {
    private final int maxParallelism;
    private final int parallelism;
    private final int index;

    private SubtaskKeys(int maxParallelism, int parallelism, int index) {
        this.maxParallelism = maxParallelism;
        this.parallelism = parallelism;
        this.index = index;
    }

    static SubtaskKeys of(TaskInfo task) {
        return new SubtaskKeys(task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks(),
                task.getIndexOfThisSubtask());
    }

    int maxParallelism() {
        return maxParallelism;
    }

    KeyGroupRange keyGroups() {
        return KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, index);
    }

    /** The key groups of {@code range} as set bits (a key group's number is its bit). */
    static BitSet bits(KeyGroupRange range) {
        BitSet bits = new BitSet();
        bits.set(range.getStartKeyGroup(), range.getEndKeyGroup() + 1);
        return bits;
    }

    /** This subtask's key groups in increasing order. */
    int[] keyGroupArray() {
        return bits(keyGroups()).stream().toArray();
    }

    int keyGroupOf(String key) {
        return KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
    }

    /** Whether this subtask holds {@code key}'s keyed state. */
    boolean holds(String key) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism) == index;
    }
}
