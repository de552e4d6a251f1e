package io.streamsynth.model.train;

import ai.djl.nn.Parameter;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.EmbeddingNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

    private final Path source;
    private final Map<String, Tensor> tensors;
    private final String sha256;

    private BackboneWeights(Path source, Map<String, Tensor> tensors, String sha256) {
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
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("backbone weights " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("backbone weights " + file + ": cannot read: " + e.getMessage(), e);
        }
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(bytes);
        } catch (IllegalArgumentException e) {
            String hint = e.getMessage().contains("'I64'")
                    ? " (keep only the floating-point tensors, e.g. drop num_batches_tracked, as the README's conversion does)"
                    : " (truncated, or another format?)";
            throw new IllegalArgumentException("backbone weights " + file + " are not a valid safetensors file"
                    + hint + ": " + e.getMessage(), e);
        }
        return new BackboneWeights(file, contents.tensors(), Sha256.hex(bytes));
    }

    /** Hex sha256 of the file's bytes, for checkpoint metadata. */
    public String sha256() {
        return sha256;
    }

    public Path source() {
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
