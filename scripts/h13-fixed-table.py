#!/usr/bin/python3
"""The tables of docs/RESULTS.md, "Against a plain PyTorch loop (issue 13, part 5)": issue 13's part 5 on
the code with the freed-constant fix (OwnedScalars), from the lines scripts/h13-part5-grid.sh wrote with
scripts/h13-fixed-cells.txt.

Run: python3 scripts/h13-fixed-table.py [docs/results/h13-fixed.jsonl]

Besides that file it reads the reference's runs of the earlier rounds (docs/results/h13-quality.jsonl,
docs/results/h13-last-round.jsonl): scripts/torch-reference.py is plain PyTorch, which the DJL bug did
not touch, and it has not changed since they ran (its last change, 7f8b8d2, only made beta 50 a flag).
Those ran with two threads (h13-quality) or one (h13-last-round); the rows say which.

Each row: zero-shot Recall@1 per seed (in brackets the mean training loss of the last 50 steps; a
batch of identical embeddings costs 1.54 with multi-similarity, so a run ending above 1 has
collapsed), mean +- sample standard deviation (n), the untrained network's Recall@1 (mean), the
synthetic share of mined negatives, and for ours the mean zero-shot NMI / MAP@R. A "gap" line is
mean(a) - mean(b) with its standard error sqrt(sd_a^2 / n_a + sd_b^2 / n_b) across implementations, and the
mean per-seed difference with its standard error over the seeds both have within ours ("paired").
"""
import json
import math
import statistics
import sys

SEEDS = (1, 2, 3, 4, 5)


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def recall(run):
    return run["zero_shot"]["r_at_1"] if "zero_shot" in run else run["r_at_1"]


def floor(run):
    return run["untrained"]["zero_shot"]["r_at_1"] if "untrained" in run else run["untrained_r_at_1"]


def final_loss(run):
    return run.get("final_loss", run.get("loss_tail", float("nan")))


def cell(runs, name):
    return {r["seed_run"]: r for r in runs if r.get("cell") == name}


def reused_reference(synthesis):
    """The reference at its defaults (5 x 16, 300 steps, beta 50, torch init, 3 pools) from earlier rounds."""
    by_seed = {}
    for r in read("docs/results/h13-quality.jsonl"):
        if (r.get("impl") == "torch-reference" and r["synthesis"] == synthesis and r["init"] == "torch"
                and r["pools"] == 3 and r["weight_decay"] == 0.0 and not r["conv_bias"] and r["p"] == 5
                and r["k"] == 16 and r["steps"] == 300 and r["ee_points"] == 2
                and r.get("mining", "paper") == "paper" and r.get("beta", 50.0) == 50.0):
            by_seed[r["seed"]] = r
    for r in read("docs/results/h13-last-round.jsonl"):
        if r.get("cell") == f"ref {synthesis}":
            by_seed[r["seed_run"]] = r
    return by_seed


def stats(runs):
    values = [recall(r) for r in runs.values()]
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else float("nan")
    return mean, sd, len(values)


def row(label, runs):
    if not runs:
        return None
    mean, sd, n = stats(runs)
    sd_text = f"{sd:.3f}" if n > 1 else "-"
    ours = [r for r in runs.values() if "zero_shot" in r]
    extra = (f"{statistics.mean(r['zero_shot']['nmi'] for r in ours):.3f} / "
             f"{statistics.mean(r['zero_shot']['map_at_r'] for r in ours):.3f}") if ours else ""
    return (f"| {label} | "
            + " | ".join(f"{recall(runs[s]):.3f} ({final_loss(runs[s]):.2f})" if s in runs else "" for s in SEEDS)
            + f" | **{mean:.3f}** ± {sd_text} ({n})"
            + f" | {statistics.mean(floor(r) for r in runs.values()):.3f}"
            + f" | {statistics.mean(r.get('synthetic_share', 0.0) for r in runs.values()):.2f} | {extra} |")


def gap(label, a, b, paired=True):
    if paired:
        # same seed, same batches: the mean of the per-seed differences and their standard error
        seeds = sorted(set(a) & set(b))
        if len(seeds) < 2:
            return f"- {label}: not enough seeds"
        diffs = [recall(a[s]) - recall(b[s]) for s in seeds]
        se = statistics.stdev(diffs) / math.sqrt(len(diffs))
        return (f"- {label}: {statistics.mean(diffs):+.3f} (standard error {se:.3f}, seeds "
                + ", ".join(map(str, seeds)) + "; seed by seed " + ", ".join(f"{d:+.3f}" for d in diffs) + ")")
    # the reference's seed N draws other batches than ours: only the means compare
    if len(a) < 2 or len(b) < 2:
        return f"- {label}: not enough seeds"
    ma, sa, na = stats(a)
    mb, sb, nb = stats(b)
    return f"- {label}: {ma - mb:+.3f} (standard error {math.sqrt(sa * sa / na + sb * sb / nb):.3f})"


def table(title, rows):
    print(f"\n#### {title}\n")
    print("| run | " + " | ".join(f"seed {s}" for s in SEEDS)
          + " | mean ± sd (n) | untrained | synthetic share | NMI / MAP@R |")
    print("| --- " * (len(SEEDS) + 5) + "|")
    for label, runs in rows:
        line = row(label, runs)
        if line:  # a cell with no run yet has no row
            print(line)


def collapse_fixed(prefix):
    """Runs of ours on the fixed code from the round that found the bug (442e47f, docs/results/h13-collapse.jsonl)."""
    return {r["result"]["seed"]: r["result"] for r in read("docs/results/h13-collapse.jsonl")
            if r["run"].startswith(prefix)}


def main(path):
    runs = read(path)
    c = lambda name: cell(runs, name)  # noqa: E731
    # symm at beta 50: the fixed code's runs of 442e47f for seeds 1-3, this jar's runs where they ran
    # (a run is deterministic: the same seed gives the same figures on both)
    symm50 = {**collapse_fixed("fix-gc-5x16-s"), **c("ms symm")}

    table("1. Ours (beta 40, the default) against the reference, multi-similarity, 5 x 16, 300 steps", [
        ("ours, none", c("ms none, beta 40")), ("reference, none", reused_reference("none")),
        ("reference, none, 1 thread", c("ref none")),
        ("ours, ee", c("ms ee, beta 40")), ("reference, ee", reused_reference("ee")),
        ("reference, ee, 1 thread", c("ref ee")),
        ("ours, symm", c("ms symm, beta 40")), ("reference, symm", reused_reference("symm")),
        ("reference, symm, 1 thread", c("ref symm")),
        ("ours, symm, PyTorch's initialisation (beta 50)", c("ms symm, PyTorch init"))])
    print()
    for s in ("none", "ee", "symm"):
        print(gap(f"ours - reference, {s}", c(f"ms {s}, beta 40"), reused_reference(s), paired=False))
    for s in ("ee", "symm"):
        print(gap(f"ours, {s} - none (paired)", c(f"ms {s}, beta 40"), c("ms none, beta 40")))
        print(gap(f"reference, {s} - none (paired)", reused_reference(s), reused_reference("none")))
    print(gap("ours, symm, PyTorch's init - DJL's (beta 50, paired)", c("ms symm, PyTorch init"), symm50))

    table("2. Multi-similarity's beta (ours)", [
        ("none, beta 40", c("ms none, beta 40")), ("none, beta 50", c("ms none")),
        ("ee, beta 40", c("ms ee, beta 40")), ("ee, beta 50", c("ms ee")),
        ("symm, beta 40", c("ms symm, beta 40")), ("symm, beta 50", symm50)])
    print()
    print(gap("beta 50 - beta 40, none (paired)", c("ms none"), c("ms none, beta 40")))
    print(gap("beta 50 - beta 40, ee (paired)", c("ms ee"), c("ms ee, beta 40")))
    print(gap("beta 50 - beta 40, symm (paired)", symm50, c("ms symm, beta 40")))

    table("3. The streaming shape, 4 x 8, 1000 steps, symm", [
        ("ours (beta 40)", c("ms symm 4x8 1000 steps, beta 40")),
        ("ours (beta 50; 442e47f, h13-collapse.jsonl)", collapse_fixed("fix-gc-1000-s")),
        ("reference", c("ref symm 4x8 1000 steps"))])
    print()
    print(gap("ours - reference", c("ms symm 4x8 1000 steps, beta 40"), c("ref symm 4x8 1000 steps"), paired=False))

    table("4. Triplet margin", [(f"triplet, {s}, margin {m}", c(f"triplet m={m} {s}"))
                                for s in ("ee", "symm") for m in ("0.2", "1e-5")])
    print()
    for s in ("ee", "symm"):
        print(gap(f"1e-5 - 0.2, {s} (paired)", c(f"triplet m=1e-5 {s}"), c(f"triplet m=0.2 {s}")))

    six = [("none", "ms none 6x16 train 0-5"), ("ee n=1", "ms ee n=1 6x16 train 0-5"),
           ("ee n=2", "ms ee n=2 6x16 train 0-5"), ("ee n=4", "ms ee n=4 6x16 train 0-5"),
           ("ee n=2, official rule", "ms ee n=2 official 6x16 train 0-5")]
    table("5. EE on six train classes (0-5; zero-shot on 6-9), 6 x 16, 300 steps", [(f"ours, {l}", c(n)) for l, n in six])
    print()
    for label, name in six[1:]:
        print(gap(f"{label} - none (paired)", c(name), c(six[0][1])))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/results/h13-fixed.jsonl")
