#!/usr/bin/env bash
# `groove analyze` on the bundled example, process start to exit (goal: under 1 s), next to `aubio tempo` on the
# same file (Debian aubio-tools) as a peer measured in the same run. Prints medians over RUNS runs.
# usage: bench/analyze-startup.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-7}"
example="$root/examples/groove-example.wav"
dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
groove=(dotnet "$root/src/Groove.Cli/bin/Release/net10.0/groove.dll")
command -v aubio >/dev/null || { echo "aubio missing: apt-get install aubio-tools" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# wall-clock seconds, and CPU seconds (user + sys; steadier when the machine is busy), each a median
time_runs() {
  local walls=() cpus=()
  for _ in $(seq "$runs"); do
    local tf line; tf=$(mktemp)
    /usr/bin/time -o "$tf" -f "%e %U %S" "$@" >/dev/null 2>&1; line=$(tail -1 "$tf"); rm -f "$tf"
    walls+=("$(echo "$line" | awk '{print $1}')"); cpus+=("$(echo "$line" | awk '{print $2 + $3}')")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}
"${groove[@]}" analyze "$example" >/dev/null   # warm the disk cache
read -r g gc < <(time_runs "${groove[@]}" analyze "$example")
read -r a ac < <(time_runs aubio tempo "$example")
printf '%-44s %8s %8s\n' "command (median of $runs, start to exit)" "wall s" "CPU s"
printf '%-44s %8.3f %8.3f\n' "groove analyze (tempo, beats, downbeats, key)" "$g" "$gc"
printf '%-44s %8.3f %8.3f\n' "aubio tempo (tempo only)" "$a" "$ac"
printf 'groove / aubio: %.2f   goal groove < 1 s: %s\n' "$(echo "$g / $a" | bc -l)" "$(echo "$g < 1" | bc -l | sed 's/1/met/;s/0/NOT met/')"
