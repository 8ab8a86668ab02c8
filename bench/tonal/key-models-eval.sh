#!/bin/sh
# Key scores (MIREX weighted, accuracy, key-signature accuracy) of the classical estimator and trained models on the
# dev set (gtzan20) and on held-out rendered sets (made by scripts/keydata/render-all.sh), by `groove eval key`.
# Usage: bench/tonal/key-models-eval.sh [KEYDATA_DIR] [MODEL...]
#   KEYDATA_DIR default /work/keydata (nottingham-test, nottingham-test-varied, mma-test; missing sets are skipped)
#   MODEL: names in models/ or .safetensors paths (default: every models/*.safetensors); MODEL:profile runs a
#   24-output model with --mode-from profile
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
keydata=${1:-/work/keydata}
[ $# -gt 0 ] && shift
models="$*"
[ -n "$models" ] || models=$(ls "$root"/models/*.safetensors | xargs -n1 basename | sed 's/\.safetensors$//')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
g="dotnet $root/src/Groove.Cli/bin/Release/net10.0/groove.dll"
for set in "$root/../shared/data/dev/gtzan20" "$keydata/nottingham-test" "$keydata/nottingham-test-varied" "$keydata/mma-test"; do
  [ -d "$set/audio" ] || { echo "skipping $set (not found)"; continue; }
  name=$(basename "$set")
  dirs=""
  $g key "$set"/audio/*.wav --out "$tmp/$name/profile" >/dev/null
  dirs="--est-dir $tmp/$name/profile"
  for spec in $models; do
    m=${spec%:profile}
    label=$(basename "$m" .safetensors)
    opt=""
    if [ "$m" != "$spec" ]; then opt="--mode-from profile"; label="$label+profile-mode"; fi
    $g key "$set"/audio/*.wav --model "$m" $opt --out "$tmp/$name/$label" >/dev/null
    dirs="$dirs --est-dir $tmp/$name/$label"
  done
  echo "== $name ($(ls "$set/audio" | wc -l) clips)"
  $g eval key --dataset "$set" $dirs
done
