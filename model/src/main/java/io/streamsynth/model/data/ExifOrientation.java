package io.streamsynth.model.data;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The EXIF orientation of a JPEG (TIFF tag 274 in the APP1 "Exif" segment, read with
 * TwelveMonkeys' metadata readers) and the pixel transform that shows the image upright, as
 * cameras and browsers do. Values 1-8 as the EXIF 2.3 specification defines them: 1 upright,
 * 2 mirrored, 3 rotated 180, 4 flipped, 5 transposed, 6 to be rotated 90 clockwise, 7 transversed,
 * 8 to be rotated 90 counter-clockwise.
 */
public final class ExifOrientation {
    public static final int UPRIGHT = 1;

    private ExifOrientation() {}

    /**
     * The orientation of JPEG bytes, or {@link #UPRIGHT} when there is none or it cannot be read:
     * broken metadata is no reason to lose an image whose pixels decode.
     */
    public static int of(byte[] jpeg) {
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            for (JPEGSegment segment : segments) {
                int value = orientation(segment);
                if (value != UPRIGHT) {
                    return value;
                }
            }
        } catch (IOException | RuntimeException e) {
            return UPRIGHT;
        }
        return UPRIGHT;
    }

    private static int orientation(JPEGSegment segment) throws IOException {
        byte[] data;
        try (InputStream in = segment.data()) {
            data = in.readAllBytes();
        }
        // "Exif" is followed by two zero bytes; the identifier consumed one of them
        int start = data.length > 0 && data[0] == 0 ? 1 : 0;
        Directory tiff = new TIFFReader().read(new MemoryCacheImageInputStream(
                new ByteArrayInputStream(data, start, data.length - start)));
        Entry entry = tiff.getEntryById(TIFF.TAG_ORIENTATION);
        if (entry != null && entry.getValue() instanceof Number n && n.intValue() >= 1 && n.intValue() <= 8) {
            return n.intValue();
        }
        return UPRIGHT;
    }

    /** {@code image} shown upright for the given orientation (a new image unless it is 1). */
    public static DecodedImage apply(DecodedImage image, int orientation) {
        if (orientation == UPRIGHT) {
            return image;
        }
        int h = image.height();
        int w = image.width();
        boolean swaps = orientation >= 5;
        int outH = swaps ? w : h;
        int outW = swaps ? h : w;
        byte[] in = image.pixels();
        byte[] out = new byte[in.length];
        for (int c = 0; c < image.channels(); c++) {
            int plane = c * h * w;
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    int sy;
                    int sx;
                    switch (orientation) {
                        case 2 -> { sy = y; sx = w - 1 - x; }
                        case 3 -> { sy = h - 1 - y; sx = w - 1 - x; }
                        case 4 -> { sy = h - 1 - y; sx = x; }
                        case 5 -> { sy = x; sx = y; }
                        case 6 -> { sy = h - 1 - x; sx = y; }
                        case 7 -> { sy = h - 1 - x; sx = w - 1 - y; }
                        case 8 -> { sy = x; sx = w - 1 - y; }
                        default -> throw new IllegalArgumentException("EXIF orientation must be 1..8, got " + orientation);
                    }
                    out[plane + y * outW + x] = in[plane + sy * w + sx];
                }
            }
        }
        return new DecodedImage(image.channels(), outH, outW, out);
    }
}
