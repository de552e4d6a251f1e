package io.streamsynth.bench.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.bench.streamoffline.EventSequence;
import io.streamsynth.bench.streamoffline.ReplayTraining;
import io.streamsynth.bench.streamoffline.StreamOrderBatches;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.offline.PkSampler;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 14, part 4: the same samples in the same order through the streaming job and through the
 * offline loop, with the same P x K, steps and seed, and their retrieval figures side by side.
 *
 * <p>Which side adapts: the offline loop takes the stream's order. The job's batch builder decides
 * what a batch holds (the classes with the most fresh samples, fresh samples newest first, replay from
 * the buffers, held-out items left out), so feeding the job the offline sampler's batches would need a
 * second way into the trainer that no user runs. Instead {@link StreamOrderBatches} forms the batches
 * of the event sequence with the builder's own plain-Java core, and the offline loop
 * ({@link ReplayTraining}) takes one step per batch; the job reads the same events from Kafka.
 */
@Command(name = "stream-vs-offline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Streams a fixed, seeded sequence of labelled Fashion-MNIST train images (every image of the "
                + "train classes once, shuffled) into the streaming job (embedded Kafka + Flink MiniCluster), as many "
                + "events as form --steps batches, and takes its trained checkpoint from the checkpoints topic; runs "
                + "the offline loop on the batches the job's batch builder forms from the same events, in the same "
                + "order (same P x K, steps and seed); evaluates both on the test images of the unseen classes "
                + "(zero-shot) and of the train classes (seen). For reference it also trains the offline loop as "
                + "`offline` runs it, on P x K batches its own sampler draws from every train image of the train "
                + "classes (same steps and seed).",
            "Prints a table per seed (Recall@1 and MAP@R: stream, offline on the same batches, difference in points, "
                + "offline on its own sampler's batches, difference) and, for several seeds, their means, then one "
                + "JSON line per seed."})
public final class BenchStreamVsOfflineCommand implements Callable<Integer> {
    static final String CATALOG = "stream-vs-offline";
    private static final int EMBED_BATCH = 512;

    @Option(names = "--data", description = "Folder with the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--train-classes", split = ",",
            description = "Classes streamed and trained on; the others are zero-shot (default: 0,1,5,7,8).")
    List<Integer> trainClasses = List.of(0, 1, 5, 7, 8);

    @Option(names = "--steps", description = "Training steps of each side (default: ${DEFAULT-VALUE}).")
    int steps = 300;

    @Option(names = "--seeds", split = ",", paramLabel = "S,S,...",
            description = "Run once per seed (weights, event order, batch choices); default: the job's --seed.")
    List<Long> seeds = new ArrayList<>();

    @Option(names = "--threads", description = "PyTorch threads, shared by both sides; 0 = one per core "
            + "(default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--embedder", description = "on or off: whether the job also runs its embedder "
            + "(default: ${DEFAULT-VALUE}; it does not change what the trainer trains on).")
    String embedder = "off";

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Longest wait for the job's checkpoint of the last step, per seed (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 900;

    /** The job's settings, at its defaults unless given (P x K 4 x 8, held-out share 0.1, publishing). */
    @Mixin
    JobOptions job = new JobOptions();

    /** Train and test images for tests, which have no Fashion-MNIST; null: read --data. */
    ImageSet trainImages;
    ImageSet testImages;

    /** Where the tables and JSON lines go; tests read them. */
    PrintStream out = System.out;

    /** One seed's figures of one side. */
    record Side(long steps, RetrievalReport zeroShot, RetrievalReport seen, String weightsSha256, double seconds) {}

    /**
     * One seed's comparison.
     *
     * @param eventsStreamed events written to the topic (the prefix that forms {@code steps} batches)
     * @param heldOut        of them, the items the job keeps out of training for evaluation
     * @param freshShare     samples in the batches trained on for the first time, over all samples in them
     * @param versions       checkpoints the job published
     * @param lastPromoted   whether the promotion gate let the compared checkpoint replace the served
     *                       version (the comparison takes it either way: it is what the trainer trained)
     * @param sampled        the offline loop as {@code offline} runs it, on its own P x K batches drawn
     *                       uniformly from every train image of the train classes: what the stream's
     *                       batch composition changes, next to what the stream itself changes
     */
    record Comparison(long seed, int classesPerBatch, int samplesPerClass, int eventsStreamed, int heldOut,
            double freshShare, int versions, boolean lastPromoted, Side stream, Side offline, Side sampled) {
        boolean sameWeights() {
            return stream.weightsSha256() != null && stream.weightsSha256().equals(offline.weightsSha256());
        }
    }

    @Override
    public Integer call() throws Exception {
        boolean withEmbedder = switch (embedder) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("--embedder must be on or off, got '" + embedder + "'");
        };
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        Set<Integer> trained = new TreeSet<>(trainClasses);
        // the settings are checked once, against a placeholder broker, before any data loads or broker starts
        JobConfig base = job.toConfig("localhost:9092");
        checkImageSpec(base.trainer().image());
        if (base.trainer().backboneWeights() != null) {
            throw new IllegalArgumentException("stream-vs-offline starts both sides from the seed's weights; drop "
                    + "--backbone-weights and --backbone-torchscript");
        }
        List<Long> runSeeds = seeds.isEmpty() ? List.of(base.seed()) : List.copyOf(seeds);
        TorchRuntime.engine(threads);
        ImageSet train = trainImages != null ? trainImages : FashionMnist.load(data, FashionMnist.Split.TRAIN);
        ImageSet test = testImages != null ? testImages : FashionMnist.load(data, FashionMnist.Split.TEST);
        Set<Integer> unseen = new TreeSet<>();
        for (int label : test.labels()) {
            if (!trained.contains(label)) {
                unseen.add(label);
            }
        }
        if (unseen.size() < 2) {
            throw new IllegalArgumentException("--train-classes must leave at least two classes for zero-shot");
        }
        ImageSet testZeroShot = test.filterClasses(unseen);
        ImageSet testSeen = test.filterClasses(new HashSet<>(trained));
        List<Comparison> all = new ArrayList<>();
        for (long seed : runSeeds) {
            Comparison c = compare(seed, withEmbedder, train.filterClasses(trained), testZeroShot, testSeen);
            all.add(c);
            out.print(table(c));
            out.flush();
        }
        if (all.size() > 1) {
            out.print(meanTable(all));
        }
        ObjectMapper json = new ObjectMapper();
        for (Comparison c : all) {
            out.println(json.writeValueAsString(toMap(c)));
        }
        return 0;
    }

    /** The replay feeds the network the stored squares as they are, so the catalog must not augment. */
    private static void checkImageSpec(ImageSpec image) {
        if (image.augment()) {
            throw new IllegalArgumentException("stream-vs-offline compares runs without augmentation: the offline "
                    + "loop does not draw the streaming trainer's crops; drop --augment true");
        }
        if (image.channels() != 1 || image.resize() != FashionMnist.SIZE || image.crop() != FashionMnist.SIZE
                || image.storeQuality() != 0 || !image.mean().equals(List.of(0.0)) || !image.std().equals(List.of(1.0))) {
            throw new IllegalArgumentException("stream-vs-offline needs the grey catalog's default images (1 channel, "
                    + "28 x 28, mean 0, std 1, stored raw): both sides are evaluated on the test images as they are");
        }
    }

    private Comparison compare(long seed, boolean withEmbedder, ImageSet train, ImageSet testZeroShot,
            ImageSet testSeen) throws Exception {
        EventSequence sequence = EventSequence.shuffled(CATALOG, train, trainClasses, seed);
        Side stream;
        StreamOrderBatches.Replay replay;
        int versions;
        boolean lastPromoted;
        JobConfig config;
        try (StreamingRig rig = StreamingRig.start(1)) {
            config = rig.configure(job).toBuilder().seed(seed).build();
            replay = StreamOrderBatches.replay(sequence, train, config.batches(),
                    new HeldOutSelector(config.heldOutShare()), steps);
            out.printf(Locale.ROOT, "seed %d: streaming %d events (%d held out) that form %d batches of %d x %d%n",
                    seed, replay.eventsUsed(), replay.heldOut(), steps, config.batches().classesPerBatch(),
                    config.batches().samplesPerClass());
            produce(rig, sequence, train, replay.eventsUsed());
            long start = System.nanoTime();
            Checkpoint last;
            try (StreamingRig.Run run = rig.startJob(config, withEmbedder)) {
                last = awaitStep(run.feed(), steps);
                versions = run.feed().published().size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            lastPromoted = last != null && last.metadata().promoted();
            if (last == null) {
                throw new IllegalStateException("the job published no checkpoint within --timeout " + timeoutSeconds
                        + " s");
            }
            if (last.metadata().step() != steps) {
                out.printf(Locale.ROOT, "  warning: the job's last checkpoint is of step %d, not %d%n",
                        last.metadata().step(), steps);
            }
            try (EmbeddingModel model = ModelCheckpoints.loadModel(last, config.trainer().device().resolve())) {
                stream = new Side(last.metadata().step(), evaluate(model, testZeroShot, seed),
                        evaluate(model, testSeen, seed), last.metadata().weightsSha256(), seconds);
            }
        }
        Side offline = offline(config, replay, seed, testZeroShot, testSeen);
        Side sampled = sampled(config, train, seed, testZeroShot, testSeen);
        return new Comparison(seed, config.batches().classesPerBatch(), config.batches().samplesPerClass(),
                replay.eventsUsed(), replay.heldOut(), (double) replay.freshSamples() / replay.samples(), versions,
                lastPromoted, stream, offline, sampled);
    }

    private static Side offline(JobConfig config, StreamOrderBatches.Replay replay, long seed, ImageSet testZeroShot,
            ImageSet testSeen) {
        var t = config.trainer();
        Device device = t.device().resolve();
        long start = System.nanoTime();
        try (ReplayTraining training = new ReplayTraining(t.architecture(), t.training(), t.image(), t.seed(),
                device)) {
            training.train(replay.batches());
            double seconds = (System.nanoTime() - start) / 1e9;
            String sha = ModelCheckpoints.snapshot(training.step(), t.training(), CATALOG, 0, Map.of()).metadata()
                    .weightsSha256();
            return new Side(training.steps(), evaluate(training.model(), testZeroShot, seed),
                    evaluate(training.model(), testSeen, seed), sha, seconds);
        }
    }

    /** The offline loop with its own sampler ({@link PkSampler}, as {@code offline} draws), same steps and seed. */
    private Side sampled(JobConfig config, ImageSet train, long seed, ImageSet testZeroShot, ImageSet testSeen) {
        var t = config.trainer();
        long start = System.nanoTime();
        try (EmbeddingModel model = new EmbeddingModel(t.architecture(), t.device().resolve(), t.seed());
                TrainingStep step = new TrainingStep(model, t.training())) {
            PkSampler sampler = new PkSampler(train, config.batches().classesPerBatch(),
                    config.batches().samplesPerClass(), seed);
            for (int i = 0; i < steps; i++) {
                PkSampler.Batch b = sampler.next();
                step.run(b.pixels(), b.labels());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String sha = ModelCheckpoints.snapshot(step, t.training(), CATALOG, 0, Map.of()).metadata()
                    .weightsSha256();
            return new Side(steps, evaluate(model, testZeroShot, seed), evaluate(model, testSeen, seed), sha, seconds);
        }
    }

    private static void produce(StreamingRig rig, EventSequence sequence, ImageSet train, int events) {
        try (ImageEventProducer p = new ImageEventProducer(rig.bootstrapServers(), new Properties(),
                StreamingRig.IMAGES_TOPIC)) {
            for (int n = 0; n < events; n++) {
                p.send(CATALOG, EventSequence.itemId(n), train, sequence.images()[n], true);
            }
            p.flush();
        }
    }

    /**
     * The newest checkpoint once one of at least {@code step} steps is read, or the newest read when
     * the timeout passes (null if none). The last steps of a run are published when the publish
     * interval ends, so this waits at least that long after the last batch.
     */
    private Checkpoint awaitStep(StreamingRig.CheckpointFeed feed, long step) {
        long giveUp = System.currentTimeMillis() + timeoutSeconds * 1000L;
        while (System.currentTimeMillis() < giveUp) {
            feed.poll(Duration.ofMillis(500));
            Checkpoint newest = feed.newest();
            if (newest != null && newest.metadata().step() >= step) {
                return newest;
            }
        }
        return feed.newest();
    }

    private static RetrievalReport evaluate(EmbeddingModel model, ImageSet images, long seed) {
        return RetrievalReport.evaluate(model.embed(images.pixels(), EMBED_BATCH), images.labels(), seed);
    }

    /** The figures compared, each as (stream, offline on the stream's batches, offline on its own sampler's). */
    private static Map<String, double[]> figures(List<Comparison> runs) {
        Map<String, double[]> rows = new LinkedHashMap<>();
        Map<String, java.util.function.Function<Side, Double>> figures = new LinkedHashMap<>();
        figures.put("zero-shot Recall@1", s -> s.zeroShot().recallAt1());
        figures.put("zero-shot MAP@R", s -> s.zeroShot().mapAtR());
        figures.put("seen Recall@1", s -> s.seen().recallAt1());
        figures.put("seen MAP@R", s -> s.seen().mapAtR());
        for (var f : figures.entrySet()) {
            double[] row = new double[3];
            for (Comparison c : runs) {
                row[0] += f.getValue().apply(c.stream()) / runs.size();
                row[1] += f.getValue().apply(c.offline()) / runs.size();
                row[2] += f.getValue().apply(c.sampled()) / runs.size();
            }
            rows.put(f.getKey(), row);
        }
        return rows;
    }

    static String table(Comparison c) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "seed %d, %d x %d: steps stream %d, offline %d; %d events streamed, %d "
                + "held out; fresh share of batch samples %.3f; %d checkpoints published, the last %s; weights "
                + "identical: %s; stream %.1f s, offline %.1f s%n", c.seed(), c.classesPerBatch(), c.samplesPerClass(),
                c.stream().steps(), c.offline().steps(), c.eventsStreamed(), c.heldOut(), c.freshShare(), c.versions(),
                c.lastPromoted() ? "promoted" : "not promoted", c.sameWeights() ? "yes" : "no", c.stream().seconds(),
                c.offline().seconds()));
        s.append(rows(figures(List.of(c))));
        return s.toString();
    }

    static String meanTable(List<Comparison> runs) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "mean of %d seeds (%s):%n", runs.size(),
                runs.stream().map(c -> Long.toString(c.seed())).toList()));
        s.append(rows(figures(runs)));
        return s.toString();
    }

    private static String rows(Map<String, double[]> figures) {
        StringBuilder s = new StringBuilder("| figure | stream | offline, same batches | difference (points) | "
                + "offline, own P x K sampler | stream - own sampler (points) |\n| --- | --- | --- | --- | --- | --- |\n");
        for (var e : figures.entrySet()) {
            double[] v = e.getValue();
            s.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %+.2f | %.4f | %+.2f |%n", e.getKey(), v[0], v[1],
                    100 * (v[0] - v[1]), v[2], 100 * (v[0] - v[2])));
        }
        return s.toString();
    }

    private static Map<String, Object> toMap(Comparison c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", c.seed());
        m.put("classes_per_batch", c.classesPerBatch());
        m.put("samples_per_class", c.samplesPerClass());
        m.put("events_streamed", c.eventsStreamed());
        m.put("held_out", c.heldOut());
        m.put("fresh_share", round(c.freshShare()));
        m.put("versions", c.versions());
        m.put("last_promoted", c.lastPromoted());
        m.put("same_weights", c.sameWeights());
        m.put("stream", side(c.stream()));
        m.put("offline", side(c.offline()));
        m.put("offline_own_sampler", side(c.sampled()));
        return m;
    }

    private static Map<String, Object> side(Side s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", s.steps());
        m.put("zero_shot", report(s.zeroShot()));
        m.put("seen", report(s.seen()));
        m.put("weights_sha256", s.weightsSha256());
        m.put("seconds", round(s.seconds()));
        return m;
    }

    private static Map<String, Double> report(RetrievalReport r) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("r_at_1", round(r.recallAt1()));
        m.put("map_at_r", round(r.mapAtR()));
        m.put("nmi", round(r.nmi()));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
