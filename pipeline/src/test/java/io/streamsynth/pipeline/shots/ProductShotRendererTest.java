package io.streamsynth.pipeline.shots;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageLimits;
import io.streamsynth.model.image.BilinearResize;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Every kind of generated shot decodes, through the job's decoder, to an upright picture of its
 * garment: inside the garment box, the decoded colours projected onto the backdrop-to-tint line give
 * back the source image scaled to the box (within the kind's tolerance), and the same image turned
 * by 90 degrees matches far worse, so a sideways shot cannot pass.
 */
class ProductShotRendererTest {
    private static final ImageDecoder DECODER = new ImageDecoder(new ImageLimits(1 << 22, 4096, 4096), 3, 0xffffff);
    private static final DecodedImage GARMENT = garment();

    /**
     * Mean absolute error of the recovered coverage allowed, in levels of 255: lossless formats none
     * but rounding; lossy ones a few levels, more where chroma subsampling meets a backdrop and tint
     * of close brightness (the projection divides by their distance). CMYK goes through a print
     * profile and back, which pulls saturated tints into the press's gamut: its colours shift (the
     * correlation below still holds the shape to the garment).
     */
    private static final Map<ShotKind, Double> TOLERANCE = new EnumMap<>(Map.of(ShotKind.PNG, 0.6,
            ShotKind.RGBA_PNG, 0.6, ShotKind.JPEG, 10.0, ShotKind.EXIF_6_JPEG, 10.0, ShotKind.EXIF_8_JPEG, 10.0,
            ShotKind.CMYK_JPEG, 24.0, ShotKind.WEBP, 10.0));

    @ParameterizedTest
    @EnumSource(ShotKind.class)
    void decodesUprightToTheGarmentScaledToItsBox(ShotKind kind) throws Exception {
        ProductShotRenderer renderer = new ProductShotRenderer(7, 40, 160, Set.of(kind));
        for (int index = 0; index < 6; index++) {
            ProductShot shot = renderer.render("test-" + index, "3", index, GARMENT);
            ShotLook look = shot.look();
            DecodedImage decoded = DECODER.decode(shot.bytes()).image();

            assertThat(shot.kind()).isEqualTo(kind);
            assertThat(decoded.width()).as("%s width", kind).isEqualTo(look.width());
            assertThat(decoded.height()).as("%s height", kind).isEqualTo(look.height());
            int backdrop = kind == ShotKind.RGBA_PNG ? 0xffffff : look.background();
            double[] seen = coverage(decoded, look, backdrop);
            double[] want = toDoubles(BilinearResize.resize(GARMENT, look.boxSide(), look.boxSide()));
            assertThat(meanAbsoluteError(seen, want)).as("%s shot %d: mean error in levels", kind, index)
                    .isLessThan(TOLERANCE.get(kind));
            double upright = correlation(seen, want);
            double turned = correlation(seen, turned(want, look.boxSide()));
            assertThat(upright).as("%s shot %d: correlation with the garment", kind, index).isGreaterThan(0.97);
            assertThat(turned).as("%s shot %d: correlation with the garment turned", kind, index)
                    .isLessThan(upright - 0.3);
            assertThat(pixel(decoded, 0, 0)).as("%s: backdrop in the corner", kind)
                    .satisfies(rgb -> assertClose(rgb, backdrop, kind == ShotKind.CMYK_JPEG ? 24 : 6));
        }
    }

    @Test
    void theSameSeedAndIndexGiveTheSameBytesAndOthersDiffer() {
        ProductShotRenderer one = ProductShotRenderer.withDefaults(11);
        ProductShotRenderer again = ProductShotRenderer.withDefaults(11);
        ProductShotRenderer other = ProductShotRenderer.withDefaults(12);

        for (int index = 0; index < 8; index++) {
            ProductShot a = one.render("n", "0", index, GARMENT);
            assertThat(again.render("n", "0", index, GARMENT).bytes()).isEqualTo(a.bytes());
            assertThat(other.render("n", "0", index, GARMENT).look()).isNotEqualTo(a.look());
        }
    }

    @Test
    void aCatalogMixesEveryKindSizeAndAspect() {
        ProductShotRenderer renderer = ProductShotRenderer.withDefaults(3);
        Set<ShotKind> kinds = EnumSet.noneOf(ShotKind.class);
        Set<String> aspects = new java.util.HashSet<>();
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (int index = 0; index < 120; index++) {
            ProductShot shot = renderer.render("n", "0", index, GARMENT);
            ShotLook look = shot.look();
            kinds.add(shot.kind());
            int shorter = Math.min(look.width(), look.height());
            double ratio = (double) look.width() / look.height();
            for (int[] aspect : ShotLook.ASPECTS) {
                // sides are whole pixels: 4:3 at a shorter side of 81 is 108 x 81, 3:2 at 81 is 121 x 81
                if (Math.abs(ratio - (double) aspect[0] / aspect[1]) < 0.02) {
                    aspects.add(aspect[0] + ":" + aspect[1]);
                }
            }
            smallest = Math.min(smallest, shorter);
            largest = Math.max(largest, shorter);
            assertThat(shorter).isBetween(ProductShotRenderer.DEFAULT_MIN_SIDE, ProductShotRenderer.DEFAULT_MAX_SIDE);
        }
        assertThat(kinds).containsExactlyInAnyOrder(ShotKind.values());
        assertThat(aspects).hasSize(ShotLook.ASPECTS.length);
        assertThat(largest - smallest).isGreaterThan(150);
    }

    /**
     * How much of the tint each box pixel shows, 0-255: its colour minus the backdrop, projected onto
     * tint minus backdrop (least squares over the three channels).
     */
    static double[] coverage(DecodedImage image, ShotLook look, int backdrop) {
        int side = look.boxSide();
        double[] out = new double[side * side];
        double[] axis = new double[3];
        double norm = 0;
        for (int c = 0; c < 3; c++) {
            axis[c] = ShotLook.channel(look.tint(), c) - ShotLook.channel(backdrop, c);
            norm += axis[c] * axis[c];
        }
        int plane = image.height() * image.width();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int at = (look.boxTop() + y) * image.width() + look.boxLeft() + x;
                double dot = 0;
                for (int c = 0; c < 3; c++) {
                    dot += ((image.pixels()[c * plane + at] & 0xff) - ShotLook.channel(backdrop, c)) * axis[c];
                }
                out[y * side + x] = 255 * dot / norm;
            }
        }
        return out;
    }

    /**
     * An asymmetric garment-like picture, bright on black: a shirt body with one long sleeve on the
     * left, a collar gap at the top and a textured gradient, so that each 90-degree turn differs.
     */
    private static DecodedImage garment() {
        byte[] p = new byte[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean body = x >= 8 && x < 22 && y >= 3 && y < 26 && !(y < 6 && x >= 13 && x < 17);
                boolean sleeve = x >= 2 && x < 8 && y >= 4 && y < 18;
                if (body || sleeve) {
                    p[y * 28 + x] = (byte) (90 + 5 * y + (x * 7 + y * 3) % 23);
                }
            }
        }
        return new DecodedImage(1, 28, 28, p);
    }

    private static double[] toDoubles(DecodedImage grey) {
        double[] out = new double[grey.pixels().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = grey.pixels()[i] & 0xff;
        }
        return out;
    }

    private static double[] turned(double[] square, int side) {
        double[] out = new double[square.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                out[x * side + (side - 1 - y)] = square[y * side + x];
            }
        }
        return out;
    }

    private static double meanAbsoluteError(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static double correlation(double[] a, double[] b) {
        double ma = java.util.Arrays.stream(a).average().orElseThrow();
        double mb = java.util.Arrays.stream(b).average().orElseThrow();
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static int pixel(DecodedImage image, int y, int x) {
        int plane = image.height() * image.width();
        int at = y * image.width() + x;
        return (image.pixels()[at] & 0xff) << 16 | (image.pixels()[plane + at] & 0xff) << 8
                | image.pixels()[2 * plane + at] & 0xff;
    }

    private static void assertClose(int rgb, int want, int tolerance) {
        for (int c = 0; c < 3; c++) {
            assertThat(ShotLook.channel(rgb, c)).as("channel %d of %06x against %06x", c, rgb, want)
                    .isCloseTo(ShotLook.channel(want, c), org.assertj.core.data.Offset.offset(tolerance));
        }
    }
}
