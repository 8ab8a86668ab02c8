#!/usr/bin/env bash
# End-to-end test of groove-array.sbatch on a real one-node SLURM cluster started on this machine (as root):
#   1. installs Debian's slurm-wlm and munge if missing, builds the CLI (unless GROOVE is given);
#   2. starts a private munged, slurmctld and slurmd (own key, socket, ports 16817/16818, state and logs in a
#      temporary folder; a slurm.conf for this host with 2 CPUs);
#   3. makes TRACKS short WAVs and a manifest (groove batch manifest), submits a 4-task array, waits, and checks
#      that every track has all results (beats, tempo, key) exactly once;
#   4. submits the array again into a second folder, cancels task 1 (scancel) once it has finished a track but not
#      its shard, checks that what is there is whole, re-submits task 1 alone, and checks that the re-run did only
#      the tracks left (none twice) and that all results are byte-identical to the first run's;
#   5. stops the daemons it started (by their pid files) and removes the folder (KEEP=1 keeps it).
# Prints "slurm test: passed" and exits 0, or says what failed and exits 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
TRACKS=${TRACKS:-32}
SECONDS_PER_TRACK=${SECONDS_PER_TRACK:-20}

log() { echo "slurm test: $*"; }
fail() { echo "slurm test: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (it starts munged, slurmctld and slurmd)"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sox >/dev/null; then
  log "installing slurm-wlm, munge, sox"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge sox >/dev/null
fi
if [ -z "${GROOVE:-}" ]; then
  dll="$repo/src/Groove.Cli/bin/Release/net10.0/groove.dll"
  [ -f "$dll" ] || dotnet build -c Release "$repo/src/Groove.Cli" >/dev/null
  GROOVE="$(command -v dotnet) $dll"
fi

w=$(mktemp -d /tmp/groove-slurm.XXXXXX)
chmod 700 "$w"
mkdir -p "$w/munge" "$w/state" "$w/spool" "$w/logs" "$w/audio"
stop() {
  set +e
  for pidfile in "$w/slurmd.pid" "$w/slurmctld.pid" "$w/munge/munged.pid"; do
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [ "${KEEP:-0}" = 1 ]; then log "kept $w"; else rm -rf "$w"; fi
}
trap stop EXIT

# munge: a private key and socket, so this never touches a munged the machine already runs.
dd if=/dev/urandom of="$w/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$w/munge/munge.key"
munged --force --socket="$w/munge/munge.socket" --key-file="$w/munge/munge.key" --pid-file="$w/munge/munged.pid" \
  --log-file="$w/munge/munged.log" --seed-file="$w/munge/munged.seed"
for _ in $(seq 50); do [ -S "$w/munge/munge.socket" ] && break; sleep 0.1; done
munge --socket="$w/munge/munge.socket" -n | unmunge --socket="$w/munge/munge.socket" >/dev/null || fail "munge does not work (see $w/munge/munged.log)"

host=$(hostname -s)
export SLURM_CONF="$w/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=groovetest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$w/munge/munge.socket
StateSaveLocation=$w/state
SlurmdSpoolDir=$w/spool
SlurmctldPidFile=$w/slurmctld.pid
SlurmdPidFile=$w/slurmd.pid
SlurmctldLogFile=$w/logs/slurmctld.log
SlurmdLogFile=$w/logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
KillWait=5
SchedulerType=sched/backfill
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for i in $(seq 60); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  [ "$i" = 60 ] && fail "the node did not come up (state '$state'; see $w/logs)"
  sleep 1
done
log "one-node cluster up: $(sinfo -h -o '%P %D node(s) %c CPUs %T')"

# A small catalogue: TRACKS plucked-note WAVs at different tempi.
for i in $(seq 1 "$TRACKS"); do
  sox -n -r 22050 -c 1 "$w/audio/track$(printf %03d "$i").wav" synth 0.25 pluck $((180 + 17 * i)) pad 0 $(awk "BEGIN{print 60/(90+3*$i)-0.25}") \
    repeat $(awk "BEGIN{print int($SECONDS_PER_TRACK*(90+3*$i)/60)}")
done
# shellcheck disable=SC2086
$GROOVE batch manifest "$w/audio" -o "$w/tracks.txt" >/dev/null
log "$TRACKS tracks of about ${SECONDS_PER_TRACK} s, manifest $w/tracks.txt"

submit() { # submit OUT ARRAY EXTRA... -> job id
  local out=$1 array=$2; shift 2
  sbatch --parsable --array="$array" --cpus-per-task=1 --chdir="$w/logs" --output="$w/logs/$(basename "$out")-%A_%a.log" \
    --export=ALL,MANIFEST="$w/tracks.txt",OUT="$out",SHARDS=4,GROOVE="$GROOVE",GROOVE_ARGS="--progress-every 0.2" "$@" \
    "$here/groove-array.sbatch"
}
wait_job() { # wait_job ID: until no task of it is pending or running
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0
    sleep 0.5
  done
  fail "job $1 did not finish in 5 minutes"
}
summary_of() { grep -h "^shard " "$1" | tail -1; }
check() { python3 "$here/check-results.py" "$w/tracks.txt" "$@" || fail "results check failed"; }

# Run 1: the whole array, uninterrupted.
job=$(submit "$w/run1" 0-3)
log "submitted array job $job (4 tasks, 2 CPUs: 2 at a time)"
wait_job "$job"
for t in 0 1 2 3; do log "  task $t: $(summary_of "$w/logs/run1-${job}_$t.log")"; done
check "$w/run1"
analysed=$(cat "$w"/logs/run1-"${job}"_*.log | grep -h "^shard " | sed -E 's/.*: ([0-9]+) analysed.*/\1/' | paste -sd+ | bc)
[ "$analysed" = "$TRACKS" ] || fail "the 4 tasks analysed $analysed tracks in all, not $TRACKS"
log "run 1: every track has beats, tempo and key exactly once ($analysed analysed over 4 tasks)"

# Run 2: the array again into a new folder; cancel task 1 mid-shard, then re-submit it.
job=$(submit "$w/run2" 0-3)
task_log="$w/logs/run2-${job}_1.log"
log "submitted array job $job; waiting for task 1 to finish a track"
for i in $(seq 600); do
  if [ -f "$task_log" ] && grep -qE "shard 1/4: [1-9][0-9]*/[0-9]+ tracks" "$task_log"; then break; fi
  [ "$i" = 600 ] && fail "task 1 never reported a finished track"
  sleep 0.1
done
scancel "${job}_1"
log "scancel ${job}_1 after: $(grep -E 'shard 1/4: [0-9]+/' "$task_log" | tail -1)"
wait_job "$job"
sacct_state=$(scontrol show job "${job}_1" 2>/dev/null | grep -oE 'JobState=[A-Z]+' | head -1 || true)
log "task 1 ended ${sacct_state:-(state no longer listed)}; its log's last line: $(tail -1 "$task_log")"
check "$w/run2" --partial
done_before=$(python3 - "$w/tracks.txt" "$w/run2" <<'PY'
import json, os, sys
listed = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
mine = set(listed[1::4])
n = 0
for root, _, files in os.walk(sys.argv[2]):
    for f in files:
        if f.endswith(".json") and not f.endswith(".failed.json") and f != "batch.json":
            n += json.load(open(os.path.join(root, f)))["path"] in mine
print(n)
PY
)
shard_size=$(( (TRACKS - 1 + 3) / 4 ))
[ "$done_before" -lt "$shard_size" ] || fail "task 1 finished its whole shard before it was cancelled (make tracks longer: SECONDS_PER_TRACK)"
log "after the cancel: shard 1 has $done_before of $shard_size tracks, all whole"

again=$(submit "$w/run2" 1)
log "re-submitted task 1 as job $again"
wait_job "$again"
line=$(summary_of "$w/logs/run2-${again}_1.log")
log "  re-run: $line"
echo "$line" | grep -q ": $((shard_size - done_before)) analysed, $done_before already done, 0 failed" \
  || fail "the re-run should have analysed $((shard_size - done_before)) and skipped $done_before"
check "$w/run2" --same-as="$w/run1"
log "after cancel + re-submit: every track has its results exactly once, byte-identical to the uninterrupted run"
log "passed"
