package io.streamsynth.pipeline.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Flink job running in this JVM (a local environment's MiniCluster, or a MiniCluster a test
 * holds), and the three ways it ends: {@link #stopWithSavepoint}, {@link #cancel}, or on its own
 * ({@link #awaitTermination}). {@link #close} cancels a job still running and waits until it is
 * gone, so that its Kafka clients and RocksDB files are closed before the caller stops the broker
 * or deletes the folders; every other method fails with a message naming the job and what it
 * waited for.
 */
public final class LocalJobRunner implements AutoCloseable {
    /** How long {@link #close} waits for the cancellation and for the job's end. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(LocalJobRunner.class);

    private final String name;
    private final JobClient client;
    /** Completes when the job has ended, whichever way; taken once so every caller waits on the same end. */
    private final CompletableFuture<JobExecutionResult> end;

    private LocalJobRunner(String name, JobClient client) {
        this.name = name;
        this.client = client;
        this.end = client.getJobExecutionResult();
    }

    /**
     * Submits the job built on {@code env} and returns once it is submitted (not once it runs).
     * The MiniCluster of a local environment is the job's own and shuts down when the job ends.
     *
     * @throws IllegalStateException when Flink refuses the job (an empty graph, a port in use, ...)
     */
    public static LocalJobRunner start(StreamExecutionEnvironment env, String jobName) {
        try {
            return new LocalJobRunner(jobName, env.executeAsync(jobName));
        } catch (Exception e) {
            throw new IllegalStateException("could not start job '" + jobName + "': " + e.getMessage(), e);
        }
    }

    /**
     * Submits the job built on {@code env} to a MiniCluster the caller started and keeps (to stop
     * and start its TaskManagers): the cluster outlives the job.
     *
     * @throws IllegalStateException when the cluster does not accept the job within {@code timeout}
     */
    public static LocalJobRunner submit(MiniCluster cluster, StreamExecutionEnvironment env, String jobName,
            Duration timeout) {
        try {
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName(jobName);
            JobID id = cluster.submitJob(graph).get(timeout.toMillis(), TimeUnit.MILLISECONDS).getJobID();
            return new LocalJobRunner(jobName, new MiniClusterJobClient(id, cluster,
                    Thread.currentThread().getContextClassLoader(),
                    MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
        } catch (Exception e) {
            keepInterrupt(e);
            throw new IllegalStateException("could not submit job '" + jobName + "' to the MiniCluster within "
                    + seconds(timeout) + ": " + message(e), e);
        }
    }

    /**
     * Makes a job started with {@code conf} restore its state from {@code savepoint} (a path
     * {@link #stopWithSavepoint} returned).
     */
    public static Configuration restoringFrom(Configuration conf, String savepoint) {
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        return conf;
    }

    public JobID jobId() {
        return client.getJobID();
    }

    /** The client, for what this class does not cover (status, accumulators). */
    public JobClient client() {
        return client;
    }

    /** Whether the job has ended: finished, failed, cancelled or stopped with a savepoint. */
    public boolean ended() {
        return end.isDone();
    }

    /**
     * Takes a savepoint in {@code directory}, stops the job with it, and waits until the job has
     * ended. Sources are not drained to the end of event time ({@code --drain} off), so the job can
     * go on from the savepoint as if it had never stopped.
     *
     * @return the savepoint's path, for {@link #restoringFrom}
     * @throws IllegalStateException when the job had already ended, when the savepoint fails, or
     *     when it or the job's end takes longer than {@code timeout} (the job may then still run:
     *     {@link #close} cancels it)
     */
    public String stopWithSavepoint(Path directory, Duration timeout) {
        if (ended()) {
            throw new IllegalStateException("job '" + name + "' (" + jobId() + ") has already ended: no savepoint "
                    + "to take");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String savepoint;
        try {
            savepoint = client.stopWithSavepoint(false, directory.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            keepInterrupt(e);
            throw new IllegalStateException("job '" + name + "' (" + jobId() + ") did not stop with a savepoint in "
                    + directory + " within " + seconds(timeout) + ": " + message(e), unwrap(e));
        }
        awaitEnd(deadline, "to end after its savepoint " + savepoint);
        return savepoint;
    }

    /**
     * Cancels the job and waits until it has ended; does nothing when it already has.
     *
     * @throws IllegalStateException when the job is still there after {@code timeout}
     */
    public void cancel(Duration timeout) {
        if (ended()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            client.cancel().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            keepInterrupt(e);
            // the job may have ended by itself meanwhile: then there was nothing left to cancel
            if (!ended()) {
                throw new IllegalStateException("could not cancel job '" + name + "' (" + jobId() + ") within "
                        + seconds(timeout) + ": " + message(e), unwrap(e));
            }
        }
        awaitEnd(deadline, "to end after its cancellation");
    }

    /**
     * Waits until the job ends by itself; an endless streaming job ends only when something else
     * cancels or stops it.
     *
     * @return the result of a job that finished
     * @throws Exception the job's failure as Flink reports it (for a cancelled job, that it was cancelled)
     */
    public JobExecutionResult awaitTermination() throws Exception {
        try {
            return end.get();
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        }
    }

    /**
     * As {@link #awaitTermination()}, for at most {@code timeout}.
     *
     * @throws TimeoutException naming the job, when it is still running after {@code timeout}
     */
    public JobExecutionResult awaitTermination(Duration timeout) throws Exception {
        try {
            return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutException("job '" + name + "' (" + jobId() + ") still running after " + seconds(timeout));
        }
    }

    /**
     * Cancels the job when it still runs and waits for its end, at most {@link #CLOSE_TIMEOUT}. A
     * failure here is logged, not thrown, so that it does not hide the exception that ended a
     * try-with-resources block.
     */
    @Override
    public void close() {
        try {
            cancel(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("Job '{}' ({}) did not end cleanly on close: {}", name, jobId(), e.getMessage(), e);
        }
    }

    private void awaitEnd(long deadlineNanos, String what) {
        long left = Math.max(0, deadlineNanos - System.nanoTime());
        try {
            end.get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException cancelledOrFailed) {
            // a cancelled job's result completes exceptionally: it has ended, which is what was awaited
        } catch (TimeoutException e) {
            throw new IllegalStateException("job '" + name + "' (" + jobId() + ") took too long " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for job '" + name + "' " + what, e);
        }
    }

    private static void keepInterrupt(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
    }

    private static Exception rethrowable(Throwable cause) {
        if (cause instanceof Exception e) {
            return e;
        }
        return new ExecutionException(cause);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String message(Throwable e) {
        Throwable cause = unwrap(e);
        return cause instanceof TimeoutException ? "timed out" : cause.getClass().getSimpleName() + ": "
                + cause.getMessage();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
    }
}
