#!/usr/bin/env python3
"""Checks a `groove batch --out` folder against its manifest.

check-results.py MANIFEST OUT [--tasks beats,tempo,key] [--same-as OTHER_OUT] [--partial]

Every result file must be whole JSON naming a track of the manifest, with every task's field; no track may have two
results, none a failure record, and no temporary file may be left. Without --partial every track must have its
result; with --same-as, every result must be byte-identical to OTHER_OUT's. Prints one line; exit 1 on any problem.
"""
import json
import os
import sys


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    opts = {a.split("=")[0]: (a.split("=", 1)[1] if "=" in a else True) for a in argv if a.startswith("--")}
    manifest_path, out = args[0], args[1]
    tasks = str(opts.get("--tasks", "beats,tempo,key")).split(",")
    with open(manifest_path, encoding="utf-8") as f:
        listed = [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]
    problems, by_path, temps, failures = [], {}, [], []
    for root, _, files in os.walk(out):
        for name in files:
            full = os.path.join(root, name)
            rel = os.path.relpath(full, out)
            if name.endswith(".tmp"):
                temps.append(rel)
            elif name.endswith(".failed.json"):
                failures.append(rel)
            elif name.endswith(".json") and name != "batch.json":
                try:
                    with open(full, encoding="utf-8") as f:
                        doc = json.load(f)
                except ValueError as e:
                    problems.append(f"{rel}: not whole JSON ({e})")
                    continue
                by_path.setdefault(doc.get("path"), []).append(rel)
                missing = [t for t in tasks if t not in doc]
                if missing:
                    problems.append(f"{rel}: lacks {','.join(missing)}")
    for p, files in by_path.items():
        if p not in listed:
            problems.append(f"{p}: has a result but is not in the manifest")
        if len(files) > 1:
            problems.append(f"{p}: {len(files)} results ({' '.join(files)})")
    done = sum(1 for p in listed if p in by_path)
    if "--partial" not in opts and done != len(listed):
        problems.append(f"{len(listed) - done} of {len(listed)} tracks have no result")
    if temps:
        problems.append(f"temporary files left: {' '.join(temps)}")
    if failures:
        problems.append(f"failure records: {' '.join(failures)}")
    if "--same-as" in opts:
        other = opts["--same-as"]
        for files in by_path.values():
            for rel in files:
                with open(os.path.join(out, rel), "rb") as a, open(os.path.join(other, rel), "rb") as b:
                    if a.read() != b.read():
                        problems.append(f"{rel}: differs from {other}")
    for p in problems:
        print(f"check-results: {out}: {p}", file=sys.stderr)
    print(f"check-results: {out}: {done}/{len(listed)} tracks with one result each, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
