package io.streamsynth.operators.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides, for one catalog, whether a newly trained version (a candidate) replaces the version the
 * embedder serves (issue 12, part 5). Plain Java and clock-free: the caller passes the time and the
 * held-out figures of both models on the same items, and keeps the promoted model's weights.
 *
 * <p>A candidate is promoted when its held-out Recall@1 is not below the promoted version's by more
 * than {@link PromotionPolicy#tolerance()} and at least {@link PromotionPolicy#minRefreshInterval()}
 * has passed since the last promotion. Checked in that order, so {@code too_soon} means "good enough,
 * only early" for a candidate that was evaluated; one published while the interval alone would hold it back
 * whatever its figures ({@link #holdsBackRegardless}) is not evaluated at all, so its {@code too_soon} says
 * nothing of its figures, and its retry is judged in full. Without held-out figures (too few held-out items or classes yet) the interval alone
 * decides: a catalog without a held-out set must still get better models. A candidate that embeds
 * some held-out item to NaN or an infinity is never promoted, with or without a promoted model to compare
 * it with (version 0 is not judged: the embedder dead-letters what a served model embeds to NaN).
 *
 * <p>A candidate published because its catalog's stream went idle is not held to the interval
 * ({@link #STREAM_IDLE}): the interval keeps re-embedding passes from taking CPU from training, and an
 * idle catalog is not training. So the last model of a stream that stopped is served at once instead of up
 * to an interval later. Such early promotions are at most one per interval (bursts of batches each followed
 * by a pause would otherwise promote at every pause), so the interval still bounds promotions to two per
 * interval; which one was the last is not kept across a restore (a restored gate may allow one more).
 *
 * <p>The last candidate held back only by the interval is remembered ({@link #heldBack()}): the
 * trainer publishes again when the interval has passed (see {@link CatalogTrainer}), so a quiet
 * stream does not leave a good model unserved.
 */
final class PromotionGate {
    /** Version 0, the initial model of a catalog, served from its first event. */
    static final String COLD_START = "cold_start";
    /** No promoted version to compare with (a state saved before the gate existed). */
    static final String FIRST_VERSION = "first_version";
    /** The model started anew (--on-incompatible-state new-lineage): the old promoted model cannot be compared. */
    static final String NEW_LINEAGE = "new_lineage";
    static final String RECALL_WITHIN_TOLERANCE = "recall_within_tolerance";
    static final String NO_HELD_OUT_FIGURES = "no_held_out_figures";
    static final String RECALL_DROPPED = "recall_dropped";
    static final String NON_FINITE = "non_finite_embeddings";
    static final String TOO_SOON = "too_soon";
    /** Within tolerance, before the interval, but the catalog's stream is idle (see the class comment). */
    static final String STREAM_IDLE = "stream_idle";

    /** Below float noise, far below one item's share of Recall@1 (1 / held-out-capacity >= 1e-6). */
    private static final double EPSILON = 1e-9;

    /**
     * One decision, as written into the candidate's checkpoint metadata ({@link #toMap()}).
     *
     * @param servingVersion the promoted version the embedder serves after this decision
     * @param figures        what was compared: recalls, items, tolerance, times
     */
    record Decision(long version, boolean promoted, String reason, long servingVersion, Map<String, Object> figures) {
        Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("promoted", promoted);
            out.put("reason", reason);
            out.put("serving_version", servingVersion);
            out.putAll(figures);
            return out;
        }
    }

    private final PromotionPolicy policy;
    /** -1 before the first promotion. */
    private long promotedVersion = -1;
    private long promotedAtMillis;
    /** The newest candidate if it was held back only by the interval, else -1. */
    private long heldBack = -1;
    /** The reason a candidate is promoted when the caller has no promoted model to compare it with. */
    private String noBaselineReason = FIRST_VERSION;
    private long promotions;
    private long rejections;
    /** When the last candidate was promoted early as {@link #STREAM_IDLE}; -1 for never (not checkpointed). */
    private long earlyAtMillis = -1;

    PromotionGate(PromotionPolicy policy) {
        this.policy = policy;
    }

    /** Version 0 of a new catalog: promoted by definition. */
    Decision coldStart(long version, long now) {
        return promote(version, now, COLD_START, new LinkedHashMap<>());
    }

    /**
     * Judges a candidate.
     *
     * @param candidate held-out figures of the candidate ({@code r_at_1}, {@code held_out_items}, or
     *                  {@code non_finite_embeddings}); empty when there were too few held-out items
     * @param baseline  the promoted model's figures on the very same held-out items, or null when the
     *                  caller holds no promoted model (then the candidate is promoted, see {@link #FIRST_VERSION})
     * @param now       processing time, ms
     */
    Decision judge(long version, Map<String, Double> candidate, Map<String, Double> baseline, long now) {
        return judge(version, candidate, baseline, now, false);
    }

    /**
     * Judges a candidate, as {@link #judge(long, Map, Map, long)}; with {@code streamIdle} (the trainer
     * publishes it because the catalog's batches stopped) a candidate that is only early is promoted as
     * {@link #STREAM_IDLE}, unless another was promoted early within the last interval.
     */
    Decision judge(long version, Map<String, Double> candidate, Map<String, Double> baseline, long now,
            boolean streamIdle) {
        Map<String, Object> figures = new LinkedHashMap<>();
        if (heldBack >= 0 && now - promotedAtMillis >= policy.minRefreshInterval().toMillis()) {
            figures.put("deferred_from", heldBack);
        }
        if (baseline != null) {
            figures.put("promoted_version", promotedVersion);
        }
        // checked before the baseline: a first version or a new lineage that embeds to NaN is refused too
        if (candidate.containsKey("non_finite_embeddings")) {
            figures.put("non_finite_embeddings", candidate.get("non_finite_embeddings").longValue());
            return reject(version, NON_FINITE, figures);
        }
        if (baseline == null) {
            return promote(version, now, noBaselineReason, figures);
        }
        Double recall = candidate.get("r_at_1");
        Double promotedRecall = baseline.get("r_at_1");
        if (recall != null) {
            figures.put("candidate_recall_at_1", recall);
            if (promotedRecall != null) {
                figures.put("promoted_recall_at_1", promotedRecall);
            } else if (baseline.containsKey("non_finite_embeddings")) {
                figures.put("promoted_non_finite_embeddings", baseline.get("non_finite_embeddings").longValue());
            }
            figures.put("held_out_items", candidate.getOrDefault("held_out_items", 0.0).longValue());
            figures.put("tolerance", policy.tolerance());
            // a promoted model without figures on these items (it embeds some to NaN) is no bar
            if (promotedRecall != null && recall < promotedRecall - policy.tolerance() - EPSILON) {
                return reject(version, RECALL_DROPPED, figures);
            }
        }
        long since = now - promotedAtMillis;
        figures.put("millis_since_promotion", since);
        figures.put("min_refresh_interval_millis", policy.minRefreshInterval().toMillis());
        if (since < policy.minRefreshInterval().toMillis()) {
            if (streamIdle && earlyPromotionAllowed(now)) {
                figures.put("stream_idle", true);
                earlyAtMillis = now;
                return promote(version, now, STREAM_IDLE, figures);
            }
            return holdBack(version, figures);
        }
        return promote(version, now, recall == null ? NO_HELD_OUT_FIGURES : RECALL_WITHIN_TOLERANCE, figures);
    }

    /**
     * True when a candidate published at {@code now} would be held back by the minimum refresh interval
     * whatever its figures: a promoted version exists and the interval since its promotion has not passed,
     * and the candidate cannot be promoted early ({@link #STREAM_IDLE}). The trainer then publishes it
     * through {@link #holdBackUnevaluated} instead of evaluating it, as its figures could not change the
     * decision.
     */
    boolean holdsBackRegardless(long now, boolean streamIdle) {
        if (promotedVersion < 0 || now - promotedAtMillis >= policy.minRefreshInterval().toMillis()) {
            return false;
        }
        return !(streamIdle && earlyPromotionAllowed(now));
    }

    /** No candidate was promoted early ({@link #STREAM_IDLE}) within the last interval. */
    private boolean earlyPromotionAllowed(long now) {
        return earlyAtMillis < 0 || now - earlyAtMillis >= policy.minRefreshInterval().toMillis();
    }

    /**
     * Holds a candidate back as {@link #TOO_SOON} without held-out figures (only when
     * {@link #holdsBackRegardless} is true). It is remembered as {@link #heldBack()}, so the trainer
     * publishes again, evaluated, when the interval has passed; the figures say {@code evaluated: false}.
     *
     * @throws IllegalStateException when the interval would not hold it back
     */
    Decision holdBackUnevaluated(long version, long now, boolean streamIdle) {
        if (!holdsBackRegardless(now, streamIdle)) {
            throw new IllegalStateException("version " + version + " is not held back by the interval alone");
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("promoted_version", promotedVersion);
        figures.put("evaluated", false);
        figures.put("millis_since_promotion", now - promotedAtMillis);
        figures.put("min_refresh_interval_millis", policy.minRefreshInterval().toMillis());
        return holdBack(version, figures);
    }

    /** Not promoted as {@link #TOO_SOON}, remembered as {@link #heldBack()} for the retry. */
    private Decision holdBack(long version, Map<String, Object> figures) {
        Decision d = reject(version, TOO_SOON, figures);
        heldBack = version;
        return d;
    }

    private Decision promote(long version, long now, String reason, Map<String, Object> figures) {
        promotedVersion = version;
        promotedAtMillis = now;
        heldBack = -1;
        promotions++;
        return new Decision(version, true, reason, version, figures);
    }

    private Decision reject(long version, String reason, Map<String, Object> figures) {
        heldBack = -1;
        rejections++;
        return new Decision(version, false, reason, promotedVersion, figures);
    }

    /**
     * The promoted model can no longer be compared with (a new lineage changed the network): the
     * next candidate is promoted with this reason.
     */
    void forgetBaseline(String reason) {
        noBaselineReason = reason;
    }

    /** The version held back by the interval alone, if it is the newest candidate; -1 otherwise. */
    long heldBack() {
        return heldBack;
    }

    /** When the version held back may be promoted: the last promotion plus the interval. */
    long retryAt() {
        return promotedAtMillis + policy.minRefreshInterval().toMillis();
    }

    /** A held-back candidate waits and its interval has passed. */
    boolean retryDue(long now) {
        return heldBack >= 0 && now >= retryAt();
    }

    long promotedVersion() {
        return promotedVersion;
    }

    long promotedAtMillis() {
        return promotedAtMillis;
    }

    /** Promotions since this gate was built or restored. */
    long promotions() {
        return promotions;
    }

    /** Candidates not promoted since this gate was built or restored. */
    long rejections() {
        return rejections;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(promotedVersion);
        out.writeLong(promotedAtMillis);
        out.writeLong(heldBack);
        out.writeUTF(noBaselineReason);
    }

    void read(DataInputStream in) throws IOException {
        promotedVersion = in.readLong();
        promotedAtMillis = in.readLong();
        heldBack = in.readLong();
        noBaselineReason = in.readUTF();
    }
}
