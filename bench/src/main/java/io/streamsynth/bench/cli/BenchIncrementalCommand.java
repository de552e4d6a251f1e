package io.streamsynth.bench.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.bench.incremental.ClassIncrementalRun;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.batch.BatchPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Forgetting under a class-incremental feed through the job's batch builder, with and without replay. */
@Command(name = "class-incremental", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Feeds the Fashion-MNIST train images of each phase's classes, shuffled, phase after phase, "
                + "through the streaming job's batch builder (its policy, with --replay-classes) into one training step per batch; "
                + "after each phase evaluates Recall@1, NMI and MAP@R on the test images of every phase so far, of "
                + "all seen classes and of the classes no phase trains on. Runs each seed with replay (earlier "
                + "classes stay buffered, as in the job) and without (their samples leave the buffers when a phase "
                + "starts).",
            "Prints one JSON line per run on stdout and a forgetting table (means over the seeds) on stderr."})
public final class BenchIncrementalCommand implements Callable<Integer> {
    @Option(names = "--data", description = "Fashion-MNIST directory (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--phases", paramLabel = "C,C;C,...",
            description = "Classes of each phase, phases separated by ';' (default: ${DEFAULT-VALUE}).")
    String phases = "0,1;5,7;8";

    @Option(names = "--per-class", description = "Train images fed per class (default: ${DEFAULT-VALUE}).")
    int perClass = 600;

    // 2, not the job's 4: the first phase of the default feed has two classes, and P classes must hold K samples
    // before any batch forms
    @Option(names = "--classes-per-batch", description = "P of the batch builder (default: ${DEFAULT-VALUE}).")
    int classesPerBatch = 2;

    @Option(names = "--samples-per-class", description = "K of the batch builder (default: ${DEFAULT-VALUE}).")
    int samplesPerClass = 8;

    @Option(names = "--loss", description = "Loss, as for train (default: ${DEFAULT-VALUE}, the job's).")
    String loss = "ms";

    @Option(names = "--synthesis", description = "none, ee or symm (default: ${DEFAULT-VALUE}, the job's).")
    String synthesis = "symm";

    @Option(names = "--replay", description = "on, off or both (default: ${DEFAULT-VALUE}).")
    String replay = "both";

    @Option(names = "--replay-classes", paramLabel = "N",
            description = "Of the P classes of a batch, up to N go to buffered classes without fresh samples, drawn "
                    + "uniformly among them (the batch policy's replayClassesPerBatch; default: ${DEFAULT-VALUE}, "
                    + "the job's).")
    int replayClasses = BatchPolicy.DEFAULT_REPLAY_CLASSES_PER_BATCH;

    @Option(names = "--seeds", split = ",", description = "Seeds, comma separated (default: 1,2,3).")
    List<Long> seeds = List.of(1L, 2L, 3L);

    @Mixin
    BenchRuntimeOptions runtime = new BenchRuntimeOptions();

    @Override
    public Integer call() throws Exception {
        List<List<Integer>> phaseClasses = parsePhases(phases);
        List<Boolean> replays = switch (replay.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            case "both" -> List.of(true, false);
            default -> throw new IllegalArgumentException("--replay must be on, off or both, got '" + replay + "'");
        };
        if (replayClasses < 0 || replayClasses >= classesPerBatch) {
            throw new IllegalArgumentException("--replay-classes must be from 0 to --classes-per-batch - 1 ("
                    + (classesPerBatch - 1) + "), got " + replayClasses);
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("--seeds needs at least one seed");
        }
        TrainingConfig training = new TrainingConfig(loss, Float.NaN, synthesis, 2, "adam", 1e-3f, 0.9f, 0f);
        // every setting is checked before the data loads
        for (boolean r : replays) {
            new ClassIncrementalRun.Settings(phaseClasses, perClass, classesPerBatch, samplesPerClass, 128, training,
                    r, seeds.get(0), replayClasses);
        }
        Device device = runtime.start();
        ImageSet train = FashionMnist.load(data, FashionMnist.Split.TRAIN);
        ImageSet test = FashionMnist.load(data, FashionMnist.Split.TEST);
        ObjectMapper json = new ObjectMapper();
        Map<Boolean, List<List<ClassIncrementalRun.PhaseResult>>> all = new LinkedHashMap<>();
        for (boolean r : replays) {
            for (long seed : seeds) {
                var settings = new ClassIncrementalRun.Settings(phaseClasses, perClass, classesPerBatch,
                        samplesPerClass, 128, training, r, seed, replayClasses);
                List<ClassIncrementalRun.PhaseResult> results = ClassIncrementalRun.run(settings, train, test, device,
                        System.err);
                all.computeIfAbsent(r, k -> new ArrayList<>()).add(results);
                System.out.println(json.writeValueAsString(toMap(settings, results)));
            }
        }
        System.err.print(table(phaseClasses, all));
        return 0;
    }

    static List<List<Integer>> parsePhases(String text) {
        List<List<Integer>> out = new ArrayList<>();
        for (String phase : text.split(";")) {
            List<Integer> classes = new ArrayList<>();
            for (String c : phase.split(",")) {
                try {
                    classes.add(Integer.parseInt(c.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--phases must be classes like 0,1;5,7;8, got '" + text + "'");
                }
            }
            out.add(classes);
        }
        return out;
    }

    private static Map<String, Object> toMap(ClassIncrementalRun.Settings s, List<ClassIncrementalRun.PhaseResult> results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phases", s.phases());
        m.put("replay", s.replay());
        m.put("seed", s.seed());
        m.put("per_class", s.perClass());
        m.put("classes_per_batch", s.classesPerBatch());
        m.put("samples_per_class", s.samplesPerClass());
        m.put("replay_classes_per_batch", s.replayClasses());
        m.put("loss", s.training().loss());
        m.put("synthesis", s.training().synthesis());
        List<Map<String, Object>> phases = new ArrayList<>();
        for (ClassIncrementalRun.PhaseResult r : results) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("phase", r.phase());
            p.put("steps", r.steps());
            p.put("replayed_samples", r.replayed());
            p.put("groups", r.groups().stream().map(BenchIncrementalCommand::figures).toList());
            p.put("seen", figures(r.seen()));
            if (r.unseen() != null) {
                p.put("unseen", figures(r.unseen()));
            }
            phases.add(p);
        }
        m.put("after_phase", phases);
        return m;
    }

    private static Map<String, Double> figures(RetrievalReport r) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("r_at_1", round(r.recallAt1()));
        m.put("nmi", round(r.nmi()));
        m.put("map_at_r", round(r.mapAtR()));
        return m;
    }

    /**
     * Per replay setting and phase group: mean Recall@1 right after the group's phase and after the last,
     * and the drop between them (forgetting, in points).
     */
    static String table(List<List<Integer>> phases, Map<Boolean, List<List<ClassIncrementalRun.PhaseResult>>> all) {
        StringBuilder out = new StringBuilder("| replay | classes | R@1 after own phase | R@1 after last phase | "
                + "forgetting (points) |\n| --- | --- | --- | --- | --- |\n");
        int last = phases.size() - 1;
        for (var entry : all.entrySet()) {
            for (int g = 0; g <= last; g++) {
                double own = 0;
                double end = 0;
                for (List<ClassIncrementalRun.PhaseResult> run : entry.getValue()) {
                    own += run.get(g).groups().get(g).recallAt1() / entry.getValue().size();
                    end += run.get(last).groups().get(g).recallAt1() / entry.getValue().size();
                }
                out.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.2f |%n", entry.getKey() ? "on" : "off",
                        phases.get(g), own, end, 100 * (own - end)));
            }
        }
        return out.toString();
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
