# Regenerates mir_eval_random_beats.json: random beat sequences scored by mir_eval 0.7 (Debian python3-mir-eval).
# Run: /usr/bin/python3 make_mir_eval_random.py > mir_eval_random_beats.json
import json, warnings
import numpy as np
import mir_eval

warnings.simplefilter("ignore")
rng = np.random.default_rng(20261121)
cases = []
for i in range(300):
    kind = i % 6
    period = rng.uniform(0.3, 1.0)
    n = int(rng.integers(0, 40)) if kind == 0 else int(rng.integers(2, 80))
    start = rng.uniform(0, 8)
    ref = start + period * np.arange(n) + rng.normal(0, 0.01, n)
    if kind == 1:   # jittered estimate at the same level
        est = ref + rng.normal(0, 0.04, n)
    elif kind == 2: # double / half tempo, shifted
        factor = [0.5, 2.0, 1.0][int(rng.integers(0, 3))]
        m = int(n / factor) if n else 0
        est = start + rng.uniform(-0.3, 0.3) + period * factor * np.arange(m)
    elif kind == 3: # off-beat with dropouts and extras
        est = ref + period / 2
        est = est[rng.random(len(est)) > 0.2]
        est = np.concatenate([est, rng.uniform(0, start + period * n + 1, int(rng.integers(0, 6)))])
    elif kind == 4: # very short sequences and duplicates
        ref = np.round(ref[: int(rng.integers(0, 4))], 2)
        est = np.round(np.concatenate([ref, ref[:1]]) + rng.normal(0, 0.02, len(ref) + min(1, len(ref))), 2)
    else:           # unrelated tempo
        est = rng.uniform(0, 5) + rng.uniform(0.25, 1.2) * np.arange(int(rng.integers(0, 60)))
    ref = np.sort(np.abs(ref)); est = np.sort(np.abs(est))
    trim = bool(i % 2)
    r = mir_eval.beat.trim_beats(ref) if trim else ref
    e = mir_eval.beat.trim_beats(est) if trim else est
    try:
        scores = mir_eval.beat.evaluate(r, e, min_beat_time=5.0 if trim else 0.0)
    except Exception as ex:  # mir_eval fails on some degenerate inputs; those are not conformance cases
        continue
    scores = {k: float(v) for k, v in scores.items()}
    if any(not np.isfinite(v) for v in scores.values()):
        continue
    cases.append({"reference": ref.tolist(), "estimate": est.tolist(), "trim": trim, "scores": scores})
print(json.dumps(cases))
