#!/bin/sh
# VQT speed: Groove's multirate VQT (96 bins from A0, 12/octave, 16 kHz, hop 256) on 30 s of audio, single thread,
# as a fraction of the audio's duration (goal < 2%), then an independent numpy implementation of the same algorithm
# on the same signal (time and agreement). Usage: bench/tonal/vqt-bench.sh [repeats]
set -e
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dotnet build "$here/VqtBench" -c Release -v q -nologo >/dev/null
DOTNET_PROCESSOR_COUNT=1 dotnet "$here/VqtBench/bin/Release/net10.0/VqtBench.dll" "$tmp/groove_vqt.npy" "${1:-7}"
if /usr/bin/python3 -c "import numpy, scipy" 2>/dev/null; then
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/vqt_numpy.py" "$tmp/groove_vqt.npy.signal.npy" "$tmp/groove_vqt.npy"
else
  echo "numpy/scipy not found: skipping the numpy comparison"
fi
