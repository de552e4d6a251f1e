#!/usr/bin/env bash
# Cross-batch memory against none (issue 14, part 6): offline runs on the harder split, multi-similarity,
# 5 x 16, 300 steps, one PyTorch thread each, JOBS at a time; one JSON line per run appended to OUT.
# STREAMSYNTH: how to start the command line (default ./streamsynth); SYNTHESES, SEEDS, SIZES: the grid.
# Runs are deterministic for a seed (symm seed 1 without memory repeats the 0.777 of docs/RESULTS.md's issue-13
# round), so cells measured before need not run again.
set -euo pipefail
out=${OUT:-runs/memory-grid.jsonl}
jobs=${JOBS:-2}
cmd=${STREAMSYNTH:-./streamsynth}
mkdir -p "$(dirname "$out")"
# CELLS: "synthesis seed size [warm-up steps]" lines, run in this order (default: the grid of SYNTHESES x SEEDS
# x SIZES, no warm-up)
if [ -z "${CELLS:-}" ]; then
  CELLS=$(for s in ${SYNTHESES:-symm none ee}; do for seed in ${SEEDS:-1 2 3}; do for m in ${SIZES:-0 1024}; do
    echo "$s $seed $m"; done; done; done)
fi
echo "$CELLS" | grep . | xargs -P "$jobs" -L 1 bash -c '
  line=$('"$cmd"' offline --loss ms --classes-per-batch 5 --samples-per-class 16 --steps 300 \
    --train-classes 0,1,5,7,8 --threads 1 --synthesis "$0" --seed "$1" --memory-size "$2" \
    --memory-warmup-steps "${3:-0}" 2>/dev/null)
  echo "$line" >> '"$out"'
  echo "done $0 seed $1 memory $2 warm-up ${3:-0}" >&2'
