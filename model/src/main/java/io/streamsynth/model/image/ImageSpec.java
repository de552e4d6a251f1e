package io.streamsynth.model.image;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a catalog's images go through between the decoder and the network: part of the model's
 * contract, written into every checkpoint ({@link #toMap()}) so that a query can be embedded the
 * same way outside the JVM. The recipe, in torchvision terms (see {@link #RECIPE}):
 *
 * <ul>
 *   <li>decode, composite alpha onto {@code background}, convert to {@code channels} (grey to RGB by
 *       repetition, RGB to grey by ITU-R BT.601 luma);
 *   <li>store: {@code Resize(resize)} (shorter side to S, bilinear, no antialias, as torchvision
 *       does on uint8 tensors), keeping the S x S square that holds the later center crop exactly;
 *   <li>embed: {@code CenterCrop(crop)}, then {@code Normalize(mean, std)} on values in [0, 1];
 *   <li>train ({@code augment}): {@code RandomResizedCrop(crop)} of the stored square (scale 0.08-1,
 *       ratio 3/4-4/3) and {@code RandomHorizontalFlip()}, then the same normalisation.
 * </ul>
 *
 * @param channels     1 (grey) or 3 (RGB): what every image is converted to
 * @param resize       S, pixels of the shorter side after resizing; at least {@code crop}
 * @param crop         C, side of the square the network sees (the architecture's height and width)
 * @param mean         per-channel mean subtracted from values in [0, 1], {@code channels} entries
 * @param std          per-channel standard deviation divided by, positive, {@code channels} entries
 * @param background   0xRRGGBB that transparent pixels are composited onto
 * @param augment      whether training applies the random resized crop and flip
 * @param storeQuality how the stored S x S image is kept: 0 raw bytes (lossless), 1-100 a JPEG of
 *                     that quality (photos: about 15-25 KB at S = 256 instead of 192 KiB raw)
 */
public record ImageSpec(int channels, int resize, int crop, List<Double> mean, List<Double> std, int background,
        boolean augment, int storeQuality) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** ImageNet's per-channel statistics, as torchvision's pretrained models expect. */
    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);
    public static final int WHITE = 0xffffff;
    public static final int DEFAULT_RGB_QUALITY = 90;

    /** The recipe in words, written into checkpoints next to the numbers. */
    public static final String RECIPE = "decode (EXIF orientation applied, alpha composited onto background, "
            + "grey repeated to RGB or RGB to grey by BT.601 luma 0.299R+0.587G+0.114B rounded); "
            + "resize the shorter side to resize px, longer side int(resize*long/short), bilinear without "
            + "antialias (torch interpolate align_corners=False on float32, rounded to uint8 half to even), "
            + "identity when the size already matches; center crop crop x crop at top=round((h-crop)/2), "
            + "left=round((w-crop)/2) (Python round, half to even); x/255, then (x-mean[c])/std[c]";

    public ImageSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image channels must be 1 or 3, got " + channels);
        }
        if (crop < 1 || crop > 1024) {
            throw new IllegalArgumentException("crop must be within 1..1024 pixels, got " + crop);
        }
        if (resize < crop || resize > 2048) {
            throw new IllegalArgumentException("resize must be within crop (" + crop + ")..2048 pixels, got " + resize);
        }
        mean = perChannel("mean", mean, channels);
        std = perChannel("std", std, channels);
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + std);
            }
        }
        if (background < 0 || background > 0xffffff) {
            throw new IllegalArgumentException("background must be an RGB value 0x000000..0xffffff, got " + background);
        }
        if (storeQuality < 0 || storeQuality > 100) {
            throw new IllegalArgumentException("store quality must be 0 (raw) or 1..100 (JPEG), got " + storeQuality);
        }
    }

    /**
     * Defaults by channels: grey keeps the Fashion-MNIST contract (28, 28, mean 0, std 1, no
     * augmentation, raw storage: exactly the pixels as decoded); RGB takes torchvision's ImageNet
     * recipe (256, 224, ImageNet mean/std, augmentation, JPEG storage at quality 90).
     */
    public static ImageSpec defaultsFor(int channels) {
        if (channels == 1) {
            return new ImageSpec(1, 28, 28, List.of(0.0), List.of(1.0), WHITE, false, 0);
        }
        return new ImageSpec(channels, 256, 224, IMAGENET_MEAN, IMAGENET_STD, WHITE, true, DEFAULT_RGB_QUALITY);
    }

    /**
     * Images of {@code side x side} passed through as they are: resize and crop to that side, mean
     * 0, std 1 (values x / 255), no augmentation, raw storage. What the job did before
     * preprocessing existed, and what a checkpoint without a {@code preprocessing} entry means.
     */
    public static ImageSpec unchanged(int channels, int side) {
        return new ImageSpec(channels, side, side, channels == 1 ? List.of(0.0) : List.of(0.0, 0.0, 0.0),
                channels == 1 ? List.of(1.0) : List.of(1.0, 1.0, 1.0), WHITE, false, 0);
    }

    /** The same spec with another resize and crop. */
    public ImageSpec withSizes(int newResize, int newCrop) {
        return new ImageSpec(channels, newResize, newCrop, mean, std, background, augment, storeQuality);
    }

    /** Values of one stored image: channels x resize x resize. */
    public int storedPixels() {
        return channels * resize * resize;
    }

    /** Values of one network input: channels x crop x crop. */
    public int inputPixels() {
        return channels * crop * crop;
    }

    /** Parses {@code #rrggbb} or {@code rrggbb}. */
    public static int parseColour(String text) {
        String hex = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (hex.startsWith("#")) {
            hex = hex.substring(1);
        }
        if (!hex.matches("[0-9a-f]{6}")) {
            throw new IllegalArgumentException("colour must be #rrggbb, got '" + text + "'");
        }
        return Integer.parseInt(hex, 16);
    }

    /** The checkpoint's {@code preprocessing} entry. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channels", channels);
        m.put("resize", resize);
        m.put("crop", crop);
        m.put("mean", mean);
        m.put("std", std);
        m.put("background", String.format(Locale.ROOT, "#%06x", background));
        m.put("interpolation", "bilinear, antialias=False");
        m.put("train_augmentation", augment
                ? "RandomResizedCrop(crop, scale=(0.08, 1.0), ratio=(3/4, 4/3)) of the stored resize x resize square, "
                        + "RandomHorizontalFlip(0.5)"
                : "none");
        m.put("store_quality", storeQuality);
        m.put("recipe", RECIPE);
        return m;
    }

    /** Reads {@link #toMap()} back (numbers of any width, as JSON gives them). */
    public static ImageSpec fromMap(Map<String, ?> m) {
        Object augmentation = m.get("train_augmentation");
        return new ImageSpec(intOf(m, "channels"), intOf(m, "resize"), intOf(m, "crop"), doubles(m, "mean"),
                doubles(m, "std"), parseColour(String.valueOf(m.get("background"))),
                augmentation != null && !"none".equals(augmentation), intOf(m, "store_quality"));
    }

    private static List<Double> perChannel(String name, List<Double> values, int channels) {
        if (values == null || values.size() != channels) {
            throw new IllegalArgumentException(name + " needs " + channels + " value(s), one per channel, got " + values);
        }
        for (Double v : values) {
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException(name + " values must be finite numbers, got " + values);
            }
        }
        return List.copyOf(values);
    }

    private static int intOf(Map<String, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("preprocessing field '" + key + "' missing or not a number");
        }
        return n.intValue();
    }

    private static List<Double> doubles(Map<String, ?> m, String key) {
        if (!(m.get(key) instanceof List<?> list)) {
            throw new IllegalArgumentException("preprocessing field '" + key + "' missing or not a list");
        }
        return list.stream().map(v -> v instanceof Number n ? n.doubleValue() : Double.NaN).toList();
    }
}
