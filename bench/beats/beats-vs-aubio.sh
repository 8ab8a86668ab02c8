#!/usr/bin/env bash
# Beat tracking speed (and accuracy) on the 20 gtzan20 clips: `groove beats` (one process, all clips) against
# `aubio beat` (Debian aubio-tools, one process per clip, as it only takes one file) and, when available,
# essentia.js RhythmExtractor2013 (npm, installed here into bench/beats/node_modules, which git ignores).
# Prints wall times, ratios and mir_eval F-measures (beats before 5 s ignored).
# usage: bench/beats/beats-vs-aubio.sh [--no-essentia]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${GROOVE_SHARED:-$root/../shared}"
clips=("$shared"/data/dev/gtzan20/audio/*.wav)
refs="$shared/data/dev/gtzan20/beats"
out="$root/bench/out/beats"
rm -rf "$out"; mkdir -p "$out"/{groove,aubio,essentia,44k}
now() { date +%s.%N; }
score() { /usr/bin/python3 "$here/compare_beats.py" "$1" "$refs" | sed 's/.*mean F /F /; s/ identical.*//'; }

dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
groove=(dotnet "$root/src/Groove.Cli/bin/Release/net10.0/groove.dll")
"${groove[@]}" --help >/dev/null   # warm the runtime's disk cache

t0=$(now); "${groove[@]}" beats "${clips[@]}" --out "$out/groove" --force 2>/dev/null; t1=$(now)
groove_s=$(echo "$t1 - $t0" | bc)

t0=$(now)
for c in "${clips[@]}"; do aubio beat "$c" > "$out/aubio/$(basename "$c" .wav).beats" 2>/dev/null; done
t1=$(now)
aubio_s=$(echo "$t1 - $t0" | bc)

printf '%-34s %8s %10s   %s\n' "system (20 clips, 30 s each)" "wall s" "vs groove" "gtzan20 beat F"
printf '%-34s %8.2f %10s   %s\n' "groove beats (classical)" "$groove_s" "1.00" "$(score "$out/groove")"
printf '%-34s %8.2f %9.2fx   %s\n' "aubio beat" "$aubio_s" "$(echo "$aubio_s / $groove_s" | bc -l)" "$(score "$out/aubio")"

if [ "${1:-}" != "--no-essentia" ]; then
  if [ ! -d "$here/node_modules/essentia.js" ]; then
    (cd "$here" && npm install --no-save --prefix "$here" essentia.js >/dev/null 2>&1) || true
  fi
  if [ -d "$here/node_modules/essentia.js" ]; then
    # RhythmExtractor2013 expects 44.1 kHz; converting is not timed.
    for c in "${clips[@]}"; do sox -G "$c" -r 44100 -b 16 "$out/44k/$(basename "$c")" 2>/dev/null; done
    t0=$(now); compute_s=$(cd "$here" && node essentia-beats.js "$out/essentia" "$out"/44k/*.wav); t1=$(now)
    ess_s=$(echo "$t1 - $t0" | bc)
    printf '%-34s %8.2f %9.2fx   %s   (analysis alone %.2f s)\n' "essentia.js RhythmExtractor2013" "$ess_s" "$(echo "$ess_s / $groove_s" | bc -l)" "$(score "$out/essentia")" "$compute_s"
  else
    echo "essentia.js: not installed (npm unreachable?), skipped"
  fi
fi
