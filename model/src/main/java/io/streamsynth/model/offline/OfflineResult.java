package io.streamsynth.model.offline;

import io.streamsynth.model.metrics.RetrievalReport;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Figures of one offline run: both protocols before and after training.
 *
 * @param untrainedZeroShot  unseen classes' test images, initial weights
 * @param untrainedSeen      train classes' test images, initial weights
 * @param zeroShot           unseen classes' test images, trained weights
 * @param seen               train classes' test images, trained weights
 * @param steps              steps trained
 * @param medianMillisPerStep median wall time of a step
 * @param finalLoss          mean loss of the last 50 steps (or fewer)
 * @param syntheticShare     mean share of mined negatives involving a synthetic point
 */
public record OfflineResult(RetrievalReport untrainedZeroShot, RetrievalReport untrainedSeen,
        RetrievalReport zeroShot, RetrievalReport seen, long steps, double medianMillisPerStep, double finalLoss,
        double syntheticShare) {

    /** The JSON-ready form: per protocol r_at_k, nmi and map_at_r, and the untrained floor. */
    public Map<String, Object> toMap(OfflineConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", config.scriptedBackbone() == null ? "cnn" : "torchscript");
        m.put("pooling", config.poolingOrDefault().name().toLowerCase(java.util.Locale.ROOT));
        if (config.scriptedBackbone() != null) {
            m.put("backbone_sha256", config.scriptedBackbone().sha256());
        }
        m.put("loss", config.training().loss());
        m.put("synthesis", config.training().synthesis());
        m.put("mining", config.training().mining());
        m.put("memory_size", config.training().memorySize());
        if (config.training().memoryWarmupSteps() > 0) {
            m.put("memory_warmup_steps", config.training().memoryWarmupSteps());
        }
        m.put("seed", config.seed());
        m.put("threads", config.threads());
        m.put("train_classes", config.trainClasses());
        m.put("zero_shot", rounded(zeroShot.toMap()));
        m.put("seen", rounded(seen.toMap()));
        m.put("untrained", Map.of("zero_shot", rounded(untrainedZeroShot.toMap()), "seen",
                rounded(untrainedSeen.toMap())));
        m.put("steps", steps);
        m.put("median_ms_per_step", round(medianMillisPerStep, 3));
        m.put("final_loss", round(finalLoss, 5));
        m.put("synthetic_share", round(syntheticShare, 4));
        return m;
    }

    private static Map<String, Double> rounded(Map<String, Double> in) {
        Map<String, Double> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, round(v, 4)));
        return out;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
