#!/usr/bin/env bash
# Groove's neural engine against PyTorch (CPU, 2 threads) on the same workloads, in one run.
#   bench/engine-vs-torch.sh [WORKLOAD...]   (default: sgemm zerons zerons-fwd zerons-small zerons-small-fwd chromanet
#   chromanet-fwd tile2vec tile2vec-fwd tcn tcn-fwd beatgru beatgru-fwd bigru)
#   DOTNET_EnableAVX512F=0 bench/engine-vs-torch.sh   the same as on a CPU without AVX-512 (both sides)
# Env: BENCH_REPS (timed repetitions per workload, default per workload), BENCH_ZERONS_BATCH (windows per ZeroNS
# step, default 16, the pretext batch), BENCH_OPENBLAS=0 to skip the second
# torch peer (Debian's torch with OpenBLAS swapped in for the reference BLAS it links by default).
# Prints a table (best-of-reps ms; speedup = torch ms / groove ms), SGEMM GFLOP/s and % of peak, and last
# "min speedup vs torch: X". Raw lines go to bench/out/engine/.
set -euo pipefail
# .NET 10 reads DOTNET_EnableAVX512; DOTNET_EnableAVX512F (earlier runtimes' name) is ignored by it, so either one
# set to 0 turns AVX-512 off here. An AVX2 machine is then simulated for the peers too: oneDNN (torch's
# convolutions) capped at AVX2 and OpenBLAS on its Haswell kernels, as they would run on a CPU without AVX-512.
if [ "${DOTNET_EnableAVX512F:-1}" = 0 ] || [ "${DOTNET_EnableAVX512:-1}" = 0 ]; then
  export DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell
  echo "AVX-512 off: Groove on AVX2+FMA, torch's oneDNN capped at AVX2, OpenBLAS on Haswell kernels" >&2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PY=/usr/bin/python3
sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
if ! $PY -c "import torch" 2>/dev/null; then
  echo "installing python3-torch" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get install -y -qq python3-torch >/dev/null
fi

workloads=(sgemm zerons zerons-fwd zerons-small zerons-small-fwd chromanet chromanet-fwd tile2vec tile2vec-fwd tcn tcn-fwd
  beatgru beatgru-fwd bigru)
[ $# -gt 0 ] && workloads=("$@")
reps="${BENCH_REPS:-0}"
out=bench/out/engine
mkdir -p "$out"

# Debian's python3-torch links the reference (netlib) libblas.so.3, so torch.mm, nn.Linear and nn.GRU run on
# unoptimised loops (convolutions go through oneDNN and are fast). As a stronger second peer, the same torch is run
# with OpenBLAS' libblas.so.3 first on the library path: the package is downloaded and unpacked under bench/out
# only, the system's BLAS alternative is left alone.
oblas=""
if [ "${BENCH_OPENBLAS:-1}" != 0 ]; then
  oblas_root="$out/openblas"
  oblas_lib="$oblas_root/usr/lib/x86_64-linux-gnu/openblas-pthread"
  if [ ! -e "$oblas_lib/libblas.so.3" ]; then
    rm -rf "$oblas_root" && mkdir -p "$oblas_root"
    if (cd "$oblas_root" && apt-get download -qq libopenblas0-pthread >/dev/null 2>&1); then
      dpkg -x "$oblas_root"/libopenblas0-pthread_*.deb "$oblas_root"
    fi
  fi
  [ -e "$oblas_lib/libblas.so.3" ] && oblas="$oblas_lib" || echo "OpenBLAS peer unavailable; skipping it" >&2
fi

dotnet build bench/engine/Groove.EngineBench -c Release -nologo -v q >/dev/null
groove=(dotnet bench/engine/Groove.EngineBench/bin/Release/net10.0/Groove.EngineBench.dll)

results="$out/results.txt"
: > "$results"
for w in "${workloads[@]}"; do
  echo "running $w" >&2
  # Interleaved per workload so that load from other processes hits the peers alike.
  # bigru-kernels is the same model as bigru on the Groove side only; its torch times are bigru's.
  if [ "$w" != bigru-kernels ]; then
  echo "torch $($PY bench/engine/torch_bench.py "$w" "$reps")" >> "$results"
  fi
  if [ -n "$oblas" ] && [ "$w" != bigru-kernels ]; then
    echo "torch_openblas $(LD_LIBRARY_PATH="$oblas" OPENBLAS_NUM_THREADS=2 $PY bench/engine/torch_bench.py "$w" "$reps")" >> "$results"
  fi
  echo "groove $("${groove[@]}" "$w" "$reps")" >> "$results"
done
echo "measuring clock and SGEMM rate" >&2
"${groove[@]}" peak > "$out/peak.txt"
$PY bench/engine/report.py "$results" "$out/peak.txt"
