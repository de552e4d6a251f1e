#!/usr/bin/env python3
"""Tables of `bench class-incremental` JSON lines (any number of files): mean over seeds of Recall@1, NMI
and MAP@R of each phase's classes after each phase, per replay setting (on or off) and batch policy
(replay_classes_per_batch; lines without it ran before the setting existed, with none reserved), and the
forgetting of each phase's classes (Recall@1, NMI and MAP@R right after its own phase minus after the last,
in points).

usage: scripts/class-incremental-table.py RUNS.jsonl [MORE.jsonl ...]"""
import json
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for path in sys.argv[1:]:
    for line in open(path):
        if line.strip():
            d = json.loads(line)
            runs[(d["replay"], d.get("replay_classes_per_batch", 0))].append(d)


def mean(values):
    return statistics.mean(values)


for key in sorted(runs, key=lambda k: (not k[0], k[1])):
    replay, reserved = key
    rs = runs[key]
    phases = rs[0]["phases"]
    seeds = sorted(r["seed"] for r in rs)
    print(f"\nReplay {'on' if replay else 'off'}, {reserved} replay place(s) per batch, seeds {seeds}: "
          "R@1 / NMI / MAP@R (steps in the phase)\n")
    print("| after phase | steps | replayed samples | " + " | ".join(f"classes {p}" for p in phases)
          + " | all seen | unseen |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in phases) + " | --- | --- |")
    for t in range(len(phases)):
        cells = []
        for g in range(len(phases)):
            if g > t:
                cells.append("")
                continue
            f = [r["after_phase"][t]["groups"][g] for r in rs]
            cells.append(f"{mean(x['r_at_1'] for x in f):.3f} / {mean(x['nmi'] for x in f):.3f} / "
                         f"{mean(x['map_at_r'] for x in f):.3f}")
        for key in ("seen", "unseen"):
            f = [r["after_phase"][t][key] for r in rs if key in r["after_phase"][t]]
            cells.append("" if not f else f"{mean(x['r_at_1'] for x in f):.3f} / {mean(x['nmi'] for x in f):.3f}"
                         f" / {mean(x['map_at_r'] for x in f):.3f}")
        steps = mean(r["after_phase"][t]["steps"] for r in rs)
        replayed = mean(r["after_phase"][t]["replayed_samples"] for r in rs)
        print(f"| {t} {phases[t]} | {steps:.0f} | {replayed:.0f} | " + " | ".join(cells) + " |")
    last = len(phases) - 1
    print("\nForgetting (points, after own phase minus after the last; R@1 per seed, then means)\n")
    print("| classes | " + " | ".join(f"R@1 seed {s}" for s in seeds) + " | R@1 mean | NMI mean | MAP@R mean |")
    print("| --- | " + " | ".join("---" for _ in seeds) + " | --- | --- | --- |")
    for g in range(last):
        per = {}
        for metric in ("r_at_1", "nmi", "map_at_r"):
            per[metric] = [100 * (r["after_phase"][g]["groups"][g][metric]
                                  - r["after_phase"][last]["groups"][g][metric])
                           for r in sorted(rs, key=lambda r: r["seed"])]
        print(f"| {phases[g]} | " + " | ".join(f"{x:+.2f}" for x in per["r_at_1"])
              + f" | {mean(per['r_at_1']):+.2f} | {mean(per['nmi']):+.2f} | {mean(per['map_at_r']):+.2f} |")
    print("\nLargest drop of each phase's classes after any later phase (points, means over seeds; "
          "R@1 / NMI / MAP@R)\n")
    for g in range(last):
        worst = []
        for metric in ("r_at_1", "nmi", "map_at_r"):
            own = mean(r["after_phase"][g]["groups"][g][metric] for r in rs)
            later = min(mean(r["after_phase"][t]["groups"][g][metric] for r in rs) for t in range(g + 1, last + 1))
            worst.append(100 * (own - later))
        print(f"- classes {phases[g]}: " + " / ".join(f"{x:+.2f}" for x in worst))
