package io.streamsynth.pipeline.shots;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.pipeline.produce.ImageItems;
import io.streamsynth.pipeline.produce.OutgoingImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A catalog of product shots made from grey garment images (Fashion-MNIST items): each item keeps
 * its id and label, and its picture is re-rendered by a {@link ProductShotRenderer}. A shot's look
 * is drawn from its item id (and the renderer's seed), so an item looks the same whichever other
 * items are selected with it, and {@code train-5} and {@code test-5} look different.
 */
public final class ProductShotCatalog {
    private ProductShotCatalog() {}

    /** The items as events to send, each shot rendered when its event is sent. */
    public static OutgoingImages outgoing(ImageItems items, ProductShotRenderer renderer) {
        List<OutgoingImages.Entry> entries = new ArrayList<>(items.size());
        for (ImageItems.Item item : items.items()) {
            entries.add(new OutgoingImages.Entry(item.itemId(), item.label(),
                    () -> render(items.images(), item, renderer).bytes()));
        }
        return new OutgoingImages(entries);
    }

    /** The item's shot. */
    public static ProductShot render(ImageSet images, ImageItems.Item item, ProductShotRenderer renderer) {
        return renderer.render(item.itemId(), item.label(), lookIndex(item.itemId()), garment(images, item.index()));
    }

    /**
     * Writes every item's shot to {@code dir/<label>/<item id>.<extension>}, the layout {@code produce
     * --image-folder} reads, creating the folders.
     *
     * @return how many shots of each kind were written
     */
    public static Map<ShotKind, Integer> write(ImageItems items, ProductShotRenderer renderer, Path dir)
            throws IOException {
        Map<ShotKind, Integer> counts = new EnumMap<>(ShotKind.class);
        for (ImageItems.Item item : items.items()) {
            if (item.label() == null) {
                throw new IllegalArgumentException("item " + item.itemId() + " has no label: a class folder needs one");
            }
            ProductShot shot = render(items.images(), item, renderer);
            Path folder = Files.createDirectories(dir.resolve(item.label()));
            Files.write(folder.resolve(shot.fileName()), shot.bytes());
            counts.merge(shot.kind(), 1, Integer::sum);
        }
        return counts;
    }

    private static long lookIndex(String itemId) {
        CRC32 crc = new CRC32();
        crc.update(itemId.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** Image {@code index} of a grey set as bytes, rounded from the set's [0, 1] values. */
    private static DecodedImage garment(ImageSet images, int index) {
        if (images.channels() != 1) {
            throw new IllegalArgumentException("garments must be grey images, got " + images.channels() + " channels");
        }
        float[] values = images.image(index);
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            pixels[i] = (byte) Math.round(values[i] * 255f);
        }
        return new DecodedImage(1, images.height(), images.width(), pixels);
    }
}
