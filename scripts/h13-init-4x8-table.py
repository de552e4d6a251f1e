#!/usr/bin/python3
"""The table of docs/RESULTS.md, "Against a plain PyTorch loop (issue 13, part 5)", section 3 (the streaming
job's shape, 4 x 8, 1000 steps) with the small CNN's default initialisation since c44bf6f (PyTorch's), from
the lines scripts/h13-part5-grid.sh wrote with scripts/h13-init-4x8-cells.txt, together with the runs it
compares with in docs/results/h13-fixed.jsonl: ours with DJL's initialisation (beta 40, seeds 1-3) and the
reference's seeds 1-3 of the same cell (its seeds 4-5 are in the new file). DJL's initialisation on today's tree
(scripts/h13-djlinit.patch, cells scripts/h13-init-4x8-djl-cells.txt, same output file) adds seeds 4-5 to the
earlier DJL build's seeds 1-3, and its seed 1 checks that the two DJL builds agree.

Run: python3 scripts/h13-init-4x8-table.py [docs/results/h13-init-4x8.jsonl]

Rows and gap lines as in scripts/h13-fixed-table.py, whose functions this uses.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("fixed_table", os.path.join(HERE, "h13-fixed-table.py"))
t = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(t)


def main(path):
    runs = t.read(path)
    fixed = t.read("docs/results/h13-fixed.jsonl")
    symm = t.cell(runs, "ms symm 4x8 1000 steps, PyTorch init")
    none = t.cell(runs, "ms none 4x8 1000 steps, PyTorch init")
    ee = t.cell(runs, "ms ee 4x8 1000 steps, PyTorch init")
    djl_before = t.cell(fixed, "ms symm 4x8 1000 steps, beta 40")
    djl_today = t.cell(runs, "ms symm 4x8 1000 steps, DJL init (h13-djlinit.patch)")
    # the earlier DJL build's seeds, then today's tree's for the seeds that build did not run
    djl = {**djl_today, **djl_before}
    reference = {**t.cell(fixed, "ref symm 4x8 1000 steps"), **t.cell(runs, "ref symm 4x8 1000 steps")}

    t.table("3. The streaming shape, 4 x 8, 1000 steps, multi-similarity beta 40", [
        ("ours, symm, PyTorch's initialisation (the default since c44bf6f)", symm),
        ("ours, symm, DJL's initialisation (the build before c44bf6f)", djl_before),
        ("ours, symm, DJL's initialisation (today's tree with h13-djlinit.patch)", djl_today),
        ("reference, symm (beta 50)", reference),
        ("ours, none, PyTorch's initialisation", none),
        ("ours, ee, PyTorch's initialisation", ee)])
    print()
    print(t.gap("ours (PyTorch's initialisation) - reference, symm", symm, reference, paired=False))
    print(t.gap("ours (PyTorch's initialisation) - reference, symm, seeds 1-3 only",
                {s: r for s, r in symm.items() if s <= 3}, {s: r for s, r in reference.items() if s <= 3},
                paired=False))
    print(t.gap("PyTorch's initialisation - DJL's, ours, symm (paired; DJL's seeds 1-3 from the build before "
                "c44bf6f, the rest from today's tree)", symm, djl))
    for s in sorted(set(djl_before) & set(djl_today)):
        print(f"- DJL's initialisation, seed {s}: build before c44bf6f {t.recall(djl_before[s]):.4f}, "
              f"today's tree with h13-djlinit.patch {t.recall(djl_today[s]):.4f}")
    print(t.gap("ours, symm - none (paired)", symm, none))
    print(t.gap("ours, ee - none (paired)", ee, none))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/results/h13-init-4x8.jsonl")
