package io.streamsynth.model.train;

/**
 * The rules a P x K batch must keep for a training configuration, in one place for the streaming job and
 * the offline trainer: metric losses need negatives (two classes) and positives (two samples of a class),
 * and synthesis pairs the samples of a class, so K is even with {@code ee} or {@code symm}.
 */
public final class BatchShapeRules {
    private BatchShapeRules() {}

    /**
     * @throws InvalidSettingException naming {@code classes-per-batch} or {@code samples-per-class}
     */
    public static void check(TrainingConfig training, int classesPerBatch, int samplesPerClass) {
        if (classesPerBatch < 2) {
            throw new InvalidSettingException("classes-per-batch",
                    "must be at least 2 (negatives need two classes), got " + classesPerBatch);
        }
        if (samplesPerClass < 2) {
            throw new InvalidSettingException("samples-per-class",
                    "must be at least 2 (positives need two samples), got " + samplesPerClass);
        }
        if (!training.synthesis().equals("none") && samplesPerClass % 2 != 0) {
            throw new InvalidSettingException("samples-per-class", "must be even with synthesis "
                    + training.synthesis() + " (it pairs the samples of a class), got " + samplesPerClass);
        }
    }
}
