package io.streamsynth.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoding corpus: files PIL wrote (src/test/resources/decode-corpus, made by make_corpus.py,
 * with PIL's own reading of them in expected.json) and files made here with Java's writers. Each
 * is decoded with the pixels the reference decoder gives, or rejected with its reason code.
 */
class ImageDecoderCorpusTest {
    private static final ImageLimits LIMITS = new ImageLimits(1 << 20, 4096, 4096);
    private static final ImageDecoder RGB = new ImageDecoder(LIMITS, 3, 0xffffff);
    private static final JsonNode EXPECTED = expected();

    @ParameterizedTest
    @ValueSource(strings = {"baseline.jpg", "progressive.jpg", "exif6.jpg", "exif8.jpg", "grey16.png",
            "palette_trns.png", "transparent_rgba.png", "rgba.png", "grey_alpha.png", "lossy.webp", "lossless.webp",
            "animated.gif", "image.bmp"})
    void decodesWithThePixelsPilGives(String name) throws Exception {
        JsonNode want = EXPECTED.get(name);
        DecodedImage image = RGB.decode(corpus(name)).image();

        assertThat(image.width()).as("width").isEqualTo(want.get("width").asInt());
        assertThat(image.height()).as("height").isEqualTo(want.get("height").asInt());
        int tolerance = want.get("tolerance").asInt();
        for (JsonNode point : want.get("points")) {
            int x = point.get(0).asInt();
            int y = point.get(1).asInt();
            for (int c = 0; c < 3; c++) {
                assertThat(at(image, c, y, x)).as("%s channel %d at (%d, %d)", name, c, x, y)
                        .isCloseTo(point.get(2).get(c).asInt(), org.assertj.core.data.Offset.offset(tolerance));
            }
        }
    }

    @Test
    void exifOrientationSixAndEightTurnTheImageUpright() throws Exception {
        // stored 48 wide, 32 high: red top-left, green top-right, blue bottom-left, yellow bottom-right
        DecodedImage six = RGB.decode(corpus("exif6.jpg")).image();
        DecodedImage eight = RGB.decode(corpus("exif8.jpg")).image();

        assertThat(six.height()).isEqualTo(48);
        assertThat(six.width()).isEqualTo(32);
        // rotated 90 degrees clockwise: blue comes to the top left, red to the top right
        assertThat(at(six, 2, 4, 4)).isGreaterThan(150);
        assertThat(at(six, 0, 4, 28)).isGreaterThan(150);
        // rotated 90 degrees counter-clockwise: green to the top left, yellow to the top right
        assertThat(at(eight, 1, 4, 4)).isGreaterThan(150);
        assertThat(at(eight, 0, 4, 28)).isGreaterThan(150);
        assertThat(at(eight, 1, 4, 28)).isGreaterThan(150);
    }

    @Test
    void transparencyIsCompositedOntoTheBackgroundNeverDropped() throws Exception {
        DecodedImage white = RGB.decode(corpus("transparent_rgba.png")).image();
        DecodedImage black = new ImageDecoder(LIMITS, 3, 0x000000).decode(corpus("transparent_rgba.png")).image();
        DecodedImage teal = new ImageDecoder(LIMITS, 1, 0x008080).decode(corpus("grey_alpha.png")).image();

        assertThat(white.pixels()).containsOnly((byte) 255);
        assertThat(black.pixels()).containsOnly((byte) 0);
        // grey+alpha onto a coloured background in a grey catalog: the background's BT.601 luma
        // (0.587 * 128 + 0.114 * 128 = 89.7) where alpha is 0
        assertThat(teal.channels()).isEqualTo(1);
        assertThat(teal.pixels()).contains((byte) 90);
    }

    @Test
    void greyIntoRgbIsExpandedAndRgbIntoGreyConvertedAndBothAreReported() throws Exception {
        byte[] grey = ImageDecoder.encodePng(1, 2, 2, new byte[] {0, 50, (byte) 200, (byte) 255});
        byte[] colour = ImageDecoder.encodePng(3, 1, 1, new byte[] {(byte) 200, 100, 50});

        Decoded expanded = RGB.decode(grey);
        Decoded converted = new ImageDecoder(LIMITS, 1, 0xffffff).decode(colour);
        Decoded kept = new ImageDecoder(LIMITS, 1, 0xffffff).decode(grey);

        assertThat(expanded.channelsConverted()).isTrue();
        assertThat(expanded.image().pixels()).containsExactly(0, 50, (byte) 200, (byte) 255, 0, 50, (byte) 200,
                (byte) 255, 0, 50, (byte) 200, (byte) 255);
        assertThat(converted.channelsConverted()).isTrue();
        // 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2
        assertThat(converted.image().pixels()).containsExactly(124);
        assertThat(kept.channelsConverted()).isFalse();
    }

    @Test
    void sixteenBitGreyIsScaledToEightBits() throws Exception {
        byte[] png = corpus("grey16.png");
        assertThat(png[24]).as("IHDR bit depth").isEqualTo((byte) 16);
        DecodedImage image = new ImageDecoder(LIMITS, 1, 0xffffff).decode(png).image();
        // sample at (x, y) = (x * 1365 + y * 97) mod 65536; (10, 3) -> 13941 -> 54.2
        assertThat(at(image, 0, 3, 10)).isEqualTo(54);
    }

    @Test
    void cmykAndYcckJpegsDecodeToTheSameColours() throws Exception {
        // Adobe JPEGs store ink inverted: 255 is no ink. Cyan on the right half, black on the bottom.
        WritableRaster ink = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                ink.setPixel(x, y, new int[] {x < 8 ? 255 : 0, 255, 255, y < 8 ? 255 : 0});
            }
        }
        DecodedImage cmyk = RGB.decode(adobeJpeg(ink, 0)).image();
        DecodedImage ycck = RGB.decode(adobeJpeg(toYcck(ink), 2)).image();

        for (int c = 0; c < 3; c++) {
            for (int[] p : new int[][] {{4, 4}, {4, 12}, {12, 4}, {12, 12}}) {
                assertThat(at(ycck, c, p[0], p[1])).as("channel %d at %s", c, Arrays.toString(p))
                        .isCloseTo(at(cmyk, c, p[0], p[1]), org.assertj.core.data.Offset.offset(8));
            }
        }
        for (int c = 0; c < 3; c++) {
            assertThat(at(cmyk, c, 4, 4)).as("no ink: white").isGreaterThan(200);
            assertThat(at(cmyk, c, 12, 4)).as("black ink").isLessThan(80);
        }
        assertThat(at(cmyk, 0, 4, 12)).as("cyan: little red").isLessThan(100);
        assertThat(at(cmyk, 2, 4, 12)).as("cyan: much blue").isGreaterThan(150);
    }

    /**
     * What libjpeg's CMYK to YCCK conversion does (jccolor.c): the inverted C, M, Y taken as R, G, B
     * into JFIF YCbCr, K unchanged. The JDK's writer does not convert a raster itself.
     */
    private static Raster toYcck(Raster cmyk) {
        WritableRaster out = cmyk.createCompatibleWritableRaster();
        int[] p = new int[4];
        for (int y = 0; y < cmyk.getHeight(); y++) {
            for (int x = 0; x < cmyk.getWidth(); x++) {
                cmyk.getPixel(x, y, p);
                double r = 255 - p[0];
                double g = 255 - p[1];
                double b = 255 - p[2];
                out.setPixel(x, y, new int[] {clamp(0.299 * r + 0.587 * g + 0.114 * b),
                        clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
                        clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b), p[3]});
            }
        }
        return out;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    @Test
    void pilsCmykJpegDecodesThroughTheCmykProfile() throws Exception {
        DecodedImage image = RGB.decode(corpus("cmyk.jpg")).image();
        // red (220, 30, 30) and blue (40, 60, 210) quadrants keep their dominant channel
        assertThat(at(image, 0, 8, 12)).isGreaterThan(at(image, 2, 8, 12) + 80);
        assertThat(at(image, 2, 24, 12)).isGreaterThan(at(image, 0, 24, 12) + 80);
    }

    @Test
    void interlacedPngDecodesLikeTheSameImageNotInterlaced() throws Exception {
        byte[] pixels = new byte[3 * 13 * 17];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        BufferedImage image = PixelExtractor.toImage(new DecodedImage(3, 13, 17, pixels));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        byte[] interlaced = write(writer, new IIOImage(image, null, null), param);
        assertThat(interlaced[28]).as("IHDR interlace method: Adam7").isEqualTo((byte) 1);

        assertThat(RGB.decode(interlaced).image().pixels()).containsExactly(pixels);
    }

    @Test
    void oneByOneAndLongStripsDecode() throws Exception {
        DecodedImage dot = RGB.decode(ImageDecoder.encodePng(3, 1, 1, new byte[] {1, 2, 3})).image();
        byte[] stripPixels = new byte[10 * 10000];
        Arrays.fill(stripPixels, (byte) 77);
        byte[] strip = ImageDecoder.encodePng(1, 10, 10000, stripPixels);

        assertThat(dot.pixels()).containsExactly(1, 2, 3);
        // 10000 wide is over the default side limit of 4096, and is rejected before decoding ...
        assertThat(reason(RGB, strip)).isEqualTo(ImageRejectedException.DIMENSIONS_TOO_LARGE);
        // ... and decodes where the limit allows it
        DecodedImage wide = new ImageDecoder(new ImageLimits(1 << 20, 10000, 4096), 1, 0xffffff).decode(strip).image();
        assertThat(wide.width()).isEqualTo(10000);
        assertThat(wide.pixels()).containsOnly((byte) 77);
    }

    @Test
    void headerDeclaringSixtyThousandSquaredIsRejectedBeforeDecoding() {
        byte[] png = ImageDecoder.encodePng(1, 2, 2, new byte[4]);
        writeInt(png, 16, 60000);
        writeInt(png, 20, 60000);
        fixCrc(png, 12, 13);

        assertThat(reason(RGB, png)).isEqualTo(ImageRejectedException.DIMENSIONS_TOO_LARGE);
    }

    @Test
    void pngWithABadCrcIsRejectedAsCorrupt() {
        byte[] png = ImageDecoder.encodePng(3, 4, 4, new byte[48]);
        png[29] ^= 0x55; // IHDR's CRC

        assertThat(reason(RGB, png)).isEqualTo(ImageRejectedException.CORRUPT);
    }

    @Test
    void truncatedJpegIsRejected() throws Exception {
        byte[] pixels = new byte[3 * 64 * 64];
        new java.util.Random(5).nextBytes(pixels);
        ImageWriter writer = jdkJpegWriter();
        byte[] jpeg = write(writer, new IIOImage(PixelExtractor.toImage(new DecodedImage(3, 64, 64, pixels)), null,
                null), writer.getDefaultWriteParam());
        // three quarters in: past the headers, inside the entropy-coded scan
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 3 / 4);

        assertThat(reason(RGB, cut)).isEqualTo(ImageRejectedException.TRUNCATED);
    }

    @Test
    void everyCorpusFileHasAnExpectation() {
        assertThat(EXPECTED.size()).isEqualTo(14);
        for (Iterator<Map.Entry<String, JsonNode>> it = EXPECTED.fields(); it.hasNext(); ) {
            assertThat(it.next().getValue().get("points")).hasSize(6);
        }
    }

    static int at(DecodedImage image, int channel, int y, int x) {
        return image.pixels()[(channel * image.height() + y) * image.width() + x] & 0xff;
    }

    private static String reason(ImageDecoder decoder, byte[] bytes) {
        ImageRejectedException rejected = catchThrowableOfType(ImageRejectedException.class,
                () -> decoder.decode(bytes));
        return rejected == null ? "accepted" : rejected.reason();
    }

    /** A 4-channel JPEG with an Adobe APP14 marker: transform 0 keeps CMYK, 2 makes libjpeg write YCCK. */
    private static byte[] adobeJpeg(Raster ink, int transform) throws IOException {
        ImageTypeSpecifier type = ImageTypeSpecifier.createInterleaved(
                ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK), new int[] {0, 1, 2, 3}, DataBuffer.TYPE_BYTE,
                false, false);
        ImageWriter writer = jdkJpegWriter();
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata metadata = writer.getDefaultImageMetadata(type, param);
        String format = "javax_imageio_jpeg_image_1.0";
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
        IIOMetadataNode adobe = (IIOMetadataNode) root.getElementsByTagName("app14Adobe").item(0);
        adobe.setAttribute("transform", Integer.toString(transform));
        metadata.setFromTree(format, root);
        return write(writer, new IIOImage(ink, null, metadata), param);
    }

    private static ImageWriter jdkJpegWriter() {
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter writer = it.next();
            if (writer.getClass().getName().startsWith("com.sun.")) {
                return writer;
            }
        }
        throw new IllegalStateException("no JDK JPEG writer");
    }

    private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam param) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, image, param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static void writeInt(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    /** Recomputes the CRC of the chunk whose type starts at {@code typeAt}. */
    private static void fixCrc(byte[] png, int typeAt, int dataLength) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, typeAt, 4 + dataLength);
        writeInt(png, typeAt + 4 + dataLength, (int) crc.getValue());
    }

    static byte[] corpus(String name) throws IOException {
        try (InputStream in = ImageDecoderCorpusTest.class.getResourceAsStream("/decode-corpus/" + name)) {
            if (in == null) {
                throw new IOException("no corpus file " + name);
            }
            return in.readAllBytes();
        }
    }

    private static JsonNode expected() {
        try {
            return new ObjectMapper().readTree(corpus("expected.json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
