#!/usr/bin/python3
"""Float64 reference for HardNegativePairMinerRulesTest: every negative cell of the mined matrix
under each paper's rule and each official code's rule, written from the papers (EE section 3.2,
Symm section 3) and the released code (embedding-expansion loss/hphn_triplet.py, symmetrical-
synthesis losses.py symm_npair_loss), independently of the Java code. Samples are paired with
their class neighbour in batch order (0-1, 2-3, ...). Prints Java array literals; NaN marks a
same-class cell, which is not a negative pair."""
import math
import numpy as np


def unit(*v):
    v = np.array(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def deg(a):
    return unit(math.cos(math.radians(a)), math.sin(math.radians(a)))


def partners(labels):
    out, waiting = [0] * len(labels), {}
    for i, c in enumerate(labels):
        if c in waiting:
            j = waiting.pop(c)
            out[i], out[j] = j, i
        else:
            waiting[c] = i
    return out


def reflect(point, axis):
    """point mirrored about the line through the origin and axis"""
    return 2 * axis * (point @ axis) / (axis @ axis) - point


def inner(x, p, n):
    """EE's n inner points of segment x-p, L2-normalised"""
    return [unit(*((k * p + (n + 1 - k) * x) / (n + 1))) for k in range(1, n + 1)]


def cells(e, labels, value):
    b = len(labels)
    return [[value(i, j) if labels[i] != labels[j] else math.nan for j in range(b)] for i in range(b)]


def hardest(side_a, side_b):
    return max(float(u @ v) for u in side_a for v in side_b)


def ee(e, labels, n, rule):
    p = partners(labels)
    if rule == 'paper':
        # {x_i, x_j, inner points of (i, j)} against {x_k, x_l, inner points of (k, l)}
        group = lambda i: [e[i], e[p[i]]] + inner(e[i], e[p[i]], n)
    else:
        # hphn_triplet: the anchor and its pair's inner points against the other sample and its pair's
        group = lambda i: [e[i]] + inner(e[i], e[p[i]], n)
    return cells(e, labels, lambda i, j: hardest(group(i), group(j)))


def symm(e, labels, rule):
    p = partners(labels)
    if rule == 'paper':
        # anchor x_i alone against x_k, x_l, x_k', x_l'
        negative = lambda j: [e[j], e[p[j]], reflect(e[j], e[p[j]]), reflect(e[p[j]], e[j])]
        return cells(e, labels, lambda i, j: hardest([e[i]], negative(j)))

    def official(i, j):
        # losses.py: a = anchor, p = positive, s1 = p mirrored about a, s2 = a mirrored about p;
        # the max over itertools.combinations([a, p, s1, s2], 2) with the first from pair i
        def pts(k):
            return [e[k], e[p[k]], reflect(e[p[k]], e[k]), reflect(e[k], e[p[k]])]
        a, b = pts(i), pts(j)
        return max(float(a[u] @ b[v]) for u in range(4) for v in range(u + 1, 4))
    return cells(e, labels, official)


def java(name, m):
    rows = ',\n        '.join('{' + ', '.join('NaN' if math.isnan(x) else '%.6f' % x for x in r) + '}' for r in m)
    print('    private static final double[][] %s = {\n        %s};' % (name, rows))


symm_e = [deg(0), deg(60), deg(150), deg(100)]
symm_labels = [0, 0, 1, 1]
java('SYMM_PAPER', symm(symm_e, symm_labels, 'paper'))
java('SYMM_OFFICIAL', symm(symm_e, symm_labels, 'official'))

ee_e = [unit(1, 0), unit(0, 1), unit(-1, 0), unit(0.6, 0.8)]
ee_labels = [0, 0, 1, 1]
java('EE_PAPER', ee(ee_e, ee_labels, 1, 'paper'))
java('EE_OFFICIAL', ee(ee_e, ee_labels, 1, 'official'))

# ours: three classes in 3-D, classes interleaved in the batch, two inner points for EE
own_e = [unit(1, 0.2, 0.1), unit(0.3, 1, -0.2), unit(0.9, -0.4, 0.3), unit(-0.5, 0.8, 0.6),
         unit(0.2, 0.3, 1), unit(0.7, 0.1, -0.7)]
own_labels = [0, 1, 2, 0, 2, 1]
java('OWN_EE2_PAPER', ee(own_e, own_labels, 2, 'paper'))
java('OWN_EE2_OFFICIAL', ee(own_e, own_labels, 2, 'official'))
java('OWN_SYMM_PAPER', symm(own_e, own_labels, 'paper'))
java('OWN_SYMM_OFFICIAL', symm(own_e, own_labels, 'official'))
