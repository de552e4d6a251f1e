package io.streamsynth.pipeline.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Key material made for one test run by the JDK's own {@code keytool}, run as a process: a
 * certificate authority, broker certificates it signs (for {@code localhost} and 127.0.0.1, the
 * names the in-JVM broker advertises) and a truststore that holds the authority. PKCS12 stores,
 * EC P-256 keys. Every store of an authority has the same random password, drawn per instance.
 *
 * <p>Each keytool run is a JVM start (1 to 4 s on the project's busy 2-core machine), so the test
 * classes share one authority and one stranger per JVM ({@link #shared()}, {@link #stranger()}),
 * and each keystore is made once.
 */
public final class TestCertificates {
    private static final String TYPE = "PKCS12";

    private final Path dir;
    private final String password = "store-" + UUID.randomUUID();
    private final String name;

    private static TestCertificates shared;
    private static TestCertificates stranger;

    private final Map<String, Path> keystores = new HashMap<>();

    private TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** A new certificate authority named {@code name}, its files under {@code dir}. */
    static TestCertificates authority(Path dir, String name) throws IOException, InterruptedException {
        TestCertificates ca = new TestCertificates(Files.createDirectories(dir), name);
        ca.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + name, "-ext", "bc:c", "-validity", "30", "-keystore", ca.caStore().toString());
        ca.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.caStore().toString(), "-file",
                ca.caCertificate().toString());
        ca.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", ca.caCertificate().toString(), "-keystore",
                ca.truststore().toString());
        return ca;
    }

    /** The authority the test brokers' certificates come from, made on first use and deleted when the JVM exits. */
    public static synchronized TestCertificates shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = authority(temporaryDirectory(), "streamsynth-test-ca");
        }
        return shared;
    }

    /** Another authority, which signed none of the brokers' certificates: its truststore is a wrong one. */
    public static synchronized TestCertificates stranger() throws IOException, InterruptedException {
        if (stranger == null) {
            stranger = authority(temporaryDirectory(), "stranger-ca");
        }
        return stranger;
    }

    /** A keystore for a broker on localhost, valid from yesterday for 30 days. */
    public synchronized Path validBrokerKeystore() throws IOException, InterruptedException {
        Path made = keystores.get("valid");
        if (made == null) {
            made = brokerKeystore("broker", 1, 30);
            keystores.put("valid", made);
        }
        return made;
    }

    /** A keystore for a broker on localhost whose certificate expired two days ago. */
    public synchronized Path expiredBrokerKeystore() throws IOException, InterruptedException {
        Path made = keystores.get("expired");
        if (made == null) {
            made = brokerKeystore("expired-broker", 3, 1);
            keystores.put("expired", made);
        }
        return made;
    }

    /**
     * A truststore for the broker of {@link #expiredBrokerKeystore()} itself: it holds that expired
     * certificate as trusted. A broker checks at start that its own client could connect to it
     * through its truststore, and the JDK's PKIX check accepts a certificate that is itself trusted
     * without looking at its dates; with the authority instead, the broker would refuse to start.
     */
    public synchronized Path expiredBrokerOwnTruststore() throws IOException, InterruptedException {
        Path made = keystores.get("expired-own");
        if (made == null) {
            expiredBrokerKeystore();
            made = dir.resolve(name + "-expired-broker-own-truststore.p12");
            keytool("-importcert", "-noprompt", "-alias", "expired-broker", "-file",
                    dir.resolve(name + "-expired-broker.pem").toString(), "-keystore", made.toString());
            keystores.put("expired-own", made);
        }
        return made;
    }

    /** The password of every store this authority wrote. */
    public String password() {
        return password;
    }

    /** A truststore holding only this authority's certificate. */
    public Path truststore() {
        return dir.resolve(name + "-truststore.p12");
    }

    /**
     * A keystore with a key for {@code localhost} and its certificate signed by this authority, valid
     * from {@code startDaysAgo} days ago for {@code validityDays} days (so {@code 3, 1} gives one
     * that expired two days ago).
     */
    private Path brokerKeystore(String alias, int startDaysAgo, int validityDays)
            throws IOException, InterruptedException {
        Path keystore = dir.resolve(name + "-" + alias + "-keystore.p12");
        Path request = dir.resolve(name + "-" + alias + ".csr");
        Path signed = dir.resolve(name + "-" + alias + ".pem");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-keystore", keystore.toString());
        keytool("-certreq", "-alias", alias, "-keystore", keystore.toString(), "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore().toString(), "-infile", request.toString(),
                "-outfile", signed.toString(), "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-startdate", "-" + startDaysAgo + "d", "-validity", Integer.toString(validityDays));
        // the chain: the authority first, then the reply that replaces the key's self-signed certificate
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate().toString(), "-keystore",
                keystore.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", signed.toString(), "-keystore",
                keystore.toString());
        return keystore;
    }

    private static Path temporaryDirectory() throws IOException {
        Path dir = Files.createTempDirectory("streamsynth-certs");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary folder left behind harms nothing
            }
        }));
        return dir;
    }

    private Path caStore() {
        return dir.resolve(name + "-ca.p12");
    }

    private Path caCertificate() {
        return dir.resolve(name + "-ca.pem");
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // a short-lived JVM: the C1 compiler alone and a serial GC halve its CPU time
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        // in a PKCS12 store a key has the store's password
        command.addAll(List.of("-storetype", TYPE, "-storepass", password));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }
}
