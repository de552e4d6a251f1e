package io.streamsynth.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * The reasons a broker test cannot easily stage, as the JDK and Kafka chain them: a certificate
 * that does not name the host or is not valid yet, an alert from the broker, a reason the description does not know,
 * a truststore that is not set, a keystore that cannot be loaded. The untrusted authority, the
 * expired certificate and a wrong truststore password are shown against real brokers
 * ({@code TlsListenerIT}, {@code ExpiredCertificateTest}).
 */
class TlsFailuresTest {
    private static final String KAFKA = "kafka-1:9093";

    @Test
    void aCertificateThatDoesNotNameTheHostIsSaidSo() {
        Throwable failure = kafkaSays(new SSLHandshakeException("No subject alternative DNS name matching kafka-1 "
                + "found."), new CertificateException("No subject alternative DNS name matching kafka-1 found."));

        assertThat(TlsFailures.handshake(failure, KAFKA, truststoreAt("/etc/kafka/t.p12"), "client.properties"))
                .isEqualTo("the TLS handshake with Kafka at kafka-1:9093 failed: its certificate does not name the host "
                        + "it was reached at (No subject alternative DNS name matching kafka-1 found.): use a bootstrap "
                        + "address that its certificate names");
    }

    @Test
    void anAlertFromTheBrokerPointsAtTheClientCertificate() {
        Throwable failure = kafkaSays(new SSLHandshakeException("Received fatal alert: certificate_required"));

        assertThat(TlsFailures.handshake(failure, KAFKA, truststoreAt("/etc/kafka/t.p12"), "client.properties"))
                .isEqualTo("the TLS handshake with Kafka at kafka-1:9093 failed: the broker ended it (Received fatal "
                        + "alert: certificate_required): if it requires a client certificate, check "
                        + "ssl.keystore.location in client.properties");
    }

    @Test
    void anExpiryTheValidatorReportsWithoutTheCertificateStillSaysExpired() {
        Throwable failure = kafkaSays(new SSLHandshakeException("PKIX path validation failed"),
                new CertPathValidatorException("validity check failed", null, null, -1,
                        CertPathValidatorException.BasicReason.EXPIRED));

        assertThat(TlsFailures.handshake(failure, KAFKA, new Properties(), "client.properties"))
                .isEqualTo("the TLS handshake with Kafka at kafka-1:9093 failed: the broker's certificate has expired "
                        + "(validity check failed): the broker needs a renewed certificate (or this machine's clock is "
                        + "wrong); no setting in client.properties can fix that");
    }

    @Test
    void aCertificateNotValidYetPointsAtTheClocks() {
        Throwable failure = kafkaSays(new SSLHandshakeException("PKIX path validation failed"),
                new java.security.cert.CertificateNotYetValidException("NotBefore: Tue Dec 01 10:00:00 UTC 2026"));

        assertThat(TlsFailures.handshake(failure, KAFKA, new Properties(), "client.properties"))
                .isEqualTo("the TLS handshake with Kafka at kafka-1:9093 failed: the broker's certificate is not valid "
                        + "yet (NotBefore: Tue Dec 01 10:00:00 UTC 2026): check this machine's clock and the broker's");
    }

    @Test
    void anUntrustedCertificateWithoutATruststoreNamesTheJdkDefault() {
        Throwable failure = kafkaSays(new SSLHandshakeException("PKIX path building failed"),
                new java.security.cert.CertPathBuilderException("unable to find valid certification path to "
                        + "requested target"));

        assertThat(TlsFailures.handshake(failure, KAFKA, new Properties(), "client.properties"))
                .contains("its certificate is not signed by an authority in the JDK's default truststore (no "
                        + "ssl.truststore.location is set)");
    }

    @Test
    void anUnknownReasonGivesTheRootCauseAndTheSettingsToCheck() {
        Throwable failure = kafkaSays(new SSLHandshakeException("No appropriate protocol (protocol is disabled or "
                + "cipher suites are inappropriate)"));

        assertThat(TlsFailures.handshake(failure, KAFKA, new Properties(), "client.properties"))
                .isEqualTo("the TLS handshake with Kafka at kafka-1:9093 failed: SSLHandshakeException (No "
                        + "appropriate protocol (protocol is disabled or cipher suites are inappropriate)): check the "
                        + "ssl.* settings in client.properties");
    }

    @Test
    void aKeystoreThatCannotBeLoadedIsToldFromTheTruststoreByItsPath() {
        Properties client = truststoreAt("/etc/kafka/t.p12");
        client.put("ssl.keystore.location", "/etc/kafka/k.p12");
        RuntimeException failure = new KafkaException("Failed to create new KafkaAdminClient",
                new KafkaException("Failed to load SSL keystore /etc/kafka/k.p12 of type JKS",
                        new java.nio.file.NoSuchFileException("/etc/kafka/k.p12")));

        assertThat(TlsFailures.storeNotLoaded(failure, client, "client.properties"))
                .isEqualTo("the Kafka client properties in client.properties are not usable: Failed to load SSL "
                        + "keystore /etc/kafka/k.p12 of type JKS (NoSuchFileException: /etc/kafka/k.p12): check "
                        + "ssl.keystore.location, ssl.keystore.password and ssl.keystore.type in client.properties");
    }

    @Test
    void aFailureThatIsNoStoreIsLeftToTheCaller() {
        RuntimeException failure = new KafkaException("Failed to create new KafkaAdminClient",
                new IllegalArgumentException("No resolvable bootstrap urls given in bootstrap.servers"));

        assertThat(TlsFailures.storeNotLoaded(failure, new Properties(), "client.properties")).isNull();
    }

    /** Kafka's exception with the given causes chained below it, outermost first. */
    private static Throwable kafkaSays(Throwable... causes) {
        for (int i = 0; i < causes.length - 1; i++) {
            causes[i].initCause(causes[i + 1]);
        }
        return new SslAuthenticationException("SSL handshake failed", causes[0]);
    }

    private static Properties truststoreAt(String location) {
        Properties p = new Properties();
        p.put("ssl.truststore.location", location);
        return p;
    }
}
