package io.streamsynth.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URL;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The log configuration the jar ships (not the tests' one), in a logger context of its own, with
 * the root logger also writing to memory: what passes its levels and filters reaches the console.
 */
class ShippedLogConfigTest {
    @Test
    @Timeout(30)
    void preflightAdminLinesAreDroppedAndOtherKafkaErrorsKept() throws Exception {
        URL shipped = KafkaPreflight.class.getClassLoader().getResource("log4j2.properties");
        assertThat(shipped).isNotNull();
        StringWriter printed = new StringWriter();
        LoggerContext context = new LoggerContext("shipped-config-test");
        try {
            Configuration config = new PropertiesConfigurationFactory().getConfiguration(context,
                    ConfigurationSource.fromUri(shipped.toURI()));
            context.start(config);
            WriterAppender memory = WriterAppender.newBuilder().setName("memory").setTarget(printed)
                    .setLayout(PatternLayout.newBuilder().withPattern("%msg%n").build()).build();
            memory.start();
            context.getConfiguration().getRootLogger().addAppender(memory, null, null);
            context.updateLoggers();

            context.getLogger("org.apache.kafka.clients.NetworkClient").error("[AdminClient clientId="
                    + KafkaPreflight.CLIENT_ID + "] Connection to node -1 failed authentication");
            context.getLogger("org.apache.kafka.clients.NetworkClient").error("[Producer clientId=producer-7] "
                    + "Connection to node -1 failed authentication");
            context.getLogger("org.apache.kafka.clients.NetworkClient").warn("[Producer clientId=producer-7] churn");
        } finally {
            context.stop();
        }

        assertThat(printed.toString()).contains("producer-7] Connection to node -1 failed authentication")
                .doesNotContain(KafkaPreflight.CLIENT_ID, "churn");
    }
}
