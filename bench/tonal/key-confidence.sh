#!/bin/sh
# Refits the key confidence calibration of every shipped classical key method (Platt scaling of the best-vs-second
# profile similarity margin) on the rendered held-out key sets, and prints the reliability tables: leave one set out
# (fit on two sets, ECE on the third), the constants fitted on all three (the ones in KeyMethods.cs), and a check on
# gtzan20, which is never used to fit. See bench/tonal/KeyConfidence/Program.cs.
#
# Usage: bench/tonal/key-confidence.sh [KEYDATA_DIR] [CACHE_DIR]
#   KEYDATA_DIR default /work/keydata (scripts/keydata/render-all.sh makes it).
#   CACHE_DIR   default KEYDATA_DIR/confidence-cache: per-clip margins (delete it after changing the DSP).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
keydata=${1:-/work/keydata}
cache=${2:-$keydata/confidence-cache}
dotnet build "$here/KeyConfidence" -c Release -v q -nologo >/dev/null
exec dotnet "$here/KeyConfidence/bin/Release/net10.0/KeyConfidence.dll" --gtzan "$root/../shared/data/dev/gtzan20" \
  --keydata "$keydata" --out "$cache"
