#!/usr/bin/env python3
"""Mean mir_eval beat F-measure of estimated .beats files against reference beat files.

usage: compare_beats.py EST_DIR REF_DIR [--ref-suffix .beats.txt] [--est-suffix .beats] [--no-trim] [--per-file]
Estimates are matched to references by name (est: NAME + est-suffix, ref: NAME + ref-suffix). Files with no
estimate count as F = 0. By default beats before 5 s are ignored (mir_eval.beat.trim_beats), as mir_eval.beat.evaluate does.
"""
import argparse, os, sys, warnings
import numpy as np
import mir_eval

warnings.filterwarnings("ignore")

def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.replace(",", " ").split()
            if parts and not parts[0].startswith("#"):
                rows.append(float(parts[0]))
    return np.array(sorted(rows))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("est_dir"); ap.add_argument("ref_dir")
    ap.add_argument("--ref-suffix", default=".beats"); ap.add_argument("--est-suffix", default=".beats")
    ap.add_argument("--no-trim", action="store_true"); ap.add_argument("--per-file", action="store_true")
    a = ap.parse_args()
    names = sorted(f[: -len(a.ref_suffix)] for f in os.listdir(a.ref_dir) if f.endswith(a.ref_suffix))
    scores = []
    for n in names:
        ref = load(os.path.join(a.ref_dir, n + a.ref_suffix))
        ep = os.path.join(a.est_dir, n + a.est_suffix)
        est = load(ep) if os.path.exists(ep) else np.array([])
        if not a.no_trim:
            ref, est = mir_eval.beat.trim_beats(ref), mir_eval.beat.trim_beats(est)
        f = mir_eval.beat.f_measure(ref, est) if len(ref) else (1.0 if len(est) == 0 else 0.0)
        scores.append(f)
        if a.per_file: print(f"{n}\t{f:.4f}")
    print(f"files {len(scores)}  mean F {np.mean(scores):.4f}  identical-F {sum(s == 1.0 for s in scores)}")

if __name__ == "__main__":
    main()
