#!/bin/sh
# Chooses the default of the classical key estimator (`groove key`) by a protocol stated before any result was seen,
# and prints every candidate's scores. See bench/tonal/KeySelection/Program.cs for the candidates.
#
# THE RULE (fixed in advance, 2026-12-07): the default is the candidate with the best
#     J = ½ · (MIREX weighted on gtzan20, 17 real clips) + ½ · (mean over nottingham-test, nottingham-test-varied and
#         mma-test of each set's MIREX weighted),
# ties to the simpler (earlier-listed) candidate. Real music gets half the weight although it is 17 clips, because
# it is what the estimator is for; the rendered sets guard against fitting those 17 clips.
# How well the rule generalises is reported without scoring a clip it chose on: on gtzan20 by leave-one-clip-out
# (the rule re-run on 16 clips + the rendered sets, the 17th clip scored with its choice), on each rendered set by
# re-running the rule without that set. The same estimates are printed for two other procedures (gtzan20 only,
# rendered only) for comparison; they are not used.
#
# PRE-REGISTERED ADDITION (2026-12-07, committed before any score of these candidates was computed; issue #17):
# two combinations of the shipped methods join the candidate list, after the existing grid (so ties go to the older,
# simpler candidates), and the same rule J, with the same leave-one-clip-out / leave-one-set-out estimates, decides:
#   cqt+hpcp z       the shipped `cqt` method (cqt albrecht cos) and the shipped `hpcp` method (hpcp-white-h4
#                    albrecht cos gate0.2 ph4): per clip, each method's 24 key similarities are z-normalised over the
#                    24 keys ((r - mean) / population std; all-equal scores give zeros), the two z-vectors are added
#                    with equal weight, and the key is the argmax.
#   cqt+essentia z   the same with the shipped `essentia` method (HPCP 25 Hz-3.5 kHz, bgate profiles, Pearson,
#                    gate 0.2) in place of `hpcp`. Its chroma is one more cached front end ("hpcp-essentia"), used only
#                    by this candidate (it adds no grid candidates).
# Nothing in them is tuned (equal weights, the methods as shipped). If one of them is chosen by J, it becomes the
# default of `groove key`; both are shipped as `--method` options either way.
#
# Usage: bench/tonal/key-selection.sh [KEYDATA_DIR] [--stone MODEL]
#   KEYDATA_DIR default /work/keydata (made by scripts/keydata/render-all.sh; missing sets are skipped).
#   Chroma of every clip per front end is cached in KEYDATA_DIR/selection-cache (delete it after changing the DSP).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
keydata=${1:-/work/keydata}
[ $# -gt 0 ] && shift
dotnet build "$here/KeySelection" -c Release -v q -nologo >/dev/null
exec dotnet "$here/KeySelection/bin/Release/net10.0/KeySelection.dll" --gtzan "$root/../shared/data/dev/gtzan20" \
  --keydata "$keydata" --out "$keydata/selection-cache" "$@"
