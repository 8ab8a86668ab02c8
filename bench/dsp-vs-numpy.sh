#!/usr/bin/env bash
# Groove's DSP front end vs numpy (pocketfft) in one run, one thread each:
#   (a) real FFT of size 2048 over a batch of 10000 frames,
#   (b) STFT + 128-band log-mel of a 30 s clip (22050 Hz, n_fft 2048, hop 512).
# Each side does 3 warm-up runs and reports the median of RUNS runs; ratio = numpy time / Groove time (> 1: Groove faster).
# Usage: bench/dsp-vs-numpy.sh [RUNS] [WAV]     (WAV defaults to a 30 s GTZAN clip from ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"
WAV="${2:-}"
if [[ -z "$WAV" ]]; then
  WAV="$(ls ../shared/data/dev/gtzan20/audio/*.wav 2>/dev/null | head -1 || true)"
fi
[[ -f "$WAV" ]] || { echo "no WAV clip found (pass one as the second argument)" >&2; exit 1; }
PY=/usr/bin/python3
[[ -x "$PY" ]] || PY=python3

dotnet build bench/dsp/Groove.DspBench -c Release -v q -nologo >/dev/null
BENCH=(dotnet bench/dsp/Groove.DspBench/bin/Release/net10.0/Groove.DspBench.dll)
export DOTNET_gcServer=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

run() { # name, groove args, numpy args
  local g n
  g=$("${BENCH[@]}" "${@:2:$(( $# / 2 ))}" | cut -f2)
  n=$("$PY" bench/dsp/numpy_dsp.py "${@:$(( $# / 2 + 2 ))}" | cut -f2)
  awk -v name="$1" -v g="$g" -v n="$n" 'BEGIN { printf "%-34s %12.2f %12.2f %8.2f\n", name, g * 1000, n * 1000, n / g }'
}

echo "clip: $WAV   runs: $RUNS (median after 3 warm-ups)   numpy $("$PY" -c 'import numpy; print(numpy.__version__)')"
printf "%-34s %12s %12s %8s\n" "benchmark" "groove ms" "numpy ms" "ratio"
run "rfft 2048 x 10000 frames" fft 2048 10000 "$RUNS" fft 2048 10000 "$RUNS"
run "stft + log-mel 128 (30 s clip)" logmel "$WAV" 2048 512 128 "$RUNS" logmel "$WAV" 2048 512 128 "$RUNS"
