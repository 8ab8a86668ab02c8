#!/usr/bin/env bash
# Catalogue throughput of `groove batch --tasks beats,tempo,key`: tracks per second per core on 1 and 2 cores
# (taskset pins the process; --jobs matches), and the projected wall time for a catalogue on N nodes.
# Tracks: TRACKS 30-second 44.1 kHz stereo WAVs made from examples/groove-example.wav at different tempi (sox).
# Each setting runs RUNS times into a fresh result folder; medians of wall time and of CPU time (user + sys) are
# printed. On a shared, loaded machine the wall figure suffers from other processes; the CPU figure much less: both
# are printed, with the load average, and the projection uses each.
# usage: bench/batch.sh [RUNS]   env: TRACKS (16), CATALOGUE (10000000 tracks), NODE_CORES (32), NODES ("1 10 100 1000")
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"
tracks="${TRACKS:-16}"
catalogue="${CATALOGUE:-10000000}"
node_cores="${NODE_CORES:-32}"
nodes="${NODES:-1 10 100 1000}"
[ "$(nproc)" -ge 2 ] || { echo "needs 2 cores" >&2; exit 1; }
command -v sox >/dev/null || { echo "sox missing: apt-get install sox" >&2; exit 1; }
dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
groove=(dotnet "$root/src/Groove.Cli/bin/Release/net10.0/groove.dll")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/audio"
for i in $(seq 1 "$tracks"); do
  factor=$(awk "BEGIN{print 0.8 + 0.4 * ($i - 1) / ($tracks > 1 ? $tracks - 1 : 1)}")
  sox "$root/examples/groove-example.wav" -r 44100 -c 2 "$work/audio/t$(printf %03d "$i").wav" tempo "$factor" repeat 2 trim 0 30
done
"${groove[@]}" batch manifest "$work/audio" -o "$work/tracks.txt" >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# bench CORES -> "wall_median cpu_median" over RUNS runs, each into a fresh folder
bench() {
  local cores=$1 cpus walls=() cpu=() n
  cpus=$(seq -s, 0 $((cores - 1)))
  for n in $(seq "$runs"); do
    local tf out="$work/out-$cores-$n"
    tf=$(mktemp)
    /usr/bin/time -o "$tf" -f "%e %U %S" taskset -c "$cpus" "${groove[@]}" batch "$work/tracks.txt" \
      --tasks beats,tempo,key --out "$out" --jobs "$cores" >/dev/null 2>&1
    grep -q . < <(find "$out" -name '*.failed.json') && { echo "a track failed" >&2; exit 1; }
    walls+=("$(tail -1 "$tf" | awk '{print $1}')"); cpu+=("$(tail -1 "$tf" | awk '{print $2 + $3}')")
    rm -rf "$tf" "$out"
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpu[@]}" | median)"
}
read -r w1 c1 < <(bench 1)
read -r w2 c2 < <(bench 2)

echo "groove batch --tasks beats,tempo,key: $tracks tracks of 30 s (44.1 kHz stereo WAV), median of $runs runs, process start to exit"
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (a shared machine: wall times include waiting for the CPU)"
printf '%-8s %8s %8s %18s %20s\n' cores "wall s" "CPU s" "tracks/s/core" "tracks/CPU-s"
printf '%-8s %8.2f %8.2f %18.3f %20.3f\n' 1 "$w1" "$c1" "$(echo "$tracks / $w1" | bc -l)" "$(echo "$tracks / $c1" | bc -l)"
printf '%-8s %8.2f %8.2f %18.3f %20.3f\n' 2 "$w2" "$c2" "$(echo "$tracks / $w2 / 2" | bc -l)" "$(echo "$tracks / $c2" | bc -l)"
printf '2-core speed-up over 1 core (wall): %.2f\n' "$(echo "$w1 / $w2" | bc -l)"

# Projection: a node of NODE_CORES cores does NODE_CORES x the 2-core run's per-core rate (wall-clock: includes the
# load here) or x the CPU-time rate (what an idle node would approach); no I/O limit assumed.
per_core_wall=$(echo "$tracks / $w2 / 2" | bc -l)
per_core_cpu=$(echo "$tracks / $c2" | bc -l)
echo "projected wall time for $catalogue tracks of 30 s, nodes of $node_cores cores:"
printf '%-8s %22s %22s\n' nodes "at the wall rate" "at the CPU-time rate"
hours() { local h; h=$(echo "$1" | bc -l); awk -v h="$h" 'BEGIN{ if (h >= 48) printf "%.1f days", h/24; else if (h >= 1) printf "%.1f h", h; else printf "%.0f min", h*60 }'; }
for n in $nodes; do
  printf '%-8s %22s %22s\n' "$n" "$(hours "$catalogue / ($per_core_wall * $node_cores * $n) / 3600")" "$(hours "$catalogue / ($per_core_cpu * $node_cores * $n) / 3600")"
done
