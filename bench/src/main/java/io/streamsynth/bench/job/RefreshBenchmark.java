package io.streamsynth.bench.job;

import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.embed.ItemEmbedder;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.pipeline.job.FlinkEnvironments;
import io.streamsynth.pipeline.job.LocalJobRunner;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Times the embedder's re-embedding pass as the job runs it: the real operator on the RocksDB state
 * backend (incremental checkpoints, taken while passes run), in a one-slot MiniCluster in this JVM.
 * {@link #start} streams the items in and waits until each has an embedding at the first version;
 * each {@link #refresh} then releases a newer version and waits until every item has it.
 */
public final class RefreshBenchmark implements AutoCloseable {
    /**
     * @param seconds    release of the version to the last item's embedding at it, wall time
     * @param cpuSeconds the same span in CPU time of the whole process
     */
    public record Result(double seconds, double cpuSeconds, int checkpointsDuringRefresh) {}

    private final RefreshProbe probe;
    private final LocalJobRunner job;
    private final Duration timeout;

    private RefreshBenchmark(RefreshProbe probe, LocalJobRunner job, Duration timeout) {
        this.probe = probe;
        this.job = job;
        this.timeout = timeout;
    }

    /**
     * @param pixels one grey side x side image per label, unsigned bytes
     */
    public static RefreshBenchmark start(int side, byte[] pixels, int[] labels, ModelRelease first,
            EmbedderSettings embedder, Duration checkpointInterval, Path checkpointDir, Duration timeout)
            throws Exception {
        RefreshProbe probe = RefreshProbe.install(side, pixels, labels);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1,
                FlinkEnvironments.stateConfig(checkpointDir));
        env.enableCheckpointing(checkpointInterval.toMillis());
        env.setBufferTimeout(1); // a release is one record: do not let it wait for a buffer to fill

        DataStream<ImageSample> items = env.fromSequence(0, labels.length - 1)
                .map((MapFunction<Long, ImageSample>) i -> RefreshProbe.current().sample(i))
                .returns(ImageSample.class).name("items");
        DataStream<ModelRelease> releases = env.fromSequence(0, Long.MAX_VALUE)
                .flatMap(new Releases()).returns(ModelRelease.class).name("releases");
        items.keyBy(ImageSample::itemKey, Types.STRING)
                .connect(releases.broadcast())
                .transform("embedder", TypeInformation.of(ItemEmbedding.class), new ItemEmbedder(embedder))
                .map(new Count()).returns(Types.INT).name("count")
                .sinkTo(new DiscardingSink<>());

        probe.release(first);
        RefreshBenchmark bench = new RefreshBenchmark(probe, LocalJobRunner.start(env, "bench embed"), timeout);
        try {
            bench.await(first.version);
        } catch (RuntimeException e) {
            bench.close();
            throw e;
        }
        return bench;
    }

    /** Releases a newer version and times its pass over every stored item. */
    public Result refresh(ModelRelease release) throws Exception {
        probe.release(release);
        await(release.version);
        return new Result(probe.seconds(), probe.cpuSeconds(), probe.checkpointsWhileAwaiting());
    }

    /** Embeddings of an (item, version) pair seen before; must stay 0. */
    public int duplicates() {
        return probe.duplicates();
    }

    private void await(long version) throws Exception {
        if (!probe.await(timeout.toSeconds())) {
            throw new IllegalStateException("version " + version + " did not reach every item within " + timeout);
        }
    }

    @Override
    public void close() {
        job.close();
    }

    /**
     * Emits the releases the benchmark hands over. It runs on an endless sequence so that the source
     * keeps taking part in checkpoints; the sleep keeps it from spinning. 10 ms, not 1: a wake-up
     * every millisecond cost enough CPU to show in both sides' figures on a 2-core machine, and 10 ms
     * is nothing against a pass of seconds.
     */
    private static final class Releases implements FlatMapFunction<Long, ModelRelease> {
        @Override
        public void flatMap(Long tick, Collector<ModelRelease> out) throws Exception {
            ModelRelease r = RefreshProbe.current().nextRelease();
            if (r != null) {
                out.collect(r);
            } else {
                Thread.sleep(10);
            }
        }
    }

    private static final class Count implements MapFunction<ItemEmbedding, Integer>, CheckpointListener {
        @Override
        public Integer map(ItemEmbedding e) {
            RefreshProbe.current().embedded(e);
            return 0;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            RefreshProbe.current().checkpointCompleted();
        }
    }
}
