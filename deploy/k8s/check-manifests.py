#!/usr/bin/env python3
"""Offline checks of deploy/k8s/*.yaml, for machines without a cluster (where `kubectl apply --dry-run=client`
cannot run: it needs an API server's discovery). Parses every document (PyYAML) and checks what groove batch relies
on: an Indexed Job whose pods get --shard $(JOB_COMPLETION_INDEX)/$(SHARDS) with SHARDS = completions, and volume
claims that the folder's own PVC (or the documented catalogue claim) provide. Prints one line; exit 1 on a problem.
"""
import glob
import os
import sys

import yaml

here = os.path.dirname(os.path.abspath(__file__))
docs = []
for path in sorted(glob.glob(os.path.join(here, "*.yaml"))):
    with open(path, encoding="utf-8") as f:
        docs += [(os.path.basename(path), d) for d in yaml.safe_load_all(f) if d]
problems = []
jobs = [(n, d) for n, d in docs if d.get("kind") == "Job"]
claims = {d["metadata"]["name"] for _, d in docs if d.get("kind") == "PersistentVolumeClaim"} | {"groove-catalogue"}
if len(jobs) != 1:
    problems.append(f"expected one Job, found {len(jobs)}")
for name, job in jobs:
    spec = job["spec"]
    if job.get("apiVersion") != "batch/v1":
        problems.append(f"{name}: apiVersion {job.get('apiVersion')}, not batch/v1")
    if spec.get("completionMode") != "Indexed":
        problems.append(f"{name}: completionMode is not Indexed")
    pod = spec["template"]["spec"]
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        problems.append(f"{name}: a Job's pods need restartPolicy Never or OnFailure")
    (container,) = [c for c in pod["containers"] if c["name"] == "groove"]
    args = [str(a) for a in container["args"]]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    if args[:1] != ["batch"]:
        problems.append(f"{name}: the container does not run groove batch")
    if "--shard" not in args or args[args.index("--shard") + 1] != "$(JOB_COMPLETION_INDEX)/$(SHARDS)":
        problems.append(f"{name}: --shard must be $(JOB_COMPLETION_INDEX)/$(SHARDS)")
    if str(env.get("SHARDS")) != str(spec.get("completions")):
        problems.append(f"{name}: SHARDS={env.get('SHARDS')} but completions={spec.get('completions')}")
    if int(spec.get("parallelism", 1)) > int(spec["completions"]):
        problems.append(f"{name}: parallelism above completions")
    mounts = {m["name"] for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for m in mounts - volumes.keys():
        problems.append(f"{name}: volumeMount {m} has no volume")
    for v in volumes.values():
        claim = v.get("persistentVolumeClaim", {}).get("claimName")
        if claim and claim not in claims:
            problems.append(f"{name}: volume {v['name']} claims {claim}, which no manifest here defines")
    for rule in spec.get("podFailurePolicy", {}).get("rules", []):
        if rule.get("action") == "FailIndex" and "backoffLimitPerIndex" not in spec:
            problems.append(f"{name}: FailIndex needs backoffLimitPerIndex")
for p in problems:
    print(f"check-manifests: {p}", file=sys.stderr)
print(f"check-manifests: {len(docs)} document(s), {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
