package io.streamsynth.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicCreatorTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void createsOnlyTheMissingTopicsAndLeavesExistingOnesAsTheyAre() throws Exception {
        Topics topics = new Topics("tc-images", "tc-checkpoints", "tc-embeddings", "tc-dead-letters", "tc-versions",
                "tc-catalogs");
        kafka.createTopics(List.of(new NewTopic("tc-images", 1, (short) 1)));

        TopicCreator.Outcome first = TopicCreator.createMissing(kafka.bootstrapServers(), new Properties(),
                TopicSetup.topics(topics, 3));
        TopicCreator.Outcome again = TopicCreator.createMissing(kafka.bootstrapServers(), new Properties(),
                TopicSetup.topics(topics, 3));

        assertThat(first.created()).containsExactly("tc-checkpoints", "tc-embeddings", "tc-dead-letters", "tc-versions",
                "tc-catalogs");
        assertThat(first.existing()).containsExactly("tc-images");
        assertThat(again.created()).isEmpty();
        assertThat(again.existing()).hasSize(6);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Map<String, TopicDescription> described = admin.describeTopics(List.of("tc-images", "tc-embeddings"))
                    .allTopicNames().get();
            assertThat(described.get("tc-images").partitions()).as("an existing topic keeps its partitions").hasSize(1);
            assertThat(described.get("tc-embeddings").partitions()).hasSize(3);
        }
    }
}
