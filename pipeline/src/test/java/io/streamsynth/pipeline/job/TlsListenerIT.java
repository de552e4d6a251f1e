package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.pipeline.cli.CommandRun;
import io.streamsynth.pipeline.cli.EachKafkaCommand;
import io.streamsynth.pipeline.kafka.KafkaPreflight;
import io.streamsynth.pipeline.kafka.KafkaPreflightException;
import io.streamsynth.pipeline.kafka.SecureKafka;
import io.streamsynth.pipeline.kafka.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker whose only client listener is TLS ({@code SSL}), its certificate signed by an authority
 * made for the test: with a truststore holding that authority the whole job and every command
 * run over it; with a truststore of another authority, or a wrong truststore password, each
 * command stops in its pre-flight with one line that names the truststore; a client without TLS
 * settings is never answered, and the pre-flight says so within its timeout.
 */
class TlsListenerIT {
    private static TestCertificates ca;
    private static SecureKafka kafka;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        ca = TestCertificates.shared();
        kafka = SecureKafka.ssl(ca, ca.validBrokerKeystore());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(300)
    void runsTheJobAndEveryCommandOverTls() throws Exception {
        Path file = SecureKafka.write(SecureKafka.sslClient(ca.truststore(), ca.password()),
                dir.resolve("tls.properties"));

        SecuredPipelineRun.Outcome outcome = SecuredPipelineRun.run(kafka.bootstrapServers(), file,
                Files.createDirectories(dir.resolve("run")), "tls", ca.password());

        System.err.printf("[figures] tls run: %d s, %d items embedded at version %d, %d versions, "
                + "evaluate and export read version %d%n", outcome.seconds(), SecuredPipelineRun.ITEMS,
                outcome.newestVersion(), outcome.versions(), outcome.newestVersion());
    }

    @Test
    @Timeout(120)
    void aTruststoreWithoutTheBrokersAuthorityStopsEachCommandWithOneLine() throws Exception {
        TestCertificates stranger = TestCertificates.stranger();
        Path file = SecureKafka.write(SecureKafka.sslClient(stranger.truststore(), stranger.password()),
                dir.resolve("wrong-truststore.properties"));

        long start = System.nanoTime();
        Map<String, CommandRun> runs = EachKafkaCommand.run(kafka.bootstrapServers(), file,
                Files.createDirectories(dir.resolve("wrong")));

        EachKafkaCommand.assertEachRefusedInOneLine(runs, "error: the TLS handshake with Kafka at "
                + kafka.bootstrapServers() + " failed: its certificate is not signed by an authority in "
                + "ssl.truststore.location=" + stranger.truststore() + " (",
                "unable to find valid certification path to requested target",
                "): point ssl.truststore.location in " + file + " at a truststore with the authority that signed "
                        + "the broker's certificate");
        runs.values().forEach(run -> assertThat(run.out() + run.err()).doesNotContain(stranger.password()));
        System.err.printf("[figures] wrong truststore: %d commands refused in %.1f s; train said: %s%n",
                runs.size(), (System.nanoTime() - start) / 1e9, runs.get("train").err().strip());
    }

    @Test
    @Timeout(120)
    void aWrongTruststorePasswordStopsEachCommandWithOneLine() throws Exception {
        String wrong = "wrong-" + ca.password();
        Path file = SecureKafka.write(SecureKafka.sslClient(ca.truststore(), wrong),
                dir.resolve("wrong-truststore-password.properties"));

        Map<String, CommandRun> runs = EachKafkaCommand.run(kafka.bootstrapServers(), file,
                Files.createDirectories(dir.resolve("wrong-password")));

        EachKafkaCommand.assertEachRefusedInOneLine(runs, "error: the Kafka client properties in " + file
                + " are not usable: Failed to load SSL keystore " + ca.truststore() + " of type PKCS12 (IOException: ",
                "password was incorrect): check ssl.truststore.location, ssl.truststore.password and "
                        + "ssl.truststore.type in " + file);
        runs.values().forEach(run -> assertThat(run.out() + run.err()).doesNotContain(wrong));
        System.err.printf("[figures] wrong truststore password: train said: %s%n", runs.get("train").err().strip());
    }

    @Test
    @Timeout(60)
    void aClientWithoutTlsSettingsIsNeverAnswered() {
        KafkaPreflight plain = new KafkaPreflight(kafka.bootstrapServers(), new Properties(), "nothing",
                Duration.ofSeconds(3));

        assertThatThrownBy(() -> plain.check(List.of()))
                .isInstanceOf(KafkaPreflightException.class)
                .hasMessage("Kafka at " + kafka.bootstrapServers() + " did not answer within 3 s: check "
                        + "--bootstrap-servers, and security.protocol in nothing");
    }
}
