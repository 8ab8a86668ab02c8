#!/usr/bin/env bash
# Key estimation: `groove key` (the library's default estimator) against essentia.js KeyExtractor (profile bgate, its
# default; npm package installed into bench/tonal/node_modules, which git ignores) on the same clips: gtzan20 (17
# labelled real clips) and the rendered held-out sets (scripts/keydata/render-all.sh). Prints each system's MIREX
# weighted score (fifths both ways, `groove eval key`'s default, and mir_eval's upward-only), accuracy and
# key-signature accuracy per set, then the speed of one 30 s clip for both (analysis only, one thread, same run).
# essentia.js gets the clips resampled to 44.1 kHz (sox; not timed), the rate its defaults are made for.
# usage: bench/tonal/key-vs-essentia.sh [KEYDATA_DIR] [METHOD...]   (default /work/keydata; every `groove key --method`)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${GROOVE_SHARED:-$root/../shared}"
keydata=${1:-/work/keydata}
[ $# -gt 0 ] && shift
methods=("$@")
[ ${#methods[@]} -gt 0 ] || methods=(stone cqt hpcp essentia)
out="$root/bench/out/key-essentia"
mkdir -p "$out"

dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
dotnet build "$here/KeySelection" -c Release -v q -nologo >/dev/null
groove=(dotnet "$root/src/Groove.Cli/bin/Release/net10.0/groove.dll")
if [ ! -d "$here/node_modules/essentia.js" ]; then
  (cd "$here" && npm install --no-save --prefix "$here" essentia.js >/dev/null 2>&1) || true
fi
have_essentia=0
if [ -d "$here/node_modules/essentia.js" ] && command -v node >/dev/null; then have_essentia=1
else echo "essentia.js: not installed (npm unreachable or no node), essentia columns skipped"; fi

for set in "$shared/data/dev/gtzan20" "$keydata/nottingham-test" "$keydata/nottingham-test-varied" "$keydata/mma-test"; do
  [ -d "$set/audio" ] || { echo "skipping $set (not found)"; continue; }
  name=$(basename "$set")
  rm -rf "$out/$name/groove-"* "$out/$name/essentia"
  dirs=()
  for m in "${methods[@]}"; do
    "${groove[@]}" key "$set"/audio/*.wav --method "$m" --out "$out/$name/groove-$m" >/dev/null
    dirs+=(--est-dir "$out/$name/groove-$m")
  done
  if [ $have_essentia = 1 ]; then
    mkdir -p "$out/$name/44k"
    for c in "$set"/audio/*.wav; do
      t="$out/$name/44k/$(basename "$c")"
      [ -s "$t" ] || sox -G "$c" -r 44100 -b 16 "$t" 2>/dev/null
    done
    (cd "$here" && node essentia-key.js "$out/$name/essentia" "$out/$name/44k"/*.wav) > "$out/$name/essentia-time.txt"
    dirs+=(--est-dir "$out/$name/essentia")
  fi
  echo "== $name ($(ls "$set/audio" | wc -l) clips): MIREX weighted, fifths both ways"
  "${groove[@]}" eval key --dataset "$set" "${dirs[@]}"
  echo "-- $name: fifths up only (mir_eval)"
  "${groove[@]}" eval key --dataset "$set" "${dirs[@]}" --fifths up 2>/dev/null | sed -n '2p;4p'
  [ $have_essentia = 1 ] && sed 's/^/essentia.js analysis time: /' "$out/$name/essentia-time.txt"
done

echo "== speed: key of a 30 s clip (analysis only, single thread)"
clip="$shared/data/dev/gtzan20/audio/gtzan_rock_00000.wav"
dotnet "$here/KeySelection/bin/Release/net10.0/KeySelection.dll" --time "$clip"
if [ $have_essentia = 1 ]; then
  mkdir -p "$out/time44k"; sox -G "$clip" -r 44100 -b 16 "$out/time44k/clip.wav" 2>/dev/null
  # the same clip 7 times in one process (the first run warms the WASM module up); median per clip
  (cd "$here" && node essentia-key.js "$out/time-essentia" $(for i in 1 2 3 4 5 6 7; do echo "$out/time44k/clip.wav"; done)) | sed 's/^/essentia.js KeyExtractor: /'
fi
