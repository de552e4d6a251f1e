package io.streamsynth.pipeline.kafka;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node in-JVM Kafka whose only listener for clients (and for the broker itself) is TLS:
 * either {@code SSL}, or {@code SASL_SSL} on which clients authenticate with
 * {@code SCRAM-SHA-512} (the broker itself with PLAIN, see {@link #scram}). The broker's key and
 * certificate come from a {@link TestCertificates} keystore; it trusts the authority for its
 * connections to itself (transaction markers). The controller listener stays PLAINTEXT and is
 * never given to clients.
 */
public final class SecureKafka implements AutoCloseable {
    /** The test kit's name of the broker listener. */
    private static final String LISTENER = "external";
    private static final String SCRAM = "SCRAM-SHA-512";
    private static final int SCRAM_ITERATIONS = 4096;

    private final KafkaClusterTestKit cluster;
    private final Properties client;

    private SecureKafka(KafkaClusterTestKit cluster, Properties client) {
        this.cluster = cluster;
        this.client = client;
    }

    /** A broker with an {@code SSL} listener presenting the key in {@code keystore}, signed by {@code ca}. */
    public static SecureKafka ssl(TestCertificates ca, Path keystore) throws Exception {
        return ssl(ca, keystore, ca.truststore());
    }

    /** The same, the broker trusting {@code brokerTruststore} for its connections to itself. */
    public static SecureKafka ssl(TestCertificates ca, Path keystore, Path brokerTruststore) throws Exception {
        KafkaClusterTestKit.Builder builder = builder(SecurityProtocol.SSL, ca, keystore)
                .setConfigProp("ssl.truststore.location", brokerTruststore.toString());
        return start(builder.build(), sslClient(ca.truststore(), ca.password()));
    }

    /**
     * A broker with a {@code SASL_SSL} listener on which clients authenticate with SCRAM-SHA-512,
     * with {@code user} and {@code password} as its one client user. The broker authenticates to
     * itself with PLAIN on the same listener, as a user with a random password that only it knows:
     * SCRAM users live in the metadata log, which Kafka's admin API writes only through a broker,
     * so the broker cannot be a SCRAM user before it has started. PLAIN therefore stays enabled on
     * the listener, but knows no user besides the broker.
     */
    public static SecureKafka scram(TestCertificates ca, Path keystore, String user, String password)
            throws Exception {
        String brokerPassword = "broker-" + UUID.randomUUID();
        KafkaClusterTestKit.Builder builder = builder(SecurityProtocol.SASL_SSL, ca, keystore)
                .setConfigProp("sasl.enabled.mechanisms", SCRAM + ",PLAIN")
                .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .setConfigProp("listener.name." + LISTENER + ".plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" "
                                + "password=\"" + brokerPassword + "\" user_broker=\"" + brokerPassword + "\";")
                .setConfigProp("listener.name." + LISTENER + ".scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        Properties client = scramClient(ca.truststore(), ca.password(), user, password);
        SecureKafka kafka = start(builder.build(), client);
        try {
            Properties asBroker = sslClient(ca.truststore(), ca.password());
            asBroker.put("security.protocol", "SASL_SSL");
            asBroker.put("sasl.mechanism", "PLAIN");
            asBroker.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"broker\" password=\"" + brokerPassword + "\";");
            asBroker.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin = Admin.create(asBroker)) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)))
                        .all().get(60, TimeUnit.SECONDS);
            }
            kafka.awaitUsable(Duration.ofSeconds(60));
            return kafka;
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
    }

    private static KafkaClusterTestKit.Builder builder(SecurityProtocol protocol, TestCertificates ca,
            Path keystore) {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        // the test kit's own setting knows only PLAINTEXT and SASL_PLAINTEXT, but leaves the map to us
        return builder.setConfigProp("listener.security.protocol.map", nodes.brokerListenerName().value() + ":"
                        + protocol.name + "," + nodes.controllerListenerName().value() + ":PLAINTEXT")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("ssl.keystore.type", "PKCS12")
                .setConfigProp("ssl.keystore.location", keystore.toString())
                .setConfigProp("ssl.keystore.password", ca.password())
                .setConfigProp("ssl.key.password", ca.password())
                .setConfigProp("ssl.truststore.type", "PKCS12")
                .setConfigProp("ssl.truststore.location", ca.truststore().toString())
                .setConfigProp("ssl.truststore.password", ca.password());
    }

    private static SecureKafka start(KafkaClusterTestKit cluster, Properties client) throws Exception {
        // the test kit prints its formatting steps to stdout
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new SecureKafka(cluster, client);
        } catch (Exception e) {
            cluster.close();
            throw e;
        } finally {
            System.setOut(stdout);
        }
    }

    /** Waits until the client this broker was started for is answered: a new SCRAM user reaches the broker late. */
    private void awaitUsable(Duration timeout) throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Admin admin = Admin.create(p)) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** TLS client settings that trust {@code truststore}, as a properties file would hold them. */
    public static Properties sslClient(Path truststore, String truststorePassword) {
        Properties p = new Properties();
        p.put("security.protocol", "SSL");
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", truststorePassword);
        return p;
    }

    /** SCRAM-SHA-512 over TLS client settings, the form the README documents. */
    public static Properties scramClient(Path truststore, String truststorePassword, String user, String password) {
        Properties p = sslClient(truststore, truststorePassword);
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", SCRAM);
        p.put("sasl.jaas.config", scramJaas(user, password));
        return p;
    }

    /** Writes client settings to {@code file}, the form --kafka-properties reads. */
    public static Path write(Properties client, Path file) throws Exception {
        try (Writer w = Files.newBufferedWriter(file)) {
            client.store(w, "TLS client settings for a test");
        }
        return file;
    }

    /** Creates topics as the client this broker was started for, waiting until they exist. */
    public void createTopics(List<NewTopic> topics) throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(new ArrayList<>(topics)).all().get(60, TimeUnit.SECONDS);
        }
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
