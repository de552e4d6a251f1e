package io.streamsynth.model.loss;

import ai.djl.ndarray.NDArray;
import io.streamsynth.model.mining.MinedPairs;
import java.util.Map;

/**
 * A pair-based metric loss over a batch of unit-norm embeddings. It reads positive pairs from the
 * originals' similarities and negative pairs from the mined (hardest-over-groups) similarities, so
 * every loss works with every synthesis method and with none.
 */
public interface MetricLoss {
    /** @return a scalar to minimise */
    NDArray compute(MinedPairs pairs);

    /** The name used in flags and checkpoint metadata. */
    String name();

    /** Hyper-parameters, for checkpoint metadata. */
    Map<String, Object> hyperParameters();
}
