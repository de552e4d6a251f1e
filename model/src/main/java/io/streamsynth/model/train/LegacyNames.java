package io.streamsynth.model.train;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.streamsynth.model.checkpoint.Tensor;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checkpoints written before parameters had PyTorch names carry DJL's internal names
 * ({@code 01SequentialBlock_01Conv2d_weight}). The cnn's parameters kept their order and shapes, so
 * such weights are renamed by position; anything else is left for the name check to reject.
 */
final class LegacyNames {
    private LegacyNames() {}

    /** DJL joins a path with underscores and never uses dots; PyTorch names always have one. */
    private static boolean isLegacy(String name) {
        return name.indexOf('.') < 0 && name.indexOf('_') > 0;
    }

    static Map<String, Tensor> rename(Map<String, Tensor> weights, PairList<String, Parameter> params) {
        if (weights.isEmpty() || !weights.keySet().stream().allMatch(LegacyNames::isLegacy)
                || weights.size() != params.size()) {
            return weights;
        }
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        Iterator<Map.Entry<String, Tensor>> old = weights.entrySet().iterator();
        for (Pair<String, Parameter> p : params) {
            Tensor t = old.next().getValue();
            if (!Arrays.equals(t.shape(), p.getValue().getArray().getShape().getShape())) {
                return weights;
            }
            renamed.put(p.getKey(), t);
        }
        return renamed;
    }
}
