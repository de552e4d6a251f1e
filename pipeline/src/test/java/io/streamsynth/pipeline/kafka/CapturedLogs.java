package io.streamsynth.pipeline.kafka;

import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything logged at INFO and above while open, from every logger (Flink, Kafka clients, the
 * in-JVM broker, ours), kept in memory; meanwhile the console shows only errors. INFO is where
 * Kafka clients print their configuration, so it is the level a leak would show at.
 */
public final class CapturedLogs implements AutoCloseable {
    private static final String CONSOLE = "stderr";

    private final StringWriter text = new StringWriter();
    private final LoggerContext context;
    private final WriterAppender appender;
    private final Map<String, Level> previousLevels = new HashMap<>();

    private CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = WriterAppender.newBuilder().setName("captured-" + UUID.randomUUID()).setTarget(text)
                .setLayout(PatternLayout.newBuilder().withPattern("%c %-5level %msg%n%throwable").build()).build();
        appender.start();
        config.addAppender(appender);
        LoggerConfig root = config.getRootLogger();
        previousLevels.put(root.getName(), root.getLevel());
        for (LoggerConfig logger : config.getLoggers().values()) {
            previousLevels.putIfAbsent(logger.getName(), logger.getLevel());
            if (logger.getLevel().isMoreSpecificThan(Level.WARN)) {
                logger.setLevel(Level.INFO);
            }
        }
        root.setLevel(Level.INFO);
        root.addAppender(appender, Level.INFO, null);
        // the loggers opened up to INFO would otherwise flood the console with the warnings they normally hide
        consoleAt(root, config, Level.ERROR);
        context.updateLoggers();
    }

    public static CapturedLogs atInfo() {
        return new CapturedLogs();
    }

    /** What was logged so far. */
    public String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(appender.getName());
        consoleAt(root, config, null);
        for (LoggerConfig logger : config.getLoggers().values()) {
            Level previous = previousLevels.get(logger.getName());
            if (previous != null) {
                logger.setLevel(previous);
            }
        }
        root.setLevel(previousLevels.get(root.getName()));
        context.updateLoggers();
        appender.stop();
    }

    /** The console appender of the test configuration, at {@code level} (null: whatever the logger passes). */
    private static void consoleAt(LoggerConfig root, Configuration config, Level level) {
        Appender console = config.getAppender(CONSOLE);
        if (console != null) {
            root.removeAppender(CONSOLE);
            root.addAppender(console, level, null);
        }
    }
}
