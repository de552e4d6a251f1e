package io.streamsynth.operators.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.backbone.BackboneCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The value of a record on the compacted {@code catalogs} topic (key = catalog id), schema version 1: a
 * JSON object of a catalog's settings, each field named as its job flag with '_' for '-' (see the README,
 * "Catalog settings"). {@code schema_version}, {@code image_channels}, {@code image_resize},
 * {@code image_crop}, {@code architecture} and {@code embedding_size} are required (they fix what the model
 * sees and its shape); {@code catalog} is optional and, where given, must be the record's key
 * ({@link #decode(String, byte[], CatalogSettings)}); a field left out takes the job's value (image mean
 * and std: the channels' defaults when the channels differ from the job's); an unknown field is rejected,
 * so a misspelt one never passes unnoticed.
 *
 * <p>A record may name its own backbone file, a path or Flink file system URI every TaskManager can read:
 * {@code backbone_weights} (torchvision weights for {@code resnet18}/{@code resnet50}) or
 * {@code backbone_torchscript} (with {@code architecture} {@code torchscript}); the job's backbone file is
 * never inherited, since it fits the job's network only. The file is checked once, when the decoder takes the
 * record ({@link #checked}), and the facts of that check travel in the record from then on:
 * {@code backbone_sha256} and, for a module, {@code backbone_features} and {@code backbone_output}. A record
 * may carry them itself (to pin a file); the check refuses a file that disagrees. {@link #decode} reads the
 * facts from the record and touches no file.
 */
public final class CatalogSettingsJson {
    public static final int SCHEMA_VERSION = 1;

    static final String WEIGHTS = "backbone_weights";
    static final String TORCHSCRIPT = "backbone_torchscript";
    static final String SHA256 = "backbone_sha256";
    static final String FEATURES = "backbone_features";
    static final String OUTPUT = "backbone_output";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> REQUIRED = List.of("image_channels", "image_resize", "image_crop",
            "architecture", "embedding_size");
    private static final Set<String> FIELDS = Set.of("schema_version", "catalog", "image_channels", "image_resize",
            "image_crop", "image_mean", "image_std", "image_background", "augment", "store_quality", "architecture",
            "pooling", "embedding_size", "base_filters", "loss", "margin", "synthesis", "ee_points", "mining", "optimizer", "lr",
            "momentum", "weight_decay", "backbone_lr_factor", "freeze_batchnorm", "freeze_backbone_steps",
            "classes_per_batch", "samples_per_class", "publish_every_steps", "publish_interval",
            "promotion_tolerance", "min_refresh_interval", "held_out_share", WEIGHTS, TORCHSCRIPT, SHA256, FEATURES,
            OUTPUT);

    private CatalogSettingsJson() {}

    /**
     * The settings a record gives, over the job's for what it leaves out.
     *
     * @param value the record's value, UTF-8 JSON
     * @param job   the job's settings (its flags), for the fields the record leaves out
     * @throws InvalidSettingException naming the field ({@link InvalidSettingException#asField()}): not
     *                                 JSON, an unknown schema version, a missing or unknown field, a value of
     *                                 the wrong type or out of its range, or a broken rule between fields
     */
    public static CatalogSettings decode(byte[] value, CatalogSettings job) {
        return decode(parse(value), job, BackboneSource.RECORDED);
    }

    /**
     * A record as the decoder takes it: its settings, with its backbone file (if it names one) read and
     * checked against its network ({@link BackboneCheck}), and the value its catalog's events are stamped
     * with: the record itself, with the check's facts ({@code backbone_sha256}, and for a module
     * {@code backbone_features} and {@code backbone_output}) added when it names a file.
     *
     * @param key the record's key (the catalog id), or null when it had none
     * @throws InvalidSettingException as {@link #decode(String, byte[], CatalogSettings)}, or naming
     *                                 {@code backbone_weights} or {@code backbone_torchscript} when the file
     *                                 does not exist, cannot be read, is truncated, fits another network or
     *                                 breaks the TorchScript contract, and {@code backbone_sha256} or
     *                                 {@code backbone_features} when it disagrees with what the record says
     */
    public static Checked checked(String key, byte[] value, CatalogSettings job) {
        requireKey(key);
        JsonNode root = parse(value);
        // before the file is read: a record for another catalog costs no read
        requireCatalog(key, root);
        CatalogSettings settings = decode(root, job, BackboneSource.FILES);
        if (settings.backbone() == null) {
            return new Checked(settings, value);
        }
        ObjectNode stamped = ((ObjectNode) root).deepCopy();
        putFacts(stamped, settings.architecture());
        try {
            return new Checked(settings, JSON.writeValueAsBytes(stamped));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A record's settings with its backbone checked, and the value that stands for them downstream.
     *
     * @param settings the catalog's settings
     * @param stamped  the record's value with the facts of its backbone check ({@link #decode} reads them)
     */
    public record Checked(CatalogSettings settings, byte[] stamped) {}

    private static JsonNode parse(byte[] value) {
        JsonNode root;
        try {
            root = JSON.readTree(value == null ? new byte[0] : value);
        } catch (JsonProcessingException e) {
            throw new InvalidSettingException("value", "is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidSettingException("value", "is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSettingException("value", "must be a JSON object");
        }
        return root;
    }

    private static CatalogSettings decode(JsonNode root, CatalogSettings job, BackboneSource files) {
        if (!root.hasNonNull("schema_version")) {
            throw new InvalidSettingException("schema-version", "is required");
        }
        int version = integer(root, "schema_version");
        if (version != SCHEMA_VERSION) {
            throw new InvalidSettingException("schema-version", version + " is not supported; this job reads "
                    + SCHEMA_VERSION);
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String f = names.next();
            if (!FIELDS.contains(f)) {
                throw new InvalidSettingException(dashed(f), "is not a catalog setting (schema version "
                        + SCHEMA_VERSION + ")");
            }
        }
        for (String f : REQUIRED) {
            if (!root.hasNonNull(f)) {
                throw new InvalidSettingException(dashed(f), "is required");
            }
        }
        CatalogSettingsBuilder b = job.toBuilder();
        Reader r = new Reader(root);
        b.channels(integer(root, "image_channels"));
        b.resize(positive(root, "image_resize"));
        b.crop(positive(root, "image_crop"));
        r.doubles("image_mean", b::mean);
        r.doubles("image_std", b::std);
        r.text("image_background", c -> b.background(colour(c)));
        r.bool("augment", b::augment);
        r.integer("store_quality", b::storeQuality);
        String arch = text(root, "architecture");
        Architecture.Kind kind = parse("architecture", () -> Architecture.parseKind(arch));
        String file = backboneFile(root, kind);
        // a module's network is built over the file; until then the rest is checked under a built-in one
        b.architecture(kind == Architecture.Kind.TORCHSCRIPT ? Architecture.Kind.CNN : kind);
        // left out, the pooling is the record's network's default, not the job's: the defaults differ by network
        b.pooling(null);
        r.text("pooling", p -> b.pooling(parse("pooling", () -> Architecture.parsePooling(p))));
        b.embeddingSize(positive(root, "embedding_size"));
        r.positive("base_filters", b::baseFilters);
        r.text("loss", v -> b.training().loss(v));
        r.number("margin", v -> b.training().margin(v.floatValue()));
        r.text("synthesis", v -> b.training().synthesis(v));
        r.positive("ee_points", v -> b.training().eePoints(v));
        r.text("mining", v -> b.training().mining(v));
        r.text("optimizer", v -> b.training().optimizer(v));
        r.number("lr", v -> b.training().learningRate(v.floatValue()));
        r.number("momentum", v -> b.training().momentum(v.floatValue()));
        r.number("weight_decay", v -> b.training().weightDecay(v.floatValue()));
        r.number("backbone_lr_factor", v -> b.training().backboneLrFactor(v.floatValue()));
        r.bool("freeze_batchnorm", v -> b.training().freezeBatchNorm(v));
        r.integer("freeze_backbone_steps", v -> b.training().freezeBackboneSteps(v));
        r.integer("classes_per_batch", b::classesPerBatch);
        r.integer("samples_per_class", b::samplesPerClass);
        r.integer("publish_every_steps", b::publishEverySteps);
        r.number("publish_interval", s -> b.publishInterval(seconds("publish_interval", s)));
        r.number("promotion_tolerance", b::promotionTolerance);
        r.number("min_refresh_interval", s -> b.minRefreshInterval(seconds("min_refresh_interval", s)));
        r.number("held_out_share", b::heldOutShare);
        if (!root.has("min_refresh_interval") && root.has("publish_interval")) {
            // as with the flags: the refresh interval follows the publish interval unless given
            b.minRefreshInterval(null);
        }
        CatalogSettings base = build(b);
        if (file == null) {
            return base;
        }
        // checked last, once every other field is: a record wrong elsewhere costs no file read
        Architecture network = kind == Architecture.Kind.TORCHSCRIPT
                ? files.torchScript(root, file, base.image().channels(), base.image().crop(),
                        base.architecture().embeddingSize(), b.poolingFor(Architecture.Kind.TORCHSCRIPT))
                : files.weights(root, file, base.architecture());
        b.network(network, file);
        return build(b);
    }

    private static CatalogSettings build(CatalogSettingsBuilder b) {
        try {
            return b.build();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // the training settings name themselves ("mining must be paper or official, got 'x'")
            throw new InvalidSettingException("training", e.getMessage());
        }
    }

    /**
     * The backbone file a record names, after the rules between it and the architecture; null for none
     * (the job's file is not inherited: it fits the job's network).
     */
    private static String backboneFile(JsonNode root, Architecture.Kind kind) {
        String weights = root.hasNonNull(WEIGHTS) ? text(root, WEIGHTS) : null;
        String module = root.hasNonNull(TORCHSCRIPT) ? text(root, TORCHSCRIPT) : null;
        if (weights != null && module != null) {
            throw new InvalidSettingException(dashed(TORCHSCRIPT), "excludes " + WEIGHTS + ": a TorchScript module is "
                    + "a whole backbone, torchvision weights are for resnet18 and resnet50");
        }
        String name = kind.name().toLowerCase(Locale.ROOT);
        if (kind == Architecture.Kind.TORCHSCRIPT && module == null) {
            throw new InvalidSettingException("architecture", "torchscript needs its module: " + TORCHSCRIPT
                    + " (a path or URI every TaskManager can read)");
        }
        if (module != null && kind != Architecture.Kind.TORCHSCRIPT) {
            throw new InvalidSettingException(dashed(TORCHSCRIPT), "is the backbone of architecture torchscript, not "
                    + name);
        }
        if (weights != null && kind != Architecture.Kind.RESNET18 && kind != Architecture.Kind.RESNET50) {
            throw new InvalidSettingException(dashed(WEIGHTS), "need architecture resnet18 or resnet50 (torchvision "
                    + "weights), not " + name);
        }
        String file = weights != null ? weights : module;
        if (file == null) {
            for (String fact : List.of(SHA256, FEATURES, OUTPUT)) {
                if (root.hasNonNull(fact)) {
                    throw new InvalidSettingException(dashed(fact), "describes a backbone file; the record names none ("
                            + WEIGHTS + " or " + TORCHSCRIPT + ")");
                }
            }
            return null;
        }
        if (file.isBlank()) {
            throw new InvalidSettingException(dashed(weights != null ? WEIGHTS : TORCHSCRIPT), "is empty");
        }
        if (module == null && (root.hasNonNull(FEATURES) || root.hasNonNull(OUTPUT))) {
            throw new InvalidSettingException(dashed(root.hasNonNull(FEATURES) ? FEATURES : OUTPUT),
                    "describes a TorchScript module's output; torchvision weights have none");
        }
        return file;
    }

    /** The facts of a checked backbone file, as a record carries them. */
    private static void putFacts(ObjectNode o, Architecture a) {
        o.put(SHA256, a.backboneSha256());
        if (a.scripted() != null) {
            o.put(FEATURES, a.scripted().features());
            o.put(OUTPUT, a.scripted().featureMap() ? Architecture.FEATURE_MAP : Architecture.POOLED);
        }
    }

    /**
     * Where a record's backbone network comes from: the file, read and checked (the decoder, once per
     * record), or the facts of that check carried in the record (everything downstream, no file read).
     */
    private enum BackboneSource {
        FILES {
            @Override
            Architecture weights(JsonNode root, String file, Architecture network) {
                Architecture checked = check(WEIGHTS, () -> BackboneCheck.weights(network, file)).architecture();
                requireRecorded(root, file, checked);
                return checked;
            }

            @Override
            Architecture torchScript(JsonNode root, String file, int channels, int crop, int embeddingSize,
                    Architecture.Pooling pooling) {
                Architecture checked = check(TORCHSCRIPT,
                        () -> BackboneCheck.torchScript(file, channels, crop, embeddingSize, pooling)).architecture();
                requireRecorded(root, file, checked);
                return checked;
            }
        },
        RECORDED {
            @Override
            Architecture weights(JsonNode root, String file, Architecture network) {
                return parse(SHA256, () -> network.withBackboneSha256(sha256(root)));
            }

            @Override
            Architecture torchScript(JsonNode root, String file, int channels, int crop, int embeddingSize,
                    Architecture.Pooling pooling) {
                String sha = sha256(root);
                if (!root.hasNonNull(FEATURES) || !root.hasNonNull(OUTPUT)) {
                    throw new InvalidSettingException(dashed(root.hasNonNull(FEATURES) ? OUTPUT : FEATURES),
                            "is required with " + TORCHSCRIPT + " here: the decoder's check of the module adds it");
                }
                String output = text(root, OUTPUT);
                if (!Architecture.FEATURE_MAP.equals(output) && !Architecture.POOLED.equals(output)) {
                    throw new InvalidSettingException(dashed(OUTPUT), "must be " + Architecture.POOLED + " or "
                            + Architecture.FEATURE_MAP + ", got " + output);
                }
                Architecture.ScriptedOutput scripted = parse(FEATURES, () -> new Architecture.ScriptedOutput(
                        positive(root, FEATURES), Architecture.FEATURE_MAP.equals(output)));
                return parse(TORCHSCRIPT, () -> Architecture.torchScript(channels, crop, crop, embeddingSize, pooling,
                        scripted, sha));
            }
        };

        abstract Architecture weights(JsonNode root, String file, Architecture network);

        abstract Architecture torchScript(JsonNode root, String file, int channels, int crop, int embeddingSize,
                Architecture.Pooling pooling);

        private static String sha256(JsonNode root) {
            if (!root.hasNonNull(SHA256)) {
                throw new InvalidSettingException(dashed(SHA256), "is required with a backbone file here: the "
                        + "decoder's check of the file adds it");
            }
            return text(root, SHA256);
        }

        private static BackboneCheck.Checked check(String field, java.util.function.Supplier<BackboneCheck.Checked> c) {
            try {
                return c.get();
            } catch (InvalidSettingException e) {
                throw e;
            } catch (RuntimeException e) {
                // a missing or truncated file, a network it does not fit, a module that breaks the contract
                throw new InvalidSettingException(dashed(field), e.getMessage());
            }
        }

        /** What the record itself says of its file (a pinned digest, say) must hold for the file read. */
        private static void requireRecorded(JsonNode root, String file, Architecture checked) {
            if (root.hasNonNull(SHA256) && !text(root, SHA256).equals(checked.backboneSha256())) {
                throw new InvalidSettingException(dashed(SHA256), "is " + text(root, SHA256) + " but " + file
                        + " has sha256 " + checked.backboneSha256() + " (the file changed, or it is another one)");
            }
            if (checked.scripted() != null && root.hasNonNull(FEATURES)
                    && !root.get(FEATURES).equals(JSON.getNodeFactory().numberNode(checked.scripted().features()))) {
                throw new InvalidSettingException(dashed(FEATURES), "is " + root.get(FEATURES) + " but " + file
                        + " outputs " + checked.scripted().features() + " features");
            }
            String output = checked.scripted() == null ? null
                    : checked.scripted().featureMap() ? Architecture.FEATURE_MAP : Architecture.POOLED;
            if (output != null && root.hasNonNull(OUTPUT) && !output.equals(root.get(OUTPUT).asText())) {
                throw new InvalidSettingException(dashed(OUTPUT), "is " + root.get(OUTPUT) + " but " + file
                        + " outputs " + output);
            }
        }
    }

    /**
     * The settings a record of the catalogs topic gives its catalog, as {@link #decode}, after the checks
     * on the record's key: there must be one, and an optional {@code catalog} field must name it.
     *
     * @param key the record's key (the catalog id), or null when it had none
     * @throws InvalidSettingException as {@link #decode}, or naming {@code key} or {@code catalog}
     */
    public static CatalogSettings decode(String key, byte[] value, CatalogSettings job) {
        requireKey(key);
        CatalogSettings settings = decode(value, job);
        requireCatalog(key, parse(value));
        return settings;
    }

    private static void requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidSettingException("key", "is required: the record's key is the catalog it sets");
        }
    }

    private static void requireCatalog(String key, JsonNode root) {
        JsonNode named = root.get("catalog");
        if (named != null && !named.isNull() && !named.isTextual()) {
            throw new InvalidSettingException("catalog", "must be a string, got " + named);
        }
        if (named != null && !named.isNull() && !key.equals(named.textValue())) {
            throw new InvalidSettingException("catalog", "is " + named + " but the record's key is \"" + key + "\"");
        }
    }

    /**
     * The settings as a record value: every field, so the record alone says how the catalog trains; a
     * backbone file with the facts of its check ({@code backbone_sha256}, ...), as {@link #checked} stamps it.
     */
    public static byte[] encode(CatalogSettings s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema_version", SCHEMA_VERSION);
        ImageSpec i = s.image();
        o.put("image_channels", i.channels());
        o.put("image_resize", i.resize());
        o.put("image_crop", i.crop());
        ArrayNode mean = o.putArray("image_mean");
        i.mean().forEach(mean::add);
        ArrayNode std = o.putArray("image_std");
        i.std().forEach(std::add);
        o.put("image_background", String.format(Locale.ROOT, "#%06x", i.background()));
        o.put("augment", i.augment());
        o.put("store_quality", i.storeQuality());
        Architecture a = s.architecture();
        o.put("architecture", a.kind().name().toLowerCase(Locale.ROOT));
        o.put("pooling", a.pooling().name().toLowerCase(Locale.ROOT));
        o.put("embedding_size", a.embeddingSize());
        o.put("base_filters", a.baseFilters());
        TrainingConfig t = s.training();
        o.put("loss", t.loss());
        if (!Float.isNaN(t.margin())) {
            o.put("margin", t.margin());
        }
        o.put("synthesis", t.synthesis());
        o.put("ee_points", t.syntheticPoints());
        o.put("mining", t.mining());
        o.put("optimizer", t.optimizer());
        o.put("lr", t.learningRate());
        o.put("momentum", t.momentum());
        o.put("weight_decay", t.weightDecay());
        o.put("backbone_lr_factor", t.fineTuning().backboneLrFactor());
        o.put("freeze_batchnorm", t.fineTuning().freezeBatchNorm());
        o.put("freeze_backbone_steps", t.fineTuning().freezeBackboneSteps());
        o.put("classes_per_batch", s.classesPerBatch());
        o.put("samples_per_class", s.samplesPerClass());
        o.put("publish_every_steps", s.publishEverySteps());
        o.put("publish_interval", s.publishInterval().toMillis() / 1000.0);
        o.put("promotion_tolerance", s.promotion().tolerance());
        o.put("min_refresh_interval", s.promotion().minRefreshInterval().toMillis() / 1000.0);
        o.put("held_out_share", s.heldOutShare());
        if (s.backbone() != null) {
            o.put(a.kind() == Architecture.Kind.TORCHSCRIPT ? TORCHSCRIPT : WEIGHTS, s.backbone());
            putFacts(o, a);
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record value as text, for messages. */
    public static String text(byte[] value) {
        return value == null ? "null" : new String(value, StandardCharsets.UTF_8);
    }

    private static int colour(String text) {
        return parse("image_background", () -> ImageSpec.parseColour(text));
    }

    private static Duration seconds(String field, double s) {
        if (!(s >= 0) || s > 365 * 86_400.0) {
            throw new InvalidSettingException(dashed(field), "must be within 0 seconds and a year, got " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }

    private static <T> T parse(String field, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(dashed(field), "is wrong: " + e.getMessage());
        }
    }

    private static String dashed(String field) {
        return field.replace('_', '-');
    }

    private static int integer(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new InvalidSettingException(dashed(field), "must be a whole number, got " + n);
        }
        return n.intValue();
    }

    private static int positive(JsonNode root, String field) {
        int v = integer(root, field);
        if (v < 1) {
            throw new InvalidSettingException(dashed(field), "must be positive, got " + v);
        }
        return v;
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isTextual()) {
            throw new InvalidSettingException(dashed(field), "must be a string, got " + n);
        }
        return n.textValue();
    }

    /** Optional fields: absent or null leaves the job's value. */
    private record Reader(JsonNode root) {
        private boolean given(String field) {
            return root.hasNonNull(field);
        }

        void integer(String field, Consumer<Integer> to) {
            if (given(field)) {
                to.accept(CatalogSettingsJson.integer(root, field));
            }
        }

        void positive(String field, Consumer<Integer> to) {
            if (given(field)) {
                to.accept(CatalogSettingsJson.positive(root, field));
            }
        }

        void number(String field, Consumer<Double> to) {
            if (given(field)) {
                JsonNode n = root.get(field);
                if (!n.isNumber()) {
                    throw new InvalidSettingException(dashed(field), "must be a number, got " + n);
                }
                to.accept(n.doubleValue());
            }
        }

        void text(String field, Consumer<String> to) {
            if (given(field)) {
                to.accept(CatalogSettingsJson.text(root, field));
            }
        }

        void bool(String field, Consumer<Boolean> to) {
            if (given(field)) {
                JsonNode n = root.get(field);
                if (!n.isBoolean()) {
                    throw new InvalidSettingException(dashed(field), "must be true or false, got " + n);
                }
                to.accept(n.booleanValue());
            }
        }

        void doubles(String field, Consumer<List<Double>> to) {
            if (given(field)) {
                JsonNode n = root.get(field);
                List<Double> out = new ArrayList<>();
                if (n.isArray()) {
                    for (JsonNode e : n) {
                        if (!e.isNumber()) {
                            out = null;
                            break;
                        }
                        out.add(e.doubleValue());
                    }
                }
                if (!n.isArray() || out == null) {
                    throw new InvalidSettingException(dashed(field), "must be an array of numbers, got " + n);
                }
                to.accept(out);
            }
        }
    }
}
