package io.streamsynth.bench.cli;

import ai.djl.Device;
import io.streamsynth.bench.spec.CatalogSpec;
import io.streamsynth.bench.spec.SpecWorkload;
import io.streamsynth.bench.step.BatchShape;
import io.streamsynth.bench.step.InterleavedTimer;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.pipeline.produce.ImageItems;
import io.streamsynth.pipeline.shots.ProductShotCatalog;
import io.streamsynth.pipeline.shots.ProductShotRenderer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Images per second trained and embedded per catalog image spec, as ratios to the first (Fashion-MNIST's). */
@Command(name = "specs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times, per catalog image spec CHANNELS:RESIZE/CROP, what the job does per image: training "
                + "(restore the stored square, training crop, normalise, one step of triplet+ee on a P x K batch) "
                + "and embedding on arrival (decode the event's bytes, resize and store, center crop, normalise, "
                + "forward). Grey specs use Fashion-MNIST's images as 28x28 PNGs, RGB specs the same garments as "
                + "product shots (see `shots`). The specs take turns round by round (the order rotating), so each "
                + "ratio to the first spec comes from the same rounds; figures are medians over rounds. Wall-clock "
                + "figures: with --threads 1 CPU time agrees on an idle machine. Also prints the load average."})
public final class BenchSpecsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BenchRuntimeOptions runtime;

    @Option(names = "--specs", split = ",", description = "Specs to time, the baseline first (default: "
            + "1:28/28,3:72/64,3:256/224).")
    List<String> specs = List.of("1:28/28", "3:72/64", "3:256/224");

    @Option(names = "--architecture", description = "cnn or resnet18 (default: ${DEFAULT-VALUE}).")
    String architecture = "cnn";

    @Option(names = "--batch", description = "P x K training batch (default: ${DEFAULT-VALUE}, the job's).")
    String batch = "4x8";

    @Option(names = "--embed-batch", description = "Images per embedding batch (default: ${DEFAULT-VALUE}).")
    int embedBatch = 64;

    @Option(names = "--data", description = "Fashion-MNIST directory (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--rounds", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
    int rounds = 5;

    @Option(names = "--warmup", description = "Untimed calls per spec first (default: ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Override
    public Integer call() throws Exception {
        BatchShape shape = BatchShape.parse(batch);
        List<CatalogSpec> catalogs = specs.stream().map(CatalogSpec::parse).toList();
        Architecture.Kind kind = switch (architecture.toLowerCase(Locale.ROOT)) {
            case "cnn" -> Architecture.Kind.CNN;
            case "resnet18" -> Architecture.Kind.RESNET18;
            default -> throw new IllegalArgumentException("--architecture must be cnn or resnet18, got '"
                    + architecture + "'");
        };
        if (embedBatch < 1) {
            throw new IllegalArgumentException("--embed-batch must be at least 1, got " + embedBatch);
        }
        Device device = runtime.start();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        int images = Math.max(shape.size(), embedBatch);
        ImageSet garments = FashionMnist.load(data, FashionMnist.Split.TEST);
        List<SpecWorkload> workloads = new ArrayList<>();
        try {
            for (CatalogSpec c : catalogs) {
                Architecture network = new Architecture(kind, 3, 64, 64, Architecture.DEFAULT_EMBEDDING_SIZE, 32);
                workloads.add(new SpecWorkload(c.spec(), network, encoded(garments, c, images), shape, embedBatch,
                        device));
            }
            String header = String.format(Locale.ROOT, "catalog specs, %s, batch %s, embed batch %d, %s, PyTorch %s, "
                    + "%d thread(s); %d rounds after %d warm-up calls; load average before %s", architecture, shape,
                    embedBatch, device, TorchRuntime.engine().getVersion(), runtime.threads, rounds, warmup,
                    loadAverage());
            err.println(header);
            InterleavedTimer.Plan plan = new InterleavedTimer.Plan(rounds, 1, warmup);
            List<InterleavedTimer.Contender> training = new ArrayList<>();
            List<InterleavedTimer.Contender> embedding = new ArrayList<>();
            for (int i = 0; i < catalogs.size(); i++) {
                SpecWorkload w = workloads.get(i);
                training.add(new InterleavedTimer.Contender(catalogs.get(i).toString(), w::train));
                embedding.add(new InterleavedTimer.Contender(catalogs.get(i).toString(), w::embed));
            }
            List<InterleavedTimer.Timing> trained = InterleavedTimer.run(training, plan,
                    r -> progress(err, "train", r));
            List<InterleavedTimer.Timing> embedded = InterleavedTimer.run(embedding, plan,
                    r -> progress(err, "embed", r));
            out.println(header);
            out.printf("%-10s %14s %8s %16s %14s %8s %16s%n", "spec", "trained img/s", "ratio", "ratio q1..q3",
                    "embedded img/s", "ratio", "ratio q1..q3");
            for (int i = 0; i < catalogs.size(); i++) {
                InterleavedTimer.Timing t = trained.get(i);
                InterleavedTimer.Timing e = embedded.get(i);
                out.printf(Locale.ROOT, "%-10s %14.1f %8.4f %7.4f..%-7.4f %14.1f %8.4f %7.4f..%-7.4f%n",
                        catalogs.get(i), perSecond(shape.size(), t.wallMillis().median()), 1 / t.wallRatio().median(),
                        1 / t.wallRatio().q3(), 1 / t.wallRatio().q1(), perSecond(embedBatch, e.wallMillis().median()),
                        1 / e.wallRatio().median(), 1 / e.wallRatio().q3(), 1 / e.wallRatio().q1());
            }
            out.printf("(ratios: images/s of the spec over images/s of %s in the same rounds); load average after %s%n",
                    catalogs.get(0), loadAverage());
            out.flush();
        } finally {
            workloads.forEach(SpecWorkload::close);
        }
        return 0;
    }

    /** The catalog's images as events carry them: 28x28 PNGs for grey specs, product shots for RGB ones. */
    private static List<byte[]> encoded(ImageSet garments, CatalogSpec catalog, int count) throws Exception {
        List<byte[]> out = new ArrayList<>(count);
        ProductShotRenderer renderer = ProductShotRenderer.withDefaults(1);
        for (int i = 0; i < count; i++) {
            if (catalog.spec().channels() == 1) {
                float[] values = garments.image(i);
                byte[] pixels = new byte[values.length];
                for (int p = 0; p < values.length; p++) {
                    pixels[p] = (byte) Math.round(values[p] * 255f);
                }
                out.add(ImageDecoder.encodePng(1, garments.height(), garments.width(), pixels));
            } else {
                ImageItems.Item item = new ImageItems.Item(i, "test-" + i, Integer.toString(garments.label(i)));
                out.add(ProductShotCatalog.render(garments, item, renderer).bytes());
            }
        }
        return out;
    }

    private static double perSecond(int images, double millis) {
        return images * 1000.0 / millis;
    }

    private static void progress(PrintWriter err, String what, int[] r) {
        err.printf(Locale.ROOT, "  %s: round %d/%d%n", what, r[0], r[1]);
        err.flush();
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
