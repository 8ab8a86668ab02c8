#!/usr/bin/env bash
# Groove's DSP front end vs numpy (pocketfft) in one run, one thread each:
#   (a) real FFT of size 2048 over a batch of 10000 frames,
#   (b) STFT + 128-band log-mel of a 30 s clip (22050 Hz, n_fft 2048, hop 512).
# Each process does 3 warm-up runs and reports the median of RUNS timed runs; the two sides alternate for ROUNDS
# rounds (so a burst of load on a shared machine hits both) and the table shows the median over rounds.
# ratio = numpy time / Groove time (> 1: Groove is faster).
# Usage: bench/dsp-vs-numpy.sh [RUNS=7] [ROUNDS=3] [WAV]   (WAV defaults to a 30 s GTZAN clip from ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"
ROUNDS="${2:-3}"
WAV="${3:-}"
if [[ -z "$WAV" ]]; then
  WAV="$(ls ../shared/data/dev/gtzan20/audio/*.wav 2>/dev/null | head -1 || true)"
fi
[[ -f "$WAV" ]] || { echo "no WAV clip found (pass one as the third argument)" >&2; exit 1; }
PY=/usr/bin/python3
[[ -x "$PY" ]] || PY=python3

dotnet build bench/dsp/Groove.DspBench -c Release -v q -nologo >/dev/null
BENCH=(dotnet bench/dsp/Groove.DspBench/bin/Release/net10.0/Groove.DspBench.dll)
export DOTNET_gcServer=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

run() { # label, then the same benchmark arguments for both sides
  local label="$1"; shift
  local g=() n=()
  for ((r = 0; r < ROUNDS; r++)); do
    g+=("$("${BENCH[@]}" "$@" | cut -f2)")
    n+=("$("$PY" bench/dsp/numpy_dsp.py "$@" | cut -f2)")
  done
  local gm nm
  gm=$(printf '%s\n' "${g[@]}" | median)
  nm=$(printf '%s\n' "${n[@]}" | median)
  awk -v name="$label" -v g="$gm" -v n="$nm" 'BEGIN { printf "%-34s %12.2f %12.2f %8.2f\n", name, g * 1000, n * 1000, n / g }'
}

echo "clip: $WAV"
echo "timing: median of $RUNS runs after 3 warm-ups per process, median over $ROUNDS alternating rounds; one thread; numpy $("$PY" -c 'import numpy; print(numpy.__version__)')"
printf "%-34s %12s %12s %8s\n" "benchmark" "groove ms" "numpy ms" "ratio"
run "rfft 2048 x 10000 frames" fft 2048 10000 "$RUNS"
run "stft + log-mel 128 (30 s clip)" logmel "$WAV" 2048 512 128 "$RUNS"
