package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart's feed on a real in-JVM broker. */
@Timeout(120)
class QuickstartFeedTest {
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = TopicFixtures.startBroker();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void sendsTrainingEventsThenQueriesThenMalformedEventsAtTheRate() throws Exception {
        IdxDataset.write(dir, 40, 20);
        QuickstartData split = QuickstartData.select(dir, List.of("0", "1"), 6, 4, 3);
        QuickstartTimeBudget budget = new QuickstartTimeBudget();
        String topic = TopicFixtures.newTopic(kafka, "images", 1);
        // 10 paced events at 20/s: the last is due 9/20 s after the first
        QuickstartFeed feed = new QuickstartFeed(kafka.bootstrapServers(), new Properties(), topic, "fashion",
                split, 2, 20, () -> false, budget);
        long started = System.nanoTime();
        feed.run();
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(feed.sending()).isFalse();
        assertThat(feed.sent()).as("malformed events not counted").isEqualTo(10);
        assertThat(seconds).as("paced at 20 events/s").isGreaterThanOrEqualTo(0.45);
        List<String> sent = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (ConsumerRecord<byte[], byte[]> r : TopicFixtures.readAll(kafka, topic, 12)) {
            JsonNode event = json.readTree(r.value());
            sent.add(event.has("item_id") ? event.get("item_id").asText() + (event.get("train").asBoolean()
                    ? " train" : " index-only") : "malformed");
        }
        List<String> expected = new ArrayList<>();
        split.training().items().forEach(i -> expected.add(i.itemId() + " train"));
        split.queries().items().forEach(i -> expected.add(i.itemId() + " index-only"));
        expected.addAll(List.of("malformed", "malformed"));
        assertThat(sent).containsExactlyElementsOf(expected);
        assertThat(budget.line()).doesNotContain("ingest -");
    }

    @Test
    void aRequestedStopEndsTheFeedBeforeItsEvents() throws Exception {
        IdxDataset.write(dir, 40, 20);
        QuickstartData split = QuickstartData.select(dir, List.of("0", "1"), 6, 4, 3);
        QuickstartTimeBudget budget = new QuickstartTimeBudget();
        String topic = TopicFixtures.newTopic(kafka, "images", 1);
        QuickstartFeed feed = new QuickstartFeed(kafka.bootstrapServers(), new Properties(), topic, "fashion",
                split, 2, 1000, () -> true, budget);
        feed.run();

        assertThat(feed.sent()).isZero();
        assertThat(feed.sending()).isFalse();
        assertThat(budget.line()).contains("ingest -");
    }
}
