package io.streamsynth.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.operators.metrics.CatalogGauge;
import io.streamsynth.pipeline.Main;
import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.TopicSetup;
import io.streamsynth.pipeline.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Static checks of docker/ and k8s/ against the build, for machines without a Docker engine or a
 * Kubernetes cluster: every YAML and JSON file parses; the jar path, main class, job flags, Flink
 * configuration keys, image versions and topic settings the files use exist in this build; and the
 * Grafana dashboard only queries metric names the operators register.
 */
class DeploymentFilesTest {
    private static final Path ROOT = repositoryRoot();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final Path K8S = ROOT.resolve("k8s");
    private static final String USRLIB = "/opt/flink/usrlib/";

    /** Flink's Prometheus reporter: scope components and the metric name joined by '_'. */
    private static final String OPERATOR_SCOPE = "flink_taskmanager_job_task_operator_";
    private static final String JOBMANAGER_JOB_SCOPE = "flink_jobmanager_job_";
    /** What Flink's Prometheus reporter replaces by '_' in names. */
    private static final Pattern PROMETHEUS_INVALID = Pattern.compile("[^a-zA-Z0-9:_]");
    private static final Pattern PROMETHEUS_METRIC = Pattern.compile("\\bflink_[a-zA-Z0-9_:]+");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<Path, List<Object>> yamlDocuments;
    private static Map<String, ConfigOption<?>> flinkOptions;
    private static List<Pattern> flinkOptionTemplates;
    private static Set<String> reporterOptionSuffixes;

    @BeforeAll
    static void load() throws Exception {
        yamlDocuments = new TreeMap<>();
        for (Path file : filesEndingWith(".yml", ".yaml")) {
            yamlDocuments.put(file, parseYaml(file));
        }
        scanFlinkOptions();
    }

    // ------------------------------------------------------------------ parsing

    @Test
    void thereAreDeploymentFilesToCheck() {
        assertThat(DOCKER.resolve("Dockerfile")).isRegularFile();
        assertThat(DOCKER.resolve("docker-compose.yml")).isRegularFile();
        assertThat(K8S.resolve("flinkdeployment.yaml")).isRegularFile();
        assertThat(yamlDocuments.keySet()).extracting(p -> ROOT.relativize(p).toString().replace('\\', '/'))
                .contains("docker/docker-compose.yml", "docker/prometheus.yml", "docker/flink/flink-settings.yaml",
                        "k8s/flinkdeployment.yaml", "k8s/kafka-topics.yaml", "k8s/podmonitor.yaml");
    }

    @Test
    void everyYamlFileParsesToAtLeastOneDocument() {
        assertThat(yamlDocuments).isNotEmpty();
        yamlDocuments.forEach((file, docs) -> assertThat(docs).as("%s", file).isNotEmpty().doesNotContainNull());
    }

    @Test
    void everyJsonFileParses() throws IOException {
        List<Path> files = filesEndingWith(".json");
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            try {
                assertThat(JSON.readTree(file.toFile())).as("%s", file).isNotNull();
            } catch (IOException e) {
                fail(file + " is not valid JSON: " + e.getMessage());
            }
        }
    }

    @Test
    void everyKubernetesManifestHasKindApiVersionAndName() {
        for (Path file : yamlFilesUnder(K8S)) {
            for (Object doc : yamlDocuments.get(file)) {
                Map<String, Object> m = map(doc, file.toString());
                assertThat(m).as("%s", file).containsKeys("apiVersion", "kind", "metadata");
                assertThat(map(m.get("metadata"), file + " metadata")).as("%s", file).containsKey("name");
            }
        }
    }

    // ------------------------------------------------------------------ jar, main class, images

    @Test
    void dockerfileAndManifestsUseTheShadedJar() throws IOException {
        String jar = shadedJarName();
        assertThat(jar).isEqualTo("streamsynth.jar");
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile).contains("app/target/" + jar).contains(USRLIB + jar);
        assertThat(usrlibJars(dockerfile)).as("jars the Dockerfile puts in usrlib/").containsOnly(jar);

        Map<String, Object> job = map(map(flinkDeployment().get("spec"), "spec").get("job"), "spec.job");
        assertThat(job.get("jarURI")).as("FlinkDeployment spec.job.jarURI").isEqualTo("local://" + USRLIB + jar);
        for (Path file : yamlFilesUnder(K8S)) {
            assertThat(usrlibJars(Files.readString(file))).as("%s", file).allMatch(jar::equals);
        }
    }

    @Test
    void entryClassExistsAndIsTheCommandLine() throws Exception {
        Map<String, Object> job = map(map(flinkDeployment().get("spec"), "spec").get("job"), "spec.job");
        String entryClass = (String) job.get("entryClass");
        assertThat(Class.forName(entryClass)).isEqualTo(Main.class);
        assertThat(Main.class.getMethod("main", String[].class)).isNotNull();

        List<String> command = jobManagerCommand();
        assertThat(command).startsWith("standalone-job");
        int i = command.indexOf("--job-classname");
        assertThat(i).as("--job-classname in the compose jobmanager command").isPositive();
        assertThat(Class.forName(command.get(i + 1))).isEqualTo(Main.class);
    }

    @Test
    void imageVersionsMatchTheBuild() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        String flinkVersion = pomProperty("flink.version");
        String javaRelease = pomProperty("maven.compiler.release");
        Matcher flinkImage = Pattern.compile("ARG FLINK_IMAGE=flink:(\\S+)").matcher(dockerfile);
        assertThat(flinkImage.find()).as("ARG FLINK_IMAGE in the Dockerfile").isTrue();
        String tag = flinkImage.group(1);
        String minor = flinkVersion.substring(0, flinkVersion.lastIndexOf('.'));
        assertThat(tag).as("Flink image tag").matches(Pattern.quote(flinkVersion) + "-java" + javaRelease
                + "|" + Pattern.quote(minor) + "-java" + javaRelease);

        Map<String, Object> services = composeServices();
        String kafkaImage = (String) map(services.get("kafka"), "kafka").get("image");
        assertThat(kafkaImage).isEqualTo("apache/kafka:" + pomProperty("kafka.version"));

        String[] mm = flinkVersion.split("\\.");
        assertThat(map(flinkDeployment().get("spec"), "spec").get("flinkVersion")).isEqualTo("v" + mm[0] + "_" + mm[1]);
    }

    /**
     * The Flink image's entrypoint preloads jemalloc unless DISABLE_JEMALLOC=true; glibc's MALLOC_
     * tunables would then do nothing (docs/BENCHMARKS.md, "The memory allocator", measured both).
     */
    @Test
    void theImageRunsTheAllocatorItsMallocSettingsAreFor() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));

        assertThat(dockerfile).contains("MALLOC_MMAP_THRESHOLD_=1073741824", "MALLOC_TRIM_THRESHOLD_=1073741824",
                "MALLOC_ARENA_MAX=1");
        assertThat(dockerfile).as("glibc's settings need glibc's malloc").contains("DISABLE_JEMALLOC=true");
    }

    @Test
    void dockerfileCopiesOnlyPathsThatExist() throws IOException {
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        int copies = 0;
        for (String line : lines) {
            String t = line.trim();
            if (!t.startsWith("COPY ") || t.contains("--from=")) {
                continue;
            }
            List<String> parts = Stream.of(t.substring(5).trim().split("\\s+"))
                    .filter(p -> !p.startsWith("--")).toList();
            for (String source : parts.subList(0, parts.size() - 1)) {
                assertThat(ROOT.resolve(source)).as("COPY source %s (build context: repository root)", source).exists();
                copies++;
            }
        }
        assertThat(copies).isGreaterThan(5);
    }

    @Test
    void composeBuildsFromTheDockerfileAndMountsFilesThatExist() {
        Map<String, Object> services = composeServices();
        for (String name : List.of("jobmanager", "taskmanager")) {
            Map<String, Object> build = map(map(services.get(name), name).get("build"), name + ".build");
            Path context = DOCKER.resolve((String) build.get("context")).normalize();
            assertThat(context.resolve((String) build.get("dockerfile"))).as("%s dockerfile", name).isRegularFile();
        }
        services.forEach((name, service) -> {
            Object volumes = map(service, name).get("volumes");
            if (volumes == null) {
                return;
            }
            for (Object v : list(volumes, name + ".volumes")) {
                String source = String.valueOf(v).split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DOCKER.resolve(source)).as("bind mount %s of %s", source, name).exists();
                }
            }
        });
    }

    // ------------------------------------------------------------------ job flags

    @Test
    void jobArgumentsInComposeAndKubernetesAreValidTrainOptions() throws Exception {
        List<String> compose = jobManagerCommand();
        checkTrainArguments("docker-compose.yml", compose.subList(compose.indexOf("train"), compose.size()));
        List<String> k8s = list(map(map(flinkDeployment().get("spec"), "spec").get("job"), "spec.job").get("args"),
                "spec.job.args").stream().map(String::valueOf).toList();
        checkTrainArguments("flinkdeployment.yaml", k8s);
    }

    @Test
    void theFlagCheckRejectsAnUnknownFlag() {
        try {
            checkTrainArguments("test", List.of("train", "--bootstrap-servers", "kafka:9092", "--no-such-flag", "1"));
        } catch (AssertionError | Exception e) {
            assertThat(e.getMessage()).contains("--no-such-flag");
            return;
        }
        fail("an unknown flag passed the check");
    }

    // ------------------------------------------------------------------ Flink configuration

    @Test
    void dockerFlinkSettingsAreKnownOptionsWithValuesThatParse(@TempDir Path dir) throws IOException {
        Path settings = DOCKER.resolve("flink/flink-settings.yaml");
        // merge-settings.sh reads the file line by line: flat "key: value" lines only
        for (String line : Files.readAllLines(settings)) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                assertThat(t).as("flink-settings.yaml line").matches("[a-z][A-Za-z0-9._-]*: \\S.*");
                assertThat(t.substring(t.indexOf(": ") + 2)).as("no inline comments: %s", t).doesNotContain(" #");
            }
        }
        // read exactly as Flink reads conf/config.yaml
        Files.copy(settings, dir.resolve("config.yaml"));
        Configuration conf = GlobalConfiguration.loadConfiguration(dir.toString());
        Map<String, String> values = conf.toMap();
        checkFlinkConfiguration("docker/flink/flink-settings.yaml", values);

        assertThat(values).containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true");
        assertThat(values.get("execution.checkpointing.dir")).startsWith("file:///opt/flink/checkpoints");
        checkDjlParentFirstAndPrometheus(values);
    }

    @Test
    void flinkDeploymentConfigurationIsKnownOptionsWithValuesThatParse() {
        Map<String, Object> spec = map(flinkDeployment().get("spec"), "spec");
        Map<String, Object> raw = map(spec.get("flinkConfiguration"), "spec.flinkConfiguration");
        raw.forEach((k, v) -> assertThat(v).as("flinkConfiguration value of %s must be a YAML string", k)
                .isInstanceOf(String.class));
        Map<String, String> values = new TreeMap<>();
        raw.forEach((k, v) -> values.put(k, String.valueOf(v)));
        checkFlinkConfiguration("k8s/flinkdeployment.yaml", values);

        assertThat(values).containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("high-availability.type", "kubernetes");
        for (String durable : List.of("execution.checkpointing.dir", "high-availability.storageDir")) {
            assertThat(values.get(durable)).as(durable).matches("(s3|s3a|s3p|gs|abfss?|hdfs|oss)://.+");
        }
        assertThat(values.get("restart-strategy.type")).isNotBlank();
        checkDjlParentFirstAndPrometheus(values);

        // GPU: Flink's external resource framework, and the same request in the TaskManager pod template
        assertThat(values.get("external-resources")).contains("gpu");
        assertThat(values).containsEntry("external-resource.gpu.driver-factory.class",
                        "org.apache.flink.externalresource.gpu.GPUDriverFactory")
                .containsEntry("external-resource.gpu.amount", "1")
                .containsEntry("external-resource.gpu.kubernetes.config-key", "nvidia.com/gpu");
        Map<String, Object> tmContainer = mainContainer(spec, "taskManager");
        Map<String, Object> resources = map(tmContainer.get("resources"), "taskManager main container resources");
        assertThat(String.valueOf(map(resources.get("requests"), "requests").get("nvidia.com/gpu"))).isEqualTo("1");
        assertThat(String.valueOf(map(resources.get("limits"), "limits").get("nvidia.com/gpu"))).isEqualTo("1");
    }

    @Test
    void theConfigurationCheckRejectsAnUnknownKeyAndABadValue() {
        assertThat(problems(Map.of("state.backend.typo", "rocksdb"))).singleElement().asString()
                .contains("state.backend.typo");
        assertThat(problems(Map.of("execution.checkpointing.incremental", "maybe"))).singleElement().asString()
                .contains("execution.checkpointing.incremental");
        assertThat(problems(Map.of("metrics.reporter.prom.factory.clas", "x"))).hasSize(1);
        assertThat(problems(Map.of("external-resource.gpu.amount", "1", "metrics.reporter.prom.port", "9249")))
                .isEmpty();
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void prometheusScrapesTheReporterPort() {
        String port = reporterPort();
        Map<String, Object> prom = map(yamlDocuments.get(DOCKER.resolve("prometheus.yml")).get(0), "prometheus.yml");
        String scrape = String.valueOf(prom.get("scrape_configs"));
        assertThat(scrape).contains("jobmanager:" + port).contains("port=" + port);

        Map<String, Object> spec = map(flinkDeployment().get("spec"), "spec");
        for (String role : List.of("jobManager", "taskManager")) {
            String ports = String.valueOf(mainContainer(spec, role).get("ports"));
            assertThat(ports).as("%s container ports", role).contains("name=metrics").contains("containerPort=" + port);
        }
        Map<String, Object> podMonitor = map(yamlDocuments.get(K8S.resolve("podmonitor.yaml")).get(0), "podmonitor");
        assertThat(String.valueOf(podMonitor.get("spec"))).contains("port=metrics")
                .contains("app=" + map(flinkDeployment().get("metadata"), "metadata").get("name"));
    }

    @Test
    void grafanaDashboardQueriesOnlyMetricsTheOperatorsRegister() throws IOException {
        Set<String> allowed = allowedPrometheusNames();
        Path dashboard = DOCKER.resolve("grafana/dashboards/streamsynth.json");
        JsonNode root = JSON.readTree(dashboard.toFile());
        Set<String> used = metricNamesIn(root);

        assertThat(unknownMetrics(used, allowed)).as("metric names in %s that no operator registers (registered: %s)",
                dashboard, allowed).isEmpty();
        // the panels the deployment issue asks for
        assertThat(used).contains(OPERATOR_SCOPE + "catalog_loss", OPERATOR_SCOPE + "stepsPerSecond",
                OPERATOR_SCOPE + "imagesPerSecond", OPERATOR_SCOPE + "catalog_modelVersion",
                OPERATOR_SCOPE + "catalog_heldOutRecallAt1", OPERATOR_SCOPE + "deadLetters",
                OPERATOR_SCOPE + "embeddingLag", JOBMANAGER_JOB_SCOPE + "lastCheckpointSize",
                JOBMANAGER_JOB_SCOPE + "lastCheckpointDuration");
    }

    @Test
    void theMetricCheckRejectsANameNoOperatorRegisters() throws IOException {
        Set<String> allowed = allowedPrometheusNames();
        JsonNode bogus = JSON.readTree("{\"panels\":[{\"targets\":[{\"expr\":\"sum(" + OPERATOR_SCOPE
                + "catalog_loss) + sum(" + OPERATOR_SCOPE + "catalog_lossx) + " + OPERATOR_SCOPE + "loss\"}]}]}");

        assertThat(unknownMetrics(metricNamesIn(bogus), allowed))
                .containsExactlyInAnyOrder(OPERATOR_SCOPE + "catalog_lossx", OPERATOR_SCOPE + "loss");
    }

    @Test
    void registeredMetricNamesFollowFlinksPrometheusNaming() throws IOException {
        Set<String> allowed = allowedPrometheusNames();
        // a plain operator counter, a meter, a histogram, a per-catalog gauge, a JobManager checkpoint metric
        assertThat(allowed).contains(OPERATOR_SCOPE + "steps", OPERATOR_SCOPE + "stepsPerSecond",
                OPERATOR_SCOPE + "batchBuildWaitMillis", OPERATOR_SCOPE + "batchBuildWaitMillis_count",
                OPERATOR_SCOPE + "catalog_loss", JOBMANAGER_JOB_SCOPE + "lastCheckpointSize");
        // per-catalog gauges live only in the catalog group
        assertThat(allowed).doesNotContain(OPERATOR_SCOPE + "loss", OPERATOR_SCOPE + "catalog_steps");
    }

    @Test
    void dashboardDatasourceIsProvisioned() throws IOException {
        JsonNode root = JSON.readTree(DOCKER.resolve("grafana/dashboards/streamsynth.json").toFile());
        Set<String> uids = new TreeSet<>();
        root.findValues("datasource").forEach(ds -> {
            if (ds.has("uid")) {
                uids.add(ds.get("uid").asText());
            }
        });
        Path datasources = DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml");
        String provisioned = String.valueOf(yamlDocuments.get(datasources).get(0));
        assertThat(uids).isNotEmpty().allSatisfy(uid -> assertThat(provisioned).contains("uid=" + uid));
    }

    // ------------------------------------------------------------------ topics

    @Test
    void topicsAreTheJobsDefaultTopicsWithRoomForCheckpointChunks() throws IOException {
        Topics topics = new JobOptions().topics();
        assertThat(topics).isEqualTo(Topics.defaults());
        Set<String> names = Set.copyOf(topics.all());
        int chunk = defaultChunkBytes();

        Map<String, Map<String, Object>> strimzi = new TreeMap<>();
        for (Object doc : yamlDocuments.get(K8S.resolve("kafka-topics.yaml"))) {
            Map<String, Object> topic = map(doc, "KafkaTopic");
            assertThat(topic.get("kind")).isEqualTo("KafkaTopic");
            Map<String, Object> spec = map(topic.get("spec"), "KafkaTopic spec");
            strimzi.put((String) spec.get("topicName"), spec);
            assertThat(((Number) spec.get("partitions")).intValue()).isPositive();
        }
        assertThat(strimzi.keySet()).containsExactlyInAnyOrderElementsOf(names);
        Map<String, Object> checkpointConfig = map(strimzi.get(topics.checkpoints()).get("config"), "checkpoints config");
        assertThat(Long.parseLong(String.valueOf(checkpointConfig.get("max.message.bytes"))))
                .as("checkpoints max.message.bytes").isGreaterThanOrEqualTo(TopicSetup.checkpointsMaxMessageBytes(chunk));
        Map<String, Object> imagesConfig = map(strimzi.get(topics.images()).get("config"), "images config");
        assertThat(Long.parseLong(String.valueOf(imagesConfig.get("max.message.bytes"))))
                .as("images max.message.bytes takes --max-event-bytes").isGreaterThanOrEqualTo(
                        TopicSetup.imagesMaxMessageBytes(defaultMaxEventBytes()));

        Map<String, Object> versionsConfig = map(strimzi.get(topics.versions()).get("config"), "versions config");
        assertThat(String.valueOf(versionsConfig.get("retention.ms"))).as("markers kept forever").isEqualTo("-1");
        assertThat(versionsConfig).as("markers are not compacted").doesNotContainKey("cleanup.policy");
        Map<String, Object> catalogsConfig = map(strimzi.get(topics.catalogs()).get("config"), "catalogs config");
        assertThat(catalogsConfig).as("catalog settings compacted").containsEntry("cleanup.policy", "compact");

        String script = Files.readString(DOCKER.resolve("kafka/create-topics.sh"));
        for (String name : names) {
            assertThat(script).contains("--topic " + name + " ");
        }
        assertThat(script).contains("--topic " + topics.versions() + " --partitions 1 --config retention.ms=-1");
        assertThat(script).contains("--topic " + topics.catalogs() + " --partitions 1 --config cleanup.policy=compact");
    }

    @Test
    void composeTopicsFollowTheJobsEventAndChunkLimits(@TempDir Path dir) throws Exception {
        Map<String, Long> defaults = composeTopicLimits(dir, Map.of());
        assertThat(defaults).containsEntry("images", (long) TopicSetup.imagesMaxMessageBytes(defaultMaxEventBytes()))
                .containsEntry("checkpoints", (long) TopicSetup.checkpointsMaxMessageBytes(defaultChunkBytes()));

        Map<String, Long> large = composeTopicLimits(dir, Map.of("MAX_EVENT_BYTES", "16777216",
                "CHECKPOINT_CHUNK_BYTES", "33554432"));
        assertThat(large).containsEntry("images", (long) TopicSetup.imagesMaxMessageBytes(16 << 20))
                .containsEntry("checkpoints", (long) TopicSetup.checkpointsMaxMessageBytes(32 << 20))
                .containsEntry("dead-letters", (long) TopicSetup.deadLettersMaxMessageBytes(
                        TopicSetup.imagesMaxMessageBytes(16 << 20)));
    }

    /** Runs docker/kafka/create-topics.sh against a stand-in kafka-topics.sh and reads the limits it set. */
    private static Map<String, Long> composeTopicLimits(Path dir, Map<String, String> env) throws Exception {
        Path calls = dir.resolve("calls-" + env.size() + ".txt");
        Path stub = dir.resolve("kafka-topics.sh");
        Files.writeString(stub, "#!/bin/sh\necho \"$@\" >> " + calls + "\n");
        stub.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("bash", DOCKER.resolve("kafka/create-topics.sh").toString());
        pb.environment().put("KAFKA_TOPICS", stub.toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        Map<String, Long> limits = new TreeMap<>();
        Pattern created = Pattern.compile("--topic (\\S+) .*?max\\.message\\.bytes=(\\d+)");
        for (String line : Files.readAllLines(calls)) {
            Matcher m = created.matcher(line);
            if (line.contains("--create") && m.find()) {
                limits.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        return limits;
    }

    // ================================================================== helpers: job flags

    private static void checkTrainArguments(String where, List<String> args) throws IOException {
        assertThat(args).as("%s job arguments", where).isNotEmpty().startsWith("train");
        CommandLine cli = Main.commandLine();
        CommandSpec train = cli.getSubcommands().get("train").getCommandSpec();
        Set<String> options = train.optionsMap().keySet();
        for (String a : args.subList(1, args.size())) {
            if (a.startsWith("-") && !a.matches("-\\d.*")) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                assertThat(options).as("%s: %s is not an option of `train`", where, name).contains(name);
            }
        }
        try {
            // picocli parses them as `train` would (types, arity, required options) ...
            ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
            CommandSpec trainSpec = parsed.subcommand().commandSpec();
            // ... and the job options make a valid job configuration, as `train` checks before submitting
            JobOptions job = (JobOptions) trainSpec.mixins().get("job").userObject();
            String bootstrap = trainSpec.findOption("--bootstrap-servers").getValue();
            assertThat(job.toConfig(bootstrap)).isNotNull();
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            fail(where + ": the job arguments " + args + " are not valid for `train`: " + e.getMessage(), e);
        }
    }

    private static List<String> jobManagerCommand() {
        Map<String, Object> jm = map(composeServices().get("jobmanager"), "jobmanager");
        return list(jm.get("command"), "jobmanager.command").stream().map(String::valueOf).toList();
    }

    /** The job's default, held by its settings builder (the flags only map onto it). */
    private static int defaultMaxEventBytes() {
        return JobConfig.builder("kafka:9092").build().limits().maxEventBytes();
    }

    private static int defaultChunkBytes() {
        return JobConfig.builder("kafka:9092").build().maxChunkBytes();
    }

    // ================================================================== helpers: Flink options

    private static void checkFlinkConfiguration(String where, Map<String, String> values) {
        assertThat(values).as(where).isNotEmpty();
        assertThat(problems(values)).as("%s: unknown Flink options or values Flink cannot parse", where).isEmpty();
    }

    /** Keys Flink does not know and values it cannot parse as their option's type. */
    private static List<String> problems(Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        Configuration conf = Configuration.fromMap(values);
        values.forEach((key, value) -> {
            ConfigOption<?> option = flinkOptions.get(key);
            if (option != null) {
                try {
                    conf.get(option);
                } catch (RuntimeException e) {
                    problems.add(key + ": '" + value + "' does not parse: " + e.getMessage());
                }
            } else if (!isKnownTemplatedKey(key)) {
                problems.add(key + ": not an option of Flink " + org.apache.flink.runtime.util.EnvironmentInformation
                        .getVersion());
            }
        });
        return problems;
    }

    private static boolean isKnownTemplatedKey(String key) {
        Matcher reporter = Pattern.compile("metrics\\.reporter\\.[^.]+\\.(.+)").matcher(key);
        if (reporter.matches()) {
            return reporterOptionSuffixes.contains(reporter.group(1));
        }
        // options of flink-kubernetes and flink-yarn, which are not on this class path (documented in
        // Flink's "External Resources" page)
        if (key.matches("external-resource\\.[^.]+\\.(kubernetes|yarn)\\.config-key")) {
            return true;
        }
        // settings the S3 file system plugins read (s3.endpoint, s3.path.style.access, ...)
        if (key.startsWith("s3.")) {
            return true;
        }
        return flinkOptionTemplates.stream().anyMatch(p -> p.matcher(key).matches());
    }

    private static void checkDjlParentFirstAndPrometheus(Map<String, String> values) {
        assertThat(values.get("classloader.parent-first-patterns.additional")).as("DJL parent-first")
                .isNotNull().satisfies(v -> assertThat(List.of(v.split("[;,]"))).contains("ai.djl."));
        assertThat(values.get("metrics.reporters")).isEqualTo("prom");
        String factory = values.get("metrics.reporter.prom.factory.class");
        try {
            assertThat(Class.forName(factory).getSimpleName()).isEqualTo("PrometheusReporterFactory");
        } catch (ClassNotFoundException e) {
            fail("no reporter factory class " + factory);
        }
        assertThat(values.get("metrics.reporter.prom.port")).isEqualTo(reporterPort());
    }

    private static String reporterPort() {
        try {
            Field f = Class.forName("org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                    .getDeclaredField("DEFAULT_PORT");
            f.setAccessible(true);
            return (String) f.get(null);
        } catch (ReflectiveOperationException e) {
            return "9249";
        }
    }

    /**
     * Every {@link ConfigOption} Flink declares in an {@code *Options} class on the test class path
     * (core, runtime, RocksDB, metrics, Prometheus, Kafka connector ...), with their deprecated and
     * fallback keys.
     */
    private static void scanFlinkOptions() throws IOException {
        flinkOptions = new TreeMap<>();
        flinkOptionTemplates = new ArrayList<>();
        reporterOptionSuffixes = new TreeSet<>();
        ClassLoader loader = DeploymentFilesTest.class.getClassLoader();
        for (String className : flinkOptionClassNames(loader)) {
            Class<?> c;
            try {
                c = Class.forName(className, false, loader);
            } catch (Throwable e) {
                continue; // an optional dependency of that class is missing here
            }
            for (Field f : fields(c)) {
                if (!Modifier.isStatic(f.getModifiers()) || !ConfigOption.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                ConfigOption<?> option;
                try {
                    f.setAccessible(true);
                    option = (ConfigOption<?>) f.get(null);
                } catch (Throwable e) {
                    continue;
                }
                if (option == null) {
                    continue;
                }
                List<String> keys = new ArrayList<>(List.of(option.key()));
                for (FallbackKey k : option.fallbackKeys()) {
                    keys.add(k.getKey());
                }
                for (String key : keys) {
                    if (key.startsWith("<")) {
                        continue; // a bare "<parameter>": reporter-specific arguments, checked per reporter
                    }
                    if (key.contains("<")) {
                        flinkOptionTemplates.add(Pattern.compile(Stream.of(key.split("<[^>]+>", -1))
                                .map(Pattern::quote).collect(Collectors.joining(".+"))));
                    } else if (c.getSimpleName().equals("MetricOptions") && !key.startsWith("metrics.")) {
                        reporterOptionSuffixes.add(key); // factory.class, interval, filter.includes, ...
                    } else {
                        flinkOptions.putIfAbsent(key, option);
                    }
                }
            }
        }
        // the Prometheus reporter reads its port from the reporter's arguments, not from a ConfigOption
        reporterOptionSuffixes.add("port");
        assertThat(flinkOptions).as("Flink options found on the class path")
                .containsKeys("state.backend.type", "execution.checkpointing.dir", "taskmanager.numberOfTaskSlots");
        assertThat(reporterOptionSuffixes).contains("factory.class");
    }

    private static List<Field> fields(Class<?> c) {
        try {
            return List.of(c.getDeclaredFields());
        } catch (Throwable e) {
            return List.of();
        }
    }

    private static Set<String> flinkOptionClassNames(ClassLoader loader) throws IOException {
        Set<String> names = new TreeSet<>();
        for (URL url : Collections.list(loader.getResources("org/apache/flink/configuration/"))) {
            names.addAll(optionClassesIn(url));
        }
        for (URL url : Collections.list(loader.getResources("META-INF/MANIFEST.MF"))) {
            names.addAll(optionClassesIn(url));
        }
        return names;
    }

    private static Set<String> optionClassesIn(URL url) throws IOException {
        Set<String> names = new TreeSet<>();
        if (url.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = new JarFile(Paths.get(toUri(connection.getJarFileURL())).toFile())) {
                for (JarEntry e : Collections.list(jar.entries())) {
                    String n = e.getName();
                    if (n.startsWith("org/apache/flink/") && !n.startsWith("org/apache/flink/shaded/")
                            && n.endsWith("Options.class") && !n.contains("$")) {
                        names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
                    }
                }
            }
        }
        return names;
    }

    private static java.net.URI toUri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // ================================================================== helpers: metrics

    /**
     * The Prometheus names of every metric the operators register, by the rules of Flink's
     * Prometheus reporter: "flink_" + the logical scope of the group ("taskmanager_job_task_operator",
     * plus the key of a key/value group such as "catalog", whose value becomes a label) + "_" + the
     * name; counters, gauges and meters keep their name, a histogram is a summary (quantile label)
     * plus "_count". Also the JobManager's checkpoint size and duration gauges.
     */
    private static Set<String> allowedPrometheusNames() throws IOException {
        Set<String> allowed = new TreeSet<>();
        for (RegisteredMetric m : registeredOperatorMetrics()) {
            String name = OPERATOR_SCOPE + (m.group() == null ? "" : filter(m.group()) + "_") + filter(m.name());
            allowed.add(name);
            if (m.kind().equals("histogram")) {
                allowed.add(name + "_count");
            }
        }
        for (String constant : List.of("LATEST_COMPLETED_CHECKPOINT_SIZE_METRIC",
                "LATEST_COMPLETED_CHECKPOINT_DURATION_METRIC")) {
            allowed.add(JOBMANAGER_JOB_SCOPE + checkpointMetricName(constant));
        }
        return allowed;
    }

    private static String checkpointMetricName(String constant) {
        try {
            Field f = Class.forName("org.apache.flink.runtime.checkpoint.DefaultCheckpointStatsTracker")
                    .getDeclaredField(constant);
            f.setAccessible(true);
            return (String) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Flink's checkpoint metric " + constant + " is gone", e);
        }
    }

    private static String filter(String s) {
        return PROMETHEUS_INVALID.matcher(s).replaceAll("_");
    }

    private static Set<String> metricNamesIn(JsonNode root) {
        Set<String> names = new TreeSet<>();
        collectMetricNames(root, names);
        return names;
    }

    private static void collectMetricNames(JsonNode node, Set<String> names) {
        if (node.isTextual()) {
            Matcher m = PROMETHEUS_METRIC.matcher(node.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        node.forEach(child -> collectMetricNames(child, names));
    }

    private static Set<String> unknownMetrics(Set<String> used, Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(allowed);
        return unknown;
    }

    record RegisteredMetric(String kind, String group, String name) {}

    private static final Pattern ASSIGN_GROUP = Pattern.compile(
            "(\\w+)\\s*=\\s*[^;]*?\\.addGroup\\(\\s*\"([^\"]+)\"");
    private static final Pattern ASSIGN_PLAIN = Pattern.compile(
            "(\\w+)\\s*=\\s*[^;]*?getMetricGroup\\(\\)\\s*;");
    private static final Pattern REGISTER = Pattern.compile(
            "(\\w+|\\))\\s*\\.\\s*(counter|gauge|meter|histogram)\\(\\s*\"([^\"]+)\"");
    private static final Pattern INLINE_GROUP = Pattern.compile("\\.addGroup\\(\\s*\"([^\"]+)\"");
    /** A gauge per catalog and its sum ({@link CatalogGauge}): one name in the operator's group and in the catalog's. */
    private static final Pattern CATALOG_GAUGE = Pattern.compile("new\\s+CatalogGauge\\(\\s*\\w+\\s*,\\s*\"([^\"]+)\"");

    /**
     * Scans operators/src/main/java for {@code counter("..")}, {@code gauge("..")}, {@code meter("..")}
     * and {@code histogram("..")} and the metric group each is registered on: a variable last
     * assigned from {@code addGroup("key", ...)} (or an {@code addGroup} in the same statement)
     * puts the metric in that group, anything else is the operator's own group.
     */
    static List<RegisteredMetric> registeredOperatorMetrics() throws IOException {
        List<RegisteredMetric> metrics = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> s = Files.walk(ROOT.resolve("operators/src/main/java"))) {
            sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path source : sources) {
            String code = stripComments(Files.readString(source, StandardCharsets.UTF_8));
            TreeMap<Integer, Matcher> events = new TreeMap<>();
            for (Pattern p : List.of(ASSIGN_GROUP, ASSIGN_PLAIN, REGISTER)) {
                Matcher m = p.matcher(code);
                while (m.find()) {
                    events.putIfAbsent(m.start(), p.matcher(code).region(m.start(), code.length()));
                }
            }
            Map<String, String> groupOf = new LinkedHashMap<>();
            for (Map.Entry<Integer, Matcher> e : events.entrySet()) {
                Matcher m = e.getValue();
                if (!m.lookingAt()) {
                    continue;
                }
                if (m.pattern() == ASSIGN_GROUP) {
                    groupOf.put(m.group(1), m.group(2));
                } else if (m.pattern() == ASSIGN_PLAIN) {
                    groupOf.remove(m.group(1));
                } else {
                    int statementStart = Math.max(Math.max(code.lastIndexOf(';', e.getKey()),
                            code.lastIndexOf('{', e.getKey())), code.lastIndexOf('}', e.getKey())) + 1;
                    Matcher inline = INLINE_GROUP.matcher(code.substring(statementStart, e.getKey()));
                    String group = inline.find() ? inline.group(1) : groupOf.get(m.group(1));
                    metrics.add(new RegisteredMetric(m.group(2), group, m.group(3)));
                }
            }
            Matcher perCatalog = CATALOG_GAUGE.matcher(code);
            while (perCatalog.find()) {
                metrics.add(new RegisteredMetric("gauge", null, perCatalog.group(1)));
                metrics.add(new RegisteredMetric("gauge", CatalogGauge.GROUP, perCatalog.group(1)));
            }
        }
        assertThat(metrics).as("metrics registered in operators/src/main/java").isNotEmpty();
        return metrics;
    }

    private static String stripComments(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }

    // ================================================================== helpers: files and YAML

    static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docker")) && Files.isDirectory(p.resolve("pipeline"))
                    && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root with docker/ and pipeline/ above " + dir);
    }

    private static List<Path> filesEndingWith(String... suffixes) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(DOCKER, K8S)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x)))
                        .sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static List<Path> yamlFilesUnder(Path dir) {
        return yamlDocuments.keySet().stream().filter(p -> p.startsWith(dir)).toList();
    }

    private static List<Object> parseYaml(Path file) {
        Load load = new Load(LoadSettings.builder().setLabel(file.toString()).build());
        List<Object> docs = new ArrayList<>();
        try {
            for (Object doc : load.loadAllFromString(Files.readString(file, StandardCharsets.UTF_8))) {
                if (doc != null) {
                    docs.add(resolveMergeKeys(doc));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            fail(file + " is not valid YAML: " + e.getMessage());
        }
        return docs;
    }

    /** YAML 1.1 merge keys ({@code <<: *anchor}), which Compose uses and a YAML 1.2 parser leaves as a key. */
    @SuppressWarnings("unchecked")
    private static Object resolveMergeKeys(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            Object merge = m.get("<<");
            m.forEach((k, v) -> {
                if (!"<<".equals(k)) {
                    out.put(String.valueOf(k), resolveMergeKeys(v));
                }
            });
            if (merge != null) {
                List<Object> sources = merge instanceof List<?> l ? (List<Object>) l : List.of(merge);
                for (Object source : sources) {
                    ((Map<String, Object>) resolveMergeKeys(source)).forEach(out::putIfAbsent);
                }
            }
            return out;
        }
        if (node instanceof List<?> l) {
            return l.stream().map(DeploymentFilesTest::resolveMergeKeys).toList();
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        assertThat(node).as("%s must be a mapping", what).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    private static List<?> list(Object node, String what) {
        assertThat(node).as("%s must be a list", what).isInstanceOf(List.class);
        return (List<?>) node;
    }

    private static Map<String, Object> composeServices() {
        Map<String, Object> compose = map(yamlDocuments.get(DOCKER.resolve("docker-compose.yml")).get(0), "compose");
        return map(compose.get("services"), "services");
    }

    private static Map<String, Object> flinkDeployment() {
        List<Object> docs = yamlDocuments.get(K8S.resolve("flinkdeployment.yaml"));
        return docs.stream().map(d -> map(d, "flinkdeployment.yaml"))
                .filter(d -> "FlinkDeployment".equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no FlinkDeployment in k8s/flinkdeployment.yaml"));
    }

    private static Map<String, Object> mainContainer(Map<String, Object> spec, String role) {
        Map<String, Object> template = map(map(spec.get(role), role).get("podTemplate"), role + ".podTemplate");
        return list(map(template.get("spec"), role + " pod spec").get("containers"), role + " containers").stream()
                .map(c -> map(c, role + " container")).filter(c -> "flink-main-container".equals(c.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError(role + " pod template has no flink-main-container"));
    }

    private static Set<String> usrlibJars(String text) {
        Matcher m = Pattern.compile(Pattern.quote(USRLIB) + "([A-Za-z0-9._-]+\\.jar)").matcher(text);
        Set<String> jars = new LinkedHashSet<>();
        while (m.find()) {
            jars.add(m.group(1));
        }
        return jars;
    }

    /** The shaded jar's file name: the shade plugin's finalName in pipeline/pom.xml. */
    private static String shadedJarName() throws IOException {
        String pom = Files.readString(ROOT.resolve("app/pom.xml"));
        Matcher m = Pattern.compile("<artifactId>maven-shade-plugin</artifactId>.*?<finalName>([^<]+)</finalName>",
                Pattern.DOTALL).matcher(pom);
        assertThat(m.find()).as("finalName of the shade plugin in app/pom.xml").isTrue();
        return m.group(1).trim() + ".jar";
    }

    private static String pomProperty(String name) throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(m.find()).as("property %s in pom.xml", name).isTrue();
        return m.group(1).trim();
    }
}
