#!/usr/bin/env bash
# Record linkage: ours beside Splink 5 (DuckDB) on FEBRL4 (link) and FEBRL3 (dedup), in the same
# run, then one million synthetic persons deduplicated with examples/linkage/persons.toml.
#
# Usage: scripts/bench-linkage.sh [HOUSEHOLDS]   (default 256000, about 1.0 million persons;
#                                                 0 skips the synthetic run)
# Needs: the Rust toolchain, python3 with venv (Splink and pandas are installed into
# target/splink-venv on first use), /usr/bin/time for peak memory.
# Splink's script is the anchor in ../shared/anchors/splink_febrl.py, with the model settings
# of Splink's own FEBRL examples.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-256000}
OUT=target/bench-linkage
mkdir -p "$OUT"
ANCHOR=${SPLINK_ANCHOR:-../shared/anchors/splink_febrl.py}
DATA=crates/setara-linkage/tests/data/febrl

VENV=target/splink-venv
if ! "$VENV/bin/python" -c "import splink, pandas" 2>/dev/null; then
    echo "installing Splink into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet splink pandas
fi

cargo build --release --quiet -p setara-linkage --examples

echo "== Splink $("$VENV/bin/python" -c 'import splink; print(splink.__version__)') (anchor)"
"$VENV/bin/python" "$ANCHOR" "$DATA" > "$OUT/splink.jsonl" 2> "$OUT/splink.err"
echo "== ours (median of 5 runs, CSV reading and training included)"
FEBRL_REPEAT=5 target/release/examples/febrl "$DATA" > "$OUT/ours.jsonl"

python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
splink = [json.loads(l) for l in open(f"{out}/splink.jsonl") if l.startswith("{")]
ours = {d["dataset"]: d for d in (json.loads(l) for l in open(f"{out}/ours.jsonl"))}
s4, s3 = splink[0], splink[1]
rows = [
    ("FEBRL4 link, pairwise", ours["febrl4"]["pairwise"]["f1"], ours["febrl4"]["seconds"],
     s4["metrics_by_match_probability_threshold"]["0.5"]["f1"], s4["time_s"]["total"]),
    ("FEBRL3 dedup, pairwise", ours["febrl3"]["pairwise"]["f1"], ours["febrl3"]["seconds"],
     s3["pairwise_metrics_by_threshold"]["0.5"]["f1"], s3["time_s"]["train"] + s3["time_s"]["predict"]),
    ("FEBRL3 dedup, clustered", ours["febrl3"]["clustered"]["f1"],
     ours["febrl3"]["seconds"] + ours["febrl3"]["cluster_seconds"],
     s3["cluster_pair_metrics_at_0.9"]["f1"], s3["time_s"]["total"]),
]
print(f"{'':26} {'ours F1':>8} {'ours s':>8} {'Splink F1':>10} {'Splink s':>9} {'speed-up':>9}")
for name, f1, t, sf1, st in rows:
    print(f"{name:26} {f1:8.4f} {t:8.3f} {sf1:10.4f} {st:9.2f} {st / t:8.1f}x")
print("(ours: match probability >= 0.5 as fixed in examples/linkage/febrl.toml, clusters at the same"
      " threshold; Splink: its pairwise F1 at 0.5 and clusters at 0.9, as the anchor reports them)")
for name in ["febrl4", "febrl3", "febrl1", "febrl2"]:
    d = ours[name]
    p, c = d["pairwise"], d["clustered"]
    print(f"  {name}: {d['candidate_pairs']} candidate pairs, {d['pairs_compared_per_second']:,.0f} pairs compared/s; "
          f"pairwise P {p['precision']:.4f} R {p['recall']:.4f} F1 {p['f1']:.4f}; "
          f"clustered P {c['precision']:.4f} R {c['recall']:.4f} F1 {c['f1']:.4f}")
PY

if [ "$N" -gt 0 ]; then
    echo "== synthetic registry: $N households, examples/linkage/persons.toml"
    DIR="$OUT/synth-$N"
    # Generate first (the example does when the files are missing), so that the timed run
    # below only reads and deduplicates.
    [ -f "$DIR/persons.csv" ] || target/release/examples/persons "$N" "$DIR" > /dev/null
    /usr/bin/time -v target/release/examples/persons "$N" "$DIR" > "$OUT/persons.json" 2> "$OUT/persons.time"
    python3 - "$OUT" <<'PY'
import json, re, sys
out = sys.argv[1]
d = json.load(open(f"{out}/persons.json"))
t = open(f"{out}/persons.time").read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
p, c = d["pairwise"], d["clustered"]
print(f"{d['persons']:,} persons: read {d['seconds_read_csv']:.2f} s + deduplicate {d['seconds_dedup']:.2f} s "
      f"(process wall {wall}), peak RSS {rss / 1024 / 1024:.2f} GiB, {d['threads']} threads")
print(f"  {d['candidate_pairs']:,} candidate pairs, {d['pairs_compared_per_second']:,.0f} pairs compared/s; phases "
      + ", ".join(f"{k} {v:.2f} s" for k, v in d["phases"].items()))
print(f"  true pairs {d['true_pairs']:,}; pairwise P {p['precision']:.4f} R {p['recall']:.4f} F1 {p['f1']:.4f}; "
      f"clustered P {c['precision']:.4f} R {c['recall']:.4f} F1 {c['f1']:.4f}; "
      f"{d['review_pairs_below_threshold']:,} pairs between min_probability and the threshold (review)")
PY
fi
