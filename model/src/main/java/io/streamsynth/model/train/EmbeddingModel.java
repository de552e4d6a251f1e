package io.streamsynth.model.train;

import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.EmbeddingNetworks;
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
    private final Block block;
    private final ParameterStore parameterStore;

    /**
     * Builds and initialises the network. Initial weights depend only on {@code seed} (and on the
     * engine's thread count, which can reorder float sums).
     */
    public EmbeddingModel(Architecture architecture, Device device, long seed) {
        this.architecture = architecture;
        TorchRuntime.engine().setRandomSeed((int) seed);
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        this.block = EmbeddingNetworks.build(architecture);
        block.initialize(manager, DataType.FLOAT32,
                new Shape(1, architecture.channels(), architecture.height(), architecture.width()));
        this.parameterStore = new ParameterStore(manager, false);
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

    public PairList<String, Parameter> parameters() {
        return block.getParameters();
    }

    /** Forward pass of images (N, C, H, W) to unit-norm embeddings (N, D); training mode updates batch-norm statistics. */
    public NDArray forward(NDArray images, boolean training) {
        return block.forward(parameterStore, new NDList(images), training).singletonOrThrow();
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

    /** All parameters (batch-norm running statistics included) as tensors, in the network's order. */
    public Map<String, Tensor> exportWeights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : parameters()) {
            NDArray a = p.getValue().getArray();
            out.put(p.getKey(), new Tensor(a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }

    /** Overwrites every parameter; the names and shapes must match this architecture exactly. */
    public void importWeights(Map<String, Tensor> weights) {
        NoGrad.run(() -> copyWeights(weights));
    }

    private void copyWeights(Map<String, Tensor> weights) {
        PairList<String, Parameter> params = parameters();
        if (weights.size() != params.size()) {
            throw new IllegalArgumentException("weights hold " + weights.size() + " tensors, the network has "
                    + params.size() + " parameters");
        }
        for (Pair<String, Parameter> p : params) {
            Tensor t = weights.get(p.getKey());
            NDArray target = p.getValue().getArray();
            if (t == null) {
                throw new IllegalArgumentException("weights lack parameter '" + p.getKey() + "'");
            }
            if (!new Shape(t.shape()).equals(target.getShape())) {
                throw new IllegalArgumentException("parameter '" + p.getKey() + "' has shape " + target.getShape()
                        + " but the weights give " + new Shape(t.shape()));
            }
            try (NDManager scratch = manager.newSubManager()) {
                HostArrays.floats(scratch, t.data(), target.getShape()).copyTo(target);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
