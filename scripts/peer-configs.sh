#!/usr/bin/env bash
# `vigil verify` against `nagios4 -v` on the peer-configs corpus (upstream test
# configurations of Nagios Core, Naemon and Icinga 1): builds release vigil, then
# runs ../shared/peer-configs/verify_compare.py, which prints one line per case and
# ends in "N passed, N failed".
#
# Without nagios4 or without the corpus the comparison cannot run: it is skipped
# with a message (exit 0), except under CI=1 where that fails (exit 1). With both
# present, any disagreement fails (exit 1). scripts/test-all.sh runs it on the
# vendored corpus (VIGIL_SHARED=tests/shared). VIGIL_SHARED overrides where shared/ is; NAGIOS overrides the
# nagios binary (default /usr/sbin/nagios4).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${VIGIL_SHARED:-$root/../shared}
corpus=$shared/peer-configs
nagios=${NAGIOS:-/usr/sbin/nagios4}

# Under CI (CI=1) a comparison that cannot run is a failure, not a skip.
skip() {
    if [ -n "${CI:-}" ]; then
        echo "peer-configs: FAILED: $1 (CI=1: this suite is required)"
        exit 1
    fi
    echo "peer-configs: SKIPPED: $1"
    exit 0
}
if [ ! -f "$corpus/verify_compare.py" ] || [ ! -f "$corpus/cases.tsv" ]; then
    skip "corpus not found at $corpus (set VIGIL_SHARED)"
fi
if [ ! -x "$nagios" ]; then
    skip "$nagios not installed (apt-get install nagios4-core)"
fi

echo "== cargo build --release -p vigil"
cargo build --release -p vigil --locked 2>&1 | tail -n 20

echo "== verify_compare.py (vigil verify vs nagios4 -v)"
set +e
python3 "$corpus/verify_compare.py" --vigil "$root/target/release/vigil" --nagios "$nagios" "$@"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
    echo "peer-configs: vigil verify and nagios4 -v disagree (exit $rc)"
    exit 1
fi
