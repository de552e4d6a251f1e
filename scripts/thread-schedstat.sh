#!/usr/bin/env bash
# Samples every thread of a running streamsynth JVM every 5 s: name (comm) and /proc/<pid>/task/<tid>/schedstat
# (ns on a CPU, ns runnable but waiting in the run queue, timeslices). Start it, then the command to watch:
#   scripts/thread-schedstat.sh > runs/schedstat.txt &
#   ./streamsynth bench streaming --embedder on --rounds 2 --events 30000 --window-seconds 30
#   python3 scripts/thread-schedstat-table.py runs/schedstat.txt
# It waits for a process whose command line holds 'streamsynth.jar bench' and stops when that process ends.
set -euo pipefail
pid=""
while [ -z "$pid" ]; do pid=$(pgrep -f 'streamsynth.jar bench' | head -1 || true); sleep 1; done
while kill -0 "$pid" 2>/dev/null; do
  echo "T $(date +%s.%N)"
  grep -H . /proc/"$pid"/task/*/comm /proc/"$pid"/task/*/schedstat 2>/dev/null || true
  sleep 5
done
