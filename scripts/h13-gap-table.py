#!/usr/bin/python3
"""The tables of docs/RESULTS.md, "Against a plain PyTorch loop (issue 13, part 5)", section 6 (the Symm gap),
from the lines scripts/h13-part5-grid.sh wrote with scripts/h13-gap-cells.txt, together with the runs of the
earlier round it pairs with (docs/results/h13-fixed.jsonl: ours at beta 40, seeds 1-5, and PyTorch's
initialisation at beta 50; the reference's runs that scripts/h13-fixed-table.py reuses; the reference with
DJL's initialisation, --init he, in docs/results/h13-part5.jsonl).

Run: python3 scripts/h13-gap-table.py [docs/results/h13-gap.jsonl]

Rows and gap lines as in scripts/h13-fixed-table.py (whose functions this uses), over seeds 1-20.
"""
import importlib.util
import math
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("fixed_table", os.path.join(HERE, "h13-fixed-table.py"))
t = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(t)
t.SEEDS = tuple(range(1, 21))


def reference_he():
    """The reference with DJL's initialisation (--init he), beta 50, 5 x 16, 300 steps, symm (an earlier round)."""
    return {r["seed"]: r for f in ("docs/results/h13-quality.jsonl", "docs/results/h13-part5.jsonl") for r in t.read(f)
            if r.get("impl") == "torch-reference" and r["synthesis"] == "symm" and r["init"] == "he"
            and r["pools"] == 3 and r["weight_decay"] == 0.0 and not r["conv_bias"] and r["p"] == 5 and r["k"] == 16
            and r["steps"] == 300 and r.get("mining", "paper") == "paper" and r.get("beta", 50.0) == 50.0}


def pooled(label, pairs):
    """Mean and standard error of per-seed differences pooled over several paired comparisons."""
    diffs = []
    for a, b in pairs:
        diffs += [t.recall(a[s]) - t.recall(b[s]) for s in sorted(set(a) & set(b))]
    se = statistics.stdev(diffs) / math.sqrt(len(diffs))
    return f"- {label}: {statistics.mean(diffs):+.3f} (standard error {se:.3f}, {len(diffs)} pairs)"


def main(path):
    runs = t.read(path)
    fixed = t.read("docs/results/h13-fixed.jsonl")
    ours40 = {**t.cell(fixed, "ms symm, beta 40"), **t.cell(runs, "ms symm")}
    torch40 = t.cell(runs, "ms symm, PyTorch init")
    torch50 = t.cell(fixed, "ms symm, PyTorch init")
    ours50 = {**t.collapse_fixed("fix-gc-5x16-s"), **t.cell(fixed, "ms symm")}
    reference = {**t.reused_reference("symm"), **t.cell(runs, "ref symm")}
    replay = t.cell(runs, "ref symm, replaying ours (PyTorch init), beta 40")
    he = reference_he()

    t.table("6. Symm: ours, ours with PyTorch's initialisation, the reference (multi-similarity, 5 x 16, 300 steps)", [
        ("ours (beta 40, DJL's initialisation)", ours40),
        ("ours, PyTorch's initialisation (beta 40)", torch40),
        ("ours (beta 50, DJL's initialisation)", ours50),
        ("ours, PyTorch's initialisation (beta 50)", torch50),
        ("reference (beta 50, PyTorch's initialisation)", reference),
        ("reference, DJL's initialisation (--init he, beta 50)", he),
        ("reference replaying ours with PyTorch's initialisation (its initial weights and batches, beta 40)", replay)])
    print()
    print(t.gap("ours - reference", ours40, reference, paired=False))
    print(t.gap("ours - reference, seeds 1-10 only", {k: v for k, v in ours40.items() if k <= 10}, reference,
                paired=False))
    print(t.gap("ours with PyTorch's initialisation - reference", torch40, reference, paired=False))
    print(t.gap("PyTorch's initialisation - DJL's, ours, beta 40 (paired)", torch40, ours40))
    print(t.gap("PyTorch's initialisation - DJL's, ours, beta 50 (paired)", torch50, ours50))
    print(t.gap("PyTorch's initialisation - DJL's, reference, beta 50 (paired)", reference, he))
    print(pooled("PyTorch's initialisation - DJL's, all three pairings", [(torch40, ours40), (torch50, ours50),
                                                                          (reference, he)]))
    rows, lines = [], []
    for synthesis in ("none", "ee"):
        djl = t.cell(fixed, f"ms {synthesis}, beta 40")
        torch_init = t.cell(runs, f"ms {synthesis}, PyTorch init")
        rows += [(f"ours, {synthesis} (beta 40, DJL's initialisation)", djl),
                 (f"ours, {synthesis}, PyTorch's initialisation (beta 40)", torch_init),
                 (f"reference, {synthesis}", t.reused_reference(synthesis))]
        lines += [t.gap(f"PyTorch's initialisation - DJL's, ours, {synthesis} (paired)", torch_init, djl),
                  t.gap(f"ours with PyTorch's initialisation - reference, {synthesis}", torch_init,
                        t.reused_reference(synthesis), paired=False)]
    t.table("6b. The same initialisations without synthesis and with EE", rows)
    print()
    print("\n".join(lines))
    if len(replay) > 1:
        print(t.gap("reference replaying ours - ours, PyTorch's initialisation (paired: the same initial weights and "
                    "batches)", replay, torch40))
        print(t.gap("ours with PyTorch's initialisation - reference replaying it", torch40, replay, paired=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/results/h13-gap.jsonl")
