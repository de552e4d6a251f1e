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
 * Built-in networks only ({@code cnn}, {@code resnet18}, {@code resnet50}, without backbone files): a
 * backbone file is checked at the job's start-up, which a record arriving later cannot have.
 */
public final class CatalogSettingsJson {
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> REQUIRED = List.of("image_channels", "image_resize", "image_crop",
            "architecture", "embedding_size");
    private static final Set<String> FIELDS = Set.of("schema_version", "catalog", "image_channels", "image_resize",
            "image_crop", "image_mean", "image_std", "image_background", "augment", "store_quality", "architecture",
            "pooling", "embedding_size", "base_filters", "loss", "margin", "synthesis", "ee_points", "mining", "optimizer", "lr",
            "momentum", "weight_decay", "backbone_lr_factor", "freeze_batchnorm", "freeze_backbone_steps",
            "classes_per_batch", "samples_per_class", "publish_every_steps", "publish_interval",
            "promotion_tolerance", "min_refresh_interval", "held_out_share");

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
        b.architecture(kind(arch));
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
     * The settings a record of the catalogs topic gives its catalog, as {@link #decode}, after the checks
     * on the record's key: there must be one, and an optional {@code catalog} field must name it.
     *
     * @param key the record's key (the catalog id), or null when it had none
     * @throws InvalidSettingException as {@link #decode}, or naming {@code key} or {@code catalog}
     */
    public static CatalogSettings decode(String key, byte[] value, CatalogSettings job) {
        if (key == null || key.isEmpty()) {
            throw new InvalidSettingException("key", "is required: the record's key is the catalog it sets");
        }
        CatalogSettings settings = decode(value, job);
        JsonNode named = tree(value).get("catalog");
        if (named != null && !named.isNull() && !named.isTextual()) {
            throw new InvalidSettingException("catalog", "must be a string, got " + named);
        }
        if (named != null && !named.isNull() && !key.equals(named.textValue())) {
            throw new InvalidSettingException("catalog", "is " + named + " but the record's key is \"" + key + "\"");
        }
        return settings;
    }

    private static JsonNode tree(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new InvalidSettingException("value", "is not JSON: " + e.getMessage());
        }
    }

    /** The settings as a record value: every field, so the record alone says how the catalog trains. */
    public static byte[] encode(CatalogSettings s) {
        if (s.backbone() != null) {
            throw new IllegalArgumentException("a catalog with a backbone file has no catalogs-topic record: the "
                    + "file is checked at the job's start-up");
        }
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

    private static Architecture.Kind kind(String name) {
        Architecture.Kind k = parse("architecture", () -> Architecture.parseKind(name));
        if (k == Architecture.Kind.TORCHSCRIPT) {
            throw new InvalidSettingException("architecture", "torchscript needs a module checked at the job's "
                    + "start-up (--backbone-torchscript); a catalogs record takes cnn, resnet18 or resnet50");
        }
        return k;
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
