#!/usr/bin/python3
"""numpy peers of Groove.DspBench (same work, same timing rule: 3 warm-up runs, median of RUNS).

    numpy_dsp.py fft N FRAMES RUNS
    numpy_dsp.py logmel WAV N_FFT HOP MELS RUNS

The log-mel pipeline is librosa's, written in numpy: centre-pad with zeros, frame with stride tricks, periodic Hann
window, np.fft.rfft (pocketfft), |X|^2, Slaney mel filterbank matmul, 10*log10 with amin 1e-10 and top_db 80.
"""
import sys
import time
import numpy as np
import scipy.io.wavfile
import scipy.signal


def timed(runs, body):
    for _ in range(3):
        body()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        body()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def mel_filters(sr, n_fft, n_mels):
    def hz_to_mel(f):
        f = np.asanyarray(f, dtype=np.float64)
        f_sp = 200.0 / 3
        logstep = np.log(6.4) / 27.0
        return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-300) / 1000.0) / logstep, f / f_sp)

    def mel_to_hz(m):
        f_sp = 200.0 / 3
        logstep = np.log(6.4) / 27.0
        return np.where(m >= 15.0, 1000.0 * np.exp(logstep * (m - 15.0)), f_sp * m)

    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    w = np.maximum(0, np.minimum(lower, upper))
    w *= (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]
    return w.astype(np.float32)


def main():
    kind = sys.argv[1]
    if kind == "fft":
        n, frames, runs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        x = np.random.default_rng(1).uniform(-1, 1, size=(frames, n)).astype(np.float32)
        med = timed(runs, lambda: np.fft.rfft(x, axis=-1))
        print(f"fft{n}x{frames}\t{med:.6e}\t{runs}")
    elif kind == "logmel":
        path = sys.argv[2]
        n_fft, hop, n_mels, runs = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        sr, y = scipy.io.wavfile.read(path)
        if y.dtype == np.int16:
            y = y.astype(np.float32) / 32768.0
        if y.ndim > 1:
            y = y.mean(axis=1)
        y = y.astype(np.float32)
        window = scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)
        fb = mel_filters(sr, n_fft, n_mels)

        def logmel():
            yp = np.pad(y, n_fft // 2, mode="constant")
            n_frames = 1 + (len(yp) - n_fft) // hop
            frames = np.lib.stride_tricks.as_strided(yp, shape=(n_frames, n_fft), strides=(yp.strides[0] * hop, yp.strides[0]))
            spec = np.fft.rfft(frames * window, axis=-1)
            power = (spec.real ** 2 + spec.imag ** 2).astype(np.float32)
            mel = power @ fb.T
            db = 10.0 * np.log10(np.maximum(1e-10, mel))
            return np.maximum(db, db.max() - 80.0)

        out = None
        med = timed(runs, lambda: logmel())
        out = logmel()
        print(f"logmel\t{med:.6e}\t{runs}\tframes={out.shape[0]}")
    else:
        sys.exit(f"unknown benchmark {kind}")


if __name__ == "__main__":
    main()
