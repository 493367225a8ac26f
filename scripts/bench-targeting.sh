#!/usr/bin/env bash
# Ranking and targeting at scale (issue 5): PMT fit on the surveyed households, scoring and desil
# of every household, and a rule preview, on a synthetic snapshot of N households (default
# 10 million; about 10 % surveyed, so the fit runs on ~1 million). Peak memory of the timed run
# (which opens the snapshot memory-mapped) is measured with /usr/bin/time.
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
