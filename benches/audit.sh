#!/bin/sh
# The audit benchmark: provcheck audit over N generated signed
# attestations, keyed signatures with the native rules and with the shipped
# Rego pack; peak RSS from /usr/bin/time -v; and the raw cost of reading,
# parsing and verifying the same files (benches/audit_raw.rs).
#
#   sh benches/audit.sh 100000 [DIR]     # from the repository root
#
# Not a test: the numbers depend on the machine (benches/README.md gives
# a 2-core machine's).
set -eu
N=${1:-100000}
DIR=${2:-/tmp/provcheck-bench-$N}
cargo build --release --bin provcheck --example gen_attestations
if [ ! -f "$DIR/key.pub" ] || [ "$(find "$DIR/attestations" -type f | wc -l)" -ne "$N" ]; then
    rm -rf "$DIR"
    target/release/examples/gen_attestations "$N" "$DIR"
fi
sync
# Warm the page cache: the figures are the audit's, not the disk's (a
# release build just before can evict the attestations).
find "$DIR/attestations" -type f -exec cat {} + > /dev/null
run() {
    name=$1; shift
    # A fresh output file: overwriting the last run's records would time the
    # kernel truncating them (O_TRUNC) and ext4 flushing the rewritten file
    # on close (auto_da_alloc), ~0.6 s at 100 000, not the audit.
    rm -f "$DIR/records-$name.jsonl"
    sync
    /usr/bin/time -v -o "$DIR/time-$name.txt" target/release/provcheck audit "$DIR/attestations" \
        --key "$DIR/key.pub" --output "$DIR/records-$name.jsonl" --summary "$DIR/summary-$name.txt" "$@" || true
    secs=$(grep 'Elapsed (wall clock)' "$DIR/time-$name.txt" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(grep 'Maximum resident set size' "$DIR/time-$name.txt" | awk '{print $NF}')
    cpu=$(grep -E '(User|System) time' "$DIR/time-$name.txt" | awk '{s += $NF} END {print s}')
    records=$(wc -l < "$DIR/records-$name.jsonl")
    echo "$name: $records records in ${secs}s = $(awk "BEGIN {printf \"%.0f\", $records / $secs}")/s, CPU (user + sys) $(awk "BEGIN {printf \"%.0f\", $cpu * 1000000 / $records}") µs per attestation, peak RSS $((rss / 1024)) MB"
}
run native --policy policies/release-gate.yaml
run rego --policy policies/provcheck --policy-data policies/release-gate.yaml
PROVCHECK_BENCH_DIR="$DIR" cargo bench --bench audit_raw 2>/dev/null | grep '^raw'
