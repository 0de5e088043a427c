#!/usr/bin/env bash
# Provenance check of vigil's own conformance traces: replays every scenario of
# tests/conformance/scenarios that has a trace in tests/conformance/traces/nagios4/
# against nagios4 itself, with the vendored harness. A trace in that folder claims to be
# a Nagios 4.4.6 recording; this run checks the claim.
#
# Needs nagios4 (Debian nagios4-core; $NAGIOS_BIN overrides /usr/sbin/nagios4).
# Extra arguments go to the harness (e.g. --only NAME, -v). Exit 0 only when every
# trace is reproduced.
set -euo pipefail
cd "$(dirname "$0")/.."
nagios=${NAGIOS_BIN:-$(command -v nagios4 || echo /usr/sbin/nagios4)}
if [ ! -x "$nagios" ]; then
    echo "nagios4 not found (install nagios4-core or set NAGIOS_BIN)" >&2
    exit 1
fi
only=()
for t in tests/conformance/traces/nagios4/*.json; do
    name=$(basename "$t" .json)
    if [ ! -f "tests/conformance/scenarios/$name.json" ]; then
        echo "error: $t has no scenario tests/conformance/scenarios/$name.json" >&2
        exit 1
    fi
    only+=(--only "$name.json")
done
echo "replaying $(( ${#only[@]} / 2 )) nagios4-recorded own scenarios against $nagios"
exec python3 tests/shared/conformance/run.py suite --engine-cmd "$nagios {cfg}" -j 2 \
    --scenarios tests/conformance/scenarios --traces tests/conformance/traces/nagios4 \
    "${only[@]}" "$@"
