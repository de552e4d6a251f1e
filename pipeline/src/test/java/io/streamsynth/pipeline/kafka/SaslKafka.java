package io.streamsynth.pipeline.kafka;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node in-JVM Kafka whose only listener for clients is SASL_PLAINTEXT with the PLAIN
 * mechanism and one user: a client without the right credentials cannot even read metadata. The
 * controller listener stays PLAINTEXT; clients never see it.
 */
public final class SaslKafka implements AutoCloseable {
    /** The test kit's name of the broker listener. */
    private static final String LISTENER = "external";

    private final KafkaClusterTestKit cluster;
    private final String user;
    private final String password;

    private SaslKafka(KafkaClusterTestKit cluster, String user, String password) {
        this.cluster = cluster;
        this.user = user;
        this.password = password;
    }

    /** Starts a broker that accepts {@code user} with {@code password} (and its own inter-broker user). */
    public static SaslKafka start(String user, String password) throws Exception {
        String brokerPassword = "broker-" + UUID.randomUUID();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build());
        builder.setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                // authentication is what these tests are about; ACLs would need the controller to authenticate too
                .setConfigProp("authorizer.class.name", "")
                // the broker's own users, on its listener: the broker itself and the one client
                .setConfigProp("listener.name." + LISTENER + ".plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" "
                                + "password=\"" + brokerPassword + "\" user_broker=\"" + brokerPassword + "\" user_"
                                + user + "=\"" + password + "\";");
        KafkaClusterTestKit cluster = builder.build();
        // the test kit prints its formatting steps to stdout
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new SaslKafka(cluster, user, password);
        } catch (Exception e) {
            cluster.close();
            throw e;
        } finally {
            System.setOut(stdout);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The client settings of a user, as a properties file would hold them. */
    public static Properties clientProperties(String user, String password) {
        Properties p = new Properties();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    /** Writes the client settings of a user to {@code file}, the form --kafka-properties reads. */
    public static Path writeClientProperties(Path file, String user, String password) throws Exception {
        try (Writer w = Files.newBufferedWriter(file)) {
            clientProperties(user, password).store(w, "SASL client settings for a test");
        }
        return file;
    }

    /** Creates topics with the broker's user's credentials, waiting until they exist. */
    public void createTopics(List<NewTopic> topics) throws Exception {
        Properties p = clientProperties(user, password);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(new ArrayList<>(topics)).all().get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
