package io.streamsynth.model.loss;

import java.util.HashMap;
import java.util.Map;

/**
 * Synthesis, both mining rules and the five losses in double precision, written out loop by loop
 * from the papers' formulas and the rules' definitions (see the README's mining table), as a
 * reference for the float32 tensor code. Empty sets follow the losses' documented conventions: an
 * anchor without a positive or a negative forms no triplet, an empty mean is 0, an empty sum of
 * exponentials adds nothing.
 */
final class Float64Reference {
    private Float64Reference() {}

    /** Similarities of the originals and the mined negatives. */
    record Pairs(double[][] similarity, double[][] mined, boolean[][] positive, boolean[][] negative) {}

    interface Loss {
        double value(Pairs p);
    }

    static Pairs mine(float[][] embeddings, int[] labels, String synthesis, int points, String rule) {
        int b = labels.length;
        double[][] e = new double[b][];
        for (int i = 0; i < b; i++) {
            e[i] = new double[embeddings[i].length];
            for (int k = 0; k < e[i].length; k++) {
                e[i][k] = embeddings[i][k];
            }
        }
        double[][] s = new double[b][b];
        double[][] mined = new double[b][b];
        boolean[][] pos = new boolean[b][b];
        boolean[][] neg = new boolean[b][b];
        int[] partner = synthesis.equals("none") ? null : partners(labels);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                s[i][j] = dot(e[i], e[j]);
                pos[i][j] = labels[i] == labels[j] && i != j;
                neg[i][j] = labels[i] != labels[j];
                mined[i][j] = switch (synthesis) {
                    case "none" -> s[i][j];
                    case "ee" -> rule.equals("paper") ? hardest(eePair(e, i, partner[i], points), eePair(e, j, partner[j], points))
                            : hardest(eeGroup(e, i, partner[i], points), eeGroup(e, j, partner[j], points));
                    case "symm" -> rule.equals("paper") ? symmPaper(e, i, j, partner[j]) : symmOfficial(e, i, partner[i], j,
                            partner[j]);
                    default -> throw new IllegalArgumentException(synthesis);
                };
            }
        }
        return new Pairs(s, mined, pos, neg);
    }

    static double contrastive(Pairs p, double margin) {
        return mean(p.positive(), p, (i, j) -> 2 - 2 * p.similarity()[i][j] < 1e-12 ? 1e-12 : 2 - 2 * p.similarity()[i][j])
                + mean(p.negative(), p, (i, j) -> sq(Math.max(0, margin - distance(p.mined()[i][j]))));
    }

    static double triplet(Pairs p, double margin) {
        int b = p.positive().length;
        double sum = 0;
        int anchors = 0;
        for (int i = 0; i < b; i++) {
            double farthest = Double.NEGATIVE_INFINITY;
            double nearest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < b; j++) {
                if (p.positive()[i][j]) {
                    farthest = Math.max(farthest, distance(p.similarity()[i][j]));
                }
                if (p.negative()[i][j]) {
                    nearest = Math.min(nearest, distance(p.mined()[i][j]));
                }
            }
            if (farthest > Double.NEGATIVE_INFINITY && nearest < Double.POSITIVE_INFINITY) {
                sum += Math.max(0, farthest - nearest + margin);
                anchors++;
            }
        }
        return anchors == 0 ? 0 : sum / anchors;
    }

    /** Oh Song et al. eq. 4: J_ij = log(sum_N_i exp(alpha - D) + sum_N_j exp(alpha - D)) + D_ij. */
    static double lifted(Pairs p, double alpha) {
        int b = p.positive().length;
        double[] rowTerms = new double[b];
        boolean[] has = new boolean[b];
        for (int i = 0; i < b; i++) {
            double[] terms = new double[b];
            int n = 0;
            for (int k = 0; k < b; k++) {
                if (p.negative()[i][k]) {
                    terms[n++] = alpha - distance(p.mined()[i][k]);
                }
            }
            has[i] = n > 0;
            rowTerms[i] = n > 0 ? logSumExp(java.util.Arrays.copyOf(terms, n)) : 0;
        }
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                if (p.positive()[i][j] && (has[i] || has[j])) {
                    double both = has[i] && has[j] ? logSumExp(new double[] {rowTerms[i], rowTerms[j]})
                            : has[i] ? rowTerms[i] : rowTerms[j];
                    sum += sq(Math.max(0, both + distance(p.similarity()[i][j])));
                }
                if (p.positive()[i][j]) {
                    pairs++;
                }
            }
        }
        return pairs == 0 ? 0 : sum / pairs / 2;
    }

    /** Sohn eq. 3 per ordered positive pair: log(1 + sum_k exp(s (N_ik - S_ij))). */
    static double nPair(Pairs p, double scale) {
        return mean(p.positive(), p, (i, j) -> {
            int b = p.positive().length;
            double[] terms = new double[b + 1];
            int n = 0;
            terms[n++] = 0;
            for (int k = 0; k < b; k++) {
                if (p.negative()[i][k]) {
                    terms[n++] = scale * (p.mined()[i][k] - p.similarity()[i][j]);
                }
            }
            return logSumExp(java.util.Arrays.copyOf(terms, n));
        });
    }

    /** Wang et al. eqs. 7-8 and 10, anchors averaged over the batch. */
    static double multiSimilarity(Pairs p, double alpha, double beta, double lambda, double epsilon) {
        int b = p.positive().length;
        double sum = 0;
        for (int i = 0; i < b; i++) {
            double minPos = Double.POSITIVE_INFINITY;
            double maxNeg = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < b; j++) {
                if (p.positive()[i][j]) {
                    minPos = Math.min(minPos, p.similarity()[i][j]);
                }
                if (p.negative()[i][j]) {
                    maxNeg = Math.max(maxNeg, p.mined()[i][j]);
                }
            }
            double[] posTerms = new double[b + 1];
            double[] negTerms = new double[b + 1];
            int np = 1;
            int nn = 1;
            for (int j = 0; j < b; j++) {
                if (p.positive()[i][j] && p.similarity()[i][j] - epsilon < maxNeg) {
                    posTerms[np++] = -alpha * (p.similarity()[i][j] - lambda);
                }
                if (p.negative()[i][j] && p.mined()[i][j] + epsilon > minPos) {
                    negTerms[nn++] = beta * (p.mined()[i][j] - lambda);
                }
            }
            sum += logSumExp(java.util.Arrays.copyOf(posTerms, np)) / alpha
                    + logSumExp(java.util.Arrays.copyOf(negTerms, nn)) / beta;
        }
        return sum / b;
    }

    private interface Cell {
        double at(int i, int j);
    }

    private static double mean(boolean[][] mask, Pairs p, Cell cell) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < mask.length; i++) {
            for (int j = 0; j < mask.length; j++) {
                if (mask[i][j]) {
                    sum += cell.at(i, j);
                    n++;
                }
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static double logSumExp(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - m);
        }
        return m + Math.log(s);
    }

    private static double distance(double s) {
        return Math.sqrt(Math.max(2 - 2 * s, 1e-12));
    }

    private static double sq(double x) {
        return x * x;
    }

    private static int[] partners(int[] labels) {
        int[] partner = new int[labels.length];
        Map<Integer, Integer> waiting = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            Integer first = waiting.remove(labels[i]);
            if (first == null) {
                waiting.put(labels[i], i);
            } else {
                partner[first] = i;
                partner[i] = first;
            }
        }
        return partner;
    }

    /** EE: (k*p + (n+1-k)*x)/(n+1), k = 1..n, normalised as the network does (epsilon 1e-12). */
    private static double[][] inner(double[][] e, int x, int p, int n) {
        double[][] out = new double[n][];
        for (int k = 1; k <= n; k++) {
            double[] v = new double[e[x].length];
            for (int d = 0; d < v.length; d++) {
                v[d] = (k * e[p][d] + (n + 1 - k) * e[x][d]) / (n + 1);
            }
            double norm = Math.sqrt(dot(v, v) + 1e-12);
            for (int d = 0; d < v.length; d++) {
                v[d] /= norm;
            }
            out[k - 1] = v;
        }
        return out;
    }

    private static double[][] eeGroup(double[][] e, int x, int p, int n) {
        double[][] in = inner(e, x, p, n);
        double[][] out = new double[n + 1][];
        out[0] = e[x];
        System.arraycopy(in, 0, out, 1, n);
        return out;
    }

    private static double[][] eePair(double[][] e, int x, int p, int n) {
        double[][] group = eeGroup(e, x, p, n);
        double[][] out = java.util.Arrays.copyOf(group, n + 2);
        out[n + 1] = e[p];
        return out;
    }

    /** Reflection of point about the line through the origin and axis (Symm, alpha 2, beta 1). */
    private static double[] reflect(double[] point, double[] axis) {
        double scale = 2 * dot(point, axis) / (dot(axis, axis) + 1e-12);
        double[] out = new double[point.length];
        for (int d = 0; d < out.length; d++) {
            out[d] = scale * axis[d] - point[d];
        }
        return out;
    }

    private static double symmPaper(double[][] e, int i, int k, int l) {
        return hardest(new double[][] {e[i]}, new double[][] {e[k], e[l], reflect(e[k], e[l]), reflect(e[l], e[k])});
    }

    private static double symmOfficial(double[][] e, int i, int pi, int j, int pj) {
        double[][] a = {e[i], e[pi], reflect(e[pi], e[i]), reflect(e[i], e[pi])};
        double[][] c = {e[j], e[pj], reflect(e[pj], e[j]), reflect(e[j], e[pj])};
        double best = Double.NEGATIVE_INFINITY;
        for (int u = 0; u < 4; u++) {
            for (int v = u + 1; v < 4; v++) {
                best = Math.max(best, dot(a[u], c[v]));
            }
        }
        return best;
    }

    private static double hardest(double[][] a, double[][] c) {
        double best = Double.NEGATIVE_INFINITY;
        for (double[] u : a) {
            for (double[] v : c) {
                best = Math.max(best, dot(u, v));
            }
        }
        return best;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += a[d] * b[d];
        }
        return s;
    }
}
