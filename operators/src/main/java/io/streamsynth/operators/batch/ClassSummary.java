package io.streamsynth.operators.batch;

/**
 * What the catalog index knows about one buffered class: enough to decide whether a batch is due,
 * which classes it takes and which class to evict, without reading the class's slots.
 * A Flink POJO; {@link #size} and {@link #freshCount} mirror the class's {@link ClassSlots}.
 */
public class ClassSummary {
    public String label;
    public int size;
    public int freshCount;
    /** The catalog's sample sequence number when this class last received a sample (for LRU eviction). */
    public long lastUpdate;

    public ClassSummary() {}

    public ClassSummary(String label, int size, int freshCount, long lastUpdate) {
        this.label = label;
        this.size = size;
        this.freshCount = freshCount;
        this.lastUpdate = lastUpdate;
    }

    /** Copies the counts of the class's slots after they changed. */
    public void mirror(ClassSlots slots) {
        size = slots.size;
        freshCount = slots.freshCount;
    }

    @Override
    public String toString() {
        return label + "[size=" + size + ", fresh=" + freshCount + ", lastUpdate=" + lastUpdate + "]";
    }
}
