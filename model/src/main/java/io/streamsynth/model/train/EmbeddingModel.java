package io.streamsynth.model.train;

import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.EmbeddingNet;
import io.streamsynth.model.net.EmbeddingNetworks;
import io.streamsynth.model.net.TorchDefaultInit;
import io.streamsynth.model.net.TorchScriptBackbone;
import io.streamsynth.model.runtime.TorchRuntime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An embedding network with its parameters, on one device. The parameters live in this model's
 * manager for its whole life; every forward pass runs under a manager of the caller's, so
 * activations are freed with it.
 */
public final class EmbeddingModel implements AutoCloseable {
    private final Architecture architecture;
    private final NDManager manager;
    private final EmbeddingNet net;
    /** By PyTorch name; the set never changes after initialisation, and every step walks it. */
    private final LinkedHashMap<String, Parameter> named;
    private final ParameterStore parameterStore;

    /**
     * Builds and initialises a built-in network. Initial weights depend only on {@code seed} (and on the
     * engine's thread count, which can reorder float sums).
     */
    public EmbeddingModel(Architecture architecture, Device device, long seed) {
        this(architecture, device, seed, null);
    }

    /**
     * Builds and initialises the network; a {@code torchscript} one loads its backbone from
     * {@code scriptedBackbone} (its parameters as in the file, the head's from {@code seed}).
     *
     * @param scriptedBackbone the TorchScript module of a {@code torchscript} architecture, whose sha256
     *                         and probed output must be the architecture's; null for the built-in networks
     * @throws IllegalArgumentException when the module is missing, another file, or breaks the contract of
     *     {@link TorchScriptBackbone}
     */
    public EmbeddingModel(Architecture architecture, Device device, long seed, BackboneFile scriptedBackbone) {
        this.architecture = architecture;
        TorchRuntime.engine().setRandomSeed((int) seed);
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            this.net = EmbeddingNetworks.build(architecture, loadScripted(scriptedBackbone));
            if (architecture.isTorchvision()) {
                // torchvision's own initialisation: He normal, fan-out, for the convolutions
                net.block().setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                        XavierInitializer.FactorType.OUT, 2), Parameter.Type.WEIGHT);
            }
            net.block().initialize(manager, DataType.FLOAT32,
                    new Shape(1, architecture.channels(), architecture.height(), architecture.width()));
            this.named = net.parameters();
            if (architecture.kind() == Architecture.Kind.CNN) {
                // PyTorch's nn.Conv2d / nn.Linear initialisation: it trains better here (TorchDefaultInit)
                NoGrad.run(() -> TorchDefaultInit.apply(named, manager));
            }
            this.parameterStore = new ParameterStore(manager, false);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private TorchScriptBackbone loadScripted(BackboneFile file) {
        if (architecture.kind() != Architecture.Kind.TORCHSCRIPT) {
            if (file != null) {
                throw new IllegalArgumentException("a TorchScript backbone needs the torchscript architecture, not "
                        + architecture.kind().name().toLowerCase(java.util.Locale.ROOT));
            }
            return null;
        }
        if (file == null) {
            throw new IllegalArgumentException("this network's backbone is a TorchScript module (sha256 "
                    + architecture.backboneSha256() + "): its .pt file is needed (--backbone-torchscript)");
        }
        file.requireSha256(architecture.backboneSha256());
        TorchScriptBackbone backbone = TorchScriptBackbone.load(manager, file, architecture.channels(),
                architecture.height(), architecture.width());
        if (!backbone.output().equals(architecture.scripted())) {
            throw new IllegalArgumentException("TorchScript backbone " + file.source() + " outputs " + backbone.output()
                    + " but the network was built for " + architecture.scripted());
        }
        return backbone;
    }

    public Architecture architecture() {
        return architecture;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Every parameter under its PyTorch name ({@code layer1.0.conv1.weight}), in torchvision's order. */
    public PairList<String, Parameter> parameters() {
        PairList<String, Parameter> out = new PairList<>();
        named.forEach(out::add);
        return out;
    }

    /** The network, for fine-tuning controls (frozen batch norm, frozen backbone). */
    public EmbeddingNet net() {
        return net;
    }

    /** Forward pass of images (N, C, H, W) to unit-norm embeddings (N, D); training mode updates batch-norm statistics. */
    public NDArray forward(NDArray images, boolean training) {
        return net.forward(parameterStore, images, training);
    }

    /** The pooled backbone features (N, F) of images (N, C, H, W) in inference mode, before the head's {@code fc}. */
    public NDArray features(NDArray images) {
        return net.features(parameterStore, images, false);
    }

    /**
     * Embeds images in inference mode.
     *
     * @param pixels    N images, row-major C x H x W each, values in [0, 1]
     * @param batchSize images per forward pass
     * @return N unit-norm vectors
     */
    public float[][] embed(float[] pixels, int batchSize) {
        return NoGrad.call(() -> embedBatches(pixels, batchSize));
    }

    private float[][] embedBatches(float[] pixels, int batchSize) {
        int per = architecture.pixelsPerImage();
        if (pixels.length % per != 0) {
            throw new IllegalArgumentException("pixel count " + pixels.length + " is not a multiple of " + per);
        }
        int n = pixels.length / per;
        int d = architecture.embeddingSize();
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += batchSize) {
            int count = Math.min(batchSize, n - start);
            try (NDManager batch = manager.newSubManager()) {
                float[] chunk = java.util.Arrays.copyOfRange(pixels, start * per, (start + count) * per);
                NDArray x = HostArrays.floats(batch, chunk, new Shape(count, architecture.channels(), architecture.height(),
                        architecture.width()));
                float[] flat = forward(x, false).toFloatArray();
                for (int i = 0; i < count; i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
                }
            }
        }
        return out;
    }

    /**
     * All parameters (batch-norm running statistics included) as tensors under their PyTorch names, in
     * torchvision's order: for resnet18/50 exactly the {@code state_dict} of torchvision's
     * {@code resnet18(num_classes=D)} (resnet50) without {@code num_batches_tracked}.
     */
    public Map<String, Tensor> exportWeights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : parameters()) {
            NDArray a = p.getValue().getArray();
            out.put(p.getKey(), new Tensor(a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }

    /**
     * Overwrites every parameter; the names and shapes must match this architecture exactly. Weights
     * written before parameters had PyTorch names (DJL's names, in the same order) are matched by
     * position.
     */
    public void importWeights(Map<String, Tensor> weights) {
        NoGrad.run(() -> copyWeights(LegacyNames.rename(weights, parameters())));
    }

    /**
     * Overwrites the named parameters only (a pretrained backbone); names and shapes must have been
     * checked by the caller.
     */
    public void importSome(Map<String, Tensor> weights) {
        NoGrad.run(() -> {
            for (Map.Entry<String, Tensor> w : weights.entrySet()) {
                copy(w.getKey(), w.getValue(), named.get(w.getKey()));
            }
        });
    }

    private void copyWeights(Map<String, Tensor> weights) {
        PairList<String, Parameter> params = parameters();
        if (weights.size() != params.size()) {
            throw new IllegalArgumentException("weights hold " + weights.size() + " tensors, the network has "
                    + params.size() + " parameters");
        }
        for (Pair<String, Parameter> p : params) {
            copy(p.getKey(), weights.get(p.getKey()), p.getValue());
        }
    }

    private void copy(String name, Tensor t, Parameter parameter) {
        if (parameter == null) {
            throw new IllegalArgumentException("the network has no parameter '" + name + "'");
        }
        NDArray target = parameter.getArray();
        if (t == null) {
            throw new IllegalArgumentException("weights lack parameter '" + name + "'");
        }
        if (!new Shape(t.shape()).equals(target.getShape())) {
            throw new IllegalArgumentException("parameter '" + name + "' has shape " + target.getShape()
                    + " but the weights give " + new Shape(t.shape()));
        }
        try (NDManager scratch = manager.newSubManager()) {
            HostArrays.floats(scratch, t.data(), target.getShape()).copyTo(target);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
