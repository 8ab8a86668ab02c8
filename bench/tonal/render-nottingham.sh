#!/bin/sh
# Renders 30 Nottingham folk tunes (15 minor, 15 major; keys from their ABC headers) to 30 s mono 22050 Hz WAVs with
# fluidsynth, as a second key test set: OUT/audio/<id>.wav and OUT/key/<id>.key. Then: bench/tonal/key-eval.sh OUT
# Usage: bench/tonal/render-nottingham.sh OUT
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: render-nottingham.sh OUT}
nott=$(cd "$here/../../../shared/data/midi/nottingham" && pwd)
mkdir -p "$out/audio" "$out/key"
/usr/bin/python3 "$here/nottingham_pick.py" "$nott" 2>/dev/null | while IFS="$(printf '\t')" read -r mid key; do
  n=$(basename "$mid" .mid)
  fluidsynth -ni -g 0.8 -r 22050 -F "$out/audio/$n.full.wav" /usr/share/sounds/sf2/FluidR3_GM.sf2 "$mid" >/dev/null 2>&1
  sox "$out/audio/$n.full.wav" -c 1 "$out/audio/$n.wav" trim 0 30
  rm -f "$out/audio/$n.full.wav"
  echo "$key" > "$out/key/$n.key"
done
echo "$(ls "$out/audio" | wc -l) tunes in $out"
