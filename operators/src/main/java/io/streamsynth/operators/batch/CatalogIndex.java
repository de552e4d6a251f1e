package io.streamsynth.operators.batch;

import java.util.Arrays;

/**
 * The per-catalog index of the batch builder: one {@link ClassSummary} per buffered class, the
 * catalog's image shape, and the counters that order updates and seed batches. Every event needs
 * all of it, so the builder keeps it on the heap and writes it to state at each checkpoint; it holds
 * a few numbers per class and never per-sample data.
 *
 * <p>A Flink POJO. Classes are an array rather than a map so that Flink's own serializers cover
 * every field (no Kryo fallback); lookups scan it, which is cheap next to a sample's state access.
 */
public class CatalogIndex {
    public ClassSummary[] classes = new ClassSummary[0];
    /** Samples buffered so far; each class remembers the value at its last sample. */
    public long sequence;
    /** Batches built so far; with the policy's seed it derives each batch's random choices. */
    public long batches;
    /** Image shape of the catalog, fixed by its first buffered sample (0 until then). */
    public int channels;
    public int height;
    public int width;
    /**
     * The catalog settings the buffers follow ({@link io.streamsynth.operators.types.SettingsStamp}):
     * the newest revision among the samples received, 0 for the job's flags, and that record's value.
     */
    public long settingsRevision;
    public byte[] settings;

    public CatalogIndex() {}

    public ClassSummary find(String label) {
        for (ClassSummary summary : classes) {
            if (summary.label.equals(label)) {
                return summary;
            }
        }
        return null;
    }

    public int classCount() {
        return classes.length;
    }

    public ClassSummary add(String label) {
        ClassSummary summary = new ClassSummary(label, 0, 0, sequence);
        classes = Arrays.copyOf(classes, classes.length + 1);
        classes[classes.length - 1] = summary;
        return summary;
    }

    public void remove(String label) {
        classes = Arrays.stream(classes).filter(c -> !c.label.equals(label)).toArray(ClassSummary[]::new);
    }

    /** The class whose latest sample is the oldest; null when there are no classes. */
    public ClassSummary leastRecentlyUpdated() {
        ClassSummary oldest = null;
        for (ClassSummary summary : classes) {
            if (oldest == null || summary.lastUpdate < oldest.lastUpdate) {
                oldest = summary;
            }
        }
        return oldest;
    }

    /** Records one more buffered sample of this class. */
    public void touch(ClassSummary summary) {
        sequence++;
        summary.lastUpdate = sequence;
    }

    public long bufferedSamples() {
        long total = 0;
        for (ClassSummary summary : classes) {
            total += summary.size;
        }
        return total;
    }

    public boolean hasShape() {
        return channels > 0;
    }

    public boolean hasShape(int c, int h, int w) {
        return channels == c && height == h && width == w;
    }

    public void setShape(int c, int h, int w) {
        channels = c;
        height = h;
        width = w;
    }

    /** Bytes of one sample's pixels, C x H x W. */
    public int sampleBytes() {
        return channels * height * width;
    }
}
