package io.streamsynth.model.loss;

import java.util.List;
import java.util.Locale;

/** Creates a loss from its flag name with the defaults documented on each class. */
public final class Losses {
    public static final List<String> NAMES = List.of("contrastive", "triplet", "lifted", "npair", "ms");

    private Losses() {}

    /**
     * @param margin overrides the loss's margin (contrastive, triplet, lifted) or scale (npair);
     *               NaN keeps the default; ignored by ms
     */
    public static MetricLoss create(String name, float margin) {
        boolean dflt = Float.isNaN(margin);
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "contrastive" -> new ContrastiveLoss(dflt ? ContrastiveLoss.DEFAULT_MARGIN : margin);
            case "triplet" -> new TripletLoss(dflt ? TripletLoss.DEFAULT_MARGIN : margin);
            case "lifted" -> new LiftedStructureLoss(dflt ? LiftedStructureLoss.DEFAULT_MARGIN : margin);
            case "npair" -> new NPairLoss(dflt ? NPairLoss.DEFAULT_SCALE : margin);
            case "ms" -> MultiSimilarityLoss.withDefaults();
            default -> throw new IllegalArgumentException("loss must be one of " + NAMES + ", got '" + name + "'");
        };
    }
}
