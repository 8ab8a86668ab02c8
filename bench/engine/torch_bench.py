#!/usr/bin/env python3
"""PyTorch side of bench/engine-vs-torch.sh: the same workloads as Groove.EngineBench, same shapes and models.

Prints one line per workload: `result <name> <best_ms> <median_ms> <reps>`.
Usage: torch_bench.py WORKLOAD [REPS]
"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)


def timed(fn, reps, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return min(times), statistics.median(times)


# ---- Zero-Note Samba branch (see bench/engine/README.md for the reconstruction) ----
class ZeroNsBranch(nn.Module):
    def __init__(self, width=16, tcn_layers=8):
        super().__init__()
        self.c1 = nn.Conv2d(1, width, 3, padding=1)
        self.c2 = nn.Conv2d(width, width, 3, padding=1)
        self.c3 = nn.Conv2d(width, width, 3, padding=1)
        self.c4 = nn.Conv2d(width, width, (3, 1))
        self.tcn = nn.ModuleList(
            nn.Conv1d(width, width, 5, dilation=2 ** i, padding=2 * 2 ** i) for i in range(tcn_layers))
        self.out = nn.Conv1d(width, 1, 1)

    def forward(self, x):  # x: [N, 1, 96, T]
        x = F.max_pool2d(F.elu(self.c1(x)), (3, 1))  # 32 bands
        x = F.max_pool2d(F.elu(self.c2(x)), (3, 1))  # 10 bands
        x = F.max_pool2d(F.elu(self.c3(x)), (3, 1))  # 3 bands
        x = F.elu(self.c4(x)).squeeze(2)             # [N, C, T]
        for conv in self.tcn:
            x = x + F.elu(conv(x))
        return self.out(x)                           # [N, 1, T] beat activation (pre-sigmoid)


# ---- ChromaNet (STONE), 7 ConvNeXt stages (see bench/engine/README.md) ----
class LayerNormChannelsFirst(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.ln = nn.LayerNorm(c, eps=eps)

    def forward(self, x):
        return self.ln(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dw = nn.Conv2d(c, c, 7, padding=3, groups=c)
        self.ln = nn.LayerNorm(c, eps=1e-6)
        self.pw1 = nn.Linear(c, 4 * c)
        self.pw2 = nn.Linear(4 * c, c)

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.pw2(F.gelu(self.pw1(self.ln(y))))
        return x + y.permute(0, 3, 1, 2)


CHROMA_CHANNELS = [16, 16, 32, 32, 64, 64, 64]
CHROMA_DOWN = [False, False, True, False, True, False, True]


class ChromaNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, CHROMA_CHANNELS[0], 4, stride=4)
        self.stem_ln = LayerNormChannelsFirst(CHROMA_CHANNELS[0])
        layers = []
        c_prev = CHROMA_CHANNELS[0]
        for c, down in zip(CHROMA_CHANNELS, CHROMA_DOWN):
            if down:
                layers += [LayerNormChannelsFirst(c_prev), nn.Conv2d(c_prev, c, 2, stride=2)]
            layers.append(ConvNeXtBlock(c))
            c_prev = c
        self.stages = nn.Sequential(*layers)
        self.head_ln = nn.LayerNorm(c_prev, eps=1e-6)
        self.head = nn.Linear(c_prev, 12)

    def forward(self, x):  # x: [N, 1, 84, T]
        x = self.stages(self.stem_ln(self.stem(x)))
        x = x.mean(dim=(2, 3))
        return self.head(self.head_ln(x))


def run(name, reps):
    if name == "sgemm":
        a = torch.randn(1024, 1024)
        b = torch.randn(1024, 1024)
        c = torch.empty(1024, 1024)
        return timed(lambda: torch.mm(a, b, out=c), reps or 10, warmup=3)
    if name == "zerons":
        model = ZeroNsBranch()
        x = torch.randn(16, 1, 96, 313)

        def step():
            model.zero_grad(set_to_none=True)
            model(x).sum().backward()
        return timed(step, reps or 3)
    if name in ("bigru", "bigru-kernels"):
        model = nn.GRU(256, 20, num_layers=10, bidirectional=True, batch_first=True)
        x = torch.randn(64, 430, 256)

        def step():
            model.zero_grad(set_to_none=True)
            out, _ = model(x)
            out.sum().backward()
        return timed(step, reps or 2)
    if name == "chromanet":
        model = ChromaNet()
        x = torch.randn(32, 1, 84, 646)

        def step():
            model.zero_grad(set_to_none=True)
            model(x).sum().backward()
        return timed(step, reps or 2)
    raise SystemExit(f"unknown workload {name}")


if __name__ == "__main__":
    workload = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    best, median = run(workload, reps)
    print(f"result {workload} {best:.3f} {median:.3f}")
