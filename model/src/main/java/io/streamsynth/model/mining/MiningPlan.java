package io.streamsynth.model.mining;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which point pairs decide the mined similarity of a cell (i, j), as index sets into a sample's
 * <em>pair points</em>: slots {@code 0..g-1} are sample i's own group (slot 0 the original, then
 * its synthetic points, as {@code Synthesis.expand} lays them out) and slots {@code g..2g-1} are
 * the group of i's partner (slot g the partner's original). The mined similarity of (i, j) is the
 * maximum of {@code p_i[u] . p_j[v]} over the (u, v) of every block, and nothing else: a plan lists
 * exactly the candidates a rule allows, so no entry has to be masked out afterwards.
 *
 * @param groupSize g, points per sample in {@code Synthesis.expand}'s output
 * @param blocks    candidate sets; each contributes all (u, v) in rows x columns
 */
public record MiningPlan(int groupSize, List<Block> blocks) {

    /**
     * @param rows    slots on the side of the row sample i
     * @param columns slots on the side of the column sample j
     */
    public record Block(int[] rows, int[] columns) {
        public Block {
            if (rows.length == 0 || columns.length == 0) {
                throw new IllegalArgumentException("a mining block needs at least one slot on each side");
            }
            rows = rows.clone();
            columns = columns.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Block other && Arrays.equals(rows, other.rows) && Arrays.equals(columns, other.columns);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(rows) + Arrays.hashCode(columns);
        }

        @Override
        public String toString() {
            return Arrays.toString(rows) + " x " + Arrays.toString(columns);
        }
    }

    public MiningPlan {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be at least 1, got " + groupSize);
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("a mining plan needs at least one block");
        }
        blocks = List.copyOf(blocks);
        for (Block b : blocks) {
            for (int s : concat(b.rows(), b.columns())) {
                if (s < 0 || s >= 2 * groupSize) {
                    throw new IllegalArgumentException("slot " + s + " is outside the pair points 0.." + (2 * groupSize - 1));
                }
            }
        }
    }

    /** Originals only: the plain similarity between two samples. */
    public static MiningPlan originals() {
        return new MiningPlan(1, List.of(new Block(new int[] {0}, new int[] {0})));
    }

    /** Whether any slot refers to a partner's points, so samples must be paired. */
    public boolean usesPartners() {
        return blocks.stream().anyMatch(b -> Arrays.stream(concat(b.rows(), b.columns())).anyMatch(s -> s >= groupSize));
    }

    /**
     * The same plan restricted to original points (slot 0 and slot g), against which a mined value
     * is compared to tell whether a synthetic point won; null when no block keeps an original on
     * both sides.
     */
    public MiningPlan originalsOnly() {
        List<Block> kept = new ArrayList<>();
        for (Block b : blocks) {
            int[] rows = Arrays.stream(b.rows()).filter(this::isOriginal).toArray();
            int[] columns = Arrays.stream(b.columns()).filter(this::isOriginal).toArray();
            if (rows.length > 0 && columns.length > 0) {
                kept.add(new Block(rows, columns));
            }
        }
        return kept.isEmpty() ? null : new MiningPlan(groupSize, kept);
    }

    private boolean isOriginal(int slot) {
        return slot == 0 || slot == groupSize;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
