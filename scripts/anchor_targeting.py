#!/usr/bin/env python3
"""The anchor for scripts/bench-targeting.sh: the same targeting work done the way an analyst
would with NumPy and pandas, on the data `targeting_scale export DIR OUT` wrote, timed here.

    anchor_targeting.py OUT        # prints one JSON object

What is timed (best of 3, the preview best of 5), starting from arrays in memory:

- PMT fit: the weighted within transformation by regency (NumPy bincount per column, and the
  pandas groupby/transform variant), then weighted least squares with np.linalg.lstsq on
  sqrt(w)-scaled data (and, for reference, the normal equations with np.linalg.solve). The
  columns are the features our fit kept (read from OUT/model.json), so the two solve the same
  problem. No cross-validation and no standard errors (ours does both inside its fit time).
  The design matrix X comes ready-made from our export: building it from the registry is not
  in the anchor's time (it is in ours).
- Desil: person-weighted national desil (np.lexsort by score then KK, cumulative members), and
  by province and regency with pandas groupby + cumsum.
- Rule preview: `desil <= 4 and members.any(age < 6) and region in "32.04" and not
  receives("PKH")` with NumPy masks (ages come precomputed, as an analyst's age column would).

Everything is checked against ours: coefficients, R², desil (national, province, regency),
preview counts.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def best_of(k, f):
    """(best seconds, last result) of k runs of f()."""
    best, out = float("inf"), None
    for _ in range(k):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    out = Path(sys.argv[1])
    meta = json.loads((out / "meta.json").read_text())
    model = json.loads((out / "model.json").read_text())
    names = json.loads((out / "feature_names.json").read_text())
    result = {"numpy": np.__version__, "pandas": pd.__version__}

    t = time.perf_counter()
    X = np.load(out / "X.npy")
    y = np.load(out / "y.npy")
    w = np.load(out / "w.npy")
    g = np.load(out / "g.npy")
    result["load_fit_data_seconds"] = time.perf_counter() - t

    # ---- PMT fit ------------------------------------------------------------------------
    assert [c["name"] for c in model["coefficients"]] == names
    kept = [j for j, c in enumerate(model["coefficients"]) if c["dropped"] is None]
    beta_ours = np.array([model["coefficients"][j]["value"] for j in kept])
    Xk = np.ascontiguousarray(X[:, kept])
    del X
    result["fit_rows"] = int(Xk.shape[0])
    result["fit_features"] = len(kept)

    def within_numpy():
        _, gi = np.unique(g, return_inverse=True)
        sw = np.bincount(gi, weights=w)
        Xd = np.empty_like(Xk)
        for j in range(Xk.shape[1]):
            col = Xk[:, j]
            Xd[:, j] = col - (np.bincount(gi, weights=w * col) / sw)[gi]
        yd = y - (np.bincount(gi, weights=w * y) / sw)[gi]
        return Xd, yd

    def within_pandas():
        df = pd.DataFrame(Xk * w[:, None])
        df["_y"] = y * w
        df["_w"] = w
        sums = df.groupby(g).transform("sum").to_numpy()
        means = sums / sums[:, -1:]
        Xd = Xk - means[:, : Xk.shape[1]]
        yd = y - means[:, Xk.shape[1]]
        return Xd, yd

    def wls_lstsq(Xd, yd):
        s = np.sqrt(w)
        beta, _, rank, _ = np.linalg.lstsq(Xd * s[:, None], yd * s, rcond=None)
        return beta, rank

    def wls_normal(Xd, yd):
        A = Xd * np.sqrt(w)[:, None]
        return np.linalg.solve(A.T @ A, A.T @ (yd * np.sqrt(w)))

    t_within_np, (Xd, yd) = best_of(3, within_numpy)
    t_within_pd, (Xd_pd, yd_pd) = best_of(3, within_pandas)
    within_agree = float(max(np.abs(Xd - Xd_pd).max(), np.abs(yd - yd_pd).max()))
    del Xd_pd, yd_pd
    t_lstsq, (beta, rank) = best_of(3, lambda: wls_lstsq(Xd, yd))
    t_normal, beta_ne = best_of(3, lambda: wls_normal(Xd, yd))
    e = yd - Xd @ beta
    r2_within = 1.0 - float(np.sum(w * e * e) / np.sum(w * yd * yd))
    # R² with the regency effects, against the national weighted mean.
    r2 = 1.0 - float(np.sum(w * e * e) / np.sum(w * (y - np.average(y, weights=w)) ** 2))
    diff = np.abs(beta - beta_ours)
    result.update(
        {
            "within_numpy_seconds": t_within_np,
            "within_pandas_seconds": t_within_pd,
            "within_numpy_vs_pandas_max_abs_diff": within_agree,
            "lstsq_seconds": t_lstsq,
            "normal_equations_seconds": t_normal,
            "pmt_fit_seconds": min(t_within_np, t_within_pd) + t_lstsq,
            "pmt_fit_pandas_lstsq_seconds": t_within_pd + t_lstsq,
            "pmt_fit_fastest_seconds": min(t_within_np, t_within_pd) + min(t_lstsq, t_normal),
            "lstsq_rank": int(rank),
            "within_r_squared": r2_within,
            "within_r_squared_ours": model["stats"]["within_r_squared"],
            "r_squared": r2,
            "r_squared_ours": model["stats"]["r_squared"],
            "beta_max_abs_diff": float(diff.max()),
            "beta_max_rel_diff": float((diff / np.maximum(np.abs(beta_ours), 1e-12)).max()),
            "beta_max_rel_diff_feature": names[kept[int(np.argmax(diff / np.maximum(np.abs(beta_ours), 1e-12)))]],
            "beta_normal_vs_lstsq_max_abs_diff": float(np.abs(beta_ne - beta).max()),
        }
    )
    del Xk, Xd, yd, e

    # ---- Desil ----------------------------------------------------------------------------
    score = np.load(out / "score.npy")
    kk = np.load(out / "kk.npy")
    members = np.load(out / "members.npy")
    regency = np.load(out / "regency.npy")
    province = np.load(out / "province.npy")
    first_person = np.load(out / "first_person.npy")
    desil_ours = np.load(out / "desil.npy")
    desil_province_ours = np.load(out / "desil_province.npy")
    desil_regency_ours = np.load(out / "desil_regency.npy")
    age = np.load(out / "age.npy")
    n = len(score)

    def desil_national():
        order = np.lexsort((kk, score))
        m = members[order].astype(np.int64)
        before = np.cumsum(m) - m
        total = int(m.sum())
        d = np.empty(n, np.uint8)
        d[order] = np.minimum(1 + (10 * before) // total, 10) if total > 0 else 1
        return order, m, d

    def desil_group(order, m, key, null):
        # Within each group, in score order: persons before, persons in the group.
        df = pd.DataFrame({"k": key[order], "m": m})
        before = (df.groupby("k")["m"].cumsum() - df["m"]).to_numpy()
        total = df.groupby("k")["m"].transform("sum").to_numpy()
        ds = np.where(total > 0, np.minimum(1 + (10 * before) // np.maximum(total, 1), 10), 1)
        if null is not None:
            ds = np.where(df["k"].to_numpy() == null, 0, ds)
        d = np.empty(n, np.uint8)
        d[order] = ds
        return d

    def desil_all():
        order, m, d = desil_national()
        return d, desil_group(order, m, province, None), desil_group(order, m, regency, 0)

    t_nat, (_, _, d_nat) = best_of(3, desil_national)
    t_desil, (d, dp, dr) = best_of(3, desil_all)
    result.update(
        {
            "desil_national_seconds": t_nat,
            "desil_seconds": t_desil,
            "desil_mismatches": int(np.count_nonzero(d != desil_ours)),
            "desil_province_mismatches": int(np.count_nonzero(dp != desil_province_ours)),
            "desil_regency_mismatches": int(np.count_nonzero(dr != desil_regency_ours)),
            "households_without_regency": int(np.count_nonzero(regency == 0)),
            "score_ties": int(n - len(np.unique(score))),
        }
    )

    # ---- Rule preview ---------------------------------------------------------------------
    pkh = np.zeros(n, bool)  # nobody receives PKH in the benchmark
    nz = np.flatnonzero(members > 0)
    starts = first_person[nz]
    assert np.all(np.diff(starts.astype(np.int64)) > 0), "persons are not contiguous"

    def preview():
        young = age < 6
        any_young = np.zeros(n, bool)
        # reduceat over households with members only (an empty one would take its next
        # person's value).
        any_young[nz] = np.logical_or.reduceat(young, starts)
        sel = (d <= 4) & any_young & (regency == 3204) & ~pkh
        return int(sel.sum()), int(members[sel].sum(dtype=np.int64))

    t_prev, (hh, persons) = best_of(5, preview)
    # Untimed cross-check with bincount on the person -> household map.
    household = np.load(out / "household.npy")
    any_young2 = np.bincount(household[age < 6], minlength=n) > 0
    sel2 = (d <= 4) & any_young2 & (regency == 3204)
    result.update(
        {
            "preview_seconds": t_prev,
            "preview_households": hh,
            "preview_persons": persons,
            "preview_bincount_households": int(sel2.sum()),
        }
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
