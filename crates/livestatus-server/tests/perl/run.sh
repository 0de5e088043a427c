#!/bin/sh
# Runs livestatus_client.pl against vigil-livestatus-dev serving the harness's
# standard site: writes the site's configuration with ../shared's ls_run.py, starts
# the server, sends the site's setup commands, runs the Perl client, stops.
# Usage: run.sh [path/to/vigil-livestatus-dev]   (VIGIL_SHARED: the shared folder)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
bin=${1:-$root/target/release/vigil-livestatus-dev}
shared=${VIGIL_SHARED:-}
[ -n "$shared" ] || for c in "$root/../shared" "$root/../../shared"; do
    [ -f "$c/livestatus/ls_run.py" ] && shared=$c && break
done
[ -n "$shared" ] || { echo "shared harness not found (set VIGIL_SHARED)"; exit 2; }
dir=$(mktemp -d /tmp/lsperl.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
python3 "$shared/livestatus/ls_run.py" config --scenario "$shared/livestatus/scenarios/filters_logic.json" --dir "$dir" >/dev/null
"$bin" "$dir/etc/nagios.cfg" > "$dir/server.out" 2>&1 & pid=$!
i=0; while [ ! -S "$dir/live" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
python3 - "$shared/livestatus/scenarios/sites/standard.json" "$dir/live" <<'PY'
import json, socket, sys, time
site = json.load(open(sys.argv[1]))
for c in site["setup"]:
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[2])
    s.sendall(("COMMAND [%d] %s\n\n" % (time.time(), c)).encode()); s.shutdown(socket.SHUT_WR)
    while s.recv(4096): pass
    s.close()
PY
perl "$here/livestatus_client.pl" "$dir/live"
