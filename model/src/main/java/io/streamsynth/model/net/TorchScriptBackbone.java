package io.streamsynth.model.net;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.BackboneFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A user's TorchScript module as our backbone, loaded and run by DJL's PyTorch engine
 * ({@link PtSymbolBlock}): its parameters, under the module's own names ({@code features.0.0.weight}),
 * train with the rest of the network.
 *
 * <p>The contract, checked by a probe forward pass when the module is loaded:
 * <ul>
 *   <li>input: one float32 tensor N x C x H x W, the catalog's preprocessed images (values in [0, 1],
 *       then minus mean, divided by std, per channel);</li>
 *   <li>output: one float32 tensor, N x F (the module pools itself; our head adds {@code fc} and the L2
 *       normalisation) or N x F x h x w (a feature map; our head's pooling, average or GeM, reduces it first);</li>
 *   <li>an image's output does not depend on the rest of its batch: the module always runs in eval mode,
 *       so batch norm normalises with the running statistics in the file and never updates them, and
 *       dropout is off. DJL exposes a TorchScript module's parameters but not its buffers
 *       ({@code JniUtils.moduleGetParams} lists {@code module.parameters()} only), so statistics updated in
 *       training mode could be neither checkpointed nor restored. A module traced in training mode has
 *       batch statistics baked into its graph whatever its mode; the probe rejects it;</li>
 *   <li>no parameter named {@code avgpool.*}, {@code fc.*} or {@code l2norm.*}: those names are our head's
 *       (trace the network with its classifier replaced by {@code torch.nn.Identity()}).</li>
 * </ul>
 * Gradients flow through the module in training steps (it runs with autograd on, in eval mode).
 */
public final class TorchScriptBackbone extends AbstractBlock {
    /** Relative difference of an image's features alone and within a batch above which they differ. */
    private static final float BATCH_INDEPENDENCE_TOLERANCE = 1e-4f;

    private final PtSymbolBlock module;
    private final String source;
    /** One image's output shape, (F) or (F, h, w), from the probe. */
    private final long[] outputShape;
    /** Affine parameters of the normalisation layers (a 1-D {@code weight} with a 1-D {@code bias} beside it). */
    private final List<Parameter> normAffine = new ArrayList<>();

    private TorchScriptBackbone(PtSymbolBlock module, String source, long[] outputShape) {
        super((byte) 1);
        this.module = module;
        this.source = source;
        this.outputShape = outputShape;
        Map<String, Parameter> byName = new LinkedHashMap<>();
        module.getDirectParameters().forEach(p -> byName.put(p.getKey(), p.getValue()));
        for (Map.Entry<String, Parameter> p : byName.entrySet()) {
            String name = p.getKey();
            if (name.startsWith(EmbeddingNetworks.POOL + ".") || name.startsWith(EmbeddingNetworks.FC + ".")
                    || name.startsWith(EmbeddingNetworks.NORM + ".")) {
                throw new IllegalArgumentException("TorchScript backbone " + source + " has a parameter '" + name
                        + "': avgpool.*, fc.* and l2norm.* are our head's names; trace the network with its "
                        + "classifier replaced by torch.nn.Identity()");
            }
            addParameter(p.getValue());
            if (isNormWeight(name, byName)) {
                normAffine.add(p.getValue());
                normAffine.add(byName.get(name.substring(0, name.length() - "weight".length()) + "bias"));
            }
        }
    }

    private static boolean isNormWeight(String name, Map<String, Parameter> byName) {
        if (!name.endsWith("weight") || (name.length() > 6 && name.charAt(name.length() - 7) != '.')) {
            return false;
        }
        Parameter bias = byName.get(name.substring(0, name.length() - "weight".length()) + "bias");
        Shape w = byName.get(name).getArray().getShape();
        return bias != null && w.dimension() == 1 && bias.getArray().getShape().equals(w);
    }

    /**
     * Loads a module onto {@code manager}'s device (it lives as long as the manager), in eval mode, and
     * checks it with a probe forward pass of two random C x H x W images.
     *
     * @throws IllegalArgumentException naming the file when it is not a TorchScript module (truncated, or
     *     written by {@code torch.save} rather than {@code torch.jit.save}), fails on such an input, or breaks
     *     the contract above
     */
    public static TorchScriptBackbone load(NDManager manager, BackboneFile file, int channels, int height,
            int width) {
        TorchRuntime.engine();
        PtSymbolBlock module;
        try {
            module = JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(file.bytes()), true, false);
        } catch (EngineException | IOException e) {
            throw new IllegalArgumentException("TorchScript backbone " + file.source() + " is not a TorchScript module "
                    + "(truncated, or saved with torch.save instead of torch.jit.save?): " + firstLine(e), e);
        }
        try {
            JniUtils.enableInferenceMode(module);
            long[] shape = probe(module, manager, file.source(), channels, height, width);
            return new TorchScriptBackbone(module, file.source(), shape);
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
    }

    /**
     * What the module outputs for C x H x W images, read with a throw-away CPU load: the start-up check.
     *
     * @throws IllegalArgumentException as {@link #load}
     */
    public static Architecture.ScriptedOutput inspect(BackboneFile file, int channels, int height, int width) {
        try (NDManager scratch = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            return load(scratch, file, channels, height, width).output();
        }
    }

    private static long[] probe(PtSymbolBlock module, NDManager manager, String source, int channels, int height,
            int width) {
        String input = "2 x " + channels + " x " + height + " x " + width + " float32 input";
        try (NDManager scratch = manager.newSubManager()) {
            Random random = new Random(7);
            float[] pixels = new float[2 * channels * height * width];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) random.nextGaussian();
            }
            NDArray images = scratch.create(pixels, new Shape(2, channels, height, width));
            NDList both;
            NDList first;
            try {
                both = IValueUtils.forward(module, new NDList(images), false);
                first = IValueUtils.forward(module, new NDList(images.get("0:1")), false);
            } catch (EngineException | IllegalArgumentException | UnsupportedOperationException e) {
                throw new IllegalArgumentException("TorchScript backbone " + source + " fails on a " + input + ": "
                        + firstLine(e), e);
            }
            if (both.size() != 1) {
                throw new IllegalArgumentException("TorchScript backbone " + source + " returns " + both.size()
                        + " tensors for a " + input + "; it must return one, N x F or N x F x h x w");
            }
            NDArray out = both.singletonOrThrow();
            Shape s = out.getShape();
            if ((s.dimension() != 2 && s.dimension() != 4) || s.get(0) != 2 || out.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("TorchScript backbone " + source + " returns " + out.getDataType()
                        + " " + s + " for a " + input + "; it must return float32 N x F or N x F x h x w with N = 2");
            }
            float[] all = out.toFloatArray();
            float[] alone = first.singletonOrThrow().toFloatArray();
            if (alone.length * 2 != all.length) {
                throw new IllegalArgumentException("TorchScript backbone " + source + " returns "
                        + first.singletonOrThrow().getShape() + " for one image but " + s + " for two");
            }
            for (int i = 0; i < alone.length; i++) {
                if (!Float.isFinite(all[i])) {
                    throw new IllegalArgumentException("TorchScript backbone " + source + " returns non-finite "
                            + "values for a " + input);
                }
                if (Math.abs(all[i] - alone[i]) > BATCH_INDEPENDENCE_TOLERANCE * (1 + Math.abs(alone[i]))) {
                    throw new IllegalArgumentException("TorchScript backbone " + source + ": an image's output "
                            + "depends on the rest of its batch (" + alone[i] + " alone, " + all[i] + " in a batch "
                            + "of two at index " + i + "); trace it in eval mode (model.eval() before "
                            + "torch.jit.trace): batch statistics are baked into a module traced in training mode");
                }
            }
            return Arrays.copyOfRange(s.getShape(), 1, s.dimension());
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage()).strip();
        int newline = m.indexOf('\n');
        return newline < 0 ? m : m.substring(0, newline);
    }

    /** F, and whether it comes as a feature map. */
    public Architecture.ScriptedOutput output() {
        return new Architecture.ScriptedOutput((int) outputShape[0], outputShape.length == 3);
    }

    public String source() {
        return source;
    }

    /**
     * Fixes parameters: all of them ({@code backbone}, a head-only warm-up), or only the normalisation
     * layers' affine ones ({@code batchNorm}, {@code --freeze-batchnorm}; their statistics are fixed anyway).
     */
    void freeze(boolean backbone, boolean batchNorm) {
        for (Parameter p : getDirectParameters().values()) {
            p.freeze(backbone || (batchNorm && normAffine.contains(p)));
        }
    }

    /** Parameters of the normalisation layers' affine transforms, for tests and logs. */
    public List<Parameter> normalisationAffine() {
        return List.copyOf(normAffine);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        // always eval mode (see the class comment); training only switches autograd on
        return IValueUtils.forward(module, inputs, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] shape = new long[outputShape.length + 1];
        shape[0] = inputShapes[0].get(0);
        System.arraycopy(outputShape, 0, shape, 1, outputShape.length);
        return new Shape[] {new Shape(shape)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // the module's parameters come initialised from its file
    }
}
