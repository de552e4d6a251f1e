package io.streamsynth.pipeline.cli;

import picocli.CommandLine.Option;

/** The model version to read and when a topic counts as read to the end, for evaluate and export. */
final class VersionReadOptions {
    @Option(names = "--version", paramLabel = "N", description = "Model version (default: the newest one read).")
    Long version;

    @Option(names = "--idle-ms", description = "Caught up once nothing new arrives for this long after reaching "
            + "the end offsets (default: ${DEFAULT-VALUE}).")
    long idleMillis = 3000;

    // no standard -V/--version here: --version names the model version
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    void validate() {
        if (version != null && version < 0) {
            throw new IllegalArgumentException("--version must not be negative, got " + version);
        }
        if (idleMillis < 1) {
            throw new IllegalArgumentException("--idle-ms must be positive, got " + idleMillis);
        }
    }
}
