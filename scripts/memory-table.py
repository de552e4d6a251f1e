#!/usr/bin/env python3
"""Zero-shot and seen Recall@1 of the cross-batch memory runs (scripts/memory-grid.sh) next to the same
offline runs without a memory, seed by seed. Runs without `memory_size` in their JSON (made before the flag
existed, e.g. docs/results/h13-last-round.jsonl's "beta 50" cells) count as memory 0.

usage: scripts/memory-table.py RUNS.jsonl [MORE.jsonl ...]"""
import json
import statistics
import sys
from collections import defaultdict

cells = defaultdict(dict)
for path in sys.argv[1:]:
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        if d.get("loss") != "ms" or "zero_shot" not in d or d.get("steps") != 300:
            continue
        if d.get("cell", "").startswith("ms") and "beta 50" not in d.get("cell", ""):
            continue  # h13's beta-40 cells ran another loss
        key = (d["synthesis"], d.get("memory_size", 0))
        cells[key][d["seed"]] = d

print("| synthesis | memory | seed 1 | seed 2 | seed 3 | mean zero-shot R@1 | mean seen R@1 | final loss (per seed) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for (synthesis, memory), by_seed in sorted(cells.items()):
    zs = [by_seed[s]["zero_shot"]["r_at_1"] if s in by_seed else None for s in (1, 2, 3)]
    present = [by_seed[s] for s in (1, 2, 3) if s in by_seed]
    mean_zs = statistics.mean(d["zero_shot"]["r_at_1"] for d in present)
    mean_seen = statistics.mean(d["seen"]["r_at_1"] for d in present)
    sd = f" ± {statistics.stdev([d['zero_shot']['r_at_1'] for d in present]):.3f}" if len(present) > 1 else ""
    print(f"| {synthesis} | {memory} | " + " | ".join("" if z is None else f"{z:.3f}" for z in zs)
          + f" | {mean_zs:.3f}{sd} (n={len(present)}) | {mean_seen:.3f} | "
          + ", ".join(f"{d['final_loss']:.2f}" for d in present) + " |")
