package io.streamsynth.pipeline.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Sends this JVM's log, from INFO up, to a file as well, for the Flink Web UI's "Job Manager Log"
 * (Flink serves the file named by {@code web.log.path}); the appenders already configured (the
 * terminal) keep the level they had. {@link #close} puts the configuration back as it was.
 */
final class QuickstartLogFile implements AutoCloseable {
    private static final String NAME = "quickstart-log-file";

    private final LoggerContext context;
    private final FileAppender appender;
    private final Level rootLevelBefore;
    private final Map<String, Appender> rootAppendersBefore;

    private QuickstartLogFile(LoggerContext context, FileAppender appender, Level rootLevelBefore,
            Map<String, Appender> rootAppendersBefore) {
        this.context = context;
        this.appender = appender;
        this.rootLevelBefore = rootLevelBefore;
        this.rootAppendersBefore = rootAppendersBefore;
    }

    static QuickstartLogFile attach(Path file) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        FileAppender appender = FileAppender.newBuilder()
                .setName(NAME)
                .withFileName(file.toString())
                .setLayout(PatternLayout.newBuilder().withConfiguration(config)
                        .withPattern("%d{yyyy-MM-dd HH:mm:ss,SSS} %-5level %c - %msg%n").build())
                .setConfiguration(config)
                .build();
        appender.start();
        config.addAppender(appender);
        LoggerConfig root = config.getRootLogger();
        Level before = root.getLevel();
        Map<String, Appender> existing = new LinkedHashMap<>(root.getAppenders());
        // the existing appenders take the root's old level as their own threshold, so lowering the
        // root's level for the file shows the terminal nothing new
        existing.keySet().forEach(root::removeAppender);
        existing.values().forEach(a -> root.addAppender(a, before, null));
        root.addAppender(appender, Level.INFO, null);
        if (before.isMoreSpecificThan(Level.INFO)) {
            root.setLevel(Level.INFO);
        }
        context.updateLoggers();
        return new QuickstartLogFile(context, appender, before, existing);
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(NAME);
        rootAppendersBefore.keySet().forEach(root::removeAppender);
        rootAppendersBefore.values().forEach(a -> root.addAppender(a, null, null));
        root.setLevel(rootLevelBefore);
        context.updateLoggers();
        appender.stop();
        if (config instanceof AbstractConfiguration removable) {
            removable.removeAppender(NAME);
        }
    }
}
