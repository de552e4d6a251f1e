"""Self time and call count per op of a Chrome trace written by libtorch's autograd profiler: the file
scripts/ProfileResnetPhases.java writes through DJL (JniUtils.startProfile / stopProfile), the same
table torch.autograd.profiler prints in Python (scripts/resnet_phases.py ops). Self time is an
event's duration less its nested events' (same thread); times are wall-clock, so on a loaded machine
compare shares and counts rather than milliseconds.

  /usr/bin/python3 scripts/profile_ops.py PROFILE.json [ROWS]
  /usr/bin/python3 scripts/profile_ops.py PROFILE.json --callers OP [DEPTH]
The second form lists where OP (e.g. aten::copy_) ran: its calls and total time grouped by the DEPTH
(default 3) events enclosing it, e.g. a backward node's `contiguous > clone`.
"""
import collections
import json
import sys


def callers(events, op, depth):
    total = collections.defaultdict(float)
    calls = collections.Counter()
    open_events = []
    for e in events:
        while open_events and (open_events[-1]["tid"] != e["tid"]
                               or open_events[-1]["ts"] + open_events[-1]["dur"] <= e["ts"]):
            open_events.pop()
        if e["name"] == op:
            where = " > ".join(o["name"] for o in open_events[-depth:]) or "(top level)"
            total[where] += e["dur"]
            calls[where] += 1
        open_events.append(e)
    for where, t in sorted(total.items(), key=lambda kv: -kv[1]):
        print("%9.1f ms %5d calls  %s" % (t / 1000, calls[where], where))


def main():
    events = [e for e in json.load(open(sys.argv[1])) if e.get("ph") == "X"]
    events.sort(key=lambda e: (e["tid"], e["ts"], -e["dur"]))
    if len(sys.argv) > 2 and sys.argv[2] == "--callers":
        callers(events, sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 3)
        return
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    own = collections.defaultdict(float)
    calls = collections.Counter()
    open_events = []
    for e in events:
        while open_events and (open_events[-1]["tid"] != e["tid"]
                               or open_events[-1]["ts"] + open_events[-1]["dur"] <= e["ts"]):
            open_events.pop()
        if open_events:
            own[open_events[-1]["name"]] -= e["dur"]
        own[e["name"]] += e["dur"]
        calls[e["name"]] += 1
        open_events.append(e)
    total = sum(own.values())
    print("total self time %.0f ms" % (total / 1000))
    for name, t in sorted(own.items(), key=lambda kv: -kv[1])[:rows]:
        print("%-55s %9.1f ms %5.1f %% %5d calls" % (name[:55], t / 1000, 100 * t / total, calls[name]))


if __name__ == "__main__":
    main()
