package io.streamsynth.model.net;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What network to build and for which images: it travels in checkpoint metadata so a consumer can
 * rebuild the same network.
 *
 * @param kind          {@code cnn} (small CNN for small grey images), {@code resnet18} or {@code resnet50}
 *                      (torchvision's networks, see {@link ResNets}), or {@code torchscript} (a user's
 *                      TorchScript module, see {@link TorchScriptBackbone})
 * @param channels      input channels (1 grey, 3 RGB)
 * @param height        input height in pixels
 * @param width         input width in pixels
 * @param embeddingSize length of the L2-normalised output vector
 * @param baseFilters   filters of the cnn's first convolution (later ones double it); the ResNets ignore it
 * @param pooling       how the head pools the backbone's feature map: global average or GeM
 * @param cnnMaxPools   2x2 max poolings in the small CNN, one after each of its first n blocks (0..3);
 *                      {@value #CNN_MAX_POOLS} now, {@value #LEGACY_CNN_MAX_POOLS} in checkpoints written
 *                      before the field existed; the ResNets ignore it
 * @param scripted      what a {@code torchscript} backbone outputs (F, and whether it is a feature map our
 *                      pooling reduces), read from a probe forward pass; null for the built-in networks
 * @param backboneSha256 hex sha256 of the backbone file the network started from (torchvision weights, or
 *                      the TorchScript module, which a {@code torchscript} network always has); null when it
 *                      started from random weights. Part of the network's identity: a state restored with
 *                      another backbone file is incompatible
 */
public record Architecture(Kind kind, int channels, int height, int width, int embeddingSize, int baseFilters,
        Pooling pooling, int cnnMaxPools, ScriptedOutput scripted, String backboneSha256)
        implements java.io.Serializable {

    /**
     * The networks. The small from-scratch {@code resnet} of earlier versions is retired: no PyTorch user
     * could rebuild it without reading our code and no pretrained weights exist for it; {@code resnet18}
     * covers RGB images of any size with a structure torchvision users know.
     */
    public enum Kind {
        CNN(false), RESNET18(true), RESNET50(true), TORCHSCRIPT(false);

        final boolean torchvision;

        Kind(boolean torchvision) {
            this.torchvision = torchvision;
        }
    }

    /**
     * The output of a TorchScript backbone for one image: F features, either already pooled (the module
     * returns N x F) or as a map of F channels (N x F x h x w) that our head's pooling reduces.
     */
    public record ScriptedOutput(int features, boolean featureMap) implements java.io.Serializable {
        public ScriptedOutput {
            if (features < 1 || features > 65536) {
                throw new IllegalArgumentException("backbone features must be within 1..65536, got " + features);
            }
        }
    }

    public enum Pooling { AVG, GEM }

    /**
     * The head pooling a network gets when none is asked for: GeM for the small CNN, whose 3 x 3 x 4f
     * last feature map average pooling blurs (zero-shot Recall@1 of the quickstart 0.759-0.788 with GeM
     * against 0.749-0.751 with average pooling, seeds 1-3, docs/BENCHMARKS.md section 4); average
     * pooling for the ResNets and TorchScript backbones, as torchvision's networks and their pretrained
     * weights have it.
     */
    public static Pooling defaultPooling(Kind kind) {
        return kind == Kind.CNN ? Pooling.GEM : Pooling.AVG;
    }

    public static final int DEFAULT_EMBEDDING_SIZE = 128;
    /** {@code backbone_output} of a TorchScript backbone returning N x F x h x w. */
    public static final String FEATURE_MAP = "feature_map";
    /** {@code backbone_output} of a TorchScript backbone returning N x F. */
    public static final String POOLED = "features";
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
        if (kind.torchvision && channels != 3) {
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
        if ((kind == Kind.TORCHSCRIPT) != (scripted != null)) {
            throw new IllegalArgumentException(kind == Kind.TORCHSCRIPT
                    ? "a torchscript network needs its backbone's output (features, feature map) from a probe"
                    : "only a torchscript network has a probed backbone output");
        }
        if (kind == Kind.TORCHSCRIPT && backboneSha256 == null) {
            throw new IllegalArgumentException("a torchscript network needs the sha256 of its TorchScript file");
        }
        if (scripted != null && !scripted.featureMap() && pooling != Pooling.AVG) {
            throw new IllegalArgumentException("--pooling " + pooling.name().toLowerCase(Locale.ROOT) + " needs a "
                    + "TorchScript backbone that outputs a feature map (N x F x h x w); this one pools itself (N x F)");
        }
        if (backboneSha256 != null && !backboneSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("backbone sha256 must be 64 lower-case hex digits, got '"
                    + backboneSha256 + "'");
        }
        if (kind == Kind.CNN && backboneSha256 != null) {
            throw new IllegalArgumentException("the small cnn starts from random weights; it has no backbone file");
        }
    }

    /** A built-in network from random weights. */
    public Architecture(Kind kind, int channels, int height, int width, int embeddingSize, int baseFilters,
            Pooling pooling, int cnnMaxPools) {
        this(kind, channels, height, width, embeddingSize, baseFilters, pooling, cnnMaxPools, null, null);
    }

    /**
     * A network over a TorchScript backbone.
     *
     * @param output what the module returned for a probe input (see {@code TorchScriptBackbone})
     * @param sha256 hex sha256 of the module file
     */
    public static Architecture torchScript(int channels, int height, int width, int embeddingSize, Pooling pooling,
            ScriptedOutput output, String sha256) {
        return new Architecture(Kind.TORCHSCRIPT, channels, height, width, embeddingSize, 1, pooling,
                CNN_MAX_POOLS, output, sha256);
    }

    /**
     * Whether weights saved for {@code saved} fit this network: the same architecture, or one saved before
     * checkpoints recorded {@code backbone_sha256} (a resnet trained from a weights file then) that is
     * otherwise the same. A torchscript network always recorded its module's sha256.
     */
    public boolean accepts(Architecture saved) {
        return equals(saved) || (saved.backboneSha256 == null && backboneSha256 != null && kind != Kind.TORCHSCRIPT
                && withBackboneSha256(null).equals(saved));
    }

    /** The same network, started from the backbone file of this sha256 (null: random initialisation). */
    public Architecture withBackboneSha256(String sha256) {
        return new Architecture(kind, channels, height, width, embeddingSize, baseFilters, pooling, cnnMaxPools,
                scripted, sha256);
    }

    /**
     * The current network of a kind with global average pooling (the ResNets' default; the small CNN's default
     * is GeM, {@link #defaultPooling}), {@link #CNN_MAX_POOLS} poolings in the small CNN.
     */
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
        return new Architecture(kind, channels, height, width, embeddingSize, baseFilters, p, cnnMaxPools, scripted,
                backboneSha256);
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
            throw new IllegalArgumentException("architecture must be cnn, resnet18, resnet50 or torchscript, got '"
                    + name + "'");
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
        return kind.torchvision;
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
        if (scripted != null) {
            m.put("backbone_features", scripted.features());
            m.put("backbone_output", scripted.featureMap() ? FEATURE_MAP : POOLED);
        }
        if (backboneSha256 != null) {
            m.put("backbone_sha256", backboneSha256);
        }
        return m;
    }

    /**
     * Reads {@link #toMap()}; a map without {@code pooling} (older checkpoints) means average pooling,
     * one without {@code cnn_max_pools} a small CNN with two, one without {@code backbone_sha256} a
     * network that started from random weights (or from weights whose file was not recorded).
     */
    public static Architecture fromMap(Map<String, ?> m) {
        Object pooling = m.get("pooling");
        ScriptedOutput scripted = null;
        if (m.containsKey("backbone_features")) {
            Object output = m.get("backbone_output");
            if (!FEATURE_MAP.equals(output) && !POOLED.equals(output)) {
                throw new IllegalArgumentException("architecture field 'backbone_output' must be " + FEATURE_MAP
                        + " or " + POOLED + ", got " + output);
            }
            scripted = new ScriptedOutput(intOf(m, "backbone_features"), FEATURE_MAP.equals(output));
        }
        Object sha = m.get("backbone_sha256");
        return new Architecture(parseKind(String.valueOf(m.get("kind"))), intOf(m, "channels"), intOf(m, "height"),
                intOf(m, "width"), intOf(m, "embedding_size"), intOf(m, "base_filters"),
                pooling == null ? Pooling.AVG : parsePooling(String.valueOf(pooling)),
                m.containsKey("cnn_max_pools") ? intOf(m, "cnn_max_pools") : LEGACY_CNN_MAX_POOLS, scripted,
                sha == null ? null : String.valueOf(sha));
    }

    private static int intOf(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("architecture field '" + key + "' missing or not a number: " + v);
        }
        return n.intValue();
    }
}
