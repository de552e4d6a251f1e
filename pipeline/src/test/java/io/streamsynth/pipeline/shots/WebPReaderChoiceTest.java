package io.streamsynth.pipeline.shots;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageLimits;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageWriterSpi;
import org.junit.jupiter.api.Test;

/**
 * The shots' WebP writer (webp-imageio) brings a libwebp reader onto the class path too; the job's
 * decoder must still read every WebP with TwelveMonkeys, whose pixels the decoding corpus pins.
 */
class WebPReaderChoiceTest {
    @Test
    void onlyTwelveMonkeysReadsWebPOnceADecoderExists() {
        ImageIO.scanForPlugins();
        List<String> writers = new ArrayList<>();
        IIORegistry.getDefaultInstance().getServiceProviders(ImageWriterSpi.class, true)
                .forEachRemaining(spi -> writers.add(spi.getClass().getName()));
        assertThat(writers).as("the writer this test is about is on the class path")
                .contains("com.luciad.imageio.webp.WebPImageWriterSpi");

        new ImageDecoder(new ImageLimits(1024, 64, 64), 3, 0xffffff);

        List<String> readers = new ArrayList<>();
        for (var it = ImageIO.getImageReadersByFormatName("webp"); it.hasNext(); ) {
            ImageReader reader = it.next();
            readers.add(reader.getClass().getName());
        }
        assertThat(readers).isNotEmpty().allMatch(name -> name.startsWith("com.twelvemonkeys."));
    }
}
