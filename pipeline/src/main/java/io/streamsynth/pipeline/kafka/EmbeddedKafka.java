package io.streamsynth.pipeline.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft Kafka cluster inside this JVM (broker and controller combined), for the
 * quickstart and tests: nothing to install or start. Transactions work, with replication factor 1
 * for the internal topics.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts the cluster, its data in a new folder of the system temp directory, which a JVM
     * shutdown hook of Kafka's test kit deletes (see {@link #start(Map, Path)}).
     *
     * @param brokerProperties extra broker settings (e.g. message.max.bytes)
     */
    public static EmbeddedKafka start(Map<String, String> brokerProperties) throws Exception {
        return start(brokerProperties, null);
    }

    /**
     * Starts the cluster with its data in {@code dataDir}, which the caller removes after
     * {@link #close}. Without it the test kit's shutdown hook deletes the data on Ctrl-C while the
     * broker still runs, and the broker halts the JVM at once when its log directory fails, before
     * any other hook could finish.
     *
     * @param dataDir an empty or absent folder, or null for a temporary one
     */
    public static EmbeddedKafka start(Map<String, String> brokerProperties, Path dataDir) throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
        if (dataDir != null) {
            nodes.setBaseDirectory(Files.createDirectories(dataDir));
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
        builder.setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                // one partition each: a single broker gains nothing from 50 and creates them on first use
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false");
        brokerProperties.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        // the test kit prints its formatting steps to stdout; the quickstart's stdout is for progress
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            cluster.close();
            throw e;
        } finally {
            System.setOut(stdout);
        }
    }

    public static EmbeddedKafka start() throws Exception {
        return start(Map.of());
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates topics (name, partitions, topic configs), waiting until they exist. */
    public void createTopics(List<NewTopic> topics) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(new ArrayList<>(topics)).all().get(60, TimeUnit.SECONDS);
            // the controller acknowledges before the broker answers clients with the new topics
            TopicCreator.awaitVisible(admin, topics.stream().map(NewTopic::name).toList());
        }
    }

    /** The cluster, for tests that stop and start its broker. */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
