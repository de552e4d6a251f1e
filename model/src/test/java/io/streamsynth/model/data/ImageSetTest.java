package io.streamsynth.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageSetTest {

    /** Three 1x1x2 images whose pixels encode their position: image i holds (i/10, i/10 + 0.05). */
    private static ImageSet threeImages() {
        return new ImageSet(1, 1, 2, new float[] {0f, 0.05f, 0.1f, 0.15f, 0.2f, 0.25f}, new int[] {4, 8, 4});
    }

    @Test
    void imageReturnsACopyOfOneImage() {
        ImageSet set = threeImages();

        float[] second = set.image(1);
        second[0] = 0.9f;

        assertThat(second).containsExactly(0.9f, 0.15f);
        assertThat(set.image(1)).containsExactly(0.1f, 0.15f);
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.imageLength()).isEqualTo(2);
    }

    @Test
    void subsetPicksImagesAndLabelsInTheGivenOrder() {
        ImageSet picked = threeImages().subset(new int[] {2, 0, 2});

        assertThat(picked.pixels()).containsExactly(0.2f, 0.25f, 0f, 0.05f, 0.2f, 0.25f);
        assertThat(picked.labels()).containsExactly(4, 4, 4);
    }

    @Test
    void filterClassesKeepsOriginalLabelValuesAndOrder() {
        ImageSet kept = threeImages().filterClasses(Set.of(4, 99));

        assertThat(kept.labels()).containsExactly(4, 4);
        assertThat(kept.pixels()).containsExactly(0f, 0.05f, 0.2f, 0.25f);
        assertThat(threeImages().filterClasses(Set.of(5)).size()).isZero();
    }

    @Test
    void pixelCountMustMatchLabelsTimesImageShape() {
        assertThatThrownBy(() -> new ImageSet(1, 2, 2, new float[7], new int[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 labels of 1x2x2 images need 8 pixel values, got 7");
    }

    @Test
    void pixelsOutsideUnitRangeOrNaNAreRejected() {
        assertThatThrownBy(() -> new ImageSet(1, 1, 2, new float[] {0f, 1.5f}, new int[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5 at offset 1");
        assertThatThrownBy(() -> new ImageSet(1, 1, 1, new float[] {Float.NaN}, new int[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nonPositiveShapeIsRejected() {
        assertThatThrownBy(() -> new ImageSet(0, 1, 1, new float[0], new int[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels=0");
    }

    @Test
    void indexOutsideTheSetIsRejected() {
        assertThatThrownBy(() -> threeImages().image(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> threeImages().subset(new int[] {-1})).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
