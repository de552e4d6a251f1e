package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.kafka.KafkaPreflight;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where the Kafka cluster is and how to talk to it, for the commands that read or write topics directly. */
public final class KafkaClientOptions {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client properties (TLS, SASL, ...), passed to every client.")
    Path kafkaProperties;

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The properties of --kafka-properties, or none. */
    public Properties clientProperties() throws IOException {
        Properties p = new Properties();
        if (kafkaProperties == null) {
            return p;
        }
        if (!Files.isReadable(kafkaProperties)) {
            throw new IllegalArgumentException("--kafka-properties: cannot read " + kafkaProperties);
        }
        try (Reader r = Files.newBufferedReader(kafkaProperties)) {
            p.load(r);
        }
        return p;
    }

    /** Checks that Kafka takes these settings and has the topics, before a command starts its work. */
    public void preflight(Collection<String> topics) throws IOException, InterruptedException {
        new KafkaPreflight(bootstrapServers, clientProperties(), source(kafkaProperties), KafkaPreflight.DEFAULT_TIMEOUT)
                .check(topics);
    }

    /** How messages name where the client properties came from. */
    static String source(Path file) {
        return file == null ? "the client properties (no --kafka-properties given)" : file.toString();
    }
}
