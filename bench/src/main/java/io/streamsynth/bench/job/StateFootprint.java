package io.streamsynth.bench.job;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.batch.ClassBalancedBatchBuilder;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import io.streamsynth.pipeline.job.FlinkEnvironments;
import io.streamsynth.pipeline.job.LocalJobRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Memory and disk of the job's keyed state as it grows: a real Flink job on an in-JVM MiniCluster
 * with the job's own state backend settings (RocksDB, incremental checkpoints), fed generated
 * samples, measured once a completed checkpoint holds every sample.
 *
 * <p>A MiniCluster rather than an operator test harness: the harness lives in Flink's test jars, and
 * only a running job shows what a TaskManager holds (RocksDB's native memory, network buffers) and
 * what a checkpoint writes. It runs in this JVM, so heap and RSS are those of a whole local cluster.
 */
public final class StateFootprint {
    /** What to keep in state. */
    public enum Workload {
        /** The embedder's state: one {@code ValueState<ImageSample>} per item, keyed by item. */
        ITEMS,
        /** The batch builder's state for one catalog: per-class ring buffers of the default size. */
        CLASSES
    }

    /**
     * @param records          samples fed to the job
     * @param seconds          from submitting the job to the checkpoint holding every sample
     * @param heapUsedBytes    Java heap in use after a full collection
     * @param rssBytes         resident set size of the process (VmRSS)
     * @param rocksDbBytes     files under RocksDB's local working directory
     * @param checkpointBytes  files under the job's checkpoint directory (shared files and the last checkpoint)
     */
    public record Measurement(Workload workload, long records, int classes, double seconds, long heapUsedBytes,
            long rssBytes, long rocksDbBytes, long checkpointBytes) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", workload.name().toLowerCase(java.util.Locale.ROOT));
            m.put("records", records);
            m.put("classes", classes);
            m.put("seconds", Math.round(seconds * 10) / 10.0);
            m.put("heap_used_bytes", heapUsedBytes);
            m.put("rss_bytes", rssBytes);
            m.put("rocksdb_bytes", rocksDbBytes);
            m.put("checkpoint_bytes", checkpointBytes);
            m.put("rocksdb_bytes_per_record", rocksDbBytes / records);
            m.put("checkpoint_bytes_per_record", checkpointBytes / records);
            return m;
        }
    }

    private StateFootprint() {}

    /**
     * @param records samples to store (ITEMS: distinct items; CLASSES: spread evenly over the classes)
     * @param classes class labels the samples cycle through
     */
    public static Measurement measure(Workload workload, long records, int classes, Path workDir, Duration timeout)
            throws Exception {
        return measure(workload, records, classes, workDir, timeout, null);
    }

    /**
     * @param photos null for 28x28 grey noise samples; else synthetic RGB product shots stored as the
     *               decoder stores them under this spec
     */
    public static Measurement measure(Workload workload, long records, int classes, Path workDir, Duration timeout,
            ImageSpec photos) throws Exception {
        String run = UUID.randomUUID().toString();
        Path root = Files.createTempDirectory(workDir, "footprint-");
        Path rocksDb = root.resolve("rocksdb");
        Path checkpoints = root.resolve("checkpoints");
        FootprintProbe.open(run);
        try {
            Configuration conf = FlinkEnvironments.stateConfig(checkpoints);
            conf.set(RocksDBOptions.LOCAL_DIRECTORIES, rocksDb.toString());
            conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            conf.set(RestOptions.BIND_PORT, "0");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            env.enableCheckpointing(1000);
            DataStream<ImageSample> samples = env.fromSequence(0, Long.MAX_VALUE).name("ids")
                    .flatMap(new GeneratedSamples(run, records, classes, photos)).name("generated samples");
            if (workload == Workload.ITEMS) {
                samples.keyBy(ImageSample::itemKey).process(new StoreItems()).name("store items")
                        .sinkTo(new DiscardingSink<>());
            } else {
                BatchPolicy policy = BatchPolicy.of(8, 8, 1).withMaxClasses(Math.max(classes,
                        BatchPolicy.DEFAULT_MAX_CLASSES));
                samples.keyBy(s -> s.catalog)
                        .transform("batch builder", TypeInformation.of(TrainerInput.class),
                                new ClassBalancedBatchBuilder(policy))
                        .sinkTo(new DiscardingSink<>());
            }
            long start = System.nanoTime();
            // closing the runner waits until the cancelled job has ended: RocksDB has closed its files
            // before deleteTree runs
            try (LocalJobRunner job = LocalJobRunner.start(env, "bench growth: " + workload + " " + records)) {
                long deadline = start + timeout.toNanos();
                while (FootprintProbe.completedCheckpoint(run) < 0) {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("no checkpoint held all " + records + " samples within " + timeout);
                    }
                    if (job.ended()) {
                        job.awaitTermination(Duration.ZERO); // throws the failure that ended it
                        throw new IllegalStateException("the footprint job ended before its checkpoint");
                    }
                    Thread.sleep(200);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return new Measurement(workload, records, classes, seconds, ProcessMemory.heapUsedAfterGc(),
                        ProcessMemory.residentBytes(), ProcessMemory.directoryBytes(rocksDb),
                        ProcessMemory.directoryBytes(checkpoints));
            }
        } finally {
            FootprintProbe.close(run);
            deleteTree(root);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException late) {
                    // a file appeared after the walk (a last RocksDB log line); the second pass below takes it
                }
            }
        } catch (UncheckedIOException vanished) {
            // something disappeared during the walk; the second pass below sees what is left
        }
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
