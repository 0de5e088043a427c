#!/usr/bin/env bash
# The whole test suite: unit, property and integration tests of every crate, then the
# conformance suite (traces recorded from Nagios Core 4.4.6) with vigil as the engine,
# then vigil's own scenarios (tests/conformance). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${VIGIL_SHARED:-$root/../shared}

echo "== cargo build --release"
cargo build --release --workspace --locked 2>&1 | tail -n 40

echo "== cargo test (unit, property and integration tests of every crate)"
set +e
cargo test --release --workspace --locked > target/cargo-test.log 2>&1
rc=$?
set -e
grep -E '^(test result:|     Running )' target/cargo-test.log || true
if [ "$rc" -ne 0 ]; then
    echo "cargo test failed (exit $rc); the end of its output:"
    tail -n 80 target/cargo-test.log
    exit 1
fi
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "cargo test: %d passed, %d failed, %d ignored\n", p, f, i }' target/cargo-test.log

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
