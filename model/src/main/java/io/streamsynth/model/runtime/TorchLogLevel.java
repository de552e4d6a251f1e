package io.streamsynth.model.runtime;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code TORCH_CPP_LOG_LEVEL} to libtorch's own logging (c10's {@code LOG(WARNING)} lines on
 * stderr, such as NNPACK's "Could not initialize NNPACK! Reason: Unsupported hardware.", printed at
 * every convolution on a CPU NNPACK does not support).
 *
 * <p>c10 reads the variable only in {@code c10::initLogging()}, which Python's {@code import torch}
 * calls and libtorch's C++ API, and so DJL, never does: under DJL the variable alone changes
 * nothing. This sets c10's level flag ({@code FLAGS_caffe2_log_level}) in the libc10 that DJL
 * loaded, through JNA, as {@code initLogging} would. When the variable is unset the level is ERROR,
 * so hardware probes stay off the terminal; {@code TORCH_CPP_LOG_LEVEL=WARNING} brings them back.
 */
final class TorchLogLevel {
    private static final Logger LOG = LoggerFactory.getLogger(TorchLogLevel.class);
    static final String VARIABLE = "TORCH_CPP_LOG_LEVEL";
    /** c10's severities: INFO 0, WARNING 1, ERROR 2, FATAL 3. */
    static final int ERROR = 2;
    private static final String[] NAMES = {"INFO", "WARNING", "ERROR", "FATAL"};
    private static final String FLAG = "FLAGS_caffe2_log_level";
    /** c10::UpdateLoggingLevelsFromFlags(): passes the flag on to glog in builds that log through it. */
    private static final String UPDATE = "_ZN3c1028UpdateLoggingLevelsFromFlagsEv";

    private TorchLogLevel() {}

    /**
     * The c10 severity a value of {@code TORCH_CPP_LOG_LEVEL} names, as c10 parses it (a name, any
     * case, or 0 to 3); ERROR when unset or blank; empty when it names no level.
     */
    static Optional<Integer> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(ERROR);
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        for (int level = 0; level < NAMES.length; level++) {
            if (v.equals(NAMES[level]) || v.equals(Integer.toString(level))) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    /** Sets the level from the environment in the loaded libtorch; the engine must be loaded. */
    static void applyFromEnvironment() {
        String value = System.getenv(VARIABLE);
        int level = parse(value).orElseGet(() -> {
            LOG.warn("{}={} names no level (INFO, WARNING, ERROR, FATAL or 0 to 3); using ERROR", VARIABLE, value);
            return ERROR;
        });
        try {
            NativeLibrary c10 = c10();
            c10.getGlobalVariableAddress(FLAG).setInt(0, level);
            c10.getFunction(UPDATE).invokeVoid(new Object[0]);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // another libtorch build may lack the symbols: its warnings then print, nothing else changes
            LOG.debug("could not set libtorch's log level", e);
        }
    }

    /** c10's level flag as libtorch sees it now. */
    static int current() {
        return c10().getGlobalVariableAddress(FLAG).getInt(0);
    }

    /** The libc10 next to the libtorch DJL loaded (the same file, so the same flag). */
    private static NativeLibrary c10() {
        Path lib = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("c10"));
        return NativeLibrary.getInstance(lib.toString());
    }
}
