package io.streamsynth.pipeline.cli;

import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.pipeline.produce.FashionMnistItems;
import io.streamsynth.pipeline.produce.ImageItems;
import io.streamsynth.pipeline.shots.ProductShotCatalog;
import io.streamsynth.pipeline.shots.ProductShotRenderer;
import io.streamsynth.pipeline.shots.ShotKind;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes the RGB product-shot catalog (Fashion-MNIST garments re-rendered as photos) to a folder of class folders. */
@Command(name = "shots", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes an RGB catalog of product photos made from Fashion-MNIST: each garment re-rendered at "
                + "its own size (shorter side --min-side..--max-side) and aspect ratio (1:1, 4:3, 3:4, 3:2, 2:3, "
                + "16:9, 9:16) on a coloured backdrop, encoded as one of PNG, JPEG, RGBA PNG with a transparent "
                + "backdrop, CMYK JPEG (Adobe APP14), JPEG stored sideways with EXIF orientation 6 or 8, lossy WebP.",
            "Files go to OUT/<label>/<split>-<index>.<ext>, the layout `produce --image-folder` sends as it is. The "
                + "same --seed gives the same bytes."})
public final class ShotsCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (created).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--split", paramLabel = "train|test", description = "Fashion-MNIST split (default: ${DEFAULT-VALUE}).")
    String split = "train";

    @Option(names = "--classes", split = ",", paramLabel = "CLASS",
            description = "Fashion-MNIST class numbers 0..9, or 'all' (default).")
    List<String> classes = List.of("all");

    @Option(names = "--limit", paramLabel = "N", description = "Write the first N selected images (default: all).")
    Integer limit;

    @Option(names = "--kinds", split = ",", paramLabel = "KIND",
            description = "Encodings to draw from: png, jpeg, rgba_png, cmyk_jpeg, exif_6_jpeg, exif_8_jpeg, webp "
                    + "(default: all).")
    List<String> kinds = List.of("all");

    @Option(names = "--min-side", description = "Shortest shorter side, pixels (default: ${DEFAULT-VALUE}).")
    int minSide = ProductShotRenderer.DEFAULT_MIN_SIDE;

    @Option(names = "--max-side", description = "Longest shorter side, pixels (default: ${DEFAULT-VALUE}).")
    int maxSide = ProductShotRenderer.DEFAULT_MAX_SIDE;

    @Option(names = "--seed", description = "Seed of the looks and kinds (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Spec
    CommandSpec spec;

    private Set<ShotKind> kinds() {
        if (kinds.size() == 1 && kinds.get(0).trim().equalsIgnoreCase("all")) {
            return EnumSet.allOf(ShotKind.class);
        }
        Set<ShotKind> out = EnumSet.noneOf(ShotKind.class);
        for (String kind : kinds) {
            try {
                out.add(ShotKind.valueOf(kind.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--kinds takes png, jpeg, rgba_png, cmyk_jpeg, exif_6_jpeg, "
                        + "exif_8_jpeg, webp or all, got '" + kind + "'");
            }
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
        }
        if (minSide < 16 || maxSide < minSide) {
            throw new IllegalArgumentException("--min-side and --max-side must satisfy 16 <= min <= max, got "
                    + minSide + " and " + maxSide);
        }
        FashionMnist.Split which = switch (split.toLowerCase(Locale.ROOT)) {
            case "train" -> FashionMnist.Split.TRAIN;
            case "test" -> FashionMnist.Split.TEST;
            default -> throw new IllegalArgumentException("--split must be train or test, got '" + split + "'");
        };
        ImageItems items = FashionMnistItems.select(data == null ? FashionMnist.DEFAULT_DIR : data, which,
                FashionMnistItems.parseClasses(classes, "--classes")).limit(limit);
        long start = System.nanoTime();
        Map<ShotKind, Integer> written = ProductShotCatalog.write(items,
                new ProductShotRenderer(seed, minSide, maxSide, kinds()), out);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %d shots to %s in %.1f s (%s)%n", items.size(), out,
                (System.nanoTime() - start) / 1e9, written.entrySet().stream()
                        .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
        return 0;
    }
}
