#!/usr/bin/env bash
# Inference speed of the Zero-Note Samba beat tracker (HPSS + two VQTs + SyncPredNet + DBN) against the classical
# tracker, both in one `groove beats` process over the 20 gtzan20 clips (600 s of audio), measured in the same run.
# Prints wall seconds, the ratio to classical and the share of real time (the issue's goal: under 3 %).
#   bench/beats/zerons-speed.sh [GROOVE_DLL]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
dll="${1:-$root/src/Groove.Cli/bin/Release/net10.0/groove.dll}"
audio="$root/../shared/data/dev/gtzan20/audio"
[ -d "$audio" ] || audio=/work/shared/data/dev/gtzan20/audio
seconds=$(( $(ls "$audio"/*.wav | wc -l) * 30 ))
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
declare -A wall
for model in classical zerons; do
  start=$(date +%s.%N)
  dotnet "$dll" beats "$audio"/*.wav --model "$model" --out "$out/$model" --force >/dev/null
  wall[$model]=$(echo "$(date +%s.%N) - $start" | bc -l)
done
printf "%-10s %8s %10s %12s\n" model "wall s" "vs class." "% real time"
for model in classical zerons; do
  printf "%-10s %8.2f %9.2fx %11.2f%%\n" "$model" "${wall[$model]}" "$(echo "${wall[$model]} / ${wall[classical]}" | bc -l)" \
    "$(echo "100 * ${wall[$model]} / $seconds" | bc -l)"
done
