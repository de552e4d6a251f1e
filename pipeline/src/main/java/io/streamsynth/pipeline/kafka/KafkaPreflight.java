package io.streamsynth.pipeline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Connects to Kafka once with the client properties every source and sink will use, and describes
 * the topics, before anything is submitted: a refused password, an unreachable broker or a missing
 * topic becomes one clear line instead of a job that retries forever. Messages never carry a
 * secret of the properties.
 */
public final class KafkaPreflight {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The admin client's id; log4j2.properties drops its log lines, which only repeat the check's message. */
    public static final String CLIENT_ID = "streamsynth-preflight";

    private final String bootstrapServers;
    private final Properties clientProperties;
    private final String propertiesSource;
    private final Duration timeout;

    /**
     * @param propertiesSource where the client properties came from, for messages (e.g. the file's path)
     */
    public KafkaPreflight(String bootstrapServers, Properties clientProperties, String propertiesSource,
            Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = new Properties();
        this.clientProperties.putAll(clientProperties);
        this.propertiesSource = propertiesSource;
        this.timeout = timeout;
    }

    /**
     * Authenticates and describes the cluster and then the topics.
     *
     * @throws KafkaPreflightException with a one-line reason when any of that fails
     */
    public void check(Collection<String> topics) throws InterruptedException {
        check(topics, null);
    }

    /**
     * {@link #check(Collection)}, then the job's settings against each other and the cluster.
     *
     * @param settings the job's settings check, or null for none
     * @throws KafkaPreflightException with one line per mismatch (each after the first starts with
     *                                 "error: " too, as the command line prints the first)
     */
    public void check(Collection<String> topics, JobSettingsCheck settings) throws InterruptedException {
        Admin admin;
        try {
            admin = Admin.create(adminProperties());
        } catch (RuntimeException e) {
            String store = TlsFailures.storeNotLoaded(e, clientProperties, propertiesSource);
            throw failure(store != null ? store : "the Kafka client properties in " + propertiesSource
                    + " are not usable (" + describe(rootCause(e)) + ")");
        }
        try {
            await(admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMillis())).nodes());
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> topic
                    : admin.describeTopics(topics).topicNameValues().entrySet()) {
                try {
                    await(topic.getValue());
                } catch (KafkaPreflightException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                    missing.add(topic.getKey());
                }
            }
            if (!missing.isEmpty()) {
                throw failure("topic" + (missing.size() == 1 ? " '" + missing.get(0) + "' does" : "s " + missing + " do")
                        + " not exist at " + bootstrapServers + ": create "
                        + (missing.size() == 1 ? "it" : "them") + " (train --create-topics) or check the topic names");
            }
            if (settings != null) {
                checkSettings(admin, settings);
            }
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private void checkSettings(Admin admin, JobSettingsCheck settings) throws InterruptedException {
        List<String> mismatches = settings.mismatches(admin, this::await);
        if (!mismatches.isEmpty()) {
            throw failure(String.join(System.lineSeparator() + "error: ", mismatches));
        }
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // the check must give up within its own timeout, not Kafka's default of a minute and retries
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMillis()));
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        return p;
    }

    private <T> T await(KafkaFuture<T> future) throws InterruptedException {
        try {
            // a little longer than the admin's own timeout, so that its clearer error wins
            return future.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            KafkaPreflightException failure = translate(cause);
            failure.initCause(cause);
            throw failure;
        }
    }

    private KafkaPreflightException translate(Throwable cause) {
        if (cause instanceof SaslAuthenticationException) {
            return failure("Kafka refused the credentials (" + describe(cause) + "): check sasl.jaas.config and "
                    + "sasl.mechanism in " + propertiesSource);
        }
        if (cause instanceof SslAuthenticationException) {
            return failure(TlsFailures.handshake(cause, bootstrapServers, clientProperties, propertiesSource));
        }
        if (cause instanceof AuthenticationException) {
            return failure("Kafka refused the authentication (" + describe(cause) + "): check the security settings in "
                    + propertiesSource);
        }
        if (cause instanceof AuthorizationException) {
            return failure("Kafka denied access (" + describe(cause) + "): the principal of " + propertiesSource
                    + " needs Describe, Read and Write on the job's topics");
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return unreachable();
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return failure(describe(cause));
        }
        return failure("Kafka at " + bootstrapServers + " could not be used (" + describe(cause) + ")");
    }

    private KafkaPreflightException unreachable() {
        return failure("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds() + " s: check "
                + "--bootstrap-servers, and security.protocol in " + propertiesSource);
    }

    /** Every message goes through here, so none can carry a secret of the properties. */
    private KafkaPreflightException failure(String message) {
        return new KafkaPreflightException(SecretRedaction.scrub(message, clientProperties));
    }

    private int timeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    private static String describe(Throwable t) {
        String message = t.getMessage() == null ? "" : ": " + t.getMessage().replaceAll("\\s+", " ").trim();
        return t.getClass().getSimpleName() + message;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
