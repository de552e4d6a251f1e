#!/usr/bin/env python3
"""Zero-shot and seen Recall@1 of the cross-batch memory runs (scripts/memory-grid.sh) next to the same
offline runs without a memory, seed by seed (seeds 1-3), and each memory cell minus the memory-off cell of
its synthesis, paired by seed. Reads offline JSON lines; from files of issue 13's grid
(docs/results/h13-fixed.jsonl) only the 5 x 16 cells at multi-similarity beta 40 ("ms X, beta 40"), the
default the memory runs ran at. Runs without `memory_size` count as memory 0.

usage: scripts/memory-table.py RUNS.jsonl [MORE.jsonl ...]"""
import json
import statistics
import sys
from collections import defaultdict

SEEDS = (1, 2, 3)
cells = defaultdict(dict)
for path in sys.argv[1:]:
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        if d.get("loss") != "ms" or "zero_shot" not in d or d.get("steps") != 300 or d.get("seed") not in SEEDS:
            continue
        if "cell" in d and d["cell"] not in ("ms none, beta 40", "ms ee, beta 40", "ms symm, beta 40"):
            continue  # issue 13's other cells: beta 50, other shapes or splits
        key = (d["synthesis"], d.get("memory_size", 0), d.get("memory_warmup_steps", 0))
        cells[key][d["seed"]] = d


def zs(d):
    return d["zero_shot"]["r_at_1"]


print("| synthesis | memory | warm-up steps | seed 1 | seed 2 | seed 3 | mean zero-shot R@1 | minus memory off "
      "(paired) | mean seen R@1 | final loss (per seed) | median ms/step (per seed) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for (synthesis, memory, warmup), by_seed in sorted(cells.items()):
    present = [by_seed[s] for s in SEEDS if s in by_seed]
    mean_zs = statistics.mean(zs(d) for d in present)
    sd = f" ± {statistics.stdev([zs(d) for d in present]):.3f}" if len(present) > 1 else ""
    off = cells.get((synthesis, 0, 0), {})
    diffs = [zs(by_seed[s]) - zs(off[s]) for s in SEEDS if s in by_seed and s in off]
    paired = "" if memory == 0 or not diffs else (f"{statistics.mean(diffs):+.3f} ("
                                                   + ", ".join(f"{x:+.3f}" for x in diffs) + ")")
    print(f"| {synthesis} | {memory} | {warmup} | "
          + " | ".join("" if s not in by_seed else f"{zs(by_seed[s]):.3f}" for s in SEEDS)
          + f" | {mean_zs:.3f}{sd} (n={len(present)}) | {paired} | "
          + f"{statistics.mean(d['seen']['r_at_1'] for d in present):.3f} | "
          + ", ".join(f"{d['final_loss']:.2f}" for d in present) + " | "
          + ", ".join(f"{d['median_ms_per_step']:.0f}" for d in present) + " |")
