#!/usr/bin/env python3
"""PyTorch side of bench/engine-vs-torch.sh: the same workloads as Groove.EngineBench, same shapes and models.

Prints one line per workload: `result <name> <best_ms> <median_ms> <cpu_ms>`.
Usage: torch_bench.py WORKLOAD [REPS]
"""
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)


def timed(fn, reps, warmup=1):
    """Best and median wall ms, and the least process CPU ms (all threads) of one step."""
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return min(times), statistics.median(times), min(cpu)


# ---- Zero-Note Samba branch, full size (see ZeroNsBranch.cs and bench/engine/README.md) ----
ZERONS_LAYERS = [(64, 3, 11, 1), (64, 7, 13, 3), (128, 5, 15, 1), (128, 9, 17, 4),
                 (256, 3, 19, 1), (256, 5, 21, 8), (128, 1, 23, 1), (128, 1, 25, 1)]


class ZeroNsBranch(nn.Module):
    def __init__(self):
        super().__init__()
        convs, cin = [], 1
        for cout, kh, kw, _ in ZERONS_LAYERS:
            convs.append(nn.Conv2d(cin, cout, (kh, kw), padding=(kh // 2, kw // 2)))
            cin = cout
        self.convs = nn.ModuleList(convs)
        self.out = nn.Conv1d(cin, 1, 1)

    def forward(self, x):  # x: [N, 1, 96, 313]
        for conv, (_, _, _, pool) in zip(self.convs, ZERONS_LAYERS):
            x = conv(x)
            if pool > 1:
                x = F.max_pool2d(x, (pool, 1))
            x = F.relu(x)
        return self.out(x.squeeze(2))  # [N, 1, T] activation (pre-sigmoid)


# ---- Zero-Note Samba branch as shipped (SyncPredNetConfig.Small, models/zerons-small), see ConvModelBenches.cs ----
# (channels, kernel freq, kernel time, time dilation, frequency pooling)
ZERONS_SMALL_LAYERS = [(8, 3, 5, 1, 4), (16, 3, 5, 2, 3), (32, 3, 5, 4, 8), (32, 1, 5, 8, 1),
                       (32, 1, 5, 16, 1), (32, 1, 3, 1, 1), (32, 1, 3, 2, 1), (32, 1, 3, 4, 1)]


class ZeroNsSmallBranch(nn.Module):
    def __init__(self):
        super().__init__()
        convs, cin = [], 1
        for cout, kh, kw, d, _ in ZERONS_SMALL_LAYERS:
            convs.append(nn.Conv2d(cin, cout, (kh, kw), padding=(kh // 2, d * (kw - 1) // 2), dilation=(1, d)))
            cin = cout
        self.convs = nn.ModuleList(convs)
        self.head = nn.Conv2d(cin, 1, 1)

    def forward(self, x):  # x: [N, 1, 96, 313]
        x = (x + 4.0) * (1 / 2.5)  # SyncPredNetConfig's fixed input standardisation
        for conv, (_, _, _, _, pool) in zip(self.convs, ZERONS_SMALL_LAYERS):
            x = conv(x)
            if pool > 1:
                x = F.max_pool2d(x, (pool, 1))
            x = F.relu(x)
        y = self.head(x)
        return y.reshape(y.shape[0], y.shape[3])


# ---- Tile2Vec encoder as shipped (Tile2VecConfig.Small, models/tile2vec-small), see ConvModelBenches.cs ----
class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


class Tile2Vec(nn.Module):
    def __init__(self, channels=(8, 16, 32, 64), dim=128):
        super().__init__()
        self.input_bn = nn.BatchNorm2d(1)
        self.stem = nn.Conv2d(1, channels[0], 7, 2, 3, bias=False)
        self.stem_bn = nn.BatchNorm2d(channels[0])
        blocks, c = [], channels[0]
        for s, cout in enumerate(channels):
            blocks.append(BasicBlock(c, cout, 2 if s > 0 else 1))
            c = cout
        self.blocks = nn.Sequential(*blocks)
        self.project = nn.Linear(c, dim)

    def forward(self, x):  # x: [N, 1, 128, 500]
        y = F.relu(self.stem_bn(self.stem(self.input_bn(x))))
        y = F.max_pool2d(y, 3, 2, 1)
        y = self.blocks(y)
        return self.project(y.mean((2, 3)))


# ---- Beat TCN as shipped (BeatTcnNetwork, models/beat-tcn: 16 channels, 8 blocks, kernel 5), see ConvModelBenches.cs ----
class BeatTcn(nn.Module):
    def __init__(self, bands=81, width=16, layers=8, kernel=5, tempo=300):
        super().__init__()
        f = ((bands - 2) // 3 - 2) // 3
        self.c1 = nn.Conv2d(1, width, 3, padding=(1, 0))
        self.c2 = nn.Conv2d(width, width, 3, padding=(1, 0))
        self.c3 = nn.Conv2d(width, width, (1, f))
        self.dilated = nn.ModuleList(nn.Conv1d(width, width, kernel, padding=(1 << i) * (kernel - 1) // 2, dilation=1 << i)
                                     for i in range(layers))
        self.mix = nn.ModuleList(nn.Conv1d(width, width, 1) for _ in range(layers))
        self.frames = nn.Conv1d(width, 2, 1)
        self.tempo = nn.Linear(width, tempo)

    def forward(self, x):  # x: [B, T, bands]
        b, t, _ = x.shape
        h = x.reshape(b, 1, t, x.shape[2])
        h = F.max_pool2d(F.elu(self.c1(h)), (1, 3))
        h = F.max_pool2d(F.elu(self.c2(h)), (1, 3))
        h = F.elu(self.c3(h)).reshape(b, -1, t)
        skip = None
        for conv, mix in zip(self.dilated, self.mix):
            y = mix(F.elu(conv(h)))
            skip = y if skip is None else skip + y
            h = h + y
        logits = self.frames(F.elu(h)).transpose(1, 2)
        return logits.sum() + self.tempo(F.elu(skip).mean(2)).sum()


# ---- ChromaNet as shipped (src/Groove/Tonality/Stone, models/stone12), see ChromaNet.cs ----
class LayerNormChannelsFirst(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.ln = nn.LayerNorm(c, eps=eps)

    def forward(self, x):
        return self.ln(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    def __init__(self, c, k=5, layer_scale=1e-2):
        super().__init__()
        self.dw = nn.Conv2d(c, c, k, padding=k // 2, groups=c)
        self.ln = LayerNormChannelsFirst(c)
        self.pw1 = nn.Conv2d(c, 4 * c, 1)
        self.pw2 = nn.Conv2d(4 * c, c, 1)
        self.gamma = nn.Parameter(torch.full((c, 1, 1), layer_scale))

    def forward(self, x):
        h = F.gelu(self.pw1(self.ln(self.dw(x))))
        return x + self.pw2(h) * self.gamma


class ChromaNet(nn.Module):
    def __init__(self, width=16, stages=7):
        super().__init__()
        layers, c = [], 1
        for _ in range(stages):
            if c > 1:
                layers.append(LayerNormChannelsFirst(c))
            layers += [nn.Conv2d(c, width, (1, 3), stride=(1, 2), padding=(0, 1)), ConvNeXtBlock(width)]
            c = width
        self.stages = nn.Sequential(*layers)
        self.head = nn.Linear(width, 1)

    def forward(self, x):  # x: [N, 1, 84, T]
        x = self.stages(x)
        n, c, f, t = x.shape
        x = x.reshape(n, c, f // 12, 12, t).mean(2).mean(-1)  # octave pooling, time average: [N, C, 12]
        return self.head(x.permute(0, 2, 1)).squeeze(-1) * 10.0  # temperature 0.1


# ---- Supervised beat BiGRU (src/Groove/Rhythm/Learned/BeatGruNetwork.cs) at issue 15's size, see BeatGruBench.cs ----
class BeatGru(nn.Module):
    def __init__(self, bands=81, width=20, layers=5):
        super().__init__()
        self.gru = nn.GRU(2 * bands, width, num_layers=layers, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * width, 2)

    def forward(self, x):  # x: [B, T, bands]
        previous = torch.cat([x[:, :1], x[:, :-1]], 1)  # replicate-padded previous frame
        h, _ = self.gru(torch.cat([x, F.relu(x - previous)], 2))
        return self.out(h)  # [B, T, 2] beat and downbeat logits


# ---- Few-shot beat BiGRU (src/Groove/Rhythm/Learned/BiGruBeatNetwork.cs), see FewShotGruBench.cs ----
class FewShotGru(nn.Module):
    def __init__(self, bands=81, channels=16, hidden=16, layers=2):
        super().__init__()
        self.conv1 = nn.Conv1d(bands, channels, 3, padding=1)
        self.conv2 = nn.Conv1d(channels, channels, 3, padding=1)
        self.gru = nn.GRU(channels, hidden, num_layers=layers, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, x):  # x: [B, T, bands]
        h = F.elu(self.conv2(F.elu(self.conv1(x.transpose(1, 2)))))
        h, _ = self.gru(h.transpose(1, 2))
        return self.out(h).squeeze(-1)


def training_step(model, x):
    def step():
        model.zero_grad(set_to_none=True)
        out = model(x)
        (out[0] if isinstance(out, tuple) else out).sum().backward()
    return step


def inference_step(model, x):
    def step():
        with torch.no_grad():
            model(x)
    return step


def run(name, reps):
    if name == "sgemm":
        a = torch.randn(1024, 1024)
        b = torch.randn(1024, 1024)
        c = torch.empty(1024, 1024)
        return timed(lambda: torch.mm(a, b, out=c), reps or 10, warmup=3)
    base, fwd = name.removesuffix("-fwd"), name.endswith("-fwd")
    make = inference_step if fwd else training_step
    if base == "zerons":
        batch = int(os.environ.get("BENCH_ZERONS_BATCH", "16"))
        return timed(make(ZeroNsBranch(), torch.randn(batch, 1, 96, 313)), reps or 1)
    if base == "chromanet":
        return timed(make(ChromaNet(), torch.randn(24, 1, 84, 258)), reps or 3, warmup=1)
    if base == "zerons-small":
        return timed(make(ZeroNsSmallBranch(), torch.randn(16, 1, 96, 313)), reps or 5, warmup=2)
    if base == "tile2vec":
        return timed(make(Tile2Vec(), torch.randn(48, 1, 128, 500)), reps or 5, warmup=2)
    if base == "tcn":
        return timed(make(BeatTcn(), torch.randn(6, 600, 81)), reps or 5, warmup=2)
    if base == "beatgru":
        return timed(make(BeatGru(), torch.randn(8, 344, 81)), reps or 5, warmup=1)
    if base == "fewshotgru":
        return timed(make(FewShotGru(), torch.randn(4, 400, 81)), reps or 10, warmup=2)
    if name in ("bigru", "bigru-kernels"):
        model = nn.GRU(256, 20, num_layers=10, bidirectional=True, batch_first=True)
        return timed(training_step(model, torch.randn(64, 430, 256)), reps or 2)
    raise SystemExit(f"unknown workload {name}")


if __name__ == "__main__":
    workload = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    best, median, cpu = run(workload, reps)
    print(f"result {workload} {best:.3f} {median:.3f} {cpu:.3f}")
