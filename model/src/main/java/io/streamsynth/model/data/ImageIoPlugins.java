package io.streamsynth.model.data;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Makes sure ImageIO knows the TwelveMonkeys readers. ImageIO finds plugins by scanning the class
 * path of whichever class loader first touched it; in a Flink TaskManager that may be the system
 * class loader, which does not see the job jar's plugins. Registering them by hand is idempotent
 * (the registry keeps one provider per class), and TwelveMonkeys' JPEG provider orders itself
 * before the JDK's.
 */
final class ImageIoPlugins {
    private static volatile boolean registered;

    private ImageIoPlugins() {}

    static void ensureRegistered() {
        if (registered) {
            // ImageIO.scanForPlugins, called by anyone, registers them again
            dropOtherWebPReaders(IIORegistry.getDefaultInstance());
            return;
        }
        synchronized (ImageIoPlugins.class) {
            if (!registered) {
                IIORegistry registry = IIORegistry.getDefaultInstance();
                register(registry, new JPEGImageReaderSpi());
                register(registry, new WebPImageReaderSpi());
                dropOtherWebPReaders(registry);
                registered = true;
            }
        }
    }

    /**
     * A WebP writer on the class path (the product-shot renderer's webp-imageio) registers its own
     * libwebp reader too, and ImageIO would pick either one. Untrusted bytes are decoded by
     * TwelveMonkeys' pure-Java reader only, whose pixels the decoding corpus pins, never by native
     * code that happens to be on the class path. Runs with every new decoder: a few dozen providers
     * to look at, against the decoding of at least one image.
     */
    private static void dropOtherWebPReaders(IIORegistry registry) {
        List<ImageReaderSpi> others = new ArrayList<>();
        registry.getServiceProviders(ImageReaderSpi.class, true).forEachRemaining(spi -> {
            if (!(spi instanceof WebPImageReaderSpi) && Arrays.stream(spi.getFormatNames())
                    .anyMatch(name -> name.equalsIgnoreCase("webp"))) {
                others.add(spi);
            }
        });
        others.forEach(spi -> registry.deregisterServiceProvider(spi, ImageReaderSpi.class));
    }

    private static void register(IIORegistry registry, ImageReaderSpi provider) {
        if (registry.getServiceProviderByClass(provider.getClass()) == null) {
            registry.registerServiceProvider(provider, ImageReaderSpi.class);
        }
    }
}
