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
 * Sends this JVM's log, from INFO up, to a file as well, and names it in the system property
 * {@code log.file}, where Flink looks for the log its Web UI serves ("Job Manager" > "Logs") and
 * next to which RocksDB puts its LOG files; the appenders already configured (the terminal) keep
 * the level they had. {@link #close} puts the configuration and the property back as they were.
 */
final class QuickstartLogFile implements AutoCloseable {
    private static final String NAME = "quickstart-log-file";
    private static final String LOG_FILE_PROPERTY = "log.file";

    private final LoggerContext context;
    private final FileAppender appender;
    private final Level rootLevelBefore;
    private final Map<String, Appender> rootAppendersBefore;
    private final String logFileBefore;

    private QuickstartLogFile(LoggerContext context, FileAppender appender, Level rootLevelBefore,
            Map<String, Appender> rootAppendersBefore, String logFileBefore) {
        this.context = context;
        this.appender = appender;
        this.rootLevelBefore = rootLevelBefore;
        this.rootAppendersBefore = rootAppendersBefore;
        this.logFileBefore = logFileBefore;
    }

    /**
     * Call before any other thread logs for the first time: log4j starts its context in the first thread
     * that logs, and a second thread then gets the context before its file configuration is in place, so
     * the appender added here would be dropped when that configuration lands.
     */
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
        String logFileBefore = System.setProperty(LOG_FILE_PROPERTY, file.toAbsolutePath().toString());
        return new QuickstartLogFile(context, appender, before, existing, logFileBefore);
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
        if (logFileBefore == null) {
            System.clearProperty(LOG_FILE_PROPERTY);
        } else {
            System.setProperty(LOG_FILE_PROPERTY, logFileBefore);
        }
    }
}
