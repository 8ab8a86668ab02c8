#!/usr/bin/env bash
# The linear probes of bench/embeddings/tile2vec-candidates-s8.md for one model: embeds mma-train, mma-test
# (scripts/keydata/render-all.sh; label = the mma groove in the file name) and gtzan20 (genre labels from
# ../shared/data/dev/gtzan20/genre) into OUT/NAME-SET.db, then prints `groove probe` for each:
# mma-train 5-fold (the selection probe), mma-test 5-fold and gtzan20 leave-one-out (reported only).
# usage: bench/embeddings/tile2vec-probes.sh NAME MODEL [KEYDATA_DIR] [OUT_DIR]
#   MODEL: mfcc | random | tile2vec | a Tile2Vec weights file.  KEYDATA default /work/keydata, OUT default bench/out/t2v-probes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${GROOVE_SHARED:-$root/../shared}"
name=$1; model=$2; keydata=${3:-/work/keydata}; out=${4:-$root/bench/out/t2v-probes}
mkdir -p "$out"
dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
g=(dotnet "$root/src/Groove.Cli/bin/Release/net10.0/groove.dll")
for s in train test; do
  ls "$keydata/mma-$s/audio" | sed -E "s/^($s[0-9]+)-(.*)\.wav$/\1-\2.wav,\2/" > "$out/mma-$s.csv"
done
for f in "$shared"/data/dev/gtzan20/genre/*.genre; do echo "$(basename "$f" .genre).wav,$(head -1 "$f" | tr -d '\r\n ')"; done > "$out/gtzan20.csv"
for set in mma-train mma-test gtzan20; do
  case $set in gtzan20) dir="$shared/data/dev/gtzan20/audio";; *) dir="$keydata/$set/audio";; esac
  "${g[@]}" embed "$dir" --index "$out/$name-$set.db" --model "$model" > /dev/null 2> "$out/$name-$set.embed.log"
done
echo "== $name ($model)"
echo "-- selection: mma-train groove, 5 folds"; "${g[@]}" probe --index "$out/$name-mma-train.db" --labels "$out/mma-train.csv" --folds 5 --seed 1
echo "-- report: mma-test groove, 5 folds"; "${g[@]}" probe --index "$out/$name-mma-test.db" --labels "$out/mma-test.csv" --folds 5 --seed 1
echo "-- report: gtzan20 genre, leave-one-out"; "${g[@]}" probe --index "$out/$name-gtzan20.db" --labels "$out/gtzan20.csv" --folds 0 --seed 1
