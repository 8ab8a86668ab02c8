"""numpy peer of Groove.SimilarBench: make the synthetic vectors, and time the same exact cosine top-k."""
import sys, time
import numpy as np

if sys.argv[1] == "make":  # make N DIM QUERIES DIR
    n, d, nq, out = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    rng = np.random.default_rng(16)
    np.save(f"{out}/matrix.npy", rng.standard_normal((n, d), dtype=np.float32))
    np.save(f"{out}/queries.npy", rng.standard_normal((nq, d), dtype=np.float32))
elif sys.argv[1] == "search":  # search MATRIX QUERIES K OUT
    m = np.load(sys.argv[2]); q = np.load(sys.argv[3]); k = int(sys.argv[4])
    m = m / np.linalg.norm(m, axis=1, keepdims=True)  # normalised once, as VectorSearch does at construction
    def top(v):
        v = v / np.linalg.norm(v)
        s = m @ v
        idx = np.argpartition(-s, k)[:k]
        return idx[np.argsort(-s[idx], kind="stable")]
    for _ in range(3): top(q[0])
    times, lines = [], []
    for v in q:
        t = time.perf_counter(); idx = top(v); times.append(time.perf_counter() - t)
        lines.append(" ".join(str(i) for i in idx))
    open(sys.argv[5], "w").write("\n".join(lines) + "\n")
    print(f"search\t{sorted(times)[len(times) // 2]!r}")
