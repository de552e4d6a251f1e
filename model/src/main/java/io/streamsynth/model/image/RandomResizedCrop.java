package io.streamsynth.model.image;

import io.streamsynth.model.data.DecodedImage;
import java.util.Random;

/**
 * Training augmentation as both papers train (and torchvision's ImageNet recipe):
 * {@code RandomResizedCrop(side, scale=(0.08, 1.0), ratio=(3/4, 4/3))} then
 * {@code RandomHorizontalFlip(0.5)}, with torchvision 0.14's choice of the crop (up to ten tries of
 * a random area share and log-uniform aspect ratio, else the central crop clamped to the ratio
 * range). The random numbers come from the {@link Random} given, so a caller that derives it from
 * (seed, catalog, batch number) gets the same crops after a restore.
 */
public final class RandomResizedCrop {
    static final double MIN_SCALE = 0.08;
    static final double MAX_SCALE = 1.0;
    static final double MIN_RATIO = 3.0 / 4.0;
    static final double MAX_RATIO = 4.0 / 3.0;

    private RandomResizedCrop() {}

    /** One augmented {@code side x side} image of {@code src}; draws from {@code random}. */
    public static DecodedImage apply(DecodedImage src, int side, Random random) {
        int[] box = box(src.height(), src.width(), random);
        DecodedImage cropped = Crops.crop(src, box[0], box[1], box[2], box[3]);
        DecodedImage resized = BilinearResize.resize(cropped, side, side);
        return random.nextDouble() < 0.5 ? Crops.flipHorizontally(resized) : resized;
    }

    /** {top, left, rows, cols} of the crop, torchvision's {@code RandomResizedCrop.get_params}. */
    static int[] box(int height, int width, Random random) {
        double area = (double) height * width;
        double logMin = Math.log(MIN_RATIO);
        double logMax = Math.log(MAX_RATIO);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (MIN_SCALE + (MAX_SCALE - MIN_SCALE) * random.nextDouble());
            double ratio = Math.exp(logMin + (logMax - logMin) * random.nextDouble());
            int w = (int) Math.rint(Math.sqrt(target * ratio));
            int h = (int) Math.rint(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new int[] {top, left, h, w};
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < MIN_RATIO) {
            w = width;
            h = (int) Math.rint(w / MIN_RATIO);
        } else if (inRatio > MAX_RATIO) {
            h = height;
            w = (int) Math.rint(h * MAX_RATIO);
        } else {
            w = width;
            h = height;
        }
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }
}
