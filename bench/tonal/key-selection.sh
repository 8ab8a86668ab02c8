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
