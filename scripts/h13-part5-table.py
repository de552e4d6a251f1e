#!/usr/bin/python3
"""Summarises scripts/h13-part5-grid.sh output: one Markdown row per cell with zero-shot Recall@1 per
seed (in brackets the mean training loss of the last 50 steps: loss_tail for the reference,
final_loss for ours), mean +- sample standard deviation, untrained Recall@1 and
the synthetic share of mined negatives. A final loss above 1 marks a collapsed run.

Run: python3 scripts/h13-part5-table.py runs/part5.jsonl [more.jsonl ...]
"""
import json
import statistics
import sys


def recall(run):
    # offline JSON nests the figures; the PyTorch reference prints them flat
    return run["zero_shot"]["r_at_1"] if "zero_shot" in run else run["r_at_1"]


def floor(run):
    return run["untrained"]["zero_shot"]["r_at_1"] if "untrained" in run else run["untrained_r_at_1"]


def final_loss(run):
    return run.get("final_loss", run.get("loss_tail", float("nan")))


def main(paths):
    cells = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                if line.strip():
                    run = json.loads(line)
                    cells.setdefault(run["cell"], {})[run["seed_run"]] = run
    seeds = sorted({s for runs in cells.values() for s in runs})
    print("| cell | " + " | ".join(f"seed {s}" for s in seeds) + " | mean ± sd (n) | untrained | synthetic share |")
    print("| --- " * (len(seeds) + 4) + "|")
    for cell, runs in cells.items():
        values = [recall(r) for r in runs.values()]
        sd = f"{statistics.stdev(values):.3f}" if len(values) > 1 else "-"
        share = statistics.mean(r.get("synthetic_share", 0.0) for r in runs.values())
        print(f"| {cell} | "
              + " | ".join(f"{recall(runs[s]):.3f} ({final_loss(runs[s]):.2f})" if s in runs else "" for s in seeds)
              + f" | {statistics.mean(values):.3f} ± {sd} ({len(values)})"
              + f" | {statistics.mean(floor(r) for r in runs.values()):.3f} | {share:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:] or ["runs/part5.jsonl"])
