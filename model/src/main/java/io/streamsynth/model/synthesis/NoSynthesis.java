package io.streamsynth.model.synthesis;

import ai.djl.ndarray.NDArray;
import io.streamsynth.model.mining.MiningPlan;
import io.streamsynth.model.mining.MiningRule;

/** The baseline: each sample stands alone, so mining reduces to the plain similarity matrix. */
public final class NoSynthesis implements Synthesis {
    @Override
    public NDArray expand(NDArray embeddings, int[] labels) {
        return embeddings.expandDims(1);
    }

    @Override
    public int pointsPerSample() {
        return 0;
    }

    @Override
    public String name() {
        return "none";
    }

    /** Both rules reduce to the plain similarity between originals. */
    @Override
    public MiningPlan miningPlan(MiningRule rule) {
        return MiningPlan.originals();
    }
}
