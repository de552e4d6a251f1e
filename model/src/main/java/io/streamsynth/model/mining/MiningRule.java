package io.streamsynth.model.mining;

import java.util.Locale;

/**
 * Which points hard negative pair mining compares, when a synthesis method adds points. Each method
 * defines both rules in its own {@code miningPlan}; without synthesis they coincide.
 *
 * <ul>
 *   <li>{@link #PAPER}: the rule each paper states (EE section 3.2 and Fig. 1; Symm section 3 and
 *       Fig. 1), the default.</li>
 *   <li>{@link #OFFICIAL}: the rule of the authors' released code (clovaai/embedding-expansion
 *       loss/hphn_triplet.py; clovaai/symmetrical-synthesis losses.py, N-pair variant), for
 *       comparison with their published numbers.</li>
 * </ul>
 */
public enum MiningRule {
    PAPER,
    OFFICIAL;

    /** The name used in flags and checkpoint metadata. */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name paper or official, any case
     * @throws IllegalArgumentException for anything else, naming the accepted values
     */
    public static MiningRule parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (MiningRule r : values()) {
            if (r.flagName().equals(n)) {
                return r;
            }
        }
        throw new IllegalArgumentException("mining must be paper or official, got '" + name + "'");
    }
}
