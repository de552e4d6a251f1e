package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.pipeline.cli.CommandRun;
import io.streamsynth.pipeline.cli.EachKafkaCommand;
import io.streamsynth.pipeline.kafka.SecureKafka;
import io.streamsynth.pipeline.kafka.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker whose only client listener is {@code SASL_SSL} with SCRAM-SHA-512, configured by the
 * README's properties: with the right password the whole job and every command run over it; with
 * a wrong one each command stops in its pre-flight with one line that names the file and never
 * either password.
 */
class ScramListenerIT {
    private static final String USER = "streamsynth";
    private static final String PASSWORD = "scram-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();

    private static TestCertificates ca;
    private static SecureKafka kafka;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        ca = TestCertificates.shared();
        kafka = SecureKafka.scram(ca, ca.validBrokerKeystore(), USER, PASSWORD);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(300)
    void runsTheJobAndEveryCommandOverScramAndTls() throws Exception {
        Path file = SecureKafka.write(SecureKafka.scramClient(ca.truststore(), ca.password(), USER, PASSWORD),
                dir.resolve("scram.properties"));

        SecuredPipelineRun.Outcome outcome = SecuredPipelineRun.run(kafka.bootstrapServers(), file,
                Files.createDirectories(dir.resolve("run")), "scram", PASSWORD);

        System.err.printf("[figures] scram run: %d s, %d items embedded at version %d, %d versions, "
                + "evaluate and export read version %d%n", outcome.seconds(), SecuredPipelineRun.ITEMS,
                outcome.newestVersion(), outcome.versions(), outcome.newestVersion());
    }

    @Test
    @Timeout(120)
    void aWrongScramPasswordStopsEachCommandWithOneLine() throws Exception {
        Path file = SecureKafka.write(SecureKafka.scramClient(ca.truststore(), ca.password(), USER, WRONG_PASSWORD),
                dir.resolve("wrong-password.properties"));

        long start = System.nanoTime();
        Map<String, CommandRun> runs = EachKafkaCommand.run(kafka.bootstrapServers(), file,
                Files.createDirectories(dir.resolve("wrong")));

        EachKafkaCommand.assertEachRefusedInOneLine(runs, "error: Kafka refused the credentials "
                + "(SaslAuthenticationException: ", "SCRAM-SHA-512",
                "): check sasl.jaas.config and sasl.mechanism in " + file);
        runs.values().forEach(run -> assertThat(run.out() + run.err())
                .doesNotContain(WRONG_PASSWORD, PASSWORD, ca.password()));
        System.err.printf("[figures] wrong scram password: %d commands refused in %.1f s; train said: %s%n",
                runs.size(), (System.nanoTime() - start) / 1e9, runs.get("train").err().strip());
    }
}
