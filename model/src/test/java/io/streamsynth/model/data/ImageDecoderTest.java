package io.streamsynth.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ImageDecoderTest {

    private static final ImageLimits ANY = new ImageLimits(1 << 20, 4096, 4096);

    @Test
    void greyImageSurvivesPngRoundTripExactly() throws Exception {
        byte[] pixels = randomPixels(1, 5, 7);

        DecodedImage decoded = new ImageDecoder(new ImageLimits(1 << 20, 64, 64), 1, 0xffffff)
                .decode(ImageDecoder.encodePng(1, 5, 7, pixels)).image();

        assertThat(decoded.channels()).isEqualTo(1);
        assertThat(decoded.height()).isEqualTo(5);
        assertThat(decoded.width()).isEqualTo(7);
        assertThat(decoded.pixels()).isEqualTo(pixels);
    }

    @Test
    void rgbImageSurvivesPngRoundTripExactlyInPlanarOrder() throws Exception {
        byte[] pixels = randomPixels(3, 4, 6);

        DecodedImage decoded = new ImageDecoder(new ImageLimits(1 << 20, 64, 64), 3, 0xffffff)
                .decode(ImageDecoder.encodePng(3, 4, 6, pixels)).image();

        assertThat(decoded.channels()).isEqualTo(3);
        assertThat(decoded.pixels()).isEqualTo(pixels);
    }

    @Test
    void halfTransparentPixelIsCompositedOntoTheBackground() throws Exception {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80102030);
        argb.setRGB(1, 0, 0xff405060);

        DecodedImage decoded = new ImageDecoder(ANY, 3, 0xffffff).decode(write(argb, "png")).image();

        // alpha 128 over white: red (128 * 16 + 127 * 255) / 255 = 135.03, green 143.06, blue 151.09;
        // the opaque pixel is kept as it is
        assertThat(decoded.pixels()).containsExactly(135, 0x40, (byte) 143, 0x50, (byte) 151, 0x60);
    }

    @Test
    void greyPaletteImageCountsAsGreyAndKeepsItsValues() throws Exception {
        BufferedImage binary = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.setRGB(1, 0, 0xffffffff);

        Decoded decoded = new ImageDecoder(new ImageLimits(1 << 20, 64, 64), 1, 0xffffff).decode(write(binary, "gif"));

        assertThat(decoded.channelsConverted()).isFalse();
        assertThat(decoded.image().pixels()).containsExactly(0, (byte) 255, 0);
    }

    @Test
    void imagesOfAnySizeAreAccepted() throws Exception {
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(1 << 20, 64, 64), 1, 0xffffff);

        assertThat(decoder.decode(ImageDecoder.encodePng(1, 28, 27, randomPixels(1, 28, 27))).image().width())
                .isEqualTo(27);
        assertThat(decoder.decode(ImageDecoder.encodePng(1, 32, 32, randomPixels(1, 32, 32))).image().height())
                .isEqualTo(32);
    }


    @Test
    @Timeout(5)
    void headerDeclaringHugeDimensionsIsRejectedWithoutDecoding() {
        byte[] png = pngWithOnlyHeader(100_000, 100_000);

        assertThat(reasonFor(ANY, png)).isEqualTo(ImageRejectedException.DIMENSIONS_TOO_LARGE);
    }

    /** 21 bytes is the trailer (IEND, IDAT CRC, zlib checksum) plus the last byte of pixel data. */
    @Test
    void truncatedPngIsRejectedWithAStableReason() {
        byte[] png = ImageDecoder.encodePng(3, 64, 64, randomPixels(3, 64, 64));

        for (int keep : new int[] {png.length / 2, png.length - 21, 40, 20, 9}) {
            assertThat(reasonFor(ANY, Arrays.copyOf(png, keep))).as("PNG cut to %d bytes", keep)
                    .isIn(ImageRejectedException.TRUNCATED, ImageRejectedException.NOT_AN_IMAGE);
        }
    }

    @Test
    void truncatedJpegIsRejectedWithAStableReason() throws IOException {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(3);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        byte[] jpeg = write(image, "jpg");

        for (int keep : new int[] {jpeg.length / 2, jpeg.length - 10, jpeg.length - 1, 300, 30, 4}) {
            assertThat(reasonFor(ANY, Arrays.copyOf(jpeg, keep))).as("JPEG cut to %d bytes", keep)
                    .isIn(ImageRejectedException.TRUNCATED, ImageRejectedException.NOT_AN_IMAGE);
        }
    }

    @Test
    void randomBytesAreNotAnImage() {
        byte[] noise = new byte[500];
        new Random(7).nextBytes(noise);

        assertThat(reasonFor(ANY, noise)).isEqualTo(ImageRejectedException.NOT_AN_IMAGE);
        assertThat(reasonFor(ANY, "hello".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(ImageRejectedException.NOT_AN_IMAGE);
    }

    @Test
    void bytesOverTheLimitAreRejectedBeforeAnythingElse() {
        byte[] png = ImageDecoder.encodePng(1, 16, 16, randomPixels(1, 16, 16));

        assertThat(reasonFor(new ImageLimits(png.length - 1, 64, 64), png))
                .isEqualTo(ImageRejectedException.TOO_LARGE_BYTES);
    }

    @Test
    void noBytesIsAnEmptyImage() {
        assertThat(reasonFor(ANY, new byte[0])).isEqualTo(ImageRejectedException.EMPTY);
        assertThat(reasonFor(ANY, null)).isEqualTo(ImageRejectedException.EMPTY);
    }

    @Test
    void limitsNameTheSettingTheyReject() {
        assertThatThrownBy(() -> new ImageLimits(0, 1, 1)).hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> new ImageLimits(1, 0, 1)).hasMessageContaining("maxWidth");
        assertThatThrownBy(() -> new ImageDecoder(ANY, 2, 0)).hasMessageContaining("channels");
    }

    private static String reasonFor(ImageLimits limits, byte[] bytes) {
        ImageRejectedException rejected = catchThrowableOfType(ImageRejectedException.class,
                () -> new ImageDecoder(limits, 3, 0xffffff).decode(bytes));
        assertThat(rejected).as("rejection").isNotNull();
        return rejected.reason();
    }

    private static byte[] randomPixels(int channels, int height, int width) {
        byte[] pixels = new byte[channels * height * width];
        new Random(channels * 31L + height * 7L + width).nextBytes(pixels);
        return pixels;
    }

    private static byte[] write(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("writer for " + format).isTrue();
        return out.toByteArray();
    }

    /** PNG signature and an IHDR chunk (8-bit grey) with a valid CRC, and no pixel data at all. */
    private static byte[] pngWithOnlyHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII));
        ihdr.putInt(width).putInt(height);
        ihdr.put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }
}
