package io.streamsynth.model.net;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What network to build and for which images: it travels in checkpoint metadata so a consumer can
 * rebuild the same network.
 *
 * @param kind          {@code cnn} (small CNN for small grey images), {@code resnet18} or {@code resnet50}
 *                      (torchvision's networks, see {@link ResNets})
 * @param channels      input channels (1 grey, 3 RGB)
 * @param height        input height in pixels
 * @param width         input width in pixels
 * @param embeddingSize length of the L2-normalised output vector
 * @param baseFilters   filters of the cnn's first convolution (later ones double it); the ResNets ignore it
 * @param pooling       how the head pools the backbone's feature map: global average or GeM
 * @param cnnMaxPools   2x2 max poolings in the small CNN, one after each of its first n blocks (0..3);
 *                      {@value #CNN_MAX_POOLS} now, {@value #LEGACY_CNN_MAX_POOLS} in checkpoints written
 *                      before the field existed; the ResNets ignore it
 */
public record Architecture(Kind kind, int channels, int height, int width, int embeddingSize, int baseFilters,
        Pooling pooling, int cnnMaxPools) implements java.io.Serializable {

    /**
     * The networks. The small from-scratch {@code resnet} of earlier versions is retired: no PyTorch user
     * could rebuild it without reading our code and no pretrained weights exist for it; {@code resnet18}
     * covers RGB images of any size with a structure torchvision users know.
     */
    public enum Kind { CNN, RESNET18, RESNET50 }

    public enum Pooling { AVG, GEM }

    public static final int DEFAULT_EMBEDDING_SIZE = 128;
    /**
     * A pooling after every block, as the plain PyTorch loop of docs/RESULTS.md ("Against a plain
     * PyTorch loop") has it: with two, zero-shot Recall@1 stayed 0.02-0.03 below that loop.
     */
    public static final int CNN_MAX_POOLS = 3;
    /** What the small CNN had before {@link #CNN_MAX_POOLS}; a checkpoint without the field means this. */
    public static final int LEGACY_CNN_MAX_POOLS = 2;

    public Architecture {
        if (kind == null) {
            throw new IllegalArgumentException("architecture kind is required (cnn, resnet18 or resnet50)");
        }
        if (pooling == null) {
            throw new IllegalArgumentException("pooling is required (avg or gem)");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (kind != Kind.CNN && channels != 3) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT)
                    + " takes RGB images (3 channels), got " + channels);
        }
        if (height < 8 || width < 8 || height > 1024 || width > 1024) {
            throw new IllegalArgumentException("image size must be within 8..1024 pixels, got " + height + "x" + width);
        }
        if (embeddingSize < 2 || embeddingSize > 4096) {
            throw new IllegalArgumentException("embedding size must be within 2..4096, got " + embeddingSize);
        }
        if (baseFilters < 1 || baseFilters > 512) {
            throw new IllegalArgumentException("base filters must be within 1..512, got " + baseFilters);
        }
        if (cnnMaxPools < 0 || cnnMaxPools > 3) {
            throw new IllegalArgumentException("cnn max poolings must be within 0..3, got " + cnnMaxPools);
        }
    }

    /** The current network of a kind: global average pooling, {@link #CNN_MAX_POOLS} poolings in the small CNN. */
    public Architecture(Kind kind, int channels, int height, int width, int embeddingSize, int baseFilters) {
        this(kind, channels, height, width, embeddingSize, baseFilters, Pooling.AVG, CNN_MAX_POOLS);
    }

    /** The current network of a kind with the given head pooling. */
    public Architecture(Kind kind, int channels, int height, int width, int embeddingSize, int baseFilters,
            Pooling pooling) {
        this(kind, channels, height, width, embeddingSize, baseFilters, pooling, CNN_MAX_POOLS);
    }

    /** Global average pooling and the given number of poolings in the small CNN. */
    public Architecture(Kind kind, int channels, int height, int width, int embeddingSize, int baseFilters,
            int cnnMaxPools) {
        this(kind, channels, height, width, embeddingSize, baseFilters, Pooling.AVG, cnnMaxPools);
    }

    public Architecture withPooling(Pooling p) {
        return new Architecture(kind, channels, height, width, embeddingSize, baseFilters, p, cnnMaxPools);
    }

    public static Kind parseKind(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("resnet")) {
            throw new IllegalArgumentException("architecture 'resnet' (the small from-scratch residual network) was "
                    + "retired; use resnet18, torchvision's structure, which also loads pretrained weights");
        }
        try {
            return Kind.valueOf(n.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture must be cnn, resnet18 or resnet50, got '" + name + "'");
        }
    }

    public static Pooling parsePooling(String name) {
        try {
            return Pooling.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("pooling must be avg or gem, got '" + name + "'");
        }
    }

    /** Whether this is one of torchvision's networks, whose pretrained weights can be loaded. */
    public boolean isTorchvision() {
        return kind != Kind.CNN;
    }

    public int pixelsPerImage() {
        return channels * height * width;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.name().toLowerCase(Locale.ROOT));
        m.put("channels", channels);
        m.put("height", height);
        m.put("width", width);
        m.put("embedding_size", embeddingSize);
        m.put("base_filters", baseFilters);
        m.put("pooling", pooling.name().toLowerCase(Locale.ROOT));
        m.put("cnn_max_pools", cnnMaxPools);
        return m;
    }

    /**
     * Reads {@link #toMap()}; a map without {@code pooling} (older checkpoints) means average pooling,
     * one without {@code cnn_max_pools} a small CNN with two.
     */
    public static Architecture fromMap(Map<String, ?> m) {
        Object pooling = m.get("pooling");
        return new Architecture(parseKind(String.valueOf(m.get("kind"))), intOf(m, "channels"), intOf(m, "height"),
                intOf(m, "width"), intOf(m, "embedding_size"), intOf(m, "base_filters"),
                pooling == null ? Pooling.AVG : parsePooling(String.valueOf(pooling)),
                m.containsKey("cnn_max_pools") ? intOf(m, "cnn_max_pools") : LEGACY_CNN_MAX_POOLS);
    }

    private static int intOf(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("architecture field '" + key + "' missing or not a number: " + v);
        }
        return n.intValue();
    }
}
