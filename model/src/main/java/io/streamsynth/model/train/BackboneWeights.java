package io.streamsynth.model.train;

import ai.djl.nn.Parameter;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.EmbeddingNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pretrained backbone weights: a torchvision {@code state_dict} saved as safetensors (F32, F16 or
 * BF16), for example ImageNet weights converted with the README's few lines of Python.
 *
 * <p>Every backbone parameter of the network must be in the file with its shape, and nothing else
 * may be, except torchvision's ImageNet classifier {@code fc.*}, which our head replaces (it is
 * skipped with a note). Anything else stops with a
 * message naming the tensors, so a file for another architecture never half-loads.
 */
public final class BackboneWeights {
    /** Listed per problem in an error message; a file for another network would otherwise flood it. */
    private static final int SHOWN = 8;

    private final String source;
    private final Map<String, Tensor> tensors;
    private final String sha256;

    private BackboneWeights(String source, Map<String, Tensor> tensors, String sha256) {
        this.source = source;
        this.tensors = tensors;
        this.sha256 = sha256;
    }

    /**
     * Reads a safetensors file.
     *
     * @throws IllegalArgumentException when the file does not exist, cannot be read or is not a
     *     well-formed safetensors file (a truncated download, say), naming the file
     */
    public static BackboneWeights read(Path file) {
        try {
            return of(BackboneFile.read(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^backbone file", "backbone weights"), e);
        }
    }

    /**
     * Reads the bytes of a safetensors file someone else fetched (a Flink file system, say).
     *
     * @throws IllegalArgumentException when they are not a well-formed safetensors file, naming its source
     */
    public static BackboneWeights of(BackboneFile file) {
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file.bytes());
        } catch (IllegalArgumentException e) {
            String hint = e.getMessage().contains("'I64'")
                    ? " (keep only the floating-point tensors, e.g. drop num_batches_tracked, as the README's conversion does)"
                    : " (truncated, or another format?)";
            throw new IllegalArgumentException("backbone weights " + file.source() + " are not a valid safetensors file"
                    + hint + ": " + e.getMessage(), e);
        }
        return new BackboneWeights(file.source(), contents.tensors(), file.sha256());
    }

    /** Hex sha256 of the file's bytes, for checkpoint metadata. */
    public String sha256() {
        return sha256;
    }

    /** The path or URI it was read from. */
    public String source() {
        return source;
    }

    /**
     * Checks the file against {@code model}'s backbone and copies it in; the head keeps its
     * initialisation.
     *
     * @return notes for the log (what was skipped)
     * @throws IllegalArgumentException naming missing, unexpected and mis-shaped tensors
     */
    public List<String> applyTo(EmbeddingModel model) {
        Map<String, Tensor> backbone = matching(model);
        model.importSome(backbone);
        List<String> notes = new ArrayList<>();
        List<String> classifier = tensors.keySet().stream().filter(BackboneWeights::isClassifier).toList();
        if (!classifier.isEmpty()) {
            notes.add("backbone weights " + source + ": ignored the classifier " + classifier
                    + " (our embedding head replaces it)");
        }
        return notes;
    }

    /**
     * The tensors that go into {@code model}'s backbone, after checking names and shapes.
     *
     * @throws IllegalArgumentException naming missing, unexpected and mis-shaped tensors
     */
    Map<String, Tensor> matching(EmbeddingModel model) {
        Map<String, Parameter> wanted = new LinkedHashMap<>();
        model.net().parameters().forEach((name, p) -> {
            if (!EmbeddingNet.isHead(name)) {
                wanted.put(name, p);
            }
        });
        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        Map<String, Tensor> out = new LinkedHashMap<>();
        wanted.forEach((name, p) -> {
            Tensor t = tensors.get(name);
            if (t == null) {
                missing.add(name);
            } else if (!Arrays.equals(t.shape(), p.getArray().getShape().getShape())) {
                misshaped.add(name + " " + Arrays.toString(t.shape()) + " (the network's is "
                        + Arrays.toString(p.getArray().getShape().getShape()) + ")");
            } else {
                out.put(name, t);
            }
        });
        List<String> unexpected = tensors.keySet().stream()
                .filter(n -> !wanted.containsKey(n) && !isClassifier(n))
                .toList();
        if (!missing.isEmpty() || !misshaped.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder m = new StringBuilder("backbone weights " + source + " do not fit "
                    + model.architecture().kind().name().toLowerCase(java.util.Locale.ROOT) + ":");
            describe(m, "missing", missing);
            describe(m, "unexpected", unexpected);
            describe(m, "wrong shape", misshaped);
            throw new IllegalArgumentException(m.toString());
        }
        return out;
    }

    private static boolean isClassifier(String name) {
        return name.startsWith("fc.");
    }

    private static void describe(StringBuilder m, String what, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        m.append(' ').append(names.size()).append(' ').append(what).append(' ')
                .append(names.subList(0, Math.min(SHOWN, names.size())));
        if (names.size() > SHOWN) {
            m.append(" and ").append(names.size() - SHOWN).append(" more");
        }
        m.append(';');
    }
}
