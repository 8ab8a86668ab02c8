#!/usr/bin/env bash
# Renders Groove's key-labelled audio datasets (see scripts/keydata/README.md):
#   OUT/nottingham-train  OUT/mma-train  OUT/nottingham-test  OUT/mma-test  OUT/nottingham-test-varied
# each holding audio/<id>.wav (mono 22050 Hz) and key/<id>.key ("F# minor"). Training sets first; each set is
# rendered by 2 niced processes. When a set is complete, "READY <folder> <count>" is appended to OUT/STATUS.
# Deterministic (seeds below) and resumable: rerun after a kill and only the missing clips are rendered.
# Usage: scripts/keydata/render-all.sh OUT [SET...]   (e.g. /work/keydata; keep audio out of git)
#   SET... renders only those sets, in the order given (e.g. the test sets first); default: all five.
set -euo pipefail
out=${1:?usage: render-all.sh OUT [SET...]}
shift
all_sets=(nottingham-train mma-train nottingham-test mma-test nottingham-test-varied)
sets=("$@")
[ ${#sets[@]} -eq 0 ] && sets=("${all_sets[@]}")
for s in "${sets[@]}"; do
  case " ${all_sets[*]} " in *" $s "*) ;; *) echo "render-all.sh: unknown set '$s' (one of: ${all_sets[*]})" >&2; exit 2;; esac
done
here=$(cd "$(dirname "$0")" && pwd)
nott=$(cd "$here/../../../shared/data/midi/nottingham" && pwd)
jobs=${KEYDATA_JOBS:-2}

# the renderers install what they miss (scripts/keydata/deps.py); do it once here, before the parallel shards
python3 -c "import sys; sys.path.insert(0, '$here'); import deps; deps.require({**deps.RENDER, **deps.MMA})"

mkdir -p "$out"
# render_set NAME COMMAND...: runs COMMAND --shard i/$jobs for every shard in parallel, then reports the set
render_set() {
  local name=$1; shift
  local start=$SECONDS pids=() i
  # temporary files a killed run left behind (each clip is written as .<id>.part* and renamed when complete)
  [ -d "$out/$name" ] && find "$out/$name" -name '.*.part*' -delete
  for ((i = 0; i < jobs; i++)); do
    nice -n 10 "$@" "$out/$name" --shard "$i/$jobs" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  local n
  n=$(find "$out/$name/audio" -maxdepth 1 -name '*.wav' ! -name '.*' | wc -l)
  echo "$name: $n clips ($((SECONDS - start)) s)"
  grep -qx "READY $out/$name $n" "$out/STATUS" 2>/dev/null || echo "READY $out/$name $n" >> "$out/STATUS"
}

for set in "${sets[@]}"; do
  case $set in
    nottingham-*) render_set "$set" python3 "$here/render_nottingham.py" "$nott" "${set#nottingham-}" ;;
    mma-*) render_set "$set" python3 "$here/render_mma.py" "${set#mma-}" ;;
  esac
done
for set in "${sets[@]}"; do
  printf '%s\t%s clips\t%s minor\n' "$set" "$(ls "$out/$set/key" | wc -l)" "$(cat "$out/$set"/key/*.key | grep -c minor)"
done
