package io.streamsynth.model.image;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.PixelExtractor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The compact bytes an item's image is kept as in state (embedder items, batch builder samples):
 * either the raw C x H x W unsigned bytes (lossless; Fashion-MNIST's 784 bytes) or a baseline JPEG
 * of the given quality (an RGB photo at 256 x 256: about 15-25 KB instead of 192 KiB).
 *
 * <p>The bytes describe themselves given the shape: exactly C x H x W bytes are raw, anything else
 * is a JPEG. A JPEG that happens to come out at exactly that length gets one byte appended after
 * its end marker, which decoders ignore.
 */
public final class StoredImage {
    private StoredImage() {}

    /** {@code image} as stored bytes: raw for {@code quality} 0, else a JPEG of that quality (1-100). */
    public static byte[] encode(DecodedImage image, int quality) {
        if (quality == 0) {
            return image.pixels();
        }
        if (quality < 0 || quality > 100) {
            throw new IllegalArgumentException("quality must be 0 (raw) or 1..100, got " + quality);
        }
        byte[] jpeg = jpeg(PixelExtractor.toImage(image), quality / 100f);
        int raw = image.channels() * image.height() * image.width();
        return jpeg.length == raw ? Arrays.copyOf(jpeg, raw + 1) : jpeg;
    }

    /**
     * Whether the bytes can be a stored image of that shape without decoding them: exactly raw-sized,
     * or starting with a JPEG's start-of-image marker.
     */
    public static boolean looksStored(byte[] stored, int channels, int height, int width) {
        if (stored == null) {
            return false;
        }
        return stored.length == channels * height * width
                || (stored.length > 3 && (stored[0] & 0xff) == 0xff && (stored[1] & 0xff) == 0xd8);
    }

    /**
     * Whether the bytes are a stored image of exactly that shape, read from the JPEG header without
     * decoding the pixels: raw bytes of C x H x W, or a JPEG of H x W with C components (1 grey, 3
     * colour). A JPEG's length says nothing of its shape, so a rule that kept only raw-sized bytes
     * would drop every image stored as JPEG.
     */
    public static boolean hasShape(byte[] stored, int channels, int height, int width) {
        if (stored == null) {
            return false;
        }
        if (stored.length == channels * height * width) {
            return true;
        }
        if (!looksStored(stored, channels, height, width)) {
            return false;
        }
        try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(stored))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return false;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                if (reader.getHeight(0) != height || reader.getWidth(0) != width) {
                    return false;
                }
                Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                return types.hasNext() && types.next().getNumBands() == channels;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return false; // unreadable header: not an image of any shape
        }
    }

    /**
     * The C x H x W pixels of stored bytes made by {@link #encode} from an image of that shape.
     *
     * @throws IllegalArgumentException if the bytes are no such image
     */
    public static DecodedImage decode(byte[] stored, int channels, int height, int width) {
        if (stored == null) {
            throw new IllegalArgumentException("no stored image");
        }
        if (stored.length == channels * height * width) {
            return new DecodedImage(channels, height, width, stored);
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(stored)));
        } catch (IOException e) {
            throw new IllegalArgumentException("stored image is neither raw nor a readable JPEG: " + e.getMessage(), e);
        }
        if (image == null || image.getHeight() != height || image.getWidth() != width) {
            throw new IllegalArgumentException("stored image is not a " + height + "x" + width + " JPEG");
        }
        return PixelExtractor.opaquePixels(image, channels);
    }

    private static byte[] jpeg(BufferedImage image, float quality) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no JPEG writer");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            // writing to memory does not fail with I/O errors
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
