#!/usr/bin/env bash
# Import throughput at full scale, beside the anchor measured in the same run: SQLite's own
# `.import` of the same two CSV files into tables with the same keys (no validation, no
# provenance, no history) with the sqlite3 shell.
#
# Usage: scripts/bench-import.sh [HOUSEHOLDS]   (default 250000, about one million persons)
# Needs: the Rust toolchain, python3, sqlite3 (apt-get install sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-250000}
OUT=target/bench-import
cargo build --release --quiet
S=target/release/setara
rm -rf "$OUT" && mkdir -p "$OUT"

echo "generating $N households"
$S --quiet generate --households "$N" --seed 1 --out "$OUT/v1"
python3 scripts/modify_registry.py "$OUT/v1" "$OUT/v2"
H=$(($(wc -l < "$OUT/v1/households.csv") - 1))
P=$(($(wc -l < "$OUT/v1/persons.csv") - 1))
echo "rows: $H households, $P persons"

# Ours: first load into an empty store, then the changed files as a re-import.
$S --data-dir "$OUT/ours" --json import "$OUT/v1/households.csv" "$OUT/v1/persons.csv" > "$OUT/first.json"
$S --data-dir "$OUT/ours" --json import "$OUT/v2/households.csv" "$OUT/v2/persons.csv" > "$OUT/reimport.json"

# Anchor: sqlite3 .import into the same shape of tables (WAL, synchronous=NORMAL like ours).
HCOLS=$(head -1 "$OUT/v1/households.csv")
PCOLS=$(head -1 "$OUT/v1/persons.csv")
start=$(date +%s.%N)
sqlite3 "$OUT/anchor.sqlite" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-262144;
CREATE TABLE households ($HCOLS);
CREATE UNIQUE INDEX households_kk ON households(kk);
CREATE INDEX households_region ON households(region);
CREATE TABLE persons ($PCOLS);
CREATE UNIQUE INDEX persons_kk_nik ON persons(kk, nik);
CREATE INDEX persons_nik ON persons(nik);
BEGIN;
.import --csv --skip 1 $OUT/v1/households.csv households
.import --csv --skip 1 $OUT/v1/persons.csv persons
COMMIT;
SQL
end=$(date +%s.%N)

python3 - "$OUT" "$H" "$P" "$start" "$end" <<'PY'
import json, sys
out, h, p, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
first = json.load(open(f"{out}/first.json"))
re = json.load(open(f"{out}/reimport.json"))
rows = h + p
anchor = end - start
ph = first["phase_seconds"]
print(f"first load: {rows} rows in {first['seconds']:.2f} s = {rows / first['seconds']:,.0f} rows/s "
      f"(persons phase {p / ph['persons']:,.0f} persons/s; phases {ph})")
print(f"re-import with changes: {rows} rows in {re['seconds']:.2f} s = {rows / re['seconds']:,.0f} rows/s, "
      f"{re['summary']['changes']} changes recorded")
print(f"anchor sqlite3 .import (no validation): {rows} rows in {anchor:.2f} s = {rows / anchor:,.0f} rows/s")
print(f"ratio first load / anchor time: {first['seconds'] / anchor:.2f}x; re-import / anchor: {re['seconds'] / anchor:.2f}x")
PY
