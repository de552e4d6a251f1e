package io.streamsynth.model.runtime;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads a TorchScript module shipped in our jars next to the class that runs it (the scripted Adam step, the
 * ReLU + max pool block), each written once by a script in {@code scripts/} with Debian's torch 1.13.
 */
public final class BundledScript {
    private BundledScript() {}

    /**
     * @param owner    the class whose package holds the resource
     * @param resource the file name, e.g. {@code adam_step.pt}
     * @param manager  the manager the module is attached to (closing the module frees it)
     * @throws IllegalStateException if the resource is missing from the classpath
     * @throws UncheckedIOException  if it cannot be read
     */
    public static PtSymbolBlock load(Class<?> owner, String resource, NDManager manager) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath beside " + owner.getName());
            }
            return JniUtils.loadModule((PtNDManager) manager, in, true, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
