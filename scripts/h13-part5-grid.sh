#!/usr/bin/env bash
# The grids of docs/RESULTS.md, "Against a plain PyTorch loop (issue 13, part 5)": `offline` runs of the
# built jar and runs of scripts/torch-reference.py, one JSON line per run appended to $OUT as each run ends,
# tagged with its cell, implementation and flags.
#
#   OUT=runs/part5.jsonl JOBS=2 scripts/h13-part5-grid.sh        # the pre-fix round (h13-part5-cells.txt)
#   JAR=runs/fixed.jar BETA40_JAR=runs/beta40.jar TORCHINIT_JAR=runs/torchinit.jar \
#     CELLS=scripts/h13-fixed-cells.txt OUT=runs/fixed.jsonl JOBS=2 scripts/h13-part5-grid.sh   # the fixed code
#
# The cells are read from $CELLS (default scripts/h13-part5-cells.txt) each time a worker takes its next
# run, so the queue can be reordered while the grid runs. A cell line is
#   group|cell name|impl|seeds|flags
# impl: ours = app/target/streamsynth.jar; torchinit = $TORCHINIT_JAR, the same tree with
# scripts/h13-part5-torchinit.patch applied (`git apply -p0 scripts/h13-part5-torchinit.patch`, then build):
# the small CNN's conv and linear layers initialised as PyTorch's nn.Conv2d / nn.Linear are, weights and
# biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)), instead of DJL's N(0, 2/fan_in) and zero bias;
# beta40 = $BETA40_JAR, the same tree with MultiSimilarityLoss.DEFAULT_BETA = 40f (the authors' released value);
# ref = scripts/torch-reference.py (/usr/bin/python3, torch 1.13).
# PARTS picks groups (default: every group in the file). Runs already in $OUT or taken by a worker
# ($OUT with .started for .jsonl) are skipped: delete a failed run's line from .started to run it again.
# Each run uses one PyTorch thread; JOBS runs go at once (default 2). DRY=1 lists what is left.
# Build the jar first: ./mvnw -o -B -q -DskipTests package -pl app -am
set -euo pipefail
cd "$(dirname "$0")/.."
export OUT=${OUT:-runs/part5.jsonl}
export CELLS=${CELLS:-scripts/h13-part5-cells.txt}
export PARTS=${PARTS:-}
export JAR=${JAR:-app/target/streamsynth.jar}
export STARTED=${OUT%.jsonl}.started
export LOCK=${OUT%.jsonl}.lock
jobs=${JOBS:-2}
mkdir -p "$(dirname "$OUT")"
touch "$OUT" "$STARTED"

key() { printf '"cell":"%s","impl":"%s","flags":"%s","seed_run":%s,' "$1" "$2" "$3" "$4"; }

# Prints the next run as cell|impl|seed|flags and marks it started; prints nothing when none is left.
next_run() {
  local group cell impl seeds flags seed k
  while IFS='|' read -r group cell impl seeds flags; do
    case $group in ''|'#'*) continue ;; esac
    if [ -n "$PARTS" ]; then case " $PARTS " in *" $group "*) ;; *) continue ;; esac; fi
    for seed in $seeds; do
      k=$(key "$cell" "$impl" "$flags" "$seed")
      if ! grep -qF "$k" "$OUT" && ! grep -qxF "$k" "$STARTED"; then
        [ -n "${DRY:-}" ] && { printf '%s | %s | seed %s | %s\n' "$cell" "$impl" "$seed" "$flags"; continue; }
        printf '%s\n' "$k" >> "$STARTED"
        printf '%s|%s|%s|%s\n' "$cell" "$impl" "$seed" "$flags"
        return
      fi
    done
  done < "$CELLS"
}

run_one() {
  local cell=$1 impl=$2 seed=$3 flags=$4 line err
  err="$(dirname "$OUT")/$impl-$seed-$BASHPID.err"
  case $impl in
    ours|torchinit|beta40)
      local use=$JAR
      [ "$impl" = torchinit ] && use=${TORCHINIT_JAR:?TORCHINIT_JAR must name the jar with PyTorch initialisation}
      [ "$impl" = beta40 ] && use=${BETA40_JAR:?BETA40_JAR must name the jar with multi-similarity beta 40}
      # a jar still being built: wait for it rather than fail the run
      while [ ! -s "$use" ] || [ $(( $(date +%s) - $(stat -c %Y "$use") )) -lt 60 ]; do sleep 20; done
      # shellcheck disable=SC2086
      line=$(TORCH_CPP_LOG_LEVEL=ERROR MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 \
        java -jar "$use" offline $flags --seed "$seed" --threads 1 2>"$err" | tail -n 1) || true ;;
    ref)
      # shellcheck disable=SC2086
      line=$(/usr/bin/python3 scripts/torch-reference.py $flags --seed "$seed" --threads 1 2>"$err" | tail -n 1) \
        || true ;;
    *) echo "unknown impl $impl" >&2; return ;;
  esac
  case $line in
    "{"*) printf '{%s%s\n' "$(key "$cell" "$impl" "$flags" "$seed")" "${line#\{}" >> "$OUT"; rm -f "$err" ;;
    *) echo "run failed: $cell $impl seed $seed (see $err)" >&2 ;;
  esac
}

if [ -n "${DRY:-}" ]; then next_run; exit 0; fi

worker() {
  local next cell impl seed flags
  while true; do
    next=$(flock "$LOCK" bash -c "$(declare -f key next_run); next_run")
    [ -z "$next" ] && return
    IFS='|' read -r cell impl seed flags <<<"$next"
    run_one "$cell" "$impl" "$seed" "$flags"
  done
}

for _ in $(seq "$jobs"); do worker & done
wait
echo "wrote $OUT" >&2
