"""Run the inequality anchors (pysal `inequality`, `ineqpy`, numpy) on lognormal data and write
the same data as raw little-endian f64 files, so that Setara's suite can be timed on identical
input in the same run (scripts/bench-stats.sh).

Data as ../shared/anchors/ineq_anchors.py: numpy default_rng(42), y = lognormal(15, 0.8, n),
w = integers(1, 6, n).

Usage: python3 anchors_ineq.py N OUT_DIR   -> OUT_DIR/values.f64, OUT_DIR/weights.f64, prints JSON
"""
import gc
import json
import sys
import time

import numpy as np
from inequality.gini import Gini
from inequality.theil import Theil
from ineqpy import inequality as iq

n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(42)
y = rng.lognormal(15.0, 0.8, n)
w = rng.integers(1, 6, n).astype(float)
y.astype("<f8").tofile(f"{out}/values.f64")
w.astype("<f8").tofile(f"{out}/weights.f64")


def best(fn, reps):
    t_best, v = 1e9, None
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        v = fn()
        t_best = min(t_best, time.perf_counter() - t0)
    return {"seconds": round(t_best, 4), "value": float(np.asarray(v).ravel()[0])}


reps = 3 if n <= 1_000_000 else 1
res = {
    "n": n,
    "numpy_argsort_only": best(lambda: np.argsort(y)[:1], reps),
    "pysal_gini": best(lambda: Gini(y).g, reps),
    "pysal_theil": best(lambda: Theil(y).T, reps),
    "ineqpy_gini_unweighted": best(lambda: iq.gini(y), reps),
    "ineqpy_gini_weighted": best(lambda: iq.gini(y, w), reps),
}
print(json.dumps(res))
