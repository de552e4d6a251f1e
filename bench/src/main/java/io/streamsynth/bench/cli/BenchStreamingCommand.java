package io.streamsynth.bench.cli;

import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.offline.PkSampler;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.cli.QuickstartCommand;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Images per second the streaming trainer trains when its batches come through Kafka and Flink,
 * against the bare training loop on the same images, model, batch shape, loss and threads, in
 * one process. The input is written to the topic before each job starts, so the job is never
 * starved; its rate is read from the published checkpoints (steps and publication times), so
 * it includes everything the trainer does, held-out evaluation and checkpoint encoding too.
 */
@Command(name = "streaming", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the bare loop and the streaming job (embedded Kafka + Flink MiniCluster, input "
                + "pre-produced) on the same Fashion-MNIST images, round by round; prints images/s of each and "
                + "the streaming/offline ratio of each round, and their medians."})
public final class BenchStreamingCommand implements Callable<Integer> {
    static final String CATALOG = "bench";
    private static final int WARMUP_STEPS = 20;
    private static final int FIRST_WARMUP_STEPS = 200;

    @Option(names = "--data", description = "Folder with the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--events", description = "Events written to the topic before the jobs start "
            + "(default: ${DEFAULT-VALUE}).")
    int events = 30000;

    @Option(names = "--rounds", description = "Rounds of offline then streaming (default: ${DEFAULT-VALUE}).")
    int rounds = 2;

    @Option(names = "--warmup-rounds", description = "Rounds run and printed first, exactly as the measured ones, "
            + "but left out of the medians: the JVM's JIT compilers spend much of a core on the job's code during its "
            + "first jobs in the process (default: ${DEFAULT-VALUE}).")
    int warmupRounds = 1;

    @Option(names = "--offline-steps", description = "Timed steps of the bare loop per round (default: ${DEFAULT-VALUE}).")
    int offlineSteps = 200;

    @Option(names = "--warmup-seconds", description = "Streaming time not measured after a job starts "
            + "(default: ${DEFAULT-VALUE}).")
    int warmupSeconds = 10;

    @Option(names = "--window-seconds", description = "Streaming time measured (default: ${DEFAULT-VALUE}).")
    int windowSeconds = 20;

    @Option(names = "--embedder", description = "on, off or both: whether the job runs its embedder next to the "
            + "trainer (default: ${DEFAULT-VALUE}).")
    String embedder = "off";

    @Option(names = "--threads", description = "PyTorch threads per operator, as in the quickstart; "
            + "0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--variant", paramLabel = "NAME=FLAGS", description = {"A further streaming setup run in every "
            + "round after the command's own, with FLAGS (job flags, space-separated) added to the command line's: "
            + "for example 'all-promoted=--promotion-tolerance 1 --min-refresh-interval 0' or "
            + "'batch64=--embed-batch-size 64'. Repeatable; setups take turns within each round."})
    List<String> variants = new ArrayList<>();

    /** The job's own defaults: the streaming side is measured as shipped. */
    @Mixin
    JobOptions job = new JobOptions();

    @Spec
    CommandSpec spec;

    /** ImageSet supplier for tests, which have no Fashion-MNIST. */
    ImageSet images;

    /** Where the figures go; tests read them. */
    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        List<Boolean> modes = switch (embedder) {
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            case "both" -> List.of(false, true);
            default -> throw new IllegalArgumentException("--embedder must be on, off or both, got '" + embedder + "'");
        };
        if (events < 100 || rounds < 1 || warmupRounds < 0 || offlineSteps < 10 || warmupSeconds < 0
                || windowSeconds < 2) {
            throw new IllegalArgumentException("need --events >= 100, --rounds >= 1, --warmup-rounds >= 0, "
                    + "--offline-steps >= 10, --warmup-seconds >= 0, --window-seconds >= 2");
        }
        List<Setup> setups = setups(modes);
        TorchRuntime.engine(threads);
        ImageSet train = images != null ? images : FashionMnist.load(data, FashionMnist.Split.TRAIN);
        // columns: offline wall, offline cpu, then per setup: streaming wall, streaming cpu
        List<double[]> rows = new ArrayList<>();
        try (StreamingRig rig = StreamingRig.start(1)) {
            JobConfig config = rig.configure(job);
            List<JobConfig> configs = configure(setups, rig.bootstrapServers());
            int batch = config.batches().classesPerBatch() * config.batches().samplesPerClass();
            out.printf(Locale.ROOT, "bench streaming: batch %dx%d, %s %s+%s, %d PyTorch thread(s), %d events, "
                    + "publish every %d steps, PyTorch %s%n", config.batches().classesPerBatch(),
                    config.batches().samplesPerClass(), config.trainer().architecture().kind(),
                    config.trainer().training().loss(), config.trainer().training().synthesis(), threads, events,
                    config.trainer().publishEverySteps(), TorchRuntime.engine().getVersion());
            long t = System.nanoTime();
            produce(rig, train, config.seed());
            out.printf(Locale.ROOT, "produced %d events in %.1f s%n", events, (System.nanoTime() - t) / 1e9);
            for (int run = 1; run <= warmupRounds + rounds; run++) {
                boolean warmup = run <= warmupRounds;
                String round = warmup ? "warm-up round " + run + " (not in the medians)" : "round " + (run - warmupRounds);
                // the first round also warms the JIT for the Java half of the step (synthesis, mining,
                // Adam), which the streaming runs then find compiled: without it round 1 favours streaming
                Rate offline = offline(config, train, batch, run == 1 ? FIRST_WARMUP_STEPS : WARMUP_STEPS);
                double[] row = new double[2 + 2 * setups.size()];
                row[0] = offline.perSecond();
                row[1] = offline.perCpuSecond();
                out.printf(Locale.ROOT, "%s  offline                 %8.1f images/s  %8.1f images/CPU-s%n",
                        round, offline.perSecond(), offline.perCpuSecond());
                for (int m = 0; m < setups.size(); m++) {
                    Setup setup = setups.get(m);
                    Rate streaming = streaming(rig, setup, configs.get(m));
                    row[2 + 2 * m] = streaming.perSecond();
                    row[3 + 2 * m] = streaming.perCpuSecond();
                    out.printf(Locale.ROOT, "%s  streaming, %s %8.1f images/s  %8.1f images/CPU-s  "
                            + "ratio %.3f (wall)  %.3f (CPU)%n", round, setup.label(),
                            streaming.perSecond(), streaming.perCpuSecond(), streaming.perSecond() / offline.perSecond(),
                            streaming.perCpuSecond() / offline.perCpuSecond());
                    out.printf(Locale.ROOT, "         over the window: %s%n", streaming.refresh());
                    out.printf(Locale.ROOT, "         CPU s by thread over the window: %s%n", streaming.threads());
                }
                if (!warmup) {
                    rows.add(row);
                }
            }
        }
        out.printf(Locale.ROOT, "median of %d round(s): offline %.1f images/s, %.1f images/CPU-s%n", rounds,
                median(rows, r -> r[0]), median(rows, r -> r[1]));
        for (int m = 0; m < setups.size(); m++) {
            int c = 2 + 2 * m;
            out.printf(Locale.ROOT, "median of %d round(s): streaming, %s: %.1f images/s, %.1f images/CPU-s; "
                    + "ratio to offline %.3f (wall), %.3f (CPU)%n", rounds, setups.get(m).label(),
                    median(rows, r -> r[c]), median(rows, r -> r[c + 1]), median(rows, r -> r[c] / r[0]),
                    median(rows, r -> r[c + 1] / r[1]));
        }
        return 0;
    }

    /** One streaming configuration measured in every round: the job's options and whether the embedder runs. */
    record Setup(String label, JobOptions options, boolean withEmbedder) {}

    /**
     * The command's own job options, then one set per {@code --variant}: the command line as given with
     * the variant's flags added after it (a flag given twice takes the later value), so a variant
     * differs from the base setup in its own flags only.
     */
    List<Setup> setups(List<Boolean> modes) throws java.io.IOException {
        List<Setup> setups = new ArrayList<>();
        for (boolean withEmbedder : modes) {
            String mode = "embedder " + (withEmbedder ? "on" : "off");
            setups.add(new Setup(variants.isEmpty() ? mode : mode + ", as given", job, withEmbedder));
            for (String variant : variants) {
                int eq = variant.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--variant must be NAME=FLAGS, got '" + variant + "'");
                }
                List<String> args = new ArrayList<>(originalArgs());
                args.addAll(List.of(variant.substring(eq + 1).trim().split("\\s+")));
                BenchStreamingCommand copy = new BenchStreamingCommand();
                new CommandLine(copy).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(String[]::new));
                setups.add(new Setup(mode + ", " + variant.substring(0, eq), copy.job, withEmbedder));
            }
        }
        return setups;
    }

    /**
     * Each setup's job settings against the rig's broker, built before any round starts, so a variant
     * whose flags break a setting rule stops the bench at once and names the setup and the flag.
     *
     * @throws IllegalArgumentException "SETUP: --flag reason" for the first setup that breaks a rule
     */
    static List<JobConfig> configure(List<Setup> setups, String bootstrapServers) throws java.io.IOException {
        List<JobConfig> configs = new ArrayList<>();
        for (Setup setup : setups) {
            try {
                configs.add(setup.options().toConfig(bootstrapServers));
            } catch (InvalidSettingException e) {
                throw new IllegalArgumentException(setup.label() + ": " + e.asFlag(), e);
            }
        }
        return configs;
    }

    /**
     * This command's options as given, bar {@code --variant}: the command's own parse result, since
     * the original arguments of a subcommand are the whole command line's.
     */
    private List<String> originalArgs() {
        if (spec == null || spec.commandLine().getParseResult() == null) {
            return List.of();
        }
        List<String> args = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (o.longestName().equals("--variant")) {
                continue;
            }
            if (o.arity().max() == 0) {
                args.add(o.longestName());
                continue;
            }
            for (String value : o.originalStringValues()) {
                args.add(o.longestName());
                args.add(value);
            }
        }
        return args;
    }

    /**
     * Images trained per wall-clock second and per CPU second of the whole process; what the refresh did
     * over the same window; the CPU seconds of the busiest threads.
     */
    record Rate(double perSecond, double perCpuSecond, String refresh, Map<String, String> threads) {}

    private void produce(StreamingRig rig, ImageSet train, long seed) {
        int[] order = QuickstartCommand.sample(train.size(), train.size(), seed);
        try (ImageEventProducer p = new ImageEventProducer(rig.bootstrapServers(), new java.util.Properties(),
                StreamingRig.IMAGES_TOPIC)) {
            for (int i = 0; i < events; i++) {
                p.send(CATALOG, "item-" + i, train, order[i % order.length], true);
            }
            p.flush();
        }
    }

    /** The bare loop: the same step on P x K batches sampled in memory. */
    private Rate offline(JobConfig config, ImageSet train, int batch, int warmupSteps) {
        var t = config.trainer();
        try (EmbeddingModel model = new EmbeddingModel(t.architecture(), t.device().resolve(), t.seed(),
                t.readScriptedBackbone());
                TrainingStep step = new TrainingStep(model, t.training())) {
            PkSampler sampler = new PkSampler(train, config.batches().classesPerBatch(),
                    config.batches().samplesPerClass(), t.seed());
            for (int i = 0; i < warmupSteps; i++) {
                PkSampler.Batch b = sampler.next();
                step.run(b.pixels(), b.labels());
            }
            CpuLedger cpu = CpuLedger.read();
            long start = System.nanoTime();
            for (int i = 0; i < offlineSteps; i++) {
                PkSampler.Batch b = sampler.next();
                step.run(b.pixels(), b.labels());
            }
            double images = (double) offlineSteps * batch;
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Rate(images / seconds, images / CpuLedger.read().processSecondsSince(cpu), "", Map.of());
        }
    }

    /**
     * Images/s between the first version published after the warm-up and the first one published a
     * window later, from the versions' steps and creation times.
     */
    private Rate streaming(StreamingRig rig, Setup setup, JobConfig config) throws Exception {
        int batch = config.batches().classesPerBatch() * config.batches().samplesPerClass();
        try (StreamingRig.Run run = rig.startJob(config, setup.withEmbedder())) {
            long warmEnd = run.startedAtMillis() + warmupSeconds * 1000L;
            long giveUp = warmEnd + windowSeconds * 1000L + 120_000L;
            // CPU readings taken as time goes by, to look up the ones at the versions' publication times,
            // which the checkpoints topic shows only after the next Flink checkpoint
            TreeMap<Long, CpuLedger> readings = new TreeMap<>();
            CheckpointMetadata first = null;
            while (System.currentTimeMillis() < giveUp) {
                // a reading walks every thread of the process (/proc): once a second keeps its cost (a few
                // percent of a core at four a second, on the thread the window's figures then blame) low
                long now = System.currentTimeMillis();
                if (readings.isEmpty() || now - readings.lastKey() >= 1000) {
                    readings.put(now, CpuLedger.read());
                }
                run.feed().poll(Duration.ofMillis(250));
                for (CheckpointMetadata m : run.feed().published()) {
                    if (first == null && m.createdAtMillis() >= warmEnd) {
                        first = m;
                    }
                    if (first != null && m.createdAtMillis() >= first.createdAtMillis() + windowSeconds * 1000L) {
                        warnIfStarved(m, config);
                        double images = (double) (m.step() - first.step()) * batch;
                        double seconds = (m.createdAtMillis() - first.createdAtMillis()) / 1000.0;
                        CpuLedger from = nearest(readings, first.createdAtMillis());
                        CpuLedger to = nearest(readings, m.createdAtMillis());
                        Map<String, Double> byThread = to.threadSecondsSince(from);
                        Map<String, String> threads = new LinkedHashMap<>();
                        byThread.entrySet().stream().limit(10)
                                .forEach(e -> threads.put(e.getKey(), String.format(Locale.ROOT, "%.1f", e.getValue())));
                        threads.put("(process)", String.format(Locale.ROOT, "%.1f", to.processSecondsSince(from)));
                        out.printf(Locale.ROOT, "         %s%n", trainerThread(byThread, images, seconds));
                        return new Rate(images / seconds, images / to.processSecondsSince(from),
                                refresh(run.feed(), first, m), threads);
                    }
                }
            }
            out.println("  no two versions a window apart were published in time");
            return new Rate(Double.NaN, Double.NaN, "", Map.of());
        }
    }

    /**
     * The trainer's own thread (a task that chains the batch builder, the trainer and the checkpoint
     * encoding): its share of one core over the window and the images it trained per CPU second of
     * its own. The bare loop's images per CPU second are the yardstick: a lower figure here is work
     * the trainer's thread does besides the step, or a step slowed by what runs beside it.
     */
    static String trainerThread(Map<String, Double> byThread, double images, double seconds) {
        double cpu = byThread.entrySet().stream().filter(e -> e.getKey().contains("trainer"))
                .mapToDouble(Map.Entry::getValue).sum();
        return String.format(Locale.ROOT, "trainer's thread: %.1f CPU-s in %.1f s (%.0f%% of a core), "
                + "%.1f images per CPU-s of its own", cpu, seconds, 100 * cpu / seconds, images / cpu);
    }

    /**
     * Versions trained and promoted (each promotion starts a re-embedding pass when the embedder runs)
     * between two published versions, and the version markers made in the same span: complete passes
     * and passes superseded before they completed.
     */
    private static String refresh(StreamingRig.CheckpointFeed feed, CheckpointMetadata from, CheckpointMetadata to) {
        long start = from.createdAtMillis();
        long end = to.createdAtMillis();
        List<CheckpointMetadata> span = feed.published().stream()
                .filter(m -> m.createdAtMillis() > start && m.createdAtMillis() <= end).toList();
        long promoted = span.stream().filter(CheckpointMetadata::promoted).count();
        long complete = feed.markers().stream()
                .filter(v -> v.timeMillis > start && v.timeMillis <= end && v.isComplete()).count();
        long superseded = feed.markers().stream()
                .filter(v -> v.timeMillis > start && v.timeMillis <= end && v.isSuperseded()).count();
        return String.format(Locale.ROOT, "%d versions trained, %d promoted (re-embedding passes started); "
                + "markers: %d complete, %d superseded", span.size(), promoted, complete, superseded);
    }

    private static CpuLedger nearest(TreeMap<Long, CpuLedger> readings, long millis) {
        Map.Entry<Long, CpuLedger> below = readings.floorEntry(millis);
        Map.Entry<Long, CpuLedger> above = readings.ceilingEntry(millis);
        if (below == null) {
            return above.getValue();
        }
        if (above == null) {
            return below.getValue();
        }
        return millis - below.getKey() <= above.getKey() - millis ? below.getValue() : above.getValue();
    }

    /** The pre-produced events hold out only so many batches; a rate measured after they ran out is too low. */
    private void warnIfStarved(CheckpointMetadata last, JobConfig config) {
        double eventsPerStep = config.batches().freshPerBatch() / (1 - config.heldOutShare());
        if (last.step() * eventsPerStep > 0.9 * events) {
            out.printf(Locale.ROOT, "  warning: step %d may have used up the %d events; raise --events%n",
                    last.step(), events);
        }
    }

    private static double median(List<double[]> rows, java.util.function.ToDoubleFunction<double[]> value) {
        double[] v = rows.stream().mapToDouble(value).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
