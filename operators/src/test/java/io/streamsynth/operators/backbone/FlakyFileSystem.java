package io.streamsynth.operators.backbone;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.local.LocalFileSystem;

/**
 * Local files under the scheme {@value #SCHEME} ({@code streamsynth-flaky:///abs/path}) whose next opens can be
 * made to fail with an I/O error, as a remote store's read does when the network drops: a file that is there but
 * cannot be read this time. Registered for tests through META-INF/services, as Flink finds file systems.
 */
public final class FlakyFileSystem extends LocalFileSystem {
    public static final String SCHEME = "streamsynth-flaky";
    private static final AtomicInteger FAILURES = new AtomicInteger();

    /** The next {@code count} opens through this scheme throw an {@link IOException}. */
    public static void failNextOpens(int count) {
        FAILURES.set(count);
    }

    /** {@code file} (an absolute local path) under this scheme. */
    public static String uri(java.nio.file.Path file) {
        return SCHEME + "://" + file.toAbsolutePath();
    }

    @Override
    public FSDataInputStream open(Path path, int bufferSize) throws IOException {
        return open(path);
    }

    @Override
    public FSDataInputStream open(Path path) throws IOException {
        if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("connection reset while reading " + path + " (injected)");
        }
        return super.open(path);
    }

    /** Flink's service-loaded factory for {@link #SCHEME}. */
    public static final class Factory implements FileSystemFactory {
        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileSystem create(URI uri) {
            return new FlakyFileSystem();
        }
    }
}
