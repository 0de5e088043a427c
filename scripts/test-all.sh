#!/usr/bin/env bash
# The whole test suite: unit, property and integration tests of every crate, then the
# conformance suite (traces recorded from Nagios Core 4.4.6) with vigil as the engine,
# then vigil's own scenarios (tests/conformance). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${VIGIL_SHARED:-$root/../shared}

echo "== cargo build --release"
cargo build --release --workspace --locked 2>&1 | tail -n 3

echo "== cargo test"
cargo test --release --workspace --locked 2>&1 | tee target/cargo-test.log | grep -E '^(test result|running|error|failures|---- )' || true
if grep -qE '^test result: FAILED|^error(\[|:)' target/cargo-test.log; then
    echo "cargo test failed"; exit 1
fi

engine="$root/target/release/vigil run {cfg}"
if [ -d "$shared/conformance" ]; then
    echo "== conformance: vigil's own scenarios (tests/conformance)"
    python3 "$shared/conformance/run.py" suite --engine-cmd "$engine" -j 2 \
        --scenarios "$root/tests/conformance/scenarios" --traces "$root/tests/conformance/traces"
    echo "== conformance: public scenarios, Nagios 4.4.6 traces (metachars: see README)"
    python3 "$shared/conformance/run.py" suite --engine-cmd "$engine" -j 2 --skip metachars
else
    echo "conformance harness not found at $shared/conformance (set VIGIL_SHARED)"; exit 1
fi
