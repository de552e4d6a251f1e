package io.streamsynth.pipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.util.FileUtils;

/**
 * Where a quickstart run writes: Flink checkpoints, the JobManager log the Web UI shows, and
 * {@link #flinkTmp} for everything Flink would otherwise leave in the system temp directory (the
 * MiniCluster's working directory, the RPC system's extracted jar, blobs, RocksDB, network buffers
 * spilled to disk, Web UI uploads), RocksDB's working folders and the Kafka broker's data.
 * {@link #close} removes the whole tree when the run created it (no {@code --work-dir}); inside a
 * {@code --work-dir} it removes those three and keeps the checkpoints and the log.
 */
final class QuickstartDirs implements AutoCloseable {
    private final Path root;
    private final boolean created;

    private QuickstartDirs(Path root, boolean created) {
        this.root = root;
        this.created = created;
    }

    /** In {@code workDir}, or in a new folder {@code streamsynth-quickstart*} of the system temp directory when null. */
    static QuickstartDirs create(Path workDir) throws IOException {
        if (workDir != null) {
            Files.createDirectories(workDir);
            return new QuickstartDirs(workDir, false);
        }
        return new QuickstartDirs(Files.createTempDirectory("streamsynth-quickstart"), true);
    }

    Path root() {
        return root;
    }

    Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** The in-JVM Kafka broker's data. */
    Path kafka() {
        return root.resolve("kafka");
    }

    /** RocksDB's working folders, short enough a path for RocksDB to put its LOG files next to the JobManager log. */
    Path rocksdb() {
        return root.resolve("rocksdb");
    }

    /** Flink's {@code io.tmp.dirs} and {@code web.tmpdir}. */
    Path flinkTmp() {
        return root.resolve("flink-tmp");
    }

    /** The JobManager log: Flink's INFO lines and up, which the terminal does not show. */
    Path logFile() {
        return root.resolve("jobmanager.log");
    }

    /** Removes what the run leaves behind; a file that cannot be removed is reported, not thrown. */
    @Override
    public void close() {
        for (Path target : created ? List.of(root) : List.of(flinkTmp(), rocksdb(), kafka())) {
            try {
                FileUtils.deleteDirectory(target.toFile());
            } catch (IOException e) {
                System.err.println("could not remove " + target + ": " + e.getMessage());
            }
        }
    }
}
