#!/bin/sh
# Runs livestatus_client.pl (Monitoring::Livestatus, Debian's
# libmonitoring-livestatus-perl) against `vigil run` serving the Livestatus harness's
# standard site: writes the site's configuration with the vendored ls_run.py (its
# broker_module= line names livestatus.so and the socket), starts vigil, sends the
# site's setup commands over the socket, runs the Perl client, stops vigil.
# Usage: run.sh [path/to/vigil]   (default: target/release/vigil)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=${1:-${CARGO_TARGET_DIR:-$root/target}/release/vigil}
# Absolute: vigil is started from the site's directory.
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
harness=$root/tests/shared/livestatus
perl -MMonitoring::Livestatus -e1 2>/dev/null || {
    echo "Monitoring::Livestatus is not installed (Debian: libmonitoring-livestatus-perl)"
    exit 2
}
dir=$(mktemp -d /tmp/lsperl.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$pid" ] && wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
python3 "$harness/ls_run.py" config --scenario "$harness/scenarios/filters_logic.json" --dir "$dir" >/dev/null
(cd "$dir" && exec "$bin" run "$dir/etc/nagios.cfg") > "$dir/vigil.out" 2>&1 &
pid=$!
i=0
while [ ! -S "$dir/live" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$dir/live" ] || { echo "vigil did not open $dir/live:"; cat "$dir/vigil.out"; exit 1; }
python3 - "$harness/scenarios/sites/standard.json" "$dir/live" <<'PY'
import json, socket, sys, time
site = json.load(open(sys.argv[1]))
for c in site["setup"]:
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[2])
    s.sendall(("COMMAND [%d] %s\n\n" % (time.time(), c)).encode())
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    s.close()
PY
perl "$here/livestatus_client.pl" "$dir/live"
