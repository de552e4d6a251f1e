package io.streamsynth.model.data;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
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
            return;
        }
        synchronized (ImageIoPlugins.class) {
            if (!registered) {
                IIORegistry registry = IIORegistry.getDefaultInstance();
                register(registry, new JPEGImageReaderSpi());
                register(registry, new WebPImageReaderSpi());
                registered = true;
            }
        }
    }

    private static void register(IIORegistry registry, ImageReaderSpi provider) {
        if (registry.getServiceProviderByClass(provider.getClass()) == null) {
            registry.registerServiceProvider(provider, ImageReaderSpi.class);
        }
    }
}
