package io.streamsynth.pipeline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Compares the job's Kafka settings with each other and with what the brokers and topics report,
 * before anything is created or submitted: settings that cannot work would otherwise show only as
 * restart loops, a frozen job or lost records. Each mismatch becomes one line that names both
 * values and the flag or property to change. docs/RELIABILITY.md lists the checks with their tests.
 *
 * <p>Checks, in order: the sinks' transaction timeout against the brokers'
 * {@code transaction.max.timeout.ms}; the checkpoint interval plus {@link #CHECKPOINT_MARGIN}
 * against the transaction timeout; events, chunks and dead letters against the topics'
 * {@code max.message.bytes} and the sinks' {@code max.request.size}; the checkpoints topic's
 * and the version markers topic's cleanup policy and retention; the catalog settings topic's cleanup policy; partitions against the parallelism; replication against
 * {@code min.insync.replicas}; the transactional-id prefix against live producers.
 */
public final class JobSettingsCheck {
    /**
     * Time a checkpoint may take after its interval before the sinks' transactions commit: a
     * transaction opened at one checkpoint stays open at least an interval, plus this.
     */
    public static final Duration CHECKPOINT_MARGIN = Duration.ofSeconds(60);

    /** Waits for a Kafka answer, turning failures into the pre-flight's one-line errors. */
    public interface Await {
        <T> T get(KafkaFuture<T> future) throws InterruptedException;
    }

    private final JobKafkaSettings job;
    private final Duration observe;
    private final List<String> skipped = new ArrayList<>();

    /**
     * @param observe how long to watch the transactions of the job's prefix for a live producer:
     *                a running job begins a transaction at least once per checkpoint interval
     */
    public JobSettingsCheck(JobKafkaSettings job, Duration observe) {
        this.job = job;
        this.observe = observe;
    }

    /** The default watch: a little longer than this job's own checkpoint interval, within [2, 30] s. */
    public static Duration defaultObservation(Duration checkpointInterval) {
        long millis = checkpointInterval.toMillis() + 1_000;
        return Duration.ofMillis(Math.max(2_000, Math.min(30_000, millis)));
    }

    /** One line per mismatch; empty when the settings can work. */
    public List<String> mismatches(Admin admin, Await await) throws InterruptedException {
        List<String> out = new ArrayList<>();
        transactionTimeoutWithinBrokers(admin, await).ifPresent(out::add);
        checkpointIntervalWithinTransactionTimeout().ifPresent(out::add);
        List<String> names = job.topics().all();
        Map<String, TopicDescription> descriptions = await.get(admin.describeTopics(names).allTopicNames());
        Map<String, Config> configs = topicConfigs(admin, await, names);
        long imagesMax = bytes(configs, job.topics().images(), "max.message.bytes");
        eventsFitImagesTopic(imagesMax).ifPresent(out::add);
        chunksFitCheckpointsTopic(bytes(configs, job.topics().checkpoints(), "max.message.bytes")).ifPresent(out::add);
        deadLettersFitTopic(imagesMax, bytes(configs, job.topics().deadLetters(), "max.message.bytes"))
                .ifPresent(out::add);
        recordsFitRequest(imagesMax).ifPresent(out::add);
        checkpointsKeptWhole(configs.get(job.topics().checkpoints())).ifPresent(out::add);
        markersKeptForever(configs.get(job.topics().versions())).ifPresent(out::add);
        catalogSettingsKept(configs.get(job.topics().catalogs())).ifPresent(out::add);
        partitionsCoverParallelism(descriptions.get(job.topics().images())).ifPresent(out::add);
        for (String topic : names) {
            replicationCoversMinInsync(topic, descriptions.get(topic), configs.get(topic)).ifPresent(out::add);
        }
        liveProducerOfPrefix(admin, await).ifPresent(out::add);
        return out;
    }

    Optional<String> transactionTimeoutWithinBrokers(Admin admin, Await await) throws InterruptedException {
        Collection<Node> nodes = await.get(admin.describeCluster(new DescribeClusterOptions()).nodes());
        List<ConfigResource> brokers = nodes.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(n.id()))).toList();
        Optional<Map<ConfigResource, Config>> described = ifAllowed(await, admin.describeConfigs(brokers).all(),
                "the brokers' transaction.max.timeout.ms");
        if (described.isEmpty()) {
            return Optional.empty();
        }
        Map<ConfigResource, Config> configs = described.get();
        long lowest = Long.MAX_VALUE;
        String where = null;
        for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
            ConfigEntry entry = e.getValue().get("transaction.max.timeout.ms");
            if (entry != null && entry.value() != null && Long.parseLong(entry.value()) < lowest) {
                lowest = Long.parseLong(entry.value());
                where = e.getKey().name();
            }
        }
        if (where == null || job.transactionTimeoutMs() <= lowest) {
            return Optional.empty();
        }
        return Optional.of("the sinks' transaction.timeout.ms " + job.transactionTimeoutMs() + " is above broker "
                + where + "'s transaction.max.timeout.ms " + lowest + ": set transaction.timeout.ms to at most "
                + lowest + " in " + job.propertiesSource() + " (--kafka-properties), or raise the brokers' "
                + "transaction.max.timeout.ms");
    }

    Optional<String> checkpointIntervalWithinTransactionTimeout() {
        long needed = job.checkpointInterval().toMillis() + CHECKPOINT_MARGIN.toMillis();
        if (needed <= job.transactionTimeoutMs()) {
            return Optional.empty();
        }
        return Optional.of("--checkpoint-interval " + seconds(job.checkpointInterval().toMillis()) + " s plus "
                + CHECKPOINT_MARGIN.toSeconds() + " s for a checkpoint to complete exceeds the sinks' "
                + "transaction.timeout.ms " + job.transactionTimeoutMs() + " (Kafka would abort their transactions "
                + "before Flink commits them): lower --checkpoint-interval to at most "
                + seconds(job.transactionTimeoutMs() - CHECKPOINT_MARGIN.toMillis()) + " s, or raise "
                + "transaction.timeout.ms in " + job.propertiesSource() + " (--kafka-properties)");
    }

    Optional<String> eventsFitImagesTopic(long imagesMax) {
        long needed = TopicSetup.imagesMaxMessageBytes(job.maxEventBytes());
        if (needed <= imagesMax) {
            return Optional.empty();
        }
        return Optional.of("--max-event-bytes " + job.maxEventBytes() + " (" + needed + " with Kafka's framing) is "
                + "above topic '" + job.topics().images() + "' max.message.bytes " + imagesMax + ": events in between "
                + "can never arrive; lower --max-event-bytes to at most " + (imagesMax - TopicSetup.RECORD_OVERHEAD_BYTES)
                + ", or set the topic's max.message.bytes to at least " + needed);
    }

    Optional<String> chunksFitCheckpointsTopic(long checkpointsMax) {
        long needed = (long) job.maxChunkBytes() + TopicSetup.RECORD_OVERHEAD_BYTES;
        if (needed <= checkpointsMax) {
            return Optional.empty();
        }
        return Optional.of("--checkpoint-chunk-bytes " + job.maxChunkBytes() + " (" + needed + " with headers and "
                + "framing) is above topic '" + job.topics().checkpoints() + "' max.message.bytes " + checkpointsMax
                + ": lower --checkpoint-chunk-bytes to at most " + (checkpointsMax - TopicSetup.RECORD_OVERHEAD_BYTES)
                + ", or set the topic's max.message.bytes to at least " + needed);
    }

    Optional<String> deadLettersFitTopic(long imagesMax, long deadLettersMax) {
        long needed = imagesMax + TopicSetup.RECORD_OVERHEAD_BYTES;
        if (needed <= deadLettersMax) {
            return Optional.empty();
        }
        return Optional.of("topic '" + job.topics().deadLetters() + "' max.message.bytes " + deadLettersMax
                + " cannot hold a dead letter of the largest record topic '" + job.topics().images()
                + "' accepts (max.message.bytes " + imagesMax + " plus headers): set the dead-letter topic's "
                + "max.message.bytes to at least " + needed);
    }

    Optional<String> recordsFitRequest(long imagesMax) {
        long needed = Math.max((long) job.maxChunkBytes(), imagesMax) + TopicSetup.RECORD_OVERHEAD_BYTES;
        if (needed <= job.maxRequestSize()) {
            return Optional.empty();
        }
        return Optional.of("the sinks' max.request.size " + job.maxRequestSize() + " is below their largest record, "
                + needed + " (a --checkpoint-chunk-bytes " + job.maxChunkBytes() + " chunk, or a dead letter of an "
                + "images record of up to " + imagesMax + "): set max.request.size to at least " + needed + " in "
                + job.propertiesSource() + " (--kafka-properties), or remove it there");
    }

    Optional<String> checkpointsKeptWhole(Config config) {
        String topic = job.topics().checkpoints();
        String policy = value(config, "cleanup.policy");
        if (policy != null && policy.contains("compact")) {
            return Optional.of("topic '" + topic + "' has cleanup.policy=" + policy + ": compaction keeps one record "
                    + "per key and the chunks of a checkpoint share their catalog's key, so checkpoints would lose "
                    + "chunks; set cleanup.policy=delete with retention.ms=-1 on it");
        }
        String retention = value(config, "retention.ms");
        if (retention != null && Long.parseLong(retention) >= 0) {
            return Optional.of("topic '" + topic + "' has retention.ms=" + retention + ": the newest checkpoint "
                    + "would expire whenever the job publishes less often than that, and consumers need it; set "
                    + "retention.ms=-1 on it (retention.bytes may bound the older versions)");
        }
        return Optional.empty();
    }

    /**
     * The markers topic must keep every marker: an index that starts from the beginning (a new
     * replica, a rebuilt disk) learns from them which versions are complete and which superseded.
     * Markers share their catalog's key, so compaction would keep only a catalog's last marker (often
     * a superseded one, hiding the complete version before it), and a retention time would drop the
     * marker of a version that is still served once no newer one completes for that long.
     */
    Optional<String> markersKeptForever(Config config) {
        String topic = job.topics().versions();
        String policy = value(config, "cleanup.policy");
        if (policy != null && policy.contains("compact")) {
            return Optional.of("topic '" + topic + "' has cleanup.policy=" + policy + ": markers share their "
                    + "catalog's key, so compaction keeps only each catalog's last marker and an index started from "
                    + "the beginning would not learn which version is complete; set cleanup.policy=delete with "
                    + "retention.ms=-1 on it");
        }
        String retention = value(config, "retention.ms");
        if (retention != null && Long.parseLong(retention) >= 0) {
            return Optional.of("topic '" + topic + "' has retention.ms=" + retention + ": the marker of the served "
                    + "version would expire whenever no newer version completes for that long, and an index started "
                    + "afterwards would serve nothing; set retention.ms=-1 on it (markers are a few hundred bytes)");
        }
        return Optional.empty();
    }

    /**
     * A job started without state reads the catalog settings topic from its beginning: a settings
     * record that expired by age would leave its catalog on the job's flags (another model shape, a
     * new lineage) at the next such start. Compaction keeps each catalog's newest record for good.
     */
    Optional<String> catalogSettingsKept(Config config) {
        String policy = value(config, "cleanup.policy");
        String retention = value(config, "retention.ms");
        if (policy == null || policy.contains("compact") || (retention != null && Long.parseLong(retention) < 0)) {
            return Optional.empty();
        }
        return Optional.of("topic '" + job.topics().catalogs() + "' has cleanup.policy=" + policy + " with retention.ms="
                + retention + ": a catalog's settings record would expire and a job started without state would "
                + "train that catalog with its flags; set cleanup.policy=compact on it");
    }

    Optional<String> partitionsCoverParallelism(TopicDescription images) {
        int partitions = images.partitions().size();
        if (partitions >= job.parallelism()) {
            return Optional.empty();
        }
        return Optional.of("topic '" + images.name() + "' has " + partitions + " partition"
                + (partitions == 1 ? "" : "s") + " for parallelism " + job.parallelism() + ": "
                + (job.parallelism() - partitions) + " source subtasks would get no partition and stay idle; add "
                + "partitions to the topic (kafka-topics.sh --alter --partitions " + job.parallelism() + ") or lower "
                + "--parallelism to " + partitions);
    }

    Optional<String> replicationCoversMinInsync(String topic, TopicDescription description, Config config) {
        String minInsync = value(config, "min.insync.replicas");
        if (minInsync == null) {
            return Optional.empty();
        }
        int replicas = description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
        if (replicas >= Integer.parseInt(minInsync)) {
            return Optional.empty();
        }
        return Optional.of("topic '" + topic + "' has replication factor " + replicas + " but min.insync.replicas "
                + minInsync + ": every transactional write would fail with NotEnoughReplicas; lower the topic's "
                + "min.insync.replicas to " + replicas + " or add replicas (train --create-topics "
                + "--replication-factor)");
    }

    /**
     * A transactional id of this job's prefix whose transaction moved while we watched: another job
     * is writing with it, and two jobs with one prefix fence each other's sinks. Ids that stay still
     * are an earlier run's, which this job's sinks abort and reuse as Flink intends.
     */
    Optional<String> liveProducerOfPrefix(Admin admin, Await await) throws InterruptedException {
        Map<String, Optional<Snapshot>> before = transactionsOfPrefix(admin, await);
        if (before.isEmpty()) {
            return Optional.empty();
        }
        Thread.sleep(observe.toMillis());
        Map<String, Optional<Snapshot>> after = transactionsOfPrefix(admin, await);
        for (Map.Entry<String, Optional<Snapshot>> e : after.entrySet()) {
            if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                return Optional.of("--transactional-id-prefix '" + job.transactionalIdPrefix() + "' is in use by a "
                        + "running producer (transactional id '" + e.getKey() + "' was active within the last "
                        + seconds(observe.toMillis()) + " s): two jobs with one prefix fence each other's sinks; give "
                        + "this job its own --transactional-id-prefix (its default derives from --job-name)");
            }
        }
        return Optional.empty();
    }

    /** What tells a transaction's progress: producer, epoch, state and start of the current transaction. */
    private record Snapshot(long producerId, int epoch, TransactionState state, OptionalLong started) {}

    private Map<String, Optional<Snapshot>> transactionsOfPrefix(Admin admin, Await await)
            throws InterruptedException {
        String prefix = job.transactionalIdPrefix() + "-";
        Set<String> ids = new TreeSet<>();
        Optional<Collection<TransactionListing>> listed = ifAllowed(await, admin.listTransactions().all(),
                "the transactions of the prefix");
        for (TransactionListing t : listed.orElse(List.of())) {
            if (t.transactionalId().startsWith(prefix)) {
                ids.add(t.transactionalId());
            }
        }
        Map<String, Optional<Snapshot>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        var described = admin.describeTransactions(ids);
        for (String id : ids) {
            try {
                TransactionDescription d = await.get(described.description(id));
                out.put(id, Optional.of(new Snapshot(d.producerId(), d.producerEpoch(), d.state(),
                        d.transactionStartTimeMs())));
            } catch (KafkaPreflightException e) {
                // expired between listing and describing: seen, but without a state to compare
                out.put(id, Optional.empty());
            }
        }
        return out;
    }

    private Map<String, Config> topicConfigs(Admin admin, Await await, List<String> names)
            throws InterruptedException {
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<String, Config> out = new HashMap<>();
        ifAllowed(await, admin.describeConfigs(resources).all(), "the topics' settings")
                .ifPresent(all -> all.forEach((r, c) -> out.put(r.name(), c)));
        return out;
    }

    /**
     * The answer, or empty when the client's principal may not ask (a secured cluster need not grant
     * the job DescribeConfigs or DescribeTransactions): that check cannot run, and {@link #skipped}
     * says so, but it does not stop a job the cluster lets run.
     */
    private <T> Optional<T> ifAllowed(Await await, KafkaFuture<T> future, String what) throws InterruptedException {
        try {
            return Optional.of(await.get(future));
        } catch (KafkaPreflightException e) {
            if (e.getCause() instanceof AuthorizationException) {
                skipped.add(what + " (" + e.getCause().getClass().getSimpleName() + ")");
                return Optional.empty();
            }
            throw e;
        }
    }

    /** What could not be compared because the cluster denied the question; empty after a full check. */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    private static long bytes(Map<String, Config> configs, String topic, String key) {
        String v = value(configs.get(topic), key);
        return v == null ? Long.MAX_VALUE : Long.parseLong(v);
    }

    private static String value(Config config, String key) {
        if (config == null) {
            return null;
        }
        ConfigEntry entry = config.get(key);
        return entry == null ? null : entry.value();
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }
}
