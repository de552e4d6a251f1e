package io.streamsynth.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.job.JobConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SecretRedactionTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"alice\" password=\"p4ss-w0rd\";";

    @Test
    void secretSettingsAreMaskedAndTheOthersKept() {
        Properties p = new Properties();
        p.put("sasl.jaas.config", JAAS);
        p.put("ssl.key.password", "key-pass");
        p.put("ssl.keystore.password", "store-pass");
        p.put("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----");
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("ssl.truststore.location", "/etc/kafka/truststore.jks");

        assertThat(SecretRedaction.redacted(p)).containsEntry("sasl.jaas.config", "****")
                .containsEntry("ssl.key.password", "****").containsEntry("ssl.keystore.password", "****")
                .containsEntry("ssl.keystore.key", "****").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks");
    }

    @Test
    void aMessageThatEchoesTheJaasLineOrAPasswordLosesTheSecrets() {
        Properties p = new Properties();
        p.put("sasl.jaas.config", JAAS);
        p.put("ssl.truststore.password", "trust-pass");

        String scrubbed = SecretRedaction.scrub("bad config " + JAAS + "; password p4ss-w0rd; store trust-pass", p);

        assertThat(scrubbed).isEqualTo("bad config ****; password ****; store ****");
    }

    @Test
    void jobConfigPrintsItsClientPropertiesMasked(@TempDir Path dir) throws Exception {
        Path file = SaslKafka.writeClientProperties(dir.resolve("client.properties"), "alice", "p4ss-w0rd");
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs("--kafka-properties", file.toString());

        JobConfig config = options.toConfig("kafka:9092");

        assertThat(config.kafkaProperties().getProperty("sasl.jaas.config")).as("the job still gets the secret")
                .contains("p4ss-w0rd");
        assertThat(config.toString()).doesNotContain("p4ss-w0rd")
                .contains("sasl.jaas.config=****", "security.protocol=SASL_PLAINTEXT", "bootstrapServers=kafka:9092",
                        "groupId=streamsynth");
    }
}
