package io.streamsynth.pipeline.kafka;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;

/**
 * Says in one line why TLS with Kafka failed and which setting to change: a key or trust store the
 * client cannot load, or a handshake the JDK or the broker refused. For the handshake, Kafka's
 * {@code SslAuthenticationException} only says "SSL handshake failed"; the reason is further down
 * its causes, in the JDK's certificate path checks (PKIX, RFC 5280 section 6): a broker
 * certificate no authority in the truststore signed, one outside its validity period, one that
 * does not name the host, or an alert the broker sent (e.g. it wants a client certificate).
 */
final class TlsFailures {
    private TlsFailures() {}

    /**
     * @param failure the exception Kafka's client reported, with its causes
     * @param client the client properties (for the truststore's location, never a secret)
     * @param source where those properties came from, e.g. the file's path
     * @return the reason and the remedy, without a leading "error:"
     */
    static String handshake(Throwable failure, String bootstrapServers, Properties client, String source) {
        String prefix = "the TLS handshake with Kafka at " + bootstrapServers + " failed: ";
        CertPathValidatorException invalid = find(failure, CertPathValidatorException.class);
        CertificateExpiredException expired = find(failure, CertificateExpiredException.class);
        if (expired != null || isReason(invalid, CertPathValidatorException.BasicReason.EXPIRED)) {
            return prefix + certificate(invalid, "the broker's certificate") + " has expired ("
                    + message(expired != null ? expired : invalid) + "): the broker needs a renewed certificate "
                    + "(or this machine's clock is wrong); no setting in " + source + " can fix that";
        }
        CertificateNotYetValidException early = find(failure, CertificateNotYetValidException.class);
        if (early != null || isReason(invalid, CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
            return prefix + certificate(invalid, "the broker's certificate") + " is not valid yet ("
                    + message(early != null ? early : invalid) + "): check this machine's clock and the broker's";
        }
        if (find(failure, CertPathBuilderException.class) != null) {
            return prefix + "its certificate is not signed by an authority in " + truststore(client)
                    + " (" + message(find(failure, CertPathBuilderException.class)) + "): point "
                    + "ssl.truststore.location in " + source + " at a truststore with the authority that signed the "
                    + "broker's certificate";
        }
        String hostname = hostnameMismatch(failure);
        if (hostname != null) {
            return prefix + "its certificate does not name the host it was reached at (" + hostname
                    + "): use a bootstrap address that its certificate names";
        }
        SSLHandshakeException handshake = find(failure, SSLHandshakeException.class);
        if (handshake != null && message(handshake).startsWith("Received fatal alert")) {
            return prefix + "the broker ended it (" + message(handshake) + "): if it requires a client "
                    + "certificate, check ssl.keystore.location in " + source;
        }
        Throwable root = root(failure);
        return prefix + root.getClass().getSimpleName() + " (" + message(root) + "): check the ssl.* settings in "
                + source;
    }

    /**
     * The reason a Kafka client could not be created when it is a store it could not load (a wrong
     * password, a missing file, a wrong type), or null when it is something else.
     *
     * @param failure what creating the client threw, with its causes
     * @return the reason and the remedy, without a leading "error:"
     */
    static String storeNotLoaded(Throwable failure, Properties client, String source) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Kafka's DefaultSslEngineFactory says "keystore" for the truststore too; the path tells them apart
            if (t.getMessage() != null && t.getMessage().startsWith("Failed to load SSL keystore")) {
                String store = mentions(t.getMessage(), client.get("ssl.truststore.location")) ? "truststore"
                        : "keystore";
                String cause = t.getCause() == null ? "" : " (" + t.getCause().getClass().getSimpleName() + ": "
                        + message(t.getCause()) + ")";
                return "the Kafka client properties in " + source + " are not usable: " + message(t) + cause
                        + ": check ssl." + store + ".location, ssl." + store + ".password and ssl." + store
                        + ".type in " + source;
            }
        }
        return null;
    }

    private static boolean mentions(String message, Object location) {
        return location != null && !location.toString().isBlank() && message.contains(location.toString());
    }

    private static String truststore(Properties client) {
        Object location = client.get("ssl.truststore.location");
        if (location != null && !location.toString().isBlank()) {
            return "ssl.truststore.location=" + location;
        }
        if (client.get("ssl.truststore.certificates") != null) {
            return "ssl.truststore.certificates";
        }
        return "the JDK's default truststore (no ssl.truststore.location is set)";
    }

    /** The subject of the certificate a path check failed at, when the JDK says which. */
    private static String certificate(CertPathValidatorException invalid, String otherwise) {
        if (invalid == null || invalid.getCertPath() == null || invalid.getIndex() < 0) {
            return otherwise;
        }
        List<? extends Certificate> path = invalid.getCertPath().getCertificates();
        if (invalid.getIndex() >= path.size() || !(path.get(invalid.getIndex()) instanceof X509Certificate c)) {
            return otherwise;
        }
        return "the certificate '" + c.getSubjectX500Principal().getName() + "' (valid " + c.getNotBefore().toInstant()
                + " to " + c.getNotAfter().toInstant() + ")";
    }

    private static boolean isReason(CertPathValidatorException e, CertPathValidatorException.BasicReason reason) {
        return e != null && e.getReason() == reason;
    }

    /** The JDK's message when no name in the certificate matches the host, as thrown by its HostnameChecker. */
    private static String hostnameMismatch(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (t instanceof java.security.cert.CertificateException && m != null
                    && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
                return m;
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable root(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().replaceAll("\\s+", " ").trim();
    }
}
