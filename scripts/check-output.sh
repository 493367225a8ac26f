#!/usr/bin/env bash
# Compare what two builds of `setara` print for the same commands on the same data.
#
#   scripts/check-output.sh BEFORE_BIN AFTER_BIN [WORK_DIR]
#
# Used while the logic moves from the CLI into `setara-app` (issue #11): the text output must
# stay byte-identical. Each build runs the same sequence in its own data directory — the spine
# (demo, verify, rank, a programme, preview, select, entitlements, funds, disbursement, receipt,
# audit, a return), lookups and statistics, and some failures — with the same inputs and the
# same actor. Exit code, stdout and stderr of every step are kept in WORK_DIR/{before,after}/
# and compared after masking what differs between any two runs of one build: wall times and
# rates, dates and times, the ledger's keys, signatures, nonces and commitments, and
# temporary paths. Prints the steps that differ and exits 1 if any does.
set -euo pipefail
before="$(realpath "$1")"
after="$(realpath "$2")"
work="${3:-$(mktemp -d /tmp/check-output.XXXXXX)}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$work"

run_all() {
    local bin="$1" out="$2"
    rm -rf "$out"
    mkdir -p "$out"
    local data="$out/data" n=0
    step() {
        n=$((n + 1))
        local name
        name=$(printf '%02d' "$n")
        (cd "$out" && SETARA_LANG="${LANG_OF_STEP:-en}" SETARA_ACTOR=petugas-uji \
            "$bin" --data-dir "$data" "$@" >"$out/$name.out" 2>"$out/$name.err"; echo $? >"$out/$name.code") || true
        printf '%s\n' "$*" >"$out/$name.cmd"
    }
    step demo --households 20000 --seed 11
    step verify
    step rank
    step programme create --file "$repo/examples/programmes/pkh-jabar.toml"
    step programme show PKH-JABAR
    step target --programme PKH-JABAR --preview
    step target --programme PKH-JABAR --select
    step entitlement list --programme PKH-JABAR --limit 5
    step entitlement transition --programme PKH-JABAR --cycle 1 --from proposed --to verified --reason "verval lapangan"
    step entitlement transition --programme PKH-JABAR --cycle 1 --from verified --to approved --reason "verval lapangan"
    step disburse --programme PKH-JABAR --cycle 1
    step ledger fund --programme PKH-JABAR --kind budget --amount 3000000000 --from APBD-Jabar-2026
    step disburse --programme PKH-JABAR --cycle 1
    step entitlement list --programme PKH-JABAR --state paid --limit 3
    step ledger receipt --entitlement 1
    step ledger prove --index 1
    step ledger return --entitlement 1 --reason "rekening ditutup"
    step ledger reverse --index 0 --reason "salah input"
    step ledger return-funds --programme PKH-JABAR --amount 1000 --to APBD-Jabar-2026
    step ledger audit
    step ledger checkpoint
    step ledger fund --programme NOPE --kind budget --amount 5
    step ledger fund --programme PKH-JABAR --kind budget --amount 0
    step ledger fund --programme PKH-JABAR --kind gift --amount 5
    step disburse --programme PKH-JABAR --cycle 1 --channel pigeon
    local kk
    kk=$(sed -n 2p "$data/input/households.csv" | cut -d, -f1)
    step explain --programme PKH-JABAR --household "$kk"
    step household show "$kk" --history
    step overlap
    step region 32.01
    step nik 3201014101900001
    step stats
    step stats --by regency --region 32 --measure gini --json
    LANG_OF_STEP=id step stats --by regency --region 32
    # Statistics: pictures and CSV files (compared below), other levels and measures,
    # multidimensional poverty, a file given with --input, and refusals.
    step stats --se --measure gini,fgt0,theil_t,mean --csv stats-prov.csv --excel --lorenz stats-lorenz.svg --map stats-map.svg
    step stats --by district --region 32.01 --measure median,palma,watts,fgt1 --gini-convey
    step stats --mpi
    step stats --mpi --by regency --region 32 --json
    LANG_OF_STEP=id step stats --mpi --by regency --region 32 --csv stats-mpi.csv
    local hh="$data/input/households.csv"
    step stats --input "$hh" --value consumption_per_capita --weight survey_weight --group floor --se --poverty-line 600000 --csv stats-file.csv --lorenz stats-file-lorenz.svg
    LANG_OF_STEP=id step stats --input "$hh" --value consumption_per_capita --relative-line 0.6 --bootstrap 20 --seed 3 --positive-only
    step stats --input "$hh" --value nope
    step stats --input "$hh" --value consumption_per_capita --poverty-line 0
    step stats --bps-period 1999-01
    step stats --measure happiness
    step stats --by regency --map stats-x.svg
    step stats --mpi --lorenz stats-y.svg
    LANG_OF_STEP=id step ledger audit
    LANG_OF_STEP=id step ledger fund --programme NOPE --kind budget --amount 5
    step entitlement show 1
    # A change after the ranking: the next preview warns that the ranking is stale.
    step household correct "$kk" --field floor --value earth --reason "kunjungan lapangan"
    step snapshot
    step target --programme PKH-JABAR --preview
    LANG_OF_STEP=id step explain --programme PKH-JABAR --household "$kk"
    # Ranking and targeting beyond the spine: compare, export, reach, a household's desil
    # history, overlap of one province, and explanations of other households.
    step target --programme PKH-JABAR --compare "desil <= 3"
    LANG_OF_STEP=id step target --programme PKH-JABAR --compare "desil <= 2" --very-poor 0.4
    step target --programme PKH-JABAR --compare "desil <= 3" --very-poor 2
    step target --programme PKH-JABAR --export beneficiaries.csv --excel
    step target --programme PKH-JABAR --export beneficiaries.csv
    step reach --programme PKH-JABAR
    LANG_OF_STEP=id step reach --programme PKH-JABAR --by province
    step rank --household "$kk"
    step overlap --by regency --region 32
    local other
    for line in 3 40 400; do
        other=$(sed -n ${line}p "$data/input/households.csv" | cut -d, -f1)
        step explain --programme PKH-JABAR --household "$other"
    done
    step explain --programme NOPE --household "$kk"
    step target --programme PKH-JABAR --select --cycle 9
    # The ledger's proofs, receipts checked offline, a programme edited by flags, backup and
    # restore.
    step ledger vkey
    step ledger consistency --from 1
    step ledger receipt --entitlement 2 --out receipt.json
    step ledger verify-receipt receipt.json --vkey "$(cat "$data/ledger/vkey.txt")"
    step ledger verify-receipt receipt.json --vkey "$(cat "$data/ledger/vkey.txt")" --kk 3201010101010001
    step programme edit PKH-JABAR --budget 4000000000 --quota 32.01=10 --canvas channels=Pos --reason revisi
    step programme edit PKH-JABAR --in-kind "beras:x:1" --reason revisi
    step backup bak
    step backup bak
    step restore bak
    step restore missing
    LANG_OF_STEP=id step ledger audit --json
    # The registry's bulk operations: verify to a file and by region, deduplication of the
    # registry and of files, linkage, generate and import (with rejected rows), and refusals.
    step verify --csv open.csv
    step verify --region 32.01 --csv open-3201.csv
    step verify --region 32.01 --csv open-3201-excel.csv --excel
    LANG_OF_STEP=id step verify --outlier-sigmas 0
    step dedup persons
    LANG_OF_STEP=id step dedup persons --region 32
    step generate --households 500 --seed 5 --out gen
    step generate --households 500 --seed 5 --out gen
    step import gen/households.csv gen/persons.csv
    step import gen/households.csv gen/persons.csv --skip-invalid --rejects rejects.csv
    LANG_OF_STEP=id step import gen/households.csv gen/persons.csv --skip-invalid --rejects rejects.csv
    step import gen/households.csv gen/persons.csv --rejects gen/households.csv --force
    step import gen/households.csv nope.csv
    step dedup --input gen/persons.csv --id nik --config "$repo/examples/linkage/persons.toml" --out pairs.csv --clusters clusters.csv
    step dedup --input gen/persons.csv --id nik --config "$repo/examples/linkage/persons.toml" --out pairs.csv --clusters pairs.csv --force
    step link --left gen/persons.csv --right "$data/input/persons.csv" --id nik --config "$repo/examples/linkage/persons.toml" --out link.csv
}

run_all "$before" "$work/before"
run_all "$after" "$work/after"

mask() {
    sed -E \
        -e "s#$work/(before|after)#WORK#g" \
        -e 's/[0-9]+([.,][0-9]+)? ?(ms|s|µs|ns)\b/TIME/g' \
        -e 's/(generate|import|snapshot|stats|impor|statistik) [0-9]+[.,][0-9]+/\1 N/g' \
        -e 's/[0-9][0-9.,]* ?(rows|households|persons|entries|pairs)\/s/RATE/g' \
        -e 's/[0-9][0-9.,]* (baris|pasangan)\/detik/RATE/g' \
        -e 's/import-[0-9]{8}T[0-9]{6}Z/import-STAMP/g' \
        -e 's/"time": [0-9]+/"time": T/g' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+(Z|[+-][0-9:]+)?/DATETIME/g' \
        -e 's/[0-9a-f]{32,}/HEX/g' \
        -e 's/before-restore-[0-9TZ-]+/before-restore-STAMP/g' \
        -e 's/[A-Za-z0-9+\/]{40,}={0,2}/BASE64/g' \
        -e 's/— [A-Za-z0-9._\/-]+ [A-Za-z0-9+\/=]+$/— SIGNATURE/' \
        -e 's/(setara\.local\/ledger)\+[0-9a-f]+\+[A-Za-z0-9+\/=]+/\1+KEY/g' \
        "$1"
}

status=0
for f in "$work"/before/*.cmd; do
    name=$(basename "$f" .cmd)
    for part in code out err; do
        if ! diff -q <(mask "$work/before/$name.$part") <(mask "$work/after/$name.$part") >/dev/null; then
            echo "== step $name ($(cat "$f")): $part differs"
            diff <(mask "$work/before/$name.$part") <(mask "$work/after/$name.$part") | head -20
            status=1
        fi
    done
done
# Files the steps wrote (CSV tables, SVG pictures).
for f in "$work"/before/stats-* "$work"/before/*.csv; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    if ! cmp -s "$f" "$work/after/$name"; then
        echo "== file $name differs"
        status=1
    fi
done
steps=$(ls "$work"/before/*.cmd | wc -l)
if [ $status -eq 0 ]; then
    echo "check-output: $steps steps, exit codes, stdout and stderr identical (masked: times, rates, dates, keys, signatures)"
else
    echo "check-output: differences above (outputs in $work)"
fi
exit $status
