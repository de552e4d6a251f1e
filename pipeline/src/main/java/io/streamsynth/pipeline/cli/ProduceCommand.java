package io.streamsynth.pipeline.cli;

import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.offline.ProgressLine;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.LabelledImageEvents;
import io.streamsynth.pipeline.produce.EventPacer;
import io.streamsynth.pipeline.produce.FashionMnistItems;
import io.streamsynth.pipeline.produce.FolderItems;
import io.streamsynth.pipeline.produce.FolderFiles;
import io.streamsynth.pipeline.produce.ImageItems;
import io.streamsynth.pipeline.produce.OutgoingImages;
import io.streamsynth.pipeline.shots.ProductShotCatalog;
import io.streamsynth.pipeline.shots.ProductShotRenderer;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.operators.kafka.ImageEventJson;
import java.util.ArrayList;
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
        description = {"Sends images to the images topic as input events (JSON; "
                + "key = [catalog, item id] as a JSON array).",
            "From Fashion-MNIST IDX files (--data, --split): item ids <split>-<index>, labels 0..9, 28x28 grey "
                + "PNGs, or with --product-shots the same garments re-rendered as RGB product photos. "
                + "From an image folder (--image-folder), one sub-folder per class: item ids <class>/<file name>, "
                + "label = the folder's name, each file's bytes sent as they are (any format the job decodes: "
                + "JPEG, PNG, GIF, BMP, WebP), or with --re-encode decoded here and sent as PNGs of "
                + "--channels x --height x --width.",
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

    @Option(names = "--re-encode", description = "Image folder: decode each file here and send it as a PNG "
            + "of --channels x --height x --width instead of its own bytes.")
    boolean reEncode;

    @Option(names = "--channels", description = "With --re-encode: 1 (grey) or 3 (RGB) (default: ${DEFAULT-VALUE}).")
    int channels = 1;

    @Option(names = "--height", description = "With --re-encode: height images are scaled to (default: ${DEFAULT-VALUE}).")
    int height = 28;

    @Option(names = "--width", description = "With --re-encode: width images are scaled to (default: ${DEFAULT-VALUE}).")
    int width = 28;

    @Option(names = "--product-shots", description = "Fashion-MNIST: send each garment re-rendered as an RGB "
            + "product photo (mixed sizes and aspects, coloured backdrops; PNG, JPEG, RGBA PNG, CMYK JPEG, "
            + "EXIF-rotated JPEG, WebP), drawn from --seed and the item id; see the `shots` command.")
    boolean productShots;

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

    @Option(names = "--seed", description = "Seed of --shuffle and of --product-shots' looks (default: ${DEFAULT-VALUE}).")
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
        OutgoingImages items = items();
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

    private OutgoingImages items() throws IOException {
        if (imageFolder != null) {
            if (data != null || split != null || productShots) {
                throw new IllegalArgumentException("--image-folder cannot be combined with --data, --split or "
                        + "--product-shots");
            }
            Set<String> names = isAll(classes) ? null : new LinkedHashSet<>(classes);
            return reEncode ? reEncoded(names) : asTheyAre(names);
        }
        if (reEncode) {
            throw new IllegalArgumentException("--re-encode applies to --image-folder only");
        }
        ImageItems garments = FashionMnistItems.select(data == null ? FashionMnist.DEFAULT_DIR : data, split(),
                FashionMnistItems.parseClasses(classes, "--classes"));
        if (productShots) {
            return ProductShotCatalog.outgoing(garments, ProductShotRenderer.withDefaults(seed));
        }
        return asPngs(garments);
    }

    private OutgoingImages asTheyAre(Set<String> names) throws IOException {
        FolderFiles.Listing listing = FolderFiles.list(imageFolder, names);
        for (String skipped : listing.skipped()) {
            spec.commandLine().getErr().println("skipped " + skipped);
        }
        return listing.images();
    }

    private OutgoingImages reEncoded(Set<String> names) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("--channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("--height and --width must be positive, got " + height + "x"
                    + width);
        }
        return asPngs(FolderItems.select(imageFolder, channels, height, width, names));
    }

    /** Lossless PNGs of the set's pixels, encoded as each event is sent. */
    private static OutgoingImages asPngs(ImageItems items) {
        List<OutgoingImages.Entry> entries = new ArrayList<>(items.size());
        ImageSet images = items.images();
        for (ImageItems.Item item : items.items()) {
            entries.add(new OutgoingImages.Entry(item.itemId(), item.label(), () -> {
                float[] values = images.image(item.index());
                byte[] pixels = new byte[values.length];
                for (int i = 0; i < values.length; i++) {
                    pixels[i] = (byte) Math.round(values[i] * 255f);
                }
                return ImageDecoder.encodePng(images.channels(), images.height(), images.width(), pixels);
            }));
        }
        return new OutgoingImages(entries);
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

    private long send(OutgoingImages items, EventPacer pacer) throws IOException, InterruptedException {
        try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), kafka.clientProperties(),
                topic)) {
            ProgressLine progress = new ProgressLine(System.err, "produce", items.size(), Duration.ofSeconds(2));
            long n = 0;
            for (OutgoingImages.Entry item : items.entries()) {
                byte[] image = item.bytes().read();
                pacer.awaitNext();
                long now = System.currentTimeMillis();
                // index-only items carry their label too when known: evaluate scores them by it
                producer.sendEvent(catalog, item.itemId(), ImageEventJson.encode(
                        LabelledImageEvents.eventId(item.itemId(), now), catalog, item.itemId(), item.label(), image,
                        now, train));
                progress.update(++n, "");
            }
            producer.flush();
            return producer.sent();
        }
    }
}
