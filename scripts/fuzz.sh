#!/usr/bin/env bash
# Run the fuzz targets (cargo-fuzz on the nightly toolchain: `cargo install cargo-fuzz`).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 600 seconds each, every target
#
# Each target starts from fuzz/seeds/TARGET and its corpus fuzz/corpus/TARGET, runs under a
# 2 GiB memory limit, and reports executions and crashes. FUZZ_SANITIZER=none runs without
# AddressSanitizer (cargo-fuzz's default): the parsers fuzzed here are safe Rust (the few
# `unsafe` blocks of Setara are in the ledger's and snapshot's file mappings and the welfare
# model, which no target reaches), and the table target then runs about 5 times as many inputs;
# keep the default to also check the unsafe code of dependencies (zip, calamine, memchr). Crashing inputs are written to
# fuzz/artifacts/TARGET/; once fixed, copy each into fuzz/regressions/TARGET/ under a name that
# says what it found, so that tests/fuzz_corpus.rs replays it. The corpus is minimised after
# each run to stay small (minimising may drop an input; regressions/ is never minimised).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(table rule programme_toml linkage_toml receipt signed_note entry)
fi
sanitizer="${FUZZ_SANITIZER:-address}"
cargo +nightly fuzz build --release --sanitizer "$sanitizer"
printf '%-16s %12s %10s %8s %s\n' target executions exec/s seconds crashes
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="artifacts/$t/last-run.log"
    before=$(find "artifacts/$t" -type f -name 'crash-*' -o -type f -name 'oom-*' -o -type f -name 'timeout-*' | wc -l)
    set +e
    cargo +nightly fuzz run --release --sanitizer "$sanitizer" "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1
    status=$?
    set -e
    after=$(find "artifacts/$t" -type f -name 'crash-*' -o -type f -name 'oom-*' -o -type f -name 'timeout-*' | wc -l)
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    printf '%-16s %12s %10s %8s %s\n' "$t" "${runs:-?}" "${rate:-?}" "$seconds" "$((after - before)) (exit $status)"
    # Keep the corpus small: only inputs that add coverage.
    cargo +nightly fuzz cmin --release --sanitizer "$sanitizer" "$t" "corpus/$t" >/dev/null 2>&1 || true
done
