# Regenerates hainsworth_dbn_mir_eval.json: mir_eval 0.7 beat scores (beats before 5 s trimmed, mir_eval's default)
# of the multi-task TCN + DBN detections in shared/conformance/dbn/hainsworth against the Hainsworth annotations.
# Run from this folder: /usr/bin/python3 make_hainsworth_dbn_scores.py ../../../../../shared > hainsworth_dbn_mir_eval.json
import glob, json, os, sys, warnings
import numpy as np
import mir_eval

warnings.simplefilter("ignore")
root = os.path.join(sys.argv[1], "conformance", "dbn", "hainsworth")
out = {}
for ref_path in sorted(glob.glob(os.path.join(root, "annotations", "beats", "*.beats"))):
    name = os.path.basename(ref_path)[: -len(".beats")]
    ref = np.atleast_2d(np.loadtxt(ref_path))[:, 0] if os.path.getsize(ref_path) else np.zeros(0)
    est_path = os.path.join(root, "detections", "multi_task", name + ".beats.txt")
    est = np.loadtxt(est_path, ndmin=2)[:, 0] if os.path.getsize(est_path) else np.zeros(0)
    out[name] = {k: float(v) for k, v in mir_eval.beat.evaluate(np.sort(ref), np.sort(est)).items()}
print(json.dumps(out, indent=0))
