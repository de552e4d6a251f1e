package io.streamsynth.pipeline.shots;

import com.luciad.imageio.webp.CompressionType;
import com.luciad.imageio.webp.WebPImageWriterSpi;
import com.luciad.imageio.webp.WebPWriteParam;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes upright ARGB pixels ({@link ShotPainter}) as one {@link ShotKind}. JPEGs come from the
 * JDK's writer (quality 0.9), PNGs from the JDK's, WebP from libwebp through webp-imageio
 * (TwelveMonkeys, which the job decodes with, reads WebP but cannot write it).
 */
final class ShotEncoder {
    static final float JPEG_QUALITY = 0.9f;
    static final float WEBP_QUALITY = 0.9f;
    /** EXIF (TIFF) tag 274, Orientation. */
    private static final int ORIENTATION_TAG = 0x0112;

    private ShotEncoder() {}

    /**
     * @param argb 0xAARRGGBB per pixel, row-major, upright; alpha is used by {@link ShotKind#RGBA_PNG}
     *             only (the other kinds are opaque)
     */
    static byte[] encode(ShotKind kind, int[] argb, int width, int height) {
        try {
            return switch (kind) {
                case PNG -> png(image(argb, width, height, false));
                case RGBA_PNG -> png(image(argb, width, height, true));
                case JPEG -> jpeg(image(argb, width, height, false));
                case CMYK_JPEG -> cmykJpeg(image(argb, width, height, false));
                case EXIF_6_JPEG -> withOrientation(jpeg(image(rotate(argb, width, height, false), height, width,
                        false)), 6);
                case EXIF_8_JPEG -> withOrientation(jpeg(image(rotate(argb, width, height, true), height, width,
                        false)), 8);
                case WEBP -> webp(image(argb, width, height, false));
            };
        } catch (IOException e) {
            // every writer here writes to memory
            throw new UncheckedIOException("encoding a " + kind + " shot failed", e);
        }
    }

    private static BufferedImage image(int[] argb, int width, int height, boolean alpha) {
        BufferedImage image = new BufferedImage(width, height,
                alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, argb, 0, width);
        return image;
    }

    /**
     * The pixels as a camera held sideways stores them: rotated 90 degrees counter-clockwise (EXIF
     * orientation 6 then says "rotate clockwise to show") or clockwise (orientation 8). The result
     * is {@code height} wide and {@code width} high.
     */
    static int[] rotate(int[] argb, int width, int height, boolean clockwise) {
        int[] out = new int[argb.length];
        // stored image: height columns, width rows
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int sx = clockwise ? height - 1 - y : y;
                int sy = clockwise ? x : width - 1 - x;
                out[sy * height + sx] = argb[y * width + x];
            }
        }
        return out;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // in memory, as write() below: ImageIO.write to a plain OutputStream caches through a temp file
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            if (!ImageIO.write(image, "png", stream)) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
        }
        return out.toByteArray();
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = jdkJpegWriter();
        return write(writer, new IIOImage(image, null, null), jpegParam(writer));
    }

    /**
     * sRGB to CMYK through TwelveMonkeys' generic CMYK colour space (the one its reader applies to an
     * Adobe CMYK JPEG without an embedded profile, so the colours come back close), stored with
     * Adobe's inverted ink (255 = no ink) and APP14 transform 0. A shot has at most 256 colours (the
     * backdrop-to-tint ramp), so each is converted once: ColorConvertOp cannot take that colour
     * space when it is not an ICC one.
     */
    private static byte[] cmykJpeg(BufferedImage rgb) throws IOException {
        ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
        int width = rgb.getWidth();
        int height = rgb.getHeight();
        WritableRaster ink = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        byte[] samples = ((DataBufferByte) ink.getDataBuffer()).getData();
        Map<Integer, byte[]> converted = new HashMap<>();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            rgb.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                byte[] inverted = converted.computeIfAbsent(row[x] & 0xffffff, colour -> invertedInk(cmyk, colour));
                System.arraycopy(inverted, 0, samples, (y * width + x) * 4, 4);
            }
        }
        ImageTypeSpecifier type = ImageTypeSpecifier.createInterleaved(cmyk, new int[] {0, 1, 2, 3},
                DataBuffer.TYPE_BYTE, false, false);
        ImageWriter writer = jdkJpegWriter();
        ImageWriteParam param = jpegParam(writer);
        IIOMetadata metadata = writer.getDefaultImageMetadata(type, param);
        String format = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
        IIOMetadataNode adobe = (IIOMetadataNode) root.getElementsByTagName("app14Adobe").item(0);
        if (adobe == null) {
            throw new IllegalStateException("the JDK's JPEG writer offers no Adobe APP14 marker for CMYK");
        }
        adobe.setAttribute("transform", "0");
        metadata.setFromTree(format, root);
        return write(writer, new IIOImage(ink, null, metadata), param);
    }

    private static byte[] invertedInk(ColorSpace cmyk, int colour) {
        float[] ink = cmyk.fromRGB(new float[] {ShotLook.channel(colour, 0) / 255f, ShotLook.channel(colour, 1) / 255f,
            ShotLook.channel(colour, 2) / 255f});
        byte[] out = new byte[4];
        for (int c = 0; c < 4; c++) {
            out[c] = (byte) (255 - Math.round(Math.max(0f, Math.min(1f, ink[c])) * 255));
        }
        return out;
    }

    private static byte[] webp(BufferedImage image) throws IOException {
        ImageWriter writer = new WebPImageWriterSpi().createWriterInstance(null);
        WebPWriteParam param = new WebPWriteParam(Locale.ROOT);
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType(CompressionType.Lossy);
        param.setCompressionQuality(WEBP_QUALITY);
        return write(writer, new IIOImage(image, null, null), param);
    }

    /**
     * The JPEG with an APP1 "Exif" segment holding one tag, Orientation, inserted after the JFIF
     * APP0 segment (where cameras that write both put it). Big-endian TIFF: header, one IFD of one
     * SHORT entry, no next IFD.
     */
    static byte[] withOrientation(byte[] jpeg, int orientation) {
        if ((jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG: no SOI marker");
        }
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) {
            at = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
        }
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
            (byte) (ORIENTATION_TAG >> 8), (byte) ORIENTATION_TAG, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
            0, 0, 0, 0};
        byte[] identifier = {'E', 'x', 'i', 'f', 0, 0};
        int length = 2 + identifier.length + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + length + 2);
        out.write(jpeg, 0, at);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.write(identifier, 0, identifier.length);
        out.write(tiff, 0, tiff.length);
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    private static ImageWriteParam jpegParam(ImageWriter writer) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(JPEG_QUALITY);
        return param;
    }

    /**
     * The JDK's own writer: TwelveMonkeys' JPEG plugin registers a writer too, and which one ImageIO
     * hands out first is not specified; the shots should not depend on the class path's order.
     */
    private static ImageWriter jdkJpegWriter() {
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter writer = it.next();
            if (writer.getClass().getName().startsWith("com.sun.")) {
                return writer;
            }
        }
        throw new IllegalStateException("this Java runtime has no JPEG writer of its own");
    }

    private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam param) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // in memory: ImageIO.createImageOutputStream may cache in a temporary file
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, image, param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
