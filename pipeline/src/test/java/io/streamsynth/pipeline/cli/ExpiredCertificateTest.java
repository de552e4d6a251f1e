package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.kafka.SecureKafka;
import io.streamsynth.pipeline.kafka.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS broker whose certificate, signed by the authority the client trusts, expired two days ago:
 * each command stops in its pre-flight with one line that says so, names the certificate and its
 * dates, and says that no client setting can fix it.
 */
@Timeout(120)
class ExpiredCertificateTest {
    private static TestCertificates ca;
    private static SecureKafka kafka;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        ca = TestCertificates.shared();
        kafka = SecureKafka.ssl(ca, ca.expiredBrokerKeystore(), ca.expiredBrokerOwnTruststore());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void anExpiredBrokerCertificateStopsEachCommandWithOneLine() throws Exception {
        Path file = SecureKafka.write(SecureKafka.sslClient(ca.truststore(), ca.password()),
                dir.resolve("tls.properties"));

        long start = System.nanoTime();
        Map<String, CommandRun> runs = EachKafkaCommand.run(kafka.bootstrapServers(), file,
                Files.createDirectories(dir.resolve("expired")));

        EachKafkaCommand.assertEachRefusedInOneLine(runs, "error: the TLS handshake with Kafka at "
                + kafka.bootstrapServers() + " failed: the certificate 'CN=localhost' (valid ",
                ") has expired (", "): the broker needs a renewed certificate (or this machine's clock is wrong); "
                        + "no setting in " + file + " can fix that");
        System.err.printf("[figures] expired certificate: %d commands refused in %.1f s; train said: %s%n",
                runs.size(), (System.nanoTime() - start) / 1e9, runs.get("train").err().strip());
    }
}
