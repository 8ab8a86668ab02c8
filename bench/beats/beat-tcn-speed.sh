#!/usr/bin/env bash
# Inference speed of the multi-task TCN beat tracker (log-mel + BeatTcn + bar-pointer DBN for beats and downbeats)
# against the classical tracker, each in one `groove beats` process over the 20 gtzan20 clips (600 s of audio),
# measured in the same run. Prints wall and CPU seconds, the ratio to classical and the share of real time (the
# issue's goal: under 2 % on two cores).
#   bench/beats/beat-tcn-speed.sh [MODEL] [GROOVE_DLL]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
model="${1:-$root/models/beat-tcn.safetensors}"
dll="${2:-$root/src/Groove.Cli/bin/Release/net10.0/groove.dll}"
audio="$root/../shared/data/dev/gtzan20/audio"
[ -d "$audio" ] || audio=/work/shared/data/dev/gtzan20/audio
seconds=$(( $(ls "$audio"/*.wav | wc -l) * 30 ))
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
declare -A wall cpu
for name in classical tcn; do
  m=$name; [ "$name" = tcn ] && m="$model"
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%e %U %S" dotnet "$dll" beats "$audio"/*.wav --model "$m" --out "$out/$name" --force >/dev/null 2>&1
  wall[$name]=$(tail -1 "$tf" | awk '{print $1}'); cpu[$name]=$(tail -1 "$tf" | awk '{print $2 + $3}'); rm -f "$tf"
done
printf "%-10s %8s %8s %10s %14s\n" tracker "wall s" "CPU s" "vs class." "% real time"
for name in classical tcn; do
  printf "%-10s %8.2f %8.2f %9.2fx %13.2f%%\n" "$name" "${wall[$name]}" "${cpu[$name]}" "$(echo "${wall[$name]} / ${wall[classical]}" | bc -l)" \
    "$(echo "100 * ${wall[$name]} / $seconds" | bc -l)"
done
