#!/usr/bin/env bash
# The measure suite of setara-stats beside its anchors, measured in the same run on the same data:
# pysal `inequality` (Gini, Theil), `ineqpy` (Gini) and numpy's argsort, timed by
# scripts/anchors_ineq.py, which also writes the data (numpy default_rng(42): lognormal(15, 0.8)
# incomes, integer weights 1-5) as raw f64 files; examples/suite_timing.rs times ours on those
# files (best of 3, from the unsorted input in memory: validation and sorting included), then the
# ratios are printed. Peak memory (/usr/bin/time -v) of each of our items at the largest n.
#
# Usage: scripts/bench-stats.sh [N ...]   (default: 1000000 10000000)
# Needs: the Rust toolchain, python3 with venv; the anchors' packages are installed with pip into
# target/anchors-venv if that virtualenv is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000000 10000000)
PY=target/anchors-venv/bin/python
if [ ! -x "$PY" ]; then
  echo "creating target/anchors-venv (numpy, inequality, ineqpy)"
  python3 -m venv target/anchors-venv
  "$PY" -m pip install --quiet numpy inequality ineqpy
fi
cargo build --release --quiet -p setara-stats --example suite_timing
BIN=target/release/examples/suite_timing

for N in "${SIZES[@]}"; do
  OUT=target/bench-stats/$N
  mkdir -p "$OUT"
  echo "== n = $N"
  "$PY" scripts/anchors_ineq.py "$N" "$OUT" > "$OUT/anchors.json"
  "$BIN" "$OUT/values.f64" "$OUT/weights.f64" --reps 3 > "$OUT/ours.json" 2> /dev/null
  python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
a = json.load(open(f"{out}/anchors.json"))
o = json.load(open(f"{out}/ours.json"))
t = lambda d, k: d[k]["seconds"]
print(f"anchors: pysal Gini {t(a,'pysal_gini'):.3f} s, pysal Theil {t(a,'pysal_theil'):.3f} s, "
      f"ineqpy Gini {t(a,'ineqpy_gini_unweighted'):.3f} s (weighted {t(a,'ineqpy_gini_weighted'):.3f} s), "
      f"numpy argsort {t(a,'numpy_argsort_only'):.3f} s")
print("ours:    " + ", ".join(f"{k} {t(o,k):.3f} s" for k in
      ["gini_unweighted", "gini_weighted", "suite", "suite_se", "grouped", "grouped_se"]))
# Same data: our Gini must agree with pysal's (unweighted) to rounding.
g_ours, g_pysal = o["gini_unweighted"]["value"], a["pysal_gini"]["value"]
print(f"Gini: ours {g_ours:.15f}, pysal {g_pysal:.15f} (rel. diff {abs(g_ours - g_pysal) / g_pysal:.1e})")
rows = [
    ("pysal Gini / our Gini (unweighted, with SE)", t(a, "pysal_gini"), t(o, "gini_unweighted"), 10),
    ("ineqpy weighted Gini / our weighted Gini", t(a, "ineqpy_gini_weighted"), t(o, "gini_weighted"), None),
    ("pysal Gini / our whole suite (weighted, no SE)", t(a, "pysal_gini"), t(o, "suite"), 1),
    ("pysal Gini / our whole suite + 38-group decomposition", t(a, "pysal_gini"), t(o, "grouped"), 1),
    ("pysal Gini / our whole suite + groups, with SEs", t(a, "pysal_gini"), t(o, "grouped_se"), None),
    ("pysal Theil / our whole suite (weighted, no SE)", t(a, "pysal_theil"), t(o, "suite"), None),
    ("numpy argsort alone / our Gini (unweighted)", t(a, "numpy_argsort_only"), t(o, "gini_unweighted"), None),
]
for name, anchor, ours, target in rows:
    ratio = anchor / ours
    mark = "" if target is None else (f"  (target >= {target}: {'met' if ratio >= target else 'NOT met'})")
    print(f"  {name:<56} {ratio:6.2f}x{mark}")
PY
done

# Peak memory at the largest n, one item per process.
N=${SIZES[${#SIZES[@]}-1]}
OUT=target/bench-stats/$N
echo "== peak memory at n = $N (input arrays: values + weights = $((N * 16 / 1000000)) MB, groups $((N * 4 / 1000000)) MB)"
for ITEM in gini_unweighted gini_weighted suite suite_se grouped grouped_se; do
  /usr/bin/time -v "$BIN" "$OUT/values.f64" "$OUT/weights.f64" --reps 1 --only "$ITEM" \
    > /dev/null 2> "$OUT/time-$ITEM.txt"
  KB=$(grep "Maximum resident" "$OUT/time-$ITEM.txt" | awk '{print $NF}')
  python3 -c "
kb, n, item = $KB, $N, '$ITEM'
inputs = n * 16 + (n * 4 if item.startswith('grouped') else 0)
print(f'  {item:<16} peak RSS {kb / 1024:7.1f} MB = {kb * 1024 / inputs:4.2f}x the input arrays')"
done
