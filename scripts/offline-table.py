#!/usr/bin/env python3
"""Summarises offline-grid.sh output (JSON lines) as Markdown tables: mean and spread (sample
standard deviation) over seeds, per class split, loss and synthesis method."""
import json
import statistics
import sys
from collections import defaultdict

path = sys.argv[1] if len(sys.argv) > 1 else "runs/offline-grid.jsonl"
runs = [json.loads(line) for line in open(path) if line.strip()]
groups = defaultdict(list)
for r in runs:
    groups[(tuple(r["train_classes"]), r["loss"], r["synthesis"])].append(r)


def cell(values):
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


order = {"none": 0, "ee": 1, "symm": 2}
for split in sorted({k[0] for k in groups}):
    unseen = [c for c in range(10) if c not in split]
    print(f"\n### Train classes {','.join(map(str, split))}; zero-shot on {','.join(map(str, unseen))}\n")
    print("| loss | synthesis | seeds | zero-shot R@1 | zero-shot NMI | zero-shot MAP@R "
          "| seen R@1 | seen NMI | seen MAP@R | ms/step (median) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    floor = [r["untrained"] for k, rs in groups.items() if k[0] == split for r in rs]
    print("| untrained | - | %d | %s | %s | %s | %s | %s | %s | - |" % (
        len(floor),
        cell([f["zero_shot"]["r_at_1"] for f in floor]), cell([f["zero_shot"]["nmi"] for f in floor]),
        cell([f["zero_shot"]["map_at_r"] for f in floor]), cell([f["seen"]["r_at_1"] for f in floor]),
        cell([f["seen"]["nmi"] for f in floor]), cell([f["seen"]["map_at_r"] for f in floor])))
    for key in sorted((k for k in groups if k[0] == split), key=lambda k: (k[1], order.get(k[2], 9))):
        rs = groups[key]
        print("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            key[1], key[2], len(rs),
            cell([r["zero_shot"]["r_at_1"] for r in rs]), cell([r["zero_shot"]["nmi"] for r in rs]),
            cell([r["zero_shot"]["map_at_r"] for r in rs]), cell([r["seen"]["r_at_1"] for r in rs]),
            cell([r["seen"]["nmi"] for r in rs]), cell([r["seen"]["map_at_r"] for r in rs]),
            cell([r["median_ms_per_step"] for r in rs])))
