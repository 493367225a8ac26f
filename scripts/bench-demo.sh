#!/usr/bin/env bash
# `setara demo --households N` end to end (after the build), wall time and peak memory.
# Usage: scripts/bench-demo.sh [HOUSEHOLDS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
cargo build --release --quiet
rm -rf target/bench-demo
/usr/bin/time -v target/release/setara --lang en --data-dir target/bench-demo demo --households "$N" \
  > target/bench-demo.out 2> target/bench-demo.time
grep -E "^Done|INDONESIA" target/bench-demo.out
grep -E "Elapsed \(wall|Maximum resident" target/bench-demo.time
