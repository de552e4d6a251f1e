package io.streamsynth.bench.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.image.ImageSpec;
import org.junit.jupiter.api.Test;

class CatalogSpecTest {
    @Test
    void rgbSpecsTakeTheRgbDefaultsWithTheirSizes() {
        ImageSpec spec = CatalogSpec.parse("3:72/64").spec();

        assertThat(spec.channels()).isEqualTo(3);
        assertThat(spec.resize()).isEqualTo(72);
        assertThat(spec.crop()).isEqualTo(64);
        assertThat(spec.mean()).isEqualTo(ImageSpec.IMAGENET_MEAN);
        assertThat(spec.augment()).isTrue();
        assertThat(CatalogSpec.parse("1:28/28").spec()).isEqualTo(ImageSpec.defaultsFor(1));
        assertThat(CatalogSpec.parse(" 3:256/224 ").toString()).isEqualTo("3:256/224");
    }

    @Test
    void malformedSpecsNameTheFormat() {
        assertThatThrownBy(() -> CatalogSpec.parse("3x72")).hasMessageContaining("CHANNELS:RESIZE/CROP");
        assertThatThrownBy(() -> CatalogSpec.parse("3:a/64")).hasMessageContaining("CHANNELS:RESIZE/CROP");
        assertThatThrownBy(() -> CatalogSpec.parse("3:64/72")).hasMessageContaining("resize");
    }
}
