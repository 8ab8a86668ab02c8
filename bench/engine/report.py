#!/usr/bin/env python3
"""Formats bench/engine-vs-torch.sh's raw lines: a table, the SGEMM rate and % of peak, the min speedup last."""
import sys

DESCRIPTIONS = {
    "sgemm": "SGEMM 1024³ (C = A·B)",
    "zerons": "ZeroNS branch (paper, full size) fwd+bwd, B×1×96×313",
    "zerons-fwd": "  same, forward only",
    "zerons-small": "ZeroNS branch as shipped (small) fwd+bwd, 16×1×96×313",
    "zerons-small-fwd": "  same, forward only",
    "tile2vec": "Tile2Vec as shipped fwd+bwd, 48×1×128×500",
    "tile2vec-fwd": "  same, forward only",
    "tcn": "beat TCN as shipped fwd+bwd, 6×600×81",
    "tcn-fwd": "  same, forward only",
    "chromanet": "ChromaNet as shipped (stone12) fwd+bwd, 24×1×84×258",
    "chromanet-fwd": "  same, forward only",
    "beatgru": "BeatGruNetwork 5+5×20, 43 fps, fwd+bwd, 8×344×81",
    "beatgru-fwd": "  same, forward only",
    "fewshotgru": "few-shot beat BiGRU fwd+bwd, 4×400×81",
    "fewshotgru-fwd": "  same, forward only",
    "bigru": "10-layer BiGRU (20) fwd+bwd, 64×430×256",
    "bigru-kernels": "  same, on GruSequence kernels (directions parallel)",
}


def main(results_path, peak_path):
    times = {}
    cpus = {}
    paths = {}
    order = []
    for line in open(results_path):
        parts = line.split()
        if len(parts) < 5 or parts[1] != "result":
            continue
        peer, name, best = parts[0], parts[2], float(parts[3])
        times.setdefault(name, {})[peer] = best
        if len(parts) > 5:
            cpus.setdefault(name, {})[peer] = float(parts[5])
        if peer == "groove" and len(parts) > 6:
            paths[name] = parts[6]
        if name not in order:
            order.append(name)
    for name, t in times.items():
        base = name.removesuffix("-kernels")
        if base != name and base in times:
            for peer in ("torch", "torch_openblas"):
                if peer in times[base]:
                    t.setdefault(peer, times[base][peer])
    has_oblas = any("torch_openblas" in t for t in times.values())
    head = f"{'workload':<56} {'torch ms':>10}"
    if has_oblas:
        head += f" {'torch+OpenBLAS ms':>18}"
    head += f" {'groove ms':>10} {'speedup':>8}"
    if has_oblas:
        head += f" {'vs OpenBLAS':>12}"
    head += f" {'CPU-ms ratio':>13}  {'path':<10}"
    print(head)
    print("-" * len(head))
    speedups, speedups_oblas = [], []
    prev = None
    for name in order:
        t = times[name]
        if "torch" not in t or "groove" not in t:
            continue
        s = t["torch"] / t["groove"]
        speedups.append(s)
        desc = DESCRIPTIONS.get(name, name)
        base = name.removesuffix("-fwd")
        if base != name and prev != base and base in DESCRIPTIONS:  # not right under its model: name the model
            desc = DESCRIPTIONS[base].replace(" fwd+bwd", " fwd only")
        prev = name
        row = f"{desc:<56} {t['torch']:>10.1f}"
        if has_oblas:
            row += f" {t.get('torch_openblas', float('nan')):>18.1f}"
        row += f" {t['groove']:>10.1f} {s:>7.2f}x"
        if has_oblas and "torch_openblas" in t:
            so = t["torch_openblas"] / t["groove"]
            speedups_oblas.append(so)
            row += f" {so:>11.2f}x"
        elif has_oblas:
            row += f" {'':>12}"
        c = cpus.get(name, {})
        peer = "torch_openblas" if "torch_openblas" in c else "torch"
        row += f" {c[peer] / c['groove']:>12.2f}x" if peer in c and "groove" in c else f" {'':>13}"
        row += f"  {paths.get(name, '?'):<10}"
        print(row)
    print()
    print("speedup = torch ms / groove ms (best wall-clock step); CPU-ms ratio = torch+OpenBLAS's (else torch's) process")
    print("CPU time per step / groove's (work done, robust to other load on a shared machine).")
    for line in open(peak_path):
        print(line.rstrip())
    if speedups_oblas:
        print(f"min speedup vs torch+OpenBLAS: {min(speedups_oblas):.2f}")
    print(f"min speedup vs torch: {min(speedups):.2f}" if speedups else "min speedup vs torch: n/a")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
