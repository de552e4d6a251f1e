package io.streamsynth.operators.backbone;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.TorchScriptBackbone;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.BackboneWeights;
import io.streamsynth.model.train.EmbeddingModel;
import java.util.List;

/**
 * Checks a backbone file against the network it is meant for, before anything trains from it: the file
 * is read through Flink's file systems ({@link BackboneFiles}), torchvision weights are loaded into a
 * throw-away CPU model of the network (every missing, unexpected or mis-shaped tensor named), a TorchScript
 * module is probed with a forward pass ({@link TorchScriptBackbone#inspect}, which also gives F). The job's
 * flags are checked so at start-up, a catalogs-topic record when the decoder takes it.
 */
public final class BackboneCheck {
    private BackboneCheck() {}

    /**
     * The network with the file's sha256, and the notes of loading it (the skipped classifier).
     *
     * @param architecture the network, its file's sha256 ({@link Architecture#backboneSha256()})
     * @param notes        for a log or the console: what the load skipped
     */
    public record Checked(Architecture architecture, List<String> notes) {}

    /**
     * Torchvision weights (a safetensors state_dict) for a resnet18/resnet50.
     *
     * @param network the network from random weights, without a backbone sha256
     * @param uri     a path or Flink file system URI
     * @throws IllegalArgumentException naming the file: it does not exist, cannot be read, is not a complete
     *                                  safetensors file, or does not fit the network (the tensors named)
     */
    public static Checked weights(Architecture network, String uri) {
        if (!network.isTorchvision()) {
            throw new IllegalArgumentException("backbone weights need a torchvision architecture (resnet18, resnet50), "
                    + "not " + network.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
        BackboneFile file = BackboneFiles.read(uri);
        BackboneWeights loaded = BackboneWeights.of(file);
        List<String> notes;
        try (EmbeddingModel probe = new EmbeddingModel(network.withBackboneSha256(null), Device.cpu(), 0)) {
            notes = loaded.applyTo(probe);
        }
        return new Checked(network.withBackboneSha256(file.sha256()), notes);
    }

    /**
     * A TorchScript module under our head, for C x crop x crop inputs.
     *
     * @param uri a path or Flink file system URI
     * @throws IllegalArgumentException naming the file: it does not exist, cannot be read, is not a TorchScript
     *                                  module, or breaks the contract ({@link TorchScriptBackbone}: one float
     *                                  tensor N x F or N x F x h x w, in eval mode, none of our head's names)
     */
    public static Checked torchScript(String uri, int channels, int crop, int embeddingSize,
            Architecture.Pooling pooling) {
        BackboneFile file = BackboneFiles.read(uri);
        Architecture.ScriptedOutput output = TorchScriptBackbone.inspect(file, channels, crop, crop);
        return new Checked(Architecture.torchScript(channels, crop, crop, embeddingSize, pooling, output,
                file.sha256()), List.of("TorchScript backbone " + uri + " maps " + channels + "x" + crop + "x" + crop
                        + " images to " + output.features()
                        + (output.featureMap() ? " x h x w feature maps" : " features")));
    }
}
