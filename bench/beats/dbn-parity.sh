#!/usr/bin/env bash
# DBN parity with madmom: decode every TCN beat activation of the conformance set with `groove decode beats`
# and score the beats against madmom's DBNBeatTrackingProcessor detections (mir_eval F, untrimmed).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${GROOVE_SHARED:-$root/../shared}"
out="${1:-$root/bench/out/dbn-parity}"
dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
groove="dotnet $root/src/Groove.Cli/bin/Release/net10.0/groove.dll"
for set in ballroom hainsworth smc; do
  mkdir -p "$out/$set"
  start=$(date +%s.%N)
  $groove decode beats "$shared"/conformance/dbn/$set/activations/multi_task/*.beats.npy --fps 100 --out "$out/$set" --force
  end=$(date +%s.%N)
  printf '%s: decoded in %.1f s; ' "$set" "$(echo "$end - $start" | bc)"
  /usr/bin/python3 "$root/bench/beats/compare_beats.py" "$out/$set" "$shared/conformance/dbn/$set/detections/multi_task" \
    --ref-suffix .beats.txt --est-suffix .beats.beats --no-trim
done
