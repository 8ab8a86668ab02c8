#!/usr/bin/env python3
"""Independent numpy/scipy implementation of the same VQT (librosa >= 0.10 definitions: alpha = (r^2-1)/(r^2+1),
ERB gamma = 24.7*alpha/0.108, Hann-windowed L1-normalised kernels, lengths/n_fft renormalisation, 1% sparsity,
scale=True, multirate octave loop with decimation by 2), vectorised the way librosa is (batched rfft of all frames,
sparse kernel matrix product). Times it on the signal the C# bench wrote and compares magnitudes.

usage: vqt_numpy.py SIGNAL.npy [GROOVE_VQT.npy]
"""
import sys
import time
import numpy as np
import scipy.signal
import scipy.sparse

SR, HOP, FMIN, NBINS, BPO = 16000, 256, 27.5, 96, 12


def kernels(freqs, sr, alpha, gamma, lengths_full):
    lengths = (1.0 / alpha) * sr / (freqs + gamma / alpha)
    n_fft = int(2 ** np.ceil(np.log2(lengths.max())))
    rows = []
    for f, L, Lf in zip(freqs, lengths, lengths_full):
        start, stop = int(np.floor(-L / 2)), int(np.floor(L / 2))
        n = stop - start
        w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
        k = w * np.exp(1j * 2 * np.pi * f / sr * np.arange(start, stop)) / w.sum()
        pad = np.zeros(n_fft, complex)
        lp = (n_fft - n) // 2
        pad[lp:lp + n] = k
        B = np.fft.fft(pad)[: n_fft // 2 + 1] * (Lf / n_fft) / np.sqrt(Lf)
        mags = np.abs(B)
        srt = np.sort(mags)
        cum = np.cumsum(srt / mags.sum())
        thr = srt[np.argmin(cum < 0.01)]
        B[mags < thr] = 0
        rows.append(B)
    return scipy.sparse.csr_matrix(np.array(rows)), n_fft


def decimate(y):
    # 401-tap Kaiser low-pass (pass 0.2375, stop 0.25 of the input rate), as Groove's OctaveDecimator.
    h = scipy.signal.firwin(401, 0.24375 * 2, window=("kaiser", 0.1102 * (80 - 8.7)))
    h /= h.sum()
    return scipy.signal.fftconvolve(y, h, mode="same")[::2]


def vqt(y):
    alpha = (2 ** (2 / BPO) - 1) / (2 ** (2 / BPO) + 1)
    gamma = 24.7 * alpha / 0.108
    freqs = FMIN * 2.0 ** (np.arange(NBINS) / BPO)
    lengths_full = (1 / alpha) * SR / (freqs + gamma / alpha)
    n_oct = int(np.ceil(NBINS / BPO))
    sr, hop, out = float(SR), HOP, []
    frames = None
    for i in range(n_oct):
        hi, lo = NBINS - i * BPO, max(0, NBINS - (i + 1) * BPO)
        basis, n_fft = kernels(freqs[lo:hi], sr, alpha, gamma, lengths_full[lo:hi])
        yp = np.pad(y, n_fft // 2)
        nfr = 1 + len(y) // hop
        fr = np.lib.stride_tricks.as_strided(yp, (nfr, n_fft), (yp.strides[0] * hop, yp.strides[0]))
        D = np.fft.rfft(fr, axis=1).T
        out.append((lo, hi, np.abs(basis @ D)))
        frames = nfr if frames is None else min(frames, nfr)
        f_next = freqs[max(0, lo - 1)]
        fits = f_next + 2 * (alpha * f_next + gamma) <= 0.95 * (sr / 2) / 2
        if i + 1 < n_oct and hop % 2 == 0 and fits:
            y, sr, hop = decimate(y), sr / 2, hop // 2
    V = np.zeros((NBINS, frames), np.float32)
    for lo, hi, m in out:
        V[lo:hi] = m[:, :frames]
    return V


def main():
    y = np.load(sys.argv[1]).astype(np.float64)
    vqt(y[:SR])  # warm-up
    times = []
    for _ in range(3):
        t = time.perf_counter()
        V = vqt(y)
        times.append(time.perf_counter() - t)
    med = sorted(times)[1]
    dur = len(y) / SR
    print(f"numpy VQT (same algorithm, batched rfft + sparse kernels): median {med*1000:.1f} ms = "
          f"{100*med/dur:.2f}% of real time [{V.shape[0]}x{V.shape[1]}]")
    if len(sys.argv) > 2:
        G = np.load(sys.argv[2])
        assert G.shape == V.shape, (G.shape, V.shape)
        rel = np.abs(G - V).max() / np.abs(V).max()
        print(f"max |groove - numpy| / max|numpy| = {rel:.2e}; correlation {np.corrcoef(G.ravel(), V.ravel())[0,1]:.6f}")
    return med


if __name__ == "__main__":
    main()
