package io.streamsynth.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    private static final float GREY = 128 / 255f;

    @TempDir
    Path root;

    /**
     * cats/ holds a red and a blue 8x6 RGB PNG, dogs/ an 8x6 grey PNG of value 128 and a file of
     * text named like a PNG; "dogs" is created first so sorting, not creation order, must decide.
     */
    @BeforeEach
    void writeTwoClasses() throws IOException {
        Path dogs = Files.createDirectory(root.resolve("dogs"));
        Path cats = Files.createDirectory(root.resolve("cats"));
        png(dogs.resolve("grey.png"), uniform(BufferedImage.TYPE_BYTE_GRAY, 0x808080));
        Files.writeString(dogs.resolve("garbage.png"), "this is not an image");
        png(cats.resolve("b_blue.png"), uniform(BufferedImage.TYPE_INT_RGB, 0x0000ff));
        png(cats.resolve("a_red.png"), uniform(BufferedImage.TYPE_INT_RGB, 0xff0000));
        Files.writeString(root.resolve("README.txt"), "files beside the class folders are ignored");
    }

    @Test
    void classFoldersBecomeLabelsInNameOrderAndGarbageIsSkipped() throws IOException {
        ImageFolder.Result result = ImageFolder.read(root, 3, 4, 5);

        assertThat(result.classNames()).containsExactly("cats", "dogs");
        assertThat(result.images().labels()).containsExactly(0, 0, 1);
        assertThat(result.images().channels()).isEqualTo(3);
        assertThat(result.images().height()).isEqualTo(4);
        assertThat(result.images().width()).isEqualTo(5);
        assertThat(result.skipped()).singleElement().asString()
                .contains("garbage.png").contains("not_an_image");
    }

    @Test
    void threeChannelsArePlanarRgbAndGreyIsRepeated() throws IOException {
        ImageSet images = ImageFolder.read(root, 3, 4, 5).images();
        int plane = 4 * 5;

        assertPlanes(images.image(0), plane, 1f, 0f, 0f);
        assertPlanes(images.image(1), plane, 0f, 0f, 1f);
        assertPlanes(images.image(2), plane, GREY, GREY, GREY);
    }

    @Test
    void oneChannelIsLuminanceAndGreyStaysUnchanged() throws IOException {
        ImageSet images = ImageFolder.read(root, 1, 3, 3).images();

        // BT.601 luma rounded to a byte, as the job's decoder does: 0.299 * 255 = 76.2, 0.114 * 255 = 29.1
        assertThat(images.image(0)).containsOnly(new float[] {76 / 255f}, within(1e-6f));
        assertThat(images.image(1)).containsOnly(new float[] {29 / 255f}, within(1e-6f));
        assertThat(images.image(2)).containsOnly(GREY);
    }

    @Test
    void scalingInterpolatesBilinearly() throws IOException {
        Path ramp = Files.createDirectory(root.resolve("ramp"));
        BufferedImage blackWhite = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        blackWhite.setRGB(1, 0, 0xffffff);
        png(ramp.resolve("ramp.png"), blackWhite);

        ImageFolder.Result result = ImageFolder.read(root, 1, 1, 4);

        // Output centres map to source x = -0.25, 0.25, 0.75, 1.25; edges clamp.
        float[] scaled = result.images().image(3);
        assertThat(scaled[0]).isEqualTo(0f);
        assertThat(scaled[1]).isCloseTo(0.25f, within(0.01f));
        assertThat(scaled[2]).isCloseTo(0.75f, within(0.01f));
        assertThat(scaled[3]).isEqualTo(1f);
    }

    @Test
    void missingFolderAndUnsupportedChannelCountAreRejected() {
        assertThatThrownBy(() -> ImageFolder.read(root.resolve("nowhere"), 1, 2, 2))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nowhere");
        assertThatThrownBy(() -> ImageFolder.read(root, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertPlanes(float[] image, int plane, float r, float g, float b) {
        for (int i = 0; i < plane; i++) {
            assertThat(new float[] {image[i], image[plane + i], image[2 * plane + i]})
                    .as("pixel %d", i)
                    .containsExactly(r, g, b);
        }
    }

    private static BufferedImage uniform(int type, int rgb) {
        BufferedImage image = new BufferedImage(8, 6, type);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                if (type == BufferedImage.TYPE_BYTE_GRAY) {
                    // setRGB would route through the linear grey colour space and change the value.
                    image.getRaster().setSample(x, y, 0, rgb & 0xff);
                } else {
                    image.setRGB(x, y, rgb);
                }
            }
        }
        return image;
    }

    private static void png(Path file, BufferedImage image) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}
