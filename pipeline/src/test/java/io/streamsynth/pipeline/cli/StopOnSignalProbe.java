package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A quickstart run in miniature, in its own JVM for {@link StopOnSignalTest}: it fills its folders
 * as Flink would (and, with the argument {@code kafka}, runs the in-JVM broker in them), waits for
 * a signal, then works for a while as the summary and the job's stop do (writing to the broker,
 * which must still be up), prints a summary and removes its files.
 */
public final class StopOnSignalProbe {
    private StopOnSignalProbe() {}

    public static void main(String[] args) throws Exception {
        boolean withKafka = args.length > 0 && args[0].equals("kafka");
        try (StopOnSignal stop = new StopOnSignal(Duration.ofSeconds(60));
                QuickstartDirs dirs = QuickstartDirs.create(null)) {
            Files.createDirectories(dirs.flinkTmp().resolve("minicluster_probe").resolve("tm_0"));
            Files.writeString(dirs.flinkTmp().resolve("flink-rpc-akka_probe.jar"), "jar");
            Files.createDirectories(dirs.checkpoints());
            EmbeddedKafka kafka = withKafka ? EmbeddedKafka.start(Map.of(), dirs.kafka()) : null;
            try {
                System.out.println("ready " + dirs.root());
                System.out.flush();
                while (!stop.requested()) {
                    Thread.sleep(20);
                }
                Thread.sleep(1000);
                if (kafka != null) {
                    writeTo(kafka);
                    System.out.println("broker still up after the signal");
                }
                System.out.println("== summary");
                System.out.flush();
            } finally {
                if (kafka != null) {
                    kafka.close();
                }
            }
        }
    }

    private static void writeTo(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(List.of(new NewTopic("after-signal", 1, (short) 1)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("after-signal", ("record " + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }
}
