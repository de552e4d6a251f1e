#!/usr/bin/env bash
# Runs the offline results grid: losses x synthesis methods x seeds on both class splits, one JSON
# line per run appended to $OUT (default runs/offline-grid.jsonl). Summarise with
# scripts/offline-table.py. Settings through the environment: STEPS, SEEDS, LOSSES, SYNTHESES, THREADS,
# and CMD (how to run the command line; default ./streamsynth). Runs already in $OUT are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-runs/offline-grid.jsonl}
steps=${STEPS:-1000}
seeds=${SEEDS:-"1 2 3"}
losses=${LOSSES:-"triplet ms"}
syntheses=${SYNTHESES:-"none ee symm"}
threads=${THREADS:-2}
cmd=${CMD:-./streamsynth}
mkdir -p "$(dirname "$out")"
for split in 0,1,2,3,4 0,1,5,7,8; do
  for loss in $losses; do
    for synthesis in $syntheses; do
      for seed in $seeds; do
        done_key="\"loss\":\"$loss\",\"synthesis\":\"$synthesis\",\"seed\":$seed,\"threads\":$threads,\"train_classes\":[$split]"
        if [ -f "$out" ] && grep -qF "$done_key" "$out"; then continue; fi
        echo "== split $split loss $loss synthesis $synthesis seed $seed" >&2
        $cmd offline --train-classes "$split" --loss "$loss" --synthesis "$synthesis" \
          --steps "$steps" --seed "$seed" --threads "$threads" 2>/dev/null >> "$out"
      done
    done
  done
done
echo "wrote $out" >&2
