package io.streamsynth.model.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.EmbeddingNetworks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model card written next to exported weights: everything a PyTorch user needs to embed a query
 * the way the job embedded the catalog, without reading our code. Built from the checkpoint's
 * metadata; docs/python/rebuild_embedder.py reads it.
 *
 * <p>Fields: {@code architecture} (network, torchvision constructor, input shape, pooling, batch-norm
 * settings), {@code preprocessing} (the recipe from image bytes to the input tensor), {@code
 * normalisation} (of the output), {@code output}, {@code training} (methods and hyper-parameters, step),
 * {@code evaluation} (held-out figures of this version), {@code weights} (file, names, sha256).
 */
public final class ModelCard {
    public static final int CARD_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelCard() {}

    /**
     * @param weightsFileName the safetensors file's name, as the card refers to it
     * @return the card as a JSON-ready map
     */
    public static Map<String, Object> of(CheckpointMetadata metadata, String weightsFileName) {
        Architecture a = Architecture.fromMap(metadata.architecture());
        String kind = a.kind().name().toLowerCase(Locale.ROOT);
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("model_card_version", CARD_VERSION);
        card.put("name", "streamsynth " + metadata.catalog() + " v" + metadata.modelVersion());

        Map<String, Object> arch = new LinkedHashMap<>(metadata.architecture());
        arch.put("network", network(a));
        arch.put("input", Map.of("layout", "NCHW", "dtype", "float32",
                "shape", List.of("N", a.channels(), a.height(), a.width())));
        arch.put("batch_norm", a.kind() == Architecture.Kind.TORCHSCRIPT
                ? Map.of("training", "the module always ran in eval mode: its batch norms used and kept the file's "
                        + "running statistics")
                : Map.of("epsilon", 1e-5, "momentum", 0.1, "inference", "eval mode: running statistics"));
        card.put("architecture", arch);

        card.put("preprocessing", preprocessing(metadata, a));
        card.put("normalisation", Map.of("formula", "e / sqrt(sum(e^2) + eps)", "eps", (double) EmbeddingNetworks.NORM_EPSILON,
                "applied_to", "the output of fc"));
        card.put("output", Map.of("dimension", a.embeddingSize(), "dtype", "float32", "unit_norm", true,
                "similarity", "cosine = dot product"));

        Map<String, Object> training = new LinkedHashMap<>(metadata.hyperParameters());
        training.put("step", metadata.step());
        training.put("data", "Kafka images topic of catalog '" + metadata.catalog() + "', class-balanced P x K batches");
        training.put("methods", "synthesis 'ee': Embedding Expansion (Ko & Gu, CVPR 2020); 'symm': Symmetrical "
                + "Synthesis (Gu & Ko, AAAI 2020); both with hard negative pair mining");
        card.put("training", training);
        card.put("evaluation", metadata.evaluation() == null ? Map.of() : metadata.evaluation());
        card.put("weights", Map.of("file", weightsFileName, "format", "safetensors, float32, PyTorch state_dict names"
                + " (batch-norm num_batches_tracked left out)", "sha256", metadata.weightsSha256()));
        card.put("rebuild", "python3 docs/python/rebuild_embedder.py " + weightsFileName + " CARD.json"
                + (a.kind() == Architecture.Kind.TORCHSCRIPT ? " --backbone-torchscript BACKBONE.pt" : ""));
        return card;
    }

    private static String network(Architecture a) {
        String kind = a.kind().name().toLowerCase(Locale.ROOT);
        String gem = a.pooling() == Architecture.Pooling.GEM ? " with avgpool replaced by GeM (learnt p: avgpool.p)" : "";
        return switch (a.kind()) {
            case RESNET18, RESNET50 -> "torchvision.models." + kind + "(num_classes=" + a.embeddingSize() + ")" + gem;
            case CNN -> "small CNN: 3 x (conv 3x3 pad 1 no bias, batch norm, relu), 2x2 max pool after the first "
                    + a.cnnMaxPools() + " (cnn_max_pools), " + a.baseFilters() + "/" + 2 * a.baseFilters() + "/"
                    + 4 * a.baseFilters() + " filters, global "
                    + (gem.isEmpty() ? "average pooling" : "GeM pooling (learnt p: avgpool.p)")
                    + ", fc (see docs/python/rebuild_embedder.py, SmallCnn)";
            case TORCHSCRIPT -> "the TorchScript module of sha256 " + a.backboneSha256() + " (the job's "
                    + "--backbone-torchscript file; its parameters are in the weights under its own names, its buffers "
                    + "are the file's) giving " + a.scripted().features()
                    + (a.scripted().featureMap() ? " x h x w feature maps, then "
                            + (gem.isEmpty() ? "global average pooling" : "GeM (learnt p: avgpool.p)")
                            : " features") + ", then fc (Linear " + a.scripted().features() + " -> " + a.embeddingSize() + ")";
        };
    }

    /**
     * The checkpoint's own preprocessing record ({@link CheckpointMetadata#preprocessing()}) when it
     * has one, else the recipe of checkpoints written before it existed: decoded pixels divided by
     * 255, no resize, no mean/std.
     */
    private static Map<String, Object> preprocessing(CheckpointMetadata metadata, Architecture a) {
        if (!metadata.preprocessing().isEmpty()) {
            return metadata.preprocessing();
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("decode", a.channels() == 3 ? "PNG/JPEG to RGB, 8 bits per channel" : "PNG/JPEG to grey, 8 bits");
        p.put("resize", "none: images must be exactly " + a.width() + " x " + a.height() + " (width x height)");
        p.put("scale", "value / 255, giving [0, 1]");
        p.put("mean", a.channels() == 3 ? List.of(0.0, 0.0, 0.0) : List.of(0.0));
        p.put("std", a.channels() == 3 ? List.of(1.0, 1.0, 1.0) : List.of(1.0));
        p.put("channel_order", a.channels() == 3 ? "R, G, B" : "grey");
        return p;
    }

    public static byte[] toJson(Map<String, Object> card) {
        try {
            return MAPPER.writeValueAsBytes(card);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("model card could not be rendered", e);
        }
    }
}
