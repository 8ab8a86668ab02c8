#!/usr/bin/env bash
# Beat, downbeat and tempo scores of one tracker on one dataset folder (audio/, beats/ with bar positions, tempo/).
#   scripts/beatnets/eval.sh TRACKER DATASET OUT
# TRACKER: classical, ellis, or a model file (models/beat-tcn.safetensors). Writes OUT/beats.txt and OUT/beats.csv
# (groove eval beats: mir_eval metrics with the first 5 s ignored; DbF = downbeat F-measure) and OUT/tempo.txt
# (groove eval tempo). GROOVE selects the groove command (default: groove on PATH).
set -euo pipefail
tracker=$1 data=$2 out=$3
groove=${GROOVE:-groove}
mkdir -p "$out"
$groove eval beats --dataset "$data" --estimator "$tracker" --csv "$out/beats.csv" > "$out/beats.txt"
if [ -d "$data/tempo" ]; then $groove eval tempo --dataset "$data" --estimator "$tracker" > "$out/tempo.txt"; fi
echo "== $tracker on $data"
grep -E "^│ (F|CMLt|AMLt|DbF|Acc1|Acc2|tracks) " "$out/beats.txt" "$out/tempo.txt" 2>/dev/null || true
