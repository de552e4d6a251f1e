package io.streamsynth.pipeline.cli;

import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.offline.ProgressLine;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.LabelledImageEvents;
import io.streamsynth.pipeline.produce.EventPacer;
import io.streamsynth.pipeline.produce.FashionMnistItems;
import io.streamsynth.pipeline.produce.FolderItems;
import io.streamsynth.pipeline.produce.ImageItems;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Streams labelled images into the images topic, from Fashion-MNIST or from a folder of class folders. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sends images to the images topic as input events (PNG, JSON; "
                + "key = [catalog, item id] as a JSON array).",
            "From Fashion-MNIST IDX files (--data, --split): item ids <split>-<index>, labels 0..9. "
                + "From an image folder (--image-folder), one sub-folder per class: item ids <class>/<file name>, "
                + "label = the folder's name, images scaled to --channels x --height x --width.",
            "Prints a progress line on stderr and the number of events sent on stdout."})
public final class ProduceCommand implements Callable<Integer> {
    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", description = "Images topic (default: ${DEFAULT-VALUE}).")
    String topic = "images";

    @Option(names = "--catalog", description = "Catalog the events belong to (default: ${DEFAULT-VALUE}).")
    String catalog = "fashion";

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--split", paramLabel = "train|test", description = "Fashion-MNIST split (default: train).")
    String split;

    @Option(names = "--image-folder", paramLabel = "DIR",
            description = "Read this folder of class folders instead of Fashion-MNIST.")
    Path imageFolder;

    @Option(names = "--channels", description = "Image folder: 1 (grey) or 3 (RGB) (default: ${DEFAULT-VALUE}).")
    int channels = 1;

    @Option(names = "--height", description = "Image folder: height images are scaled to (default: ${DEFAULT-VALUE}).")
    int height = 28;

    @Option(names = "--width", description = "Image folder: width images are scaled to (default: ${DEFAULT-VALUE}).")
    int width = 28;

    @Option(names = "--classes", split = ",", paramLabel = "CLASS",
            description = "Classes to send: Fashion-MNIST numbers 0..9 or class folder names, or 'all' (default).")
    List<String> classes = List.of("all");

    @Option(names = "--limit", paramLabel = "N", description = "Send at most N events (default: all).")
    Integer limit;

    @Option(names = "--train", arity = "1", paramLabel = "true|false",
            description = "true: training events; false: index-only items, embedded but never trained on "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean train = true;

    @Option(names = "--shuffle",
            description = "Send in a seeded random order instead of file order (image folders are sorted by class).")
    boolean shuffle;

    @Option(names = "--seed", description = "Seed of --shuffle (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S",
            description = "Events per second, 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate = 0;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
        }
        if (catalog.isBlank()) {
            throw new IllegalArgumentException("--catalog must not be empty");
        }
        EventPacer pacer = new EventPacer(rate);
        ImageItems items = items();
        if (shuffle) {
            items = items.shuffled(seed);
        }
        items = items.limit(limit);
        if (items.size() == 0) {
            throw new IllegalArgumentException("--classes " + String.join(",", classes) + " selects no images");
        }
        kafka.preflight(List.of(topic));
        long sent = send(items, pacer);
        spec.commandLine().getOut().printf(Locale.ROOT, "sent %d events to topic '%s' (catalog %s)%n", sent, topic,
                catalog);
        return 0;
    }

    private ImageItems items() throws IOException {
        if (imageFolder != null) {
            if (data != null || split != null) {
                throw new IllegalArgumentException("--image-folder cannot be combined with --data or --split");
            }
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("--channels must be 1 or 3, got " + channels);
            }
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("--height and --width must be positive, got " + height + "x"
                        + width);
            }
            Set<String> names = isAll(classes) ? null : new LinkedHashSet<>(classes);
            return FolderItems.select(imageFolder, channels, height, width, names);
        }
        return FashionMnistItems.select(data == null ? FashionMnist.DEFAULT_DIR : data, split(),
                FashionMnistItems.parseClasses(classes, "--classes"));
    }

    private FashionMnist.Split split() {
        if (split == null || split.equalsIgnoreCase("train")) {
            return FashionMnist.Split.TRAIN;
        }
        if (split.equalsIgnoreCase("test")) {
            return FashionMnist.Split.TEST;
        }
        throw new IllegalArgumentException("--split must be train or test, got '" + split + "'");
    }

    private static boolean isAll(List<String> values) {
        return values.size() == 1 && values.get(0).trim().equalsIgnoreCase("all");
    }

    private long send(ImageItems items, EventPacer pacer) throws IOException, InterruptedException {
        try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), kafka.clientProperties(),
                topic)) {
            ProgressLine progress = new ProgressLine(System.err, "produce", items.size(), Duration.ofSeconds(2));
            long n = 0;
            for (ImageItems.Item item : items.items()) {
                pacer.awaitNext();
                // index-only items carry their label too when known: evaluate scores them by it
                producer.sendEvent(catalog, item.itemId(), LabelledImageEvents.encode(catalog, item.itemId(),
                        item.label(),
                        items.images(), item.index(), train, System.currentTimeMillis()));
                progress.update(++n, "");
            }
            producer.flush();
            return producer.sent();
        }
    }
}
