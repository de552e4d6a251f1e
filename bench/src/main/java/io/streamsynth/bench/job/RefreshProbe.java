package io.streamsynth.bench.job;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What connects the refresh benchmark's job to the process that runs it. The job runs on a
 * MiniCluster in this JVM, so its functions reach this object through a static field; one
 * benchmark runs at a time.
 */
final class RefreshProbe {
    static final String CATALOG = "bench";

    private static volatile RefreshProbe current;

    private final int items;
    private final int side;
    private final byte[] pixels;
    private final int[] labels;
    private final Queue<ModelRelease> toRelease = new ConcurrentLinkedQueue<>();
    private final Map<Long, BitSet> seen = new HashMap<>();
    private int duplicates;
    private volatile long awaited;
    private volatile CountDownLatch done;
    private volatile long releasedNanos;
    private volatile long releasedCpuNanos;
    private volatile long doneNanos;
    private volatile long doneCpuNanos;
    private volatile int checkpointsWhileAwaiting;

    private RefreshProbe(int side, byte[] pixels, int[] labels) {
        this.items = labels.length;
        this.side = side;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** @param pixels one grey side x side image per label, unsigned bytes */
    static RefreshProbe install(int side, byte[] pixels, int[] labels) {
        current = new RefreshProbe(side, pixels, labels);
        return current;
    }

    static RefreshProbe current() {
        return current;
    }

    int items() {
        return items;
    }

    /** Item {@code i} as the decoder would have produced it. */
    ImageSample sample(long i) {
        int n = (int) i;
        int per = side * side;
        ImageSample s = new ImageSample();
        s.catalog = CATALOG;
        s.itemId = Integer.toString(n);
        s.label = Integer.toString(labels[n]);
        s.channels = 1;
        s.height = side;
        s.width = side;
        s.pixels = Arrays.copyOfRange(pixels, n * per, (n + 1) * per);
        s.train = true;
        return s;
    }

    /** Hands a release to the job and arms the clock for it. */
    void release(ModelRelease r) {
        awaited = r.version;
        checkpointsWhileAwaiting = 0;
        done = new CountDownLatch(1);
        toRelease.add(r);
    }

    /** Called by the job's release source: the next release, if any; the clock starts now. */
    ModelRelease nextRelease() {
        ModelRelease r = toRelease.peek();
        if (r != null) {
            releasedCpuNanos = ProcessCpu.nanos();
            releasedNanos = System.nanoTime();
            toRelease.remove();
        }
        return r;
    }

    /** Called by the job for every embedding it produces. */
    synchronized void embedded(ItemEmbedding e) {
        BitSet versionSeen = seen.computeIfAbsent(e.modelVersion, v -> new BitSet(items));
        int item = Integer.parseInt(e.itemId);
        if (versionSeen.get(item)) {
            duplicates++;
            return;
        }
        versionSeen.set(item);
        if (e.modelVersion == awaited && versionSeen.cardinality() == items) {
            doneNanos = System.nanoTime();
            doneCpuNanos = ProcessCpu.nanos();
            done.countDown();
        }
    }

    void checkpointCompleted() {
        CountDownLatch d = done;
        if (d != null && d.getCount() != 0) {
            checkpointsWhileAwaiting++;
        }
    }

    boolean await(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    double seconds() {
        return (doneNanos - releasedNanos) / 1e9;
    }

    double cpuSeconds() {
        return (doneCpuNanos - releasedCpuNanos) / 1e9;
    }

    int checkpointsWhileAwaiting() {
        return checkpointsWhileAwaiting;
    }

    synchronized int duplicates() {
        return duplicates;
    }
}
