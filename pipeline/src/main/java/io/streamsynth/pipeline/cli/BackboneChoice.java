package io.streamsynth.pipeline.cli;

import io.streamsynth.model.net.Architecture;
import io.streamsynth.operators.backbone.BackboneCheck;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The network a job trains, with its backbone file checked before anything is submitted: the file is
 * read through Flink's file systems (as the TaskManagers will read it), torchvision weights are loaded
 * into a throw-away CPU model, a TorchScript module is probed with a forward pass (which also gives F).
 * A missing, truncated or mismatched file stops the command (exit code 2) with the tensors or shapes
 * named, instead of failing every catalog's first event on the cluster.
 *
 * @param architecture the network, with the file's sha256 ({@code backbone_sha256}) when there is one
 * @param uri          the backbone file for the trainer (weights or module), or null
 * @param scriptedUri  the TorchScript module the embedder rebuilds checkpoints over, or null
 */
record BackboneChoice(Architecture architecture, String uri, String scriptedUri) {

    static BackboneChoice check(String kindFlag, String weights, String torchScript, int channels, int crop,
            int embeddingSize, int baseFilters, Architecture.Pooling asked) {
        if (weights != null && torchScript != null) {
            throw new IllegalArgumentException("--backbone-weights (torchvision weights for resnet18/resnet50) and "
                    + "--backbone-torchscript (a whole backbone module) exclude each other");
        }
        Architecture.Kind kind = kindFlag == null ? null : Architecture.parseKind(kindFlag);
        Architecture.Kind built = torchScript != null ? Architecture.Kind.TORCHSCRIPT
                : kind == null ? Architecture.Kind.CNN : kind;
        Architecture.Pooling pooling = asked != null ? asked : Architecture.defaultPooling(built);
        if (torchScript != null) {
            if (kind != null && kind != Architecture.Kind.TORCHSCRIPT) {
                throw new IllegalArgumentException("--backbone-torchscript is the backbone of --architecture "
                        + "torchscript, not " + kindFlag);
            }
            String uri = qualified(torchScript);
            BackboneCheck.Checked checked = BackboneCheck.torchScript(uri, channels, crop, embeddingSize, pooling);
            Architecture a = checked.architecture();
            checked.notes().forEach(note -> System.err.println(note + " (sha256 " + a.backboneSha256() + ")"));
            return new BackboneChoice(a, uri, uri);
        }
        if (kind == Architecture.Kind.TORCHSCRIPT) {
            throw new IllegalArgumentException("--architecture torchscript needs --backbone-torchscript FILE.pt");
        }
        Architecture a = new Architecture(built, channels, crop, crop, embeddingSize, baseFilters, pooling);
        if (weights == null) {
            return new BackboneChoice(a, null, null);
        }
        if (!a.isTorchvision()) {
            throw new IllegalArgumentException("--backbone-weights needs --architecture resnet18 or resnet50, not "
                    + a.kind().name().toLowerCase(Locale.ROOT));
        }
        String uri = qualified(weights);
        BackboneCheck.Checked checked = BackboneCheck.weights(a, uri);
        checked.notes().forEach(System.err::println);
        System.err.println("backbone weights " + uri + " fit " + a.kind().name().toLowerCase(Locale.ROOT)
                + " (sha256 " + checked.architecture().backboneSha256() + ")");
        return new BackboneChoice(checked.architecture(), uri, null);
    }

    /**
     * A reference with a scheme ({@code s3://b/r18.pt}, {@code file:///m/r18.pt}) as given; a plain path
     * made absolute, so TaskManagers in another working directory read the same file.
     */
    static String qualified(String reference) {
        if (reference.isBlank()) {
            throw new IllegalArgumentException("backbone file: an empty path");
        }
        return reference.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*") ? reference
                : Path.of(reference).toAbsolutePath().normalize().toString();
    }
}
