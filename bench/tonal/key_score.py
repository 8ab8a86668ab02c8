#!/usr/bin/env python3
"""Scores .key files against Lerch labels with mir_eval (independent of Groove's own evaluation code).

usage: key_score.py REF_DIR EST_DIR   (REF_DIR holds <id>.lerch: 0-11 = A..G# major, 12-23 = a..g# minor, -1 = none)
Prints the mean MIREX weighted score (mir_eval.key.weighted_score: fifths upward only) over labelled clips.
"""
import os
import sys
import mir_eval

NAMES = ["A", "Bb", "B", "C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab"]


def lerch(path):
    v = int(open(path).read().split()[0])
    if v < 0:
        return None
    return f"{NAMES[v % 12]} {'major' if v < 12 else 'minor'}"


def main():
    ref_dir, est_dir = sys.argv[1], sys.argv[2]
    scores = []
    for f in sorted(os.listdir(ref_dir)):
        ref = lerch(os.path.join(ref_dir, f))
        if ref is None:
            continue
        est_path = os.path.join(est_dir, os.path.splitext(f)[0] + ".key")
        est = open(est_path).readline().strip()
        scores.append(mir_eval.key.weighted_score(ref, est))
    print(f"{est_dir}: MIREX weighted {sum(scores) / len(scores):.3f} over {len(scores)} clips")


if __name__ == "__main__":
    main()
