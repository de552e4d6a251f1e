package io.streamsynth.pipeline.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the topics a cluster lacks and leaves the ones it has alone, settings included. */
public final class TopicCreator {
    private static final long TIMEOUT_SECONDS = 60;

    /** What happened to each topic asked for. */
    public record Outcome(List<String> created, List<String> existing) {}

    private TopicCreator() {}

    public static Outcome createMissing(String bootstrapServers, Properties clientProperties, List<NewTopic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            Set<String> present = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> created = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            for (NewTopic topic : topics) {
                if (present.contains(topic.name())) {
                    existing.add(topic.name());
                    continue;
                }
                try {
                    admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(topic.name());
                } catch (ExecutionException e) {
                    // someone else created it between the listing and now: just as good
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    existing.add(topic.name());
                }
            }
            awaitVisible(admin, created);
            return new Outcome(created, existing);
        }
    }

    /**
     * Waits until the brokers' metadata shows the created topics: the controller confirms a creation
     * before every broker knows it, and the pre-flight that follows describes the topics.
     */
    static void awaitVisible(Admin admin, List<String> created)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!created.isEmpty()) {
            Set<String> visible = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (visible.containsAll(created)) {
                try {
                    admin.describeTopics(created).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + created + " were created but did not appear within "
                        + TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(100);
        }
    }
}
