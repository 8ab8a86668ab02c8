#!/usr/bin/env bash
# groove similar's exact search vs numpy in one run: 100 000 synthetic 128-d float32 vectors (seeded normal), the
# same matrix and queries for both (numpy writes them), exact cosine top-10, median time per query over QUERIES
# queries. Groove: VectorSearch.TopK, one thread. numpy: normalised matrix @ query + argpartition, with the BLAS
# threads given (default 2, the machine's two cores). Groove also runs with float16 rows (--precision f16) and with
# the float32 matrix memory-mapped from a file (--mapped; warm page cache). Also checks both return the same ids
# (and float16 the same as float32), and times embedding a
# 30 s clip (decoding excluded: log-mel + model; mfcc, random network, trained Tile2Vec) against its duration.
# Usage: bench/similar.sh [N=100000] [QUERIES=200] [BLAS_THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"; Q="${2:-200}"; T="${3:-2}"
PY=/usr/bin/python3; [[ -x "$PY" ]] || PY=python3
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
dotnet build bench/similar/Groove.SimilarBench -c Release -v q -nologo >/dev/null
BENCH=(dotnet bench/similar/Groove.SimilarBench/bin/Release/net10.0/Groove.SimilarBench.dll)
export DOTNET_gcServer=0
"$PY" bench/similar/numpy_similar.py make "$N" 128 "$Q" "$WORK"
g=$("${BENCH[@]}" search "$WORK/matrix.npy" "$WORK/queries.npy" 10 "$WORK/groove.txt" | cut -f2)
h=$("${BENCH[@]}" search "$WORK/matrix.npy" "$WORK/queries.npy" 10 "$WORK/groove16.txt" f16 | cut -f2)
mm=$("${BENCH[@]}" search "$WORK/matrix.npy" "$WORK/queries.npy" 10 "$WORK/groovemm.txt" f32 mapped | cut -f2)
n=$(OMP_NUM_THREADS=$T OPENBLAS_NUM_THREADS=$T MKL_NUM_THREADS=$T "$PY" bench/similar/numpy_similar.py search "$WORK/matrix.npy" "$WORK/queries.npy" 10 "$WORK/numpy.txt" | cut -f2)
same() { paste -d'|' "$1" "$2" | awk -F'|' '$1 == $2 { s++ } END { print s + 0 }'; }
same=$(same "$WORK/groove.txt" "$WORK/numpy.txt")
same16=$(same "$WORK/groove16.txt" "$WORK/groove.txt")
samemm=$(same "$WORK/groovemm.txt" "$WORK/groove.txt")
echo "numpy $("$PY" -c 'import numpy; print(numpy.__version__)'), $(nproc) cores visible, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-44s %10s %10s %8s\n" "benchmark" "groove ms" "numpy ms" "ratio"
row() { awk -v name="$1" -v g="$2" -v n="$n" 'BEGIN { printf "%-44s %10.3f %10.3f %8.2f\n", name, g * 1000, n * 1000, n / g }'; }
row "top-10 of $N x 128 (median of $Q queries)" "$g"
row "  same, float16 rows (--precision f16)" "$h"
row "  same, float32 memory-mapped (--mapped)" "$mm"
echo "same top-10 ids as numpy: $same of $Q queries (groove: 1 thread; numpy: $T BLAS threads; ratio = numpy / groove)"
echo "float16 same top-10 ids as float32: $same16 of $Q; mapped: $samemm of $Q (random normal vectors: many near-ties)"
WAV="$(ls ../shared/data/dev/gtzan20/audio/*.wav 2>/dev/null | head -1 || true)"
if [[ -f "$WAV" ]]; then
  for model in mfcc random tile2vec; do
    out=$("${BENCH[@]}" embed "$WAV" "$model" 5 2>/dev/null) || { echo "embed $model: not available"; continue; }
    echo "$out" | awk -v m="$model" -F'\t' '{ printf "embed a %.1f s clip, %-8s %8.1f ms = %.3f%% of real time\n", $3, m, $2 * 1000, 100 * $2 / $3 }'
  done
fi
