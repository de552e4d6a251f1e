package io.streamsynth.model.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a folder with one sub-folder per class, e.g. {@code root/cat/*.png, root/dog/*.jpg}.
 * Class folders sorted by name become labels 0..n-1; the files directly inside each, sorted by
 * name, become that label's images. Files outside class folders and nested folders are ignored.
 */
public final class ImageFolder {

    /** The images, the class name for each label, and "path: reason" for each file left out. */
    public record Result(ImageSet images, List<String> classNames, List<String> skipped) {
    }

    /** Widest and tallest file decoded, in pixels, checked from the header (decompression bombs). */
    public static final int MAX_SIDE = 16384;

    private ImageFolder() {
    }

    /**
     * Decodes every file {@link ImageDecoder} reads (JPEG including CMYK/YCCK and EXIF orientation,
     * PNG, GIF, BMP, WebP; alpha composited onto white; at most {@link #MAX_SIDE} pixels a side),
     * converts it to 1 channel (luminance) or 3 (RGB, planar) and scales it bilinearly to height x
     * width. Files that do not decode are listed in {@link Result#skipped()} with the decoder's
     * reason rather than failing the whole read.
     */
    public static Result read(Path root, int channels, int height, int width) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size must be positive: " + height + "x" + width);
        }
        if (!Files.isDirectory(root)) {
            throw new IOException("image folder " + root + " does not exist or is not a directory");
        }
        List<Path> classDirs = sortedEntries(root, true);
        List<String> classNames = new ArrayList<>();
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int label = 0; label < classDirs.size(); label++) {
            classNames.add(classDirs.get(label).getFileName().toString());
            for (Path file : sortedEntries(classDirs.get(label), false)) {
                try {
                    byte[] bytes = Files.readAllBytes(file);
                    DecodedImage decoded = new ImageDecoder(new ImageLimits(Math.max(1, bytes.length), MAX_SIDE,
                            MAX_SIDE), channels, 0xffffff).decode(bytes).image();
                    images.add(toPixels(PixelExtractor.toImage(decoded), channels, height, width));
                    labels.add(label);
                } catch (ImageRejectedException e) {
                    skipped.add(file + ": " + e.getMessage());
                } catch (IOException | RuntimeException e) {
                    // Decoders throw unchecked exceptions on some corrupt files; one bad file
                    // should not lose the rest of the dataset.
                    skipped.add(file + ": " + e);
                }
            }
        }
        int length = channels * height * width;
        float[] pixels = new float[images.size() * length];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, pixels, i * length, length);
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        return new Result(new ImageSet(channels, height, width, pixels, labelArray),
                List.copyOf(classNames), List.copyOf(skipped));
    }

    private static List<Path> sortedEntries(Path dir, boolean directories) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries
                    .filter(p -> directories ? Files.isDirectory(p) : Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Grey sources are scaled as grey: going through RGB would let Java2D apply the linear-grey
     * to sRGB conversion and brighten mid tones. Colour sources are drawn onto an opaque RGB
     * canvas, so transparency composites over black.
     */
    static float[] toPixels(BufferedImage source, int channels, int height, int width) {
        boolean grey = source.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        BufferedImage scaled = grey
                ? scale(asByteGrey(source), BufferedImage.TYPE_BYTE_GRAY, height, width)
                : scale(source, BufferedImage.TYPE_INT_RGB, height, width);
        Raster raster = scaled.getRaster();
        int plane = height * width;
        float[] pixels = new float[channels * plane];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = y * width + x;
                if (grey) {
                    float value = PixelValues.unit(raster.getSample(x, y, 0));
                    for (int c = 0; c < channels; c++) {
                        pixels[c * plane + at] = value;
                    }
                } else {
                    int rgb = scaled.getRGB(x, y);
                    float r = PixelValues.unit((rgb >> 16) & 0xff);
                    float g = PixelValues.unit((rgb >> 8) & 0xff);
                    float b = PixelValues.unit(rgb & 0xff);
                    if (channels == 1) {
                        // ITU-R BT.601 luma, the weighting most greyscale datasets were made with.
                        pixels[at] = Math.min(1f, 0.299f * r + 0.587f * g + 0.114f * b);
                    } else {
                        pixels[at] = r;
                        pixels[plane + at] = g;
                        pixels[2 * plane + at] = b;
                    }
                }
            }
        }
        return pixels;
    }

    /** Copies band 0 of any grey image (8 or 16 bit, with or without alpha) into 8-bit grey. */
    private static BufferedImage asByteGrey(BufferedImage source) {
        if (source.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return source;
        }
        int max = (1 << source.getColorModel().getComponentSize(0)) - 1;
        Raster in = source.getRaster();
        BufferedImage grey = new BufferedImage(
                source.getWidth(), source.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < source.getHeight(); y++) {
            for (int x = 0; x < source.getWidth(); x++) {
                int sample = in.getSample(x, y, 0);
                grey.getRaster().setSample(x, y, 0, (sample * 255 + max / 2) / max);
            }
        }
        return grey;
    }

    private static BufferedImage scale(BufferedImage source, int type, int height, int width) {
        BufferedImage target = new BufferedImage(width, height, type);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
                    RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
