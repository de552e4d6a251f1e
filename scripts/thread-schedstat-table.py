"""Per 5 s interval of a scripts/thread-schedstat.sh recording: CPU s run / s waiting in the run queue of the
busiest threads of the JVM, named by comm with digits as '#' (docs/results/trainer-thread-schedstat.txt)."""
import collections
import re
import sys

snapshots = []
for line in open(sys.argv[1]):
    line = line.rstrip('\n')
    if line.startswith('T '):
        snapshots.append({'t': float(line[2:]), 'comm': {}, 'stat': {}})
        continue
    m = re.match(r'/proc/\d+/task/(\d+)/(comm|schedstat):(.*)', line)
    if m and snapshots:
        tid, kind, value = m.groups()
        if kind == 'comm':
            snapshots[-1]['comm'][tid] = value
        else:
            snapshots[-1]['stat'][tid] = [int(x) for x in value.split()]

for a, b in zip(snapshots, snapshots[1:]):
    run, wait = collections.Counter(), collections.Counter()
    for tid, now in b['stat'].items():
        if tid in a['stat']:
            name = re.sub(r'\d+', '#', b['comm'].get(tid, '?'))
            run[name] += (now[0] - a['stat'][tid][0]) / 1e9
            wait[name] += (now[1] - a['stat'][tid][1]) / 1e9
    top = ', '.join(f'{k}={v:.1f}/{wait[k]:.1f}' for k, v in run.most_common(6))
    print(f"{b['t'] - a['t']:4.1f} s  process {sum(run.values()):4.1f} CPU-s | {top}")
