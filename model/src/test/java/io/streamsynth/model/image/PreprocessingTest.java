package io.streamsynth.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.data.DecodedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

    @Test
    void storedSquareHoldsExactlyTheCenterCropOfTheWholeResizedImage() {
        Random random = new Random(1);
        for (int trial = 0; trial < 40; trial++) {
            int h = 5 + random.nextInt(90);
            int w = 5 + random.nextInt(90);
            int crop = 8 + random.nextInt(20);
            int resize = crop + random.nextInt(15);
            byte[] pixels = new byte[3 * h * w];
            random.nextBytes(pixels);
            DecodedImage image = new DecodedImage(3, h, w, pixels);
            Preprocessing p = new Preprocessing(ImageSpec.defaultsFor(3).withSizes(resize, crop));

            int[] size = BilinearResize.shorterSideTo(h, w, resize);
            DecodedImage whole = BilinearResize.resize(image, size[0], size[1]);

            assertThat(p.forEmbedding(p.toSquare(image)).pixels()).as("%dx%d to %d/%d", h, w, resize, crop)
                    .isEqualTo(Crops.center(whole, crop).pixels());
        }
    }

    @Test
    void longStripIsResizedOnlyWhereTheSquareNeedsIt() {
        DecodedImage strip = new DecodedImage(1, 10, 10000, new byte[100000]);
        Preprocessing p = new Preprocessing(new ImageSpec(1, 256, 224, List.of(0.0), List.of(1.0), 0, false, 0));

        DecodedImage square = p.toSquare(strip);

        // the whole resized strip would be 256 x 256000 pixels
        assertThat(square.height()).isEqualTo(256);
        assertThat(square.width()).isEqualTo(256);
    }

    @Test
    void sameSizeIsUnchangedAndFashionDefaultsKeepThePixels() {
        byte[] pixels = new byte[28 * 28];
        new Random(2).nextBytes(pixels);
        Preprocessing fashion = new Preprocessing(ImageSpec.defaultsFor(1));

        DecodedImage square = fashion.toSquare(new DecodedImage(1, 28, 28, pixels));
        float[] values = new float[28 * 28];
        fashion.normalize(fashion.forEmbedding(square), values, 0);

        assertThat(square.pixels()).isEqualTo(pixels);
        assertThat(values[5]).isEqualTo((pixels[5] & 0xff) / 255f);
        assertThat(fashion.store(new DecodedImage(1, 28, 28, pixels))).isEqualTo(pixels);
    }

    @Test
    void bilinearUpscaleOfTwoPixelsFollowsPyTorchsHalfPixelCentres() {
        DecodedImage two = new DecodedImage(1, 1, 2, new byte[] {0, 100});

        DecodedImage four = BilinearResize.resize(two, 1, 4);

        // sources (x + 0.5) / 2 - 0.5 = 0 (clamped), 0.25, 0.75, 1.25 (clamped to the last pixel)
        assertThat(four.pixels()).containsExactly(0, 25, 75, 100);
    }

    @Test
    void centerOffsetRoundsHalfToEvenLikePython() {
        assertThat(Crops.centerOffset(257, 224)).isEqualTo(16); // 16.5
        assertThat(Crops.centerOffset(259, 224)).isEqualTo(18); // 17.5
        assertThat(Crops.centerOffset(256, 224)).isEqualTo(16);
    }

    @Test
    void trainingCropsAreReproducibleFromTheRandomSourceAndVary() {
        byte[] pixels = new byte[3 * 64 * 64];
        new Random(3).nextBytes(pixels);
        DecodedImage square = new DecodedImage(3, 64, 64, pixels);
        Preprocessing p = new Preprocessing(ImageSpec.defaultsFor(3).withSizes(64, 48));

        DecodedImage a = p.forTraining(square, new Random(9));
        DecodedImage b = p.forTraining(square, new Random(9));
        DecodedImage c = p.forTraining(square, new Random(10));

        assertThat(a.height()).isEqualTo(48);
        assertThat(a.width()).isEqualTo(48);
        assertThat(a.pixels()).isEqualTo(b.pixels());
        assertThat(a.pixels()).isNotEqualTo(c.pixels());
    }

    @Test
    void randomResizedCropBoxesStayInsideWithinTheScaleAndRatioRange() {
        Random random = new Random(4);
        int flipped = 0;
        for (int i = 0; i < 500; i++) {
            int[] box = RandomResizedCrop.box(256, 256, random);
            assertThat(box[0]).isBetween(0, 256 - box[2]);
            assertThat(box[1]).isBetween(0, 256 - box[3]);
            double share = (double) box[2] * box[3] / (256 * 256);
            assertThat(share).isBetween(0.07, 1.0);
        }
        // a left-to-right ramp stays increasing under any crop and resize, and decreases when flipped
        byte[] ramp = new byte[16 * 16];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (byte) (i % 16 * 15);
        }
        DecodedImage image = new DecodedImage(1, 16, 16, ramp);
        for (int i = 0; i < 400; i++) {
            DecodedImage out = RandomResizedCrop.apply(image, 8, new Random(i));
            if ((out.pixels()[0] & 0xff) > (out.pixels()[7] & 0xff)) {
                flipped++;
            }
        }
        assertThat(flipped).as("flipped of 400").isBetween(160, 240);
    }

    @Test
    void storedJpegIsCompactAndCloseToTheSquare() {
        byte[] pixels = new byte[3 * 256 * 256];
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                pixels[y * 256 + x] = (byte) x;
                pixels[65536 + y * 256 + x] = (byte) y;
                pixels[131072 + y * 256 + x] = (byte) ((x + y) / 2);
            }
        }
        DecodedImage square = new DecodedImage(3, 256, 256, pixels);

        byte[] stored = StoredImage.encode(square, 90);
        DecodedImage back = StoredImage.decode(stored, 3, 256, 256);

        assertThat(stored.length).isLessThan(30_000);
        int worst = 0;
        for (int i = 0; i < pixels.length; i++) {
            worst = Math.max(worst, Math.abs((pixels[i] & 0xff) - (back.pixels()[i] & 0xff)));
        }
        assertThat(worst).isLessThanOrEqualTo(8);
        assertThat(StoredImage.decode(StoredImage.encode(square, 0), 3, 256, 256).pixels()).isEqualTo(pixels);
    }

    @Test
    void specRejectsWhatCannotWork() {
        assertThatThrownBy(() -> ImageSpec.defaultsFor(3).withSizes(200, 224)).hasMessageContaining("resize");
        assertThatThrownBy(() -> new ImageSpec(3, 256, 224, List.of(0.5), ImageSpec.IMAGENET_STD, 0, true, 90))
                .hasMessageContaining("mean");
        assertThatThrownBy(() -> new ImageSpec(3, 256, 224, ImageSpec.IMAGENET_MEAN, List.of(1.0, 0.0, 1.0), 0, true,
                90)).hasMessageContaining("std");
        assertThatThrownBy(() -> ImageSpec.parseColour("#12345")).hasMessageContaining("#rrggbb");
        assertThat(ImageSpec.fromMap(ImageSpec.defaultsFor(3).toMap())).isEqualTo(ImageSpec.defaultsFor(3));
        assertThat(ImageSpec.fromMap(ImageSpec.defaultsFor(1).toMap())).isEqualTo(ImageSpec.defaultsFor(1));
    }
}
