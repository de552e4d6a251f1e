#!/usr/bin/env bash
# Reproduces the grid of docs/RESULTS.md, "Issue 13, last round" (multi-similarity's beta, the
# defaults against the PyTorch reference, triplet's margin, EE): `offline` runs of the built jar and runs of
# scripts/torch-reference.py, one JSON line per run appended to $OUT as each run ends (partial grids
# survive), each tagged with its cell name, implementation and flags. Runs already in $OUT, or started
# by an earlier instance (listed in $OUT with .started for .jsonl), are skipped, so the script can be
# stopped and started again; delete a failed run's line from the .started file to run it again.
#
#   PARTS="a b" OUT=runs/quality-grid.jsonl JOBS=2 scripts/quality-grid.sh
#
# PARTS picks cell groups (default: all): a = triplet margins, b = defaults against the reference
# with five seeds, c = EE points / batch shape / run length. JOBS runs at once (default 2), each with
# one PyTorch thread. DRY=1 lists the runs still to do without running them. Build the jar first:
# ./mvnw -o -B -q -DskipTests package -pl pipeline -am
# Two jars: impl "ours" is $jar as built (the RESULTS rows "beta 40" ran with a175402's build, whose
# multi-similarity beta was 40); impl "diag" is $DIAG_JAR, the tree with beta 50, which is the code
# from e74097b on: there, DIAG_JAR=pipeline/target/streamsynth.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-runs/quality-grid.jsonl}
jobs=${JOBS:-2}
parts=${PARTS:-"a b c"}
jar=pipeline/target/streamsynth.jar
mkdir -p "$(dirname "$out")"
started=${out%.jsonl}.started
touch "$out" "$started"

# The issue's setting (part 5): multi-similarity, 5 x 16, 300 steps, train 0,1,5,7,8; one thread per run.
setting="--classes-per-batch 5 --samples-per-class 16 --steps 300 --train-classes 0,1,5,7,8"
long="--classes-per-batch 5 --samples-per-class 16 --steps 1000 --train-classes 0,1,5,7,8"

# cell lines: group|cell name|impl (ours or ref)|seeds|flags
cells() {
  # in order of priority: the runs start in this order, JOBS at a time
  cat <<EOF
b|ms none|ours|1 2 3|--loss ms --synthesis none $setting
b|ms symm|ours|1 2 3|--loss ms --synthesis symm $setting
b|ref symm beta 40|ref|1|--synthesis symm --beta 40
a|triplet m=0.2 none|ours|1 2|--loss triplet --margin 0.2 --synthesis none $setting
a|triplet m=1e-5 none|ours|1|--loss triplet --margin 1e-5 --synthesis none $setting
b|ms symm beta 50|diag|1|--loss ms --synthesis symm $setting
b|ms none beta 50|diag|1|--loss ms --synthesis none $setting
a|triplet m=1e-5 none|ours|2|--loss triplet --margin 1e-5 --synthesis none $setting
b|ref symm|ref|4|--synthesis symm
b|ms symm beta 50|diag|2 3|--loss ms --synthesis symm $setting
b|ms none beta 50|diag|2 3|--loss ms --synthesis none $setting
a|triplet m=0.2 none|ours|3|--loss triplet --margin 0.2 --synthesis none $setting
a|triplet m=1e-5 none|ours|3|--loss triplet --margin 1e-5 --synthesis none $setting
b|ms symm beta 50|diag|4|--loss ms --synthesis symm $setting
b|ref symm|ref|5|--synthesis symm
b|ms symm beta 50|diag|5|--loss ms --synthesis symm $setting
b|ref none|ref|5|--synthesis none
b|ms none beta 50|diag|4 5|--loss ms --synthesis none $setting
b|ms ee beta 50|diag|1 2 3|--loss ms --synthesis ee $setting
a|triplet m=0.2 symm|ours|1|--loss triplet --margin 0.2 --synthesis symm $setting
a|triplet m=1e-5 symm|ours|1|--loss triplet --margin 1e-5 --synthesis symm $setting
c|ms ee n=1 beta 50|diag|1|--loss ms --synthesis ee --ee-points 1 $setting
c|ms ee n=4 beta 50|diag|1|--loss ms --synthesis ee --ee-points 4 $setting
b|ref symm, DJL init|ref|1 2 3|--synthesis symm --init he
b|ref symm, DJL init, beta 40|ref|1 2|--synthesis symm --init he --beta 40
c|ms none 1000 steps beta 50|diag|1|--loss ms --synthesis none $long
c|ms ee 1000 steps beta 50|diag|1|--loss ms --synthesis ee $long
a|triplet m=0.2 symm|ours|2 3|--loss triplet --margin 0.2 --synthesis symm $setting
a|triplet m=1e-5 symm|ours|2 3|--loss triplet --margin 1e-5 --synthesis symm $setting
b|ref ee|ref|4 5|--synthesis ee
a|triplet m=0.1 none|ours|1 2 3|--loss triplet --margin 0.1 --synthesis none $setting
EOF
}

run_one() {
  local cell=$1 impl=$2 seed=$3 flags=$4 line
  printf '%s\n' "$(run_key "$cell" "$impl" "$flags" "$seed")" >> "$started"
  if [ "$impl" = ours ] || [ "$impl" = diag ]; then
    # diag: $DIAG_JAR, the same tree with multi-similarity's beta 50 (the default before c198c29)
    local use=$jar
    [ "$impl" = diag ] && use=${DIAG_JAR:?DIAG_JAR must name the beta-50 jar}
    # shellcheck disable=SC2086
    line=$(TORCH_CPP_LOG_LEVEL=ERROR MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 \
      MALLOC_ARENA_MAX=1 java -jar "$use" offline $flags --seed "$seed" --threads 1 2>"$(dirname "$out")/$impl-$seed-$$.err" | tail -n 1)
  else
    # shellcheck disable=SC2086
    line=$(/usr/bin/python3 scripts/torch-reference.py $flags --seed "$seed" --threads 1 | tail -n 1)
  fi
  case $line in
    "{"*) printf '{"cell":"%s","impl":"%s","flags":"%s","seed_run":%s,%s\n' "$cell" "$impl" "$flags" "$seed" \
            "${line#\{}" >> "$out" ;;
    *) echo "run failed: $cell seed $seed" >&2 ;;
  esac
}
run_key() {
  printf '"cell":"%s","impl":"%s","flags":"%s","seed_run":%s,' "$1" "$2" "$3" "$4"
}
export -f run_one run_key
export out jar started

cells | while IFS='|' read -r group cell impl seeds flags; do
  case " $parts " in *" $group "*) ;; *) continue ;; esac
  for seed in $seeds; do
    key=$(run_key "$cell" "$impl" "$flags" "$seed")
    if grep -qF "$key" "$out" || grep -qxF "$key" "$started"; then
      continue
    fi
    printf '%s\0%s\0%s\0%s\0' "$cell" "$impl" "$seed" "$flags"
  done
done | if [ -n "${DRY:-}" ]; then xargs -0 -n 4 printf '%s | %s | seed %s | %s\n'; else
  xargs -0 -n 4 -P "$jobs" bash -c 'run_one "$@"' _; fi
echo "wrote $out" >&2
