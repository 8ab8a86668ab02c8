#!/bin/sh
# Key accuracy of `groove key` (default method) on gtzan20 (17 labelled clips) with every profile, scored by mir_eval.
# Usage: bench/tonal/key-eval.sh [DATA_DIR]   (default ../shared/data/dev/gtzan20)
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${1:-$root/../shared/data/dev/gtzan20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
for p in albrecht krumhansl temperley edma bgate braw temperley99 shaath gomez noland keyfinder diatonic; do
  dotnet "$root/src/Groove.Cli/bin/Release/net10.0/groove.dll" key "$data"/audio/*.wav --out "$tmp/$p" --profile "$p"
  printf '%s\t' "$p"; /usr/bin/python3 "$here/key_score.py" "$data/key" "$tmp/$p"
done
