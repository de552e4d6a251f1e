package io.streamsynth.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.decode.ImageEventParser;
import io.streamsynth.operators.kafka.RawEventDeserializer;
import io.streamsynth.operators.types.RawEvent;
import io.streamsynth.pipeline.cli.EvaluateCommand;
import io.streamsynth.pipeline.kafka.fixture.JavaSerializedRecordReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing that reads Kafka records may hand their bytes to Java deserialization (or to Jackson's
 * polymorphic typing), which would let whoever can write to a topic choose the classes the job
 * instantiates. Every record is read as bytes and parsed as JSON, PNG/JPEG or the checkpoint codec
 * instead. The test reads the compiled classes of every package on that path, in the build's
 * class folders or jars: a class that calls one of these APIs names it in its constant pool.
 */
@Timeout(60)
class NoJavaDeserializationOfKafkaDataTest {
    /** How the forbidden APIs are named in a class file. */
    private static final List<String> FORBIDDEN = List.of("java/io/ObjectInputStream", "java/io/ObjectInput;",
            "org/apache/flink/util/InstantiationUtil", "org/apache/commons/lang3/SerializationUtils",
            "org/apache/commons/lang/SerializationUtils", "java/beans/XMLDecoder", "activateDefaultTyping",
            "enableDefaultTyping");

    /** One class of each package that turns Kafka bytes into objects, and what each does there. */
    private static final List<Class<?>> KAFKA_READING_PACKAGES = List.of(
            RawEventDeserializer.class, // the source's deserializer, chunking and embedding JSON, dead letters
            RawEvent.class, // the records' types
            ImageEventParser.class, // input event JSON and validation
            ImageDecoder.class, // image bytes
            CheckpointCodec.class, // checkpoint container, safetensors and metadata JSON
            PipelineWatcher.class, // readers of the published topics
            EvaluateCommand.class); // evaluate and export

    @Test
    void noClassThatReadsKafkaRecordsUsesJavaDeserialization() throws Exception {
        Map<String, List<String>> offenders = new LinkedHashMap<>();
        int scanned = 0;
        List<String> sources = new ArrayList<>();
        for (Class<?> anchor : KAFKA_READING_PACKAGES) {
            sources.add(anchor.getResource(anchor.getSimpleName() + ".class").getProtocol());
            Map<String, byte[]> classes = classesOfPackage(anchor);
            assertThat(classes).as("classes found next to %s", anchor.getName()).hasSizeGreaterThanOrEqualTo(2);
            scanned += classes.size();
            offenders.putAll(offenders(classes));
        }
        System.err.printf("no-java-deserialization scan: %d classes in %d packages, read from %s%n", scanned,
                KAFKA_READING_PACKAGES.size(), sources);
        assertThat(offenders).as("classes on the Kafka read path that name a forbidden API").isEmpty();
    }

    @Test
    void theScanFindsARecordReaderThatUsesJavaDeserialization() throws Exception {
        Map<String, List<String>> offenders = offenders(classesOfPackage(JavaSerializedRecordReader.class));

        assertThat(offenders).containsKey(JavaSerializedRecordReader.class.getName().replace('.', '/') + ".class");
        assertThat(offenders.values()).allSatisfy(names -> assertThat(names).contains("java/io/ObjectInputStream"));
    }

    private static Map<String, List<String>> offenders(Map<String, byte[]> classes) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        classes.forEach((name, bytes) -> {
            // class file constant pool strings are (modified) UTF-8; these names are plain ASCII
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            List<String> found = FORBIDDEN.stream().filter(text::contains).toList();
            if (!found.isEmpty()) {
                out.put(name, found);
            }
        });
        return out;
    }

    /** Every class file of the anchor's package (nested classes included, sub-packages not), by path. */
    private static Map<String, byte[]> classesOfPackage(Class<?> anchor) throws IOException, URISyntaxException {
        String packagePath = anchor.getPackageName().replace('.', '/') + "/";
        URL url = anchor.getResource(anchor.getSimpleName() + ".class");
        assertThat(url).as("class file of %s", anchor.getName()).isNotNull();
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (url.getProtocol().equals("file")) {
            Path folder = Path.of(url.toURI()).getParent();
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    out.put(packagePath + f.getFileName(), Files.readAllBytes(f));
                }
            }
        } else if (url.getProtocol().equals("jar")) {
            String jar = url.getPath().substring("file:".length(), url.getPath().indexOf("!/"));
            try (JarFile file = new JarFile(Path.of(URI.create("file:" + jar)).toFile())) {
                List<JarEntry> entries = new ArrayList<>();
                for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    String rest = entry.getName().startsWith(packagePath)
                            ? entry.getName().substring(packagePath.length()) : null;
                    if (rest != null && rest.endsWith(".class") && !rest.contains("/")) {
                        entries.add(entry);
                    }
                }
                for (JarEntry entry : entries) {
                    try (InputStream in = file.getInputStream(entry)) {
                        out.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        } else {
            throw new AssertionError("cannot list the classes of " + url);
        }
        return out;
    }
}
