#!/usr/bin/env bash
# Ranking and targeting at scale (issue 5): PMT fit on the surveyed households, scoring and desil
# of every household, and a rule preview, on a synthetic snapshot of N households (default
# 10 million; about 10 % surveyed, so the fit runs on ~1 million). Peak memory of the timed run
# (which opens the snapshot memory-mapped) is measured with /usr/bin/time.
#
# Then the anchor: `targeting_scale export` writes the fitted households' design matrix, our
# scores, desil and model, and every person's age as .npy files (under DIR/export, reused), and
# scripts/anchor_targeting.py does the same fit, desil and preview with NumPy and pandas (in a
# venv under target/anchor-venv, created on first use), checks it agrees with ours and the
# script prints anchor / ours ratios and both peak memories.
#
#   scripts/bench-targeting.sh [HOUSEHOLDS]
#
# The snapshot is written once under target/bench-data/targeting-N and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000000}"
DIR="target/bench-data/targeting-$N"
cargo build --release --example targeting_scale
BIN=target/release/examples/targeting_scale
if [ ! -f "$DIR/LATEST" ]; then
  mkdir -p "$DIR"
  /usr/bin/time -f "make: %e s, peak %M KB" "$BIN" make "$DIR" "$N"
fi
/usr/bin/time -f "run: %e s wall, peak RSS %M KB" -o "$DIR/time.txt" "$BIN" run "$DIR" | tee "$DIR/result.json"
cat "$DIR/time.txt"

# The anchor: the same work with NumPy and pandas (scripts/anchor_targeting.py) on data our
# `export` writes (design matrix of the fitted households, our scores, desil and model, ages),
# run after ours on the same machine; the table gives anchor / ours.
OUT="$DIR/export"
if [ ! -f "$OUT/meta.json" ] || ! grep -q "$(cat "$DIR/LATEST")" "$OUT/meta.json"; then
  /usr/bin/time -f "export: %e s, peak %M KB" "$BIN" export "$DIR" "$OUT"
fi
VENV=target/anchor-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy pandas
fi
/usr/bin/time -f "%M" -o "$DIR/anchor-time.txt" "$VENV/bin/python" scripts/anchor_targeting.py "$OUT" \
  > "$DIR/anchor.json"
"$VENV/bin/python" - "$DIR" <<'PY'
import json, sys
from pathlib import Path
d = Path(sys.argv[1])
ours, anchor = json.loads((d / "result.json").read_text()), json.loads((d / "anchor.json").read_text())
ours_kb = int((d / "time.txt").read_text().split("peak RSS ")[1].split()[0])
anchor_kb = int((d / "anchor-time.txt").read_text().split()[-1])
rows = [
    ("PMT fit (ours: +5-fold CV, HC1, features from columns)", ours["pmt_fit_seconds"], anchor["pmt_fit_seconds"]),
    ("  anchor with normal equations instead of lstsq", ours["pmt_fit_seconds"], anchor["pmt_fit_fastest_seconds"]),
    ("Desil national + province + regency", ours["desil_seconds"], anchor["desil_seconds"]),
    ("Rule preview (best of 5)", ours["preview_seconds"], anchor["preview_seconds"]),
]
print(f"\n{'':56} {'ours s':>9} {'anchor s':>9} {'anchor/ours':>12}")
for name, a, b in rows:
    print(f"{name:56} {a:9.3f} {b:9.3f} {b / a:11.1f}x")
print(f"{'Scoring all households (anchor: not done)':56} {ours['score_seconds']:9.3f} {'-':>9}")
print(f"{'Peak RSS, MB (ours: whole run; anchor: whole script)':56} {ours_kb / 1024:9.0f} {anchor_kb / 1024:9.0f} {anchor_kb / ours_kb:11.1f}x")
print(f"\nagreement: max |beta_numpy - beta_ours| {anchor['beta_max_abs_diff']:.2e} "
      f"(relative {anchor['beta_max_rel_diff']:.2e}, {anchor['fit_features']} features), "
      f"within R² {anchor['within_r_squared']:.6f} vs {anchor['within_r_squared_ours']:.6f}; "
      f"desil mismatches national/province/regency {anchor['desil_mismatches']}/"
      f"{anchor['desil_province_mismatches']}/{anchor['desil_regency_mismatches']}; "
      f"preview {anchor['preview_households']} households / {anchor['preview_persons']} persons "
      f"vs ours {ours['preview_households']} / {ours['preview_persons']}")
ok = (anchor["beta_max_rel_diff"] < 1e-6 and anchor["desil_mismatches"] == 0
      and anchor["desil_province_mismatches"] == 0 and anchor["desil_regency_mismatches"] == 0
      and anchor["preview_households"] == ours["preview_households"]
      and anchor["preview_persons"] == ours["preview_persons"])
print("anchor agrees with ours" if ok else "ANCHOR DISAGREES WITH OURS")
PY
