package io.streamsynth.bench.job;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.operators.types.ImageSample;
import java.util.SplittableRandom;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the ids of an endless number sequence into {@code count} generated samples, then idles:
 * 28x28 grey noise, or with a photo spec synthetic RGB product shots ({@link ProductShots}) stored
 * as the decoder stores them (resized to the spec's S x S square, kept as its compact bytes). The job must stay up after the last sample, or Flink would finish its tasks and drop their
 * state before the bench could measure it; idling slowly here keeps it up without burning a core.
 *
 * <p>Chained to the source, it sees each checkpoint at the moment its barrier enters the stream:
 * the first checkpoint taken after the last sample holds all of them once it completes, which is
 * what {@link FootprintProbe} reports. Pixels are seeded noise, the worst case for compression.
 */
final class GeneratedSamples implements FlatMapFunction<Long, ImageSample>, CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;
    private static final int SIDE = 28;

    private final String run;
    private final long count;
    private final int classes;
    /** Null for 28x28 grey noise; else how photos are stored. */
    private final ImageSpec photos;

    private transient Preprocessing preprocessing;
    private transient long emitted;
    /** Set in initializeState: deserialisation skips field initialisers, and 0 would be a checkpoint id. */
    private transient long holdingAll;

    /**
     * @param classes samples cycle through this many class labels
     */
    GeneratedSamples(String run, long count, int classes, ImageSpec photos) {
        this.run = run;
        this.count = count;
        this.classes = classes;
        this.photos = photos;
    }

    @Override
    public void flatMap(Long id, Collector<ImageSample> out) throws InterruptedException {
        if (id >= count) {
            Thread.sleep(20);
            return;
        }
        if (photos == null) {
            out.collect(sample(id, classes));
        } else {
            if (preprocessing == null) {
                preprocessing = new Preprocessing(photos);
            }
            out.collect(photo(id, classes, preprocessing));
        }
        emitted++;
    }

    /** A product shot stored as {@link io.streamsynth.operators.decode.ImageEventParser} stores an upload. */
    static ImageSample photo(long id, int classes, Preprocessing preprocessing) {
        ImageSample s = sample(id, classes);
        ImageSpec spec = preprocessing.spec();
        s.channels = spec.channels();
        s.height = spec.resize();
        s.width = spec.resize();
        s.pixels = preprocessing.store(ProductShots.draw(id));
        return s;
    }

    static ImageSample sample(long id, int classes) {
        ImageSample s = new ImageSample();
        s.catalog = "bench";
        s.itemId = "item-" + id;
        s.label = "class-" + (id % classes);
        s.channels = 1;
        s.height = SIDE;
        s.width = SIDE;
        s.pixels = new byte[SIDE * SIDE];
        SplittableRandom random = new SplittableRandom(id);
        for (int i = 0; i < s.pixels.length; i++) {
            s.pixels[i] = (byte) random.nextInt(256);
        }
        s.eventTime = id;
        s.ingestTime = System.currentTimeMillis();
        s.train = true;
        return s;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        if (emitted >= count && holdingAll < 0) {
            holdingAll = context.getCheckpointId();
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // nothing to restore: a footprint run never restarts, it only starts counting
        emitted = 0;
        holdingAll = -1;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (holdingAll >= 0 && checkpointId >= holdingAll) {
            FootprintProbe.completed(run, checkpointId);
        }
    }
}
