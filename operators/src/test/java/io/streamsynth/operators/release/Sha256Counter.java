package io.streamsynth.operators.release;

import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts the SHA-256 digests this JVM computes while it is installed: a security provider of the
 * highest preference whose SHA-256 delegates to the JDK's own ("SUN") and records how many bytes each
 * digest covered. Production code is not touched: it asks {@code MessageDigest.getInstance("SHA-256")}
 * as always and gets this one first.
 */
final class Sha256Counter implements AutoCloseable {
    private static final String NAME = "streamsynth-counting-sha256";
    static final List<Long> DIGESTS = new CopyOnWriteArrayList<>();

    private Sha256Counter() {}

    static Sha256Counter install() {
        DIGESTS.clear();
        Provider provider = new Provider(NAME, "1.0", "counts SHA-256 digests") {
            private static final long serialVersionUID = 1L;
        };
        provider.put("MessageDigest.SHA-256", CountingDigest.class.getName());
        if (Security.insertProviderAt(provider, 1) < 0) {
            throw new IllegalStateException("a provider named " + NAME + " is installed already");
        }
        return new Sha256Counter();
    }

    /** Digests since {@link #install} (or the last reset) that covered at least {@code bytes} bytes. */
    long digestsOfAtLeast(long bytes) {
        return DIGESTS.stream().filter(n -> n >= bytes).count();
    }

    void reset() {
        DIGESTS.clear();
    }

    @Override
    public void close() {
        Security.removeProvider(NAME);
    }

    /** Instantiated by the JDK through the provider entry above, so public with a public constructor. */
    public static final class CountingDigest extends MessageDigestSpi {
        private final MessageDigest delegate;
        private long bytes;

        public CountingDigest() throws NoSuchAlgorithmException {
            this.delegate = MessageDigest.getInstance("SHA-256", Security.getProvider("SUN"));
        }

        @Override
        protected void engineUpdate(byte input) {
            bytes++;
            delegate.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            bytes += len;
            delegate.update(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            DIGESTS.add(bytes);
            bytes = 0;
            return delegate.digest();
        }

        @Override
        protected void engineReset() {
            bytes = 0;
            delegate.reset();
        }

        @Override
        protected int engineGetDigestLength() {
            return delegate.getDigestLength();
        }
    }
}
