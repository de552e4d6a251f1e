package io.streamsynth.model.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns untrusted PNG/JPEG (and GIF/BMP, which ImageIO also reads) bytes into unsigned-byte pixels,
 * row-major C x H x W, within {@link ImageLimits}.
 *
 * <p>The checks run cheapest first so that hostile input costs little: the byte length, then the
 * dimensions from the header alone, and only then the pixels. A few hundred bytes of PNG can
 * declare a 100000 x 100000 image; decoding it would allocate tens of gigabytes.
 *
 * <p>A PNG cut only in its trailer (the zlib checksum, the IEND chunk) still yields every pixel
 * and is accepted: the PNG reader stops once the pixel data is complete.
 */
public final class ImageDecoder {

    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.limits = limits;
    }

    public DecodedImage decode(byte[] bytes) throws ImageRejectedException {
        checkLength(bytes);
        // An in-memory stream, not ImageIO.createImageInputStream: that one may spill to a temp
        // file, and the bytes are already in memory.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(in);
            try {
                reader.setInput(in, true, true);
                checkDimensions(reader.getWidth(0), reader.getHeight(0));
                WarningLog warnings = new WarningLog();
                reader.addIIOReadWarningListener(warnings);
                BufferedImage image = reader.read(0);
                warnings.rejectIfAny();
                return PixelExtractor.extract(image, limits.channels());
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw fromIoFailure(e);
        } catch (RuntimeException e) {
            // ImageIO's decoders throw unchecked exceptions on some corrupt streams.
            throw new ImageRejectedException(ImageRejectedException.NOT_AN_IMAGE,
                    "decoder failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Encodes unsigned-byte C x H x W pixels (1 or 3 channels) as a PNG, losslessly. */
    public static byte[] encodePng(int channels, int height, int width, byte[] pixels) {
        BufferedImage image = PixelExtractor.toImage(new DecodedImage(channels, height, width, pixels));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
        } catch (IOException e) {
            // Writing to memory does not fail with I/O errors.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void checkLength(byte[] bytes) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(ImageRejectedException.EMPTY, "no image bytes");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageRejectedException(ImageRejectedException.TOO_LARGE_BYTES,
                    bytes.length + " bytes exceed the limit of " + limits.maxBytes());
        }
    }

    private static ImageReader readerFor(ImageInputStream in) throws ImageRejectedException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new ImageRejectedException(ImageRejectedException.NOT_AN_IMAGE,
                    "bytes are not in an image format this runtime reads (PNG, JPEG, GIF, BMP)");
        }
        return readers.next();
    }

    private void checkDimensions(int width, int height) throws ImageRejectedException {
        if (width < 1 || height < 1) {
            throw new ImageRejectedException(ImageRejectedException.EMPTY,
                    "image header declares " + width + "x" + height + " pixels");
        }
        if (width > limits.maxWidth() || height > limits.maxHeight()) {
            throw new ImageRejectedException(ImageRejectedException.DIMENSIONS_TOO_LARGE,
                    width + "x" + height + " exceeds the limit of " + limits.maxWidth() + "x" + limits.maxHeight());
        }
        boolean wrongWidth = limits.width() != 0 && width != limits.width();
        boolean wrongHeight = limits.height() != 0 && height != limits.height();
        if (wrongWidth || wrongHeight) {
            throw new ImageRejectedException(ImageRejectedException.WRONG_SIZE, width + "x" + height
                    + " but the catalog requires " + side(limits.width()) + "x" + side(limits.height()));
        }
    }

    private static String side(int required) {
        return required == 0 ? "any" : Integer.toString(required);
    }

    /**
     * ImageIO signals a stream that stops early either as an EOF somewhere in the cause chain or
     * only in the message ("Unexpected end of ZLIB input stream"), depending on the format.
     */
    private static ImageRejectedException fromIoFailure(IOException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EOFException || looksTruncated(t.getMessage())) {
                return new ImageRejectedException(ImageRejectedException.TRUNCATED, describe(failure));
            }
        }
        return new ImageRejectedException(ImageRejectedException.NOT_AN_IMAGE, describe(failure));
    }

    private static boolean looksTruncated(String message) {
        if (message == null) {
            return false;
        }
        String text = message.toLowerCase(Locale.ROOT);
        return text.contains("end of") || text.contains("truncated");
    }

    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return text.toString();
    }

    /**
     * The JPEG decoder reports a stream that stops early only as a warning ("Premature end of JPEG
     * file") and pads the missing rows with grey; such an image must not be trained on.
     */
    private static final class WarningLog implements IIOReadWarningListener {
        private final List<String> warnings = new ArrayList<>();

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            warnings.add(warning);
        }

        void rejectIfAny() throws ImageRejectedException {
            if (warnings.isEmpty()) {
                return;
            }
            String text = String.join("; ", warnings);
            throw new ImageRejectedException(
                    looksTruncated(text) ? ImageRejectedException.TRUNCATED : ImageRejectedException.NOT_AN_IMAGE,
                    "decoder warning: " + text);
        }
    }
}
