#!/usr/bin/python3
"""Summarises scripts/quality-grid.sh output: one Markdown row per cell with zero-shot Recall@1 per
seed, mean, sample standard deviation, untrained floor and synthetic share.

Run: python3 scripts/quality-table.py runs/quality-grid.jsonl
"""
import json
import statistics
import sys


def recall(run):
    # offline JSON nests the figures; the PyTorch reference prints them flat
    return run["zero_shot"]["r_at_1"] if "zero_shot" in run else run["r_at_1"]


def floor(run):
    return run["untrained"]["zero_shot"]["r_at_1"] if "untrained" in run else run["untrained_r_at_1"]


def main(path):
    cells = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                run = json.loads(line)
                cells.setdefault(run["cell"], []).append(run)
    seeds = sorted({r["seed_run"] for runs in cells.values() for r in runs})
    print("| cell | impl | " + " | ".join(f"seed {s}" for s in seeds)
          + " | n | mean | sd | untrained | synthetic share |")
    print("| --- " * (len(seeds) + 7) + "|")
    for cell, runs in cells.items():
        # the reference's own "impl" field overrides the grid's tag when the line is parsed
        impl = "ours" if "zero_shot" in runs[0] else "reference"
        by_seed = {r["seed_run"]: recall(r) for r in runs}
        values = list(by_seed.values())
        sd = statistics.stdev(values) if len(values) > 1 else float("nan")
        share = statistics.mean(r.get("synthetic_share", 0.0) for r in runs)
        print(f"| {cell} | {impl} | "
              + " | ".join(f"{by_seed[s]:.4f}" if s in by_seed else "" for s in seeds)
              + f" | {len(values)} | {statistics.mean(values):.4f} | {sd:.4f}"
              + f" | {statistics.mean(floor(r) for r in runs):.4f} | {share:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/quality-grid.jsonl")
