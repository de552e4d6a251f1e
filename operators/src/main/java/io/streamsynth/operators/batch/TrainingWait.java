package io.streamsynth.operators.batch;

/**
 * What a catalog's training waits for, in the terms of the batch trigger ({@link BatchComposer#isDue}):
 * P classes holding K samples each, then enough fresh samples in them. Read from the index alone.
 *
 * @param readyClasses  classes holding at least K samples
 * @param classesNeeded P
 * @param samplesPerClass K
 * @param freshReady    fresh (never trained) samples in the ready classes
 * @param freshNeeded   fresh samples a batch needs in them
 */
public record TrainingWait(int readyClasses, int classesNeeded, int samplesPerClass, long freshReady,
        int freshNeeded) {

    public static TrainingWait of(CatalogIndex index, BatchPolicy policy) {
        int ready = 0;
        long fresh = 0;
        for (ClassSummary summary : index.classes) {
            if (summary.size >= policy.samplesPerClass()) {
                ready++;
                fresh += summary.freshCount;
            }
        }
        return new TrainingWait(ready, policy.classesPerBatch(), policy.samplesPerClass(), fresh,
                policy.freshPerBatch());
    }

    /** Fewer than P classes hold K samples: no batch can be built at all yet. */
    public boolean waitsForClasses() {
        return readyClasses < classesNeeded;
    }

    /**
     * Changes only when the number of ready classes below P changes, not with every sample: the
     * builder logs once per stage. P means "enough classes" (batches then follow fresh samples).
     */
    public int stage() {
        return Math.min(readyClasses, classesNeeded);
    }

    /** One line for the log, e.g. "training waits for 4 classes with 8 samples each: 3 of 4 classes have them". */
    public String describe() {
        if (waitsForClasses()) {
            return "training waits for " + classesNeeded + " classes with " + samplesPerClass
                    + " samples each: " + readyClasses + " of " + classesNeeded + " classes have them";
        }
        return readyClasses + " classes hold " + samplesPerClass + " samples (" + classesNeeded
                + " needed): a batch is built whenever they hold " + freshNeeded + " untrained samples ("
                + freshReady + " now)";
    }
}
