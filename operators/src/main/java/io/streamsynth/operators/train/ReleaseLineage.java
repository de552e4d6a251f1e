package io.streamsynth.operators.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lineage entries of the next published checkpoint: where the trainer came from (resumed from a
 * snapshot, or started anew because the restored state did not fit) plus the version's freshness.
 * The origin is told once, in the first checkpoint after the restore; later ones carry freshness only.
 */
final class ReleaseLineage {
    /** See {@link CatalogTrainer#FRESHNESS_KEY}. */
    static final String FRESHNESS_KEY = "freshness";
    /** See {@link CatalogTrainer#NEW_LINEAGE_KEY}. */
    static final String NEW_LINEAGE_KEY = "new_lineage";

    /** See {@link CatalogTrainer#BACKBONE_FILE_KEY}. */
    static final String BACKBONE_FILE_KEY = "backbone_file";

    /** The backbone file the model is built over or started from, told in every checkpoint; null for none. */
    private final String backboneFile;
    /** Entries for the next checkpoint only; empty once told. */
    private Map<String, Object> origin = Map.of();
    private boolean newLineage;

    /** @param backboneFile the path or URI of the catalog's backbone file, or null */
    ReleaseLineage(String backboneFile) {
        this.backboneFile = backboneFile;
    }

    /** Restored from a snapshot whose model was used as saved. */
    void resumed(String weightsSha256, long step) {
        origin = Map.of("resumed_from_weights_sha256", weightsSha256, "resumed_at_step", step);
    }

    /**
     * Restored from a snapshot whose model was not used: the next checkpoint names why and the
     * version, step and weights digest it does not continue.
     */
    void startedAnew(String reason, long previousVersion, long previousStep, String previousWeightsSha256) {
        Map<String, Object> previous = new LinkedHashMap<>();
        previous.put("reason", reason);
        previous.put("previous_model_version", previousVersion);
        previous.put("previous_step", previousStep);
        previous.put("previous_weights_sha256", previousWeightsSha256);
        origin = Map.of(NEW_LINEAGE_KEY, previous);
        newLineage = true;
    }

    /** True once {@link #startedAnew} was called: stays true after the origin was told. */
    boolean startedNewLineage() {
        return newLineage;
    }

    /**
     * The lineage of the checkpoint being published: the origin (once), {@link #BACKBONE_FILE_KEY} when there
     * is one, then {@link #FRESHNESS_KEY} with {@link FreshnessHistogram#toMap()}. Readers that do not know an
     * entry ignore it.
     */
    Map<String, Object> next(FreshnessHistogram freshness) {
        Map<String, Object> lineage = new LinkedHashMap<>(origin);
        if (backboneFile != null) {
            lineage.put(BACKBONE_FILE_KEY, backboneFile);
        }
        lineage.put(FRESHNESS_KEY, freshness.toMap());
        origin = Map.of();
        return lineage;
    }
}
