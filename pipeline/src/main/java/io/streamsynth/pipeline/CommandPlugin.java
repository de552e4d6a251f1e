package io.streamsynth.pipeline;

/**
 * A picocli command that another module adds to {@link Main}: the implementing class carries
 * {@code @Command} (its name becomes the subcommand), has a public no-argument constructor and is
 * listed in that module's {@code META-INF/services/io.streamsynth.pipeline.CommandPlugin}. The
 * {@code bench} command joins this way, so the pipeline module holds no benchmark code.
 */
public interface CommandPlugin {}
