#!/usr/bin/env bash
# Decides whether a learned key model (STONE / Semi-TONE, issue #17) replaces the default `groove key` method, by a
# rule fixed before any of the candidates below was scored, on rendered held-out sets only; gtzan20 is reported
# afterwards and chooses nothing.
#
# THE RULE (committed 2026-12-07 17:14 UTC, before the models of session 5 were trained or scored):
#   Candidates, in this order (ties go to the earlier one): `cqt` (the default), then each CANDIDATE argument:
#     NAME_OR_PATH            `groove key --model M`: a 12-output STONE model gives the key signature and the cqt
#                             method decides major vs relative minor; a 24-output (Semi-TONE) model gives both
#     NAME_OR_PATH:profile    a 24-output model's key signature (its two columns summed) with the cqt mode decision
#                             (`--model M --mode-from profile`)
#   S(c) = mean over nottingham-test, nottingham-test-varied and mma-test of each set's MIREX weighted score (fifths
#   both ways, `groove eval key`). The best S wins. It replaces `cqt` as the default only if
#     S(winner) >= S(cqt) + 0.01, and on no one of the three sets it is more than 0.03 below cqt,
#   and the key of a 30 s clip takes under 1 % of real time (bench/tonal/KeySelection --time WAV --model M).
#   How well the rule generalises is estimated by leave-one-set-out: the rule run on two sets, the third scored with
#   its choice (printed). gtzan20 (17 labelled real clips) is scored for every candidate after the decision: nothing
#   is fitted or chosen on it (each model's calibration offset comes from the rendered TRAINING sets).
#
# usage: bench/tonal/key-model-selection.sh KEYDATA_DIR CANDIDATE...   (estimates and scores under bench/out/key-models)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${GROOVE_SHARED:-$root/../shared}"
keydata=${1:?usage: key-model-selection.sh KEYDATA_DIR CANDIDATE...}
shift
out="$root/bench/out/key-models"
mkdir -p "$out"
groove=${GROOVE:-"$root/src/Groove.Cli/bin/Release/net10.0/groove"}
[ -n "${GROOVE:-}" ] || dotnet build "$root/src/Groove.Cli" -c Release -v q -nologo >/dev/null
cands=(cqt "$@")

label() { case $1 in cqt) echo cqt;; *:profile) echo "$(basename "${1%:profile}" .safetensors)+cqt-mode";; *) echo "$(basename "$1" .safetensors)";; esac; }
# Every candidate's key of every clip, written as `groove key` writes it (KeySelection --write-keys: the same estimators,
# each clip decoded once and its STONE CQT computed once for all models); candidates already done are kept.
selection="$here/KeySelection/bin/Release/net10.0/KeySelection.dll"
[ -n "${GROOVE:-}" ] || dotnet build "$here/KeySelection" -c Release -v q -nologo >/dev/null
estimate() { # SET_DIR OUT_DIR
  local set=$1 dest=$2 todo=() c
  for c in "${cands[@]}"; do [ -f "$dest/$(label "$c")/.done" ] || todo+=("$c"); done
  [ ${#todo[@]} -eq 0 ] && return 0
  dotnet "$selection" --write-keys "$set/audio" "$dest" "${todo[@]}" >&2
  for c in "${todo[@]}"; do touch "$dest/$(label "$c")/.done"; done
}

scores="$out/scores.tsv"
: > "$scores"
for set in "$keydata/nottingham-test" "$keydata/nottingham-test-varied" "$keydata/mma-test" "$shared/data/dev/gtzan20"; do
  [ -d "$set/audio" ] || { echo "missing $set" >&2; exit 2; }
  name=$(basename "$set")
  estimate "$set" "$out/$name"
  for c in "${cands[@]}"; do
    l=$(label "$c")
    "$groove" eval key --dataset "$set" --est-dir "$out/$name/$l" --json 2>/dev/null |
      python3 -c 'import json,sys; d=json.load(sys.stdin); v=next(iter(d.values())); print("\t".join([sys.argv[1], sys.argv[2]] + ["%.4f" % v[m]["mean"] for m in ("Weighted Score", "Correct", "Key Signature Correct")] + [str(v["Weighted Score"]["n"])]))' "$name" "$l" >> "$scores"
  done
done

python3 - "$scores" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
rendered = ["nottingham-test", "nottingham-test-varied", "mma-test"]
cands = list(dict.fromkeys(r[1] for r in rows))
w = {(r[0], r[1]): float(r[2]) for r in rows}
print("%-24s" % "candidate" + "".join("  %-28s" % s for s in rendered + ["gtzan20"]) + "%6s" % "S")
for c in cands:
    cells = ["%.3f (acc %.2f, ksea %.2f)" % tuple(float(x) for x in r[2:5]) for s in rendered + ["gtzan20"] for r in rows if r[0] == s and r[1] == c]
    print("%-24s" % c + "".join("  %-28s" % x for x in cells) + "%6.3f" % (sum(w[s, c] for s in rendered) / 3))

def choose(sets):
    S = {c: sum(w[s, c] for s in sets) / len(sets) for c in cands}
    best = max(cands, key=lambda c: (S[c], -cands.index(c)))
    ok = best != "cqt" and S[best] >= S["cqt"] + 0.01 and all(w[s, best] >= w[s, "cqt"] - 0.03 for s in sets)
    return best, (best if ok else "cqt")

best, chosen = choose(rendered)
print("best S: %s; the rule chooses: %s (speed still to be checked for a model)" % (best, chosen))
for held in rendered:
    _, c = choose([s for s in rendered if s != held])
    print("leave-one-set-out: chosen without %s: %s, which scores %.3f there (cqt %.3f)" % (held, c, w[held, c], w[held, "cqt"]))
print("gtzan20 (report only): the chosen %s %.3f, cqt %.3f" % (chosen, w["gtzan20", chosen], w["gtzan20", "cqt"]))
EOF
