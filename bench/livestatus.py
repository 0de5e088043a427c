#!/usr/bin/env python3
"""Livestatus query speed (issue 13): runs ../shared/livestatus/lsbench.py against a
Livestatus socket on a 10,000-service site and prints its rows beside the reference
figures of mk-livestatus 1.5.0p23 in Nagios 4.4.6 (../shared/livestatus/README.md,
same machine kind) and the targets (2x faster than the reference).

By default it generates the site with ../shared/bench/gen_nagios_config.py (the
command in lsbench.py's header), adds the broker_module= line, starts
target/release/vigil-livestatus-dev on it, gives every service and host a passive
result (so outputs and perf data are filled as with checks running) and runs
lsbench.py REPEATS times. --socket PATH measures any running server instead.

Usage: bench/livestatus.py [--repeats N] [--engine-cmd "CMD {cfg}"] [--socket PATH] [--json]
Standard library only; progress on stderr, the report on stdout.
"""
import argparse
import json
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# query name -> (reference median ms, target ms); the reference is README.md's table.
REFERENCE = {
    "services_all_cols_json": (27.5, 14.0),
    "stats_by_state": (2.7, 1.4),
    "stats_groupby_host": (3.8, 1.9),
    "filter_one_host": (0.2, 0.1),
}
REF_QPS = 13500


def shared_dir():
    env = os.environ.get("VIGIL_SHARED")
    cands = [env] if env else [os.path.join(ROOT, "..", "shared"), os.path.join(ROOT, "..", "..", "shared")]
    for c in cands:
        if c and os.path.exists(os.path.join(c, "livestatus", "lsbench.py")):
            return os.path.abspath(c)
    sys.exit("shared harness not found (set VIGIL_SHARED)")


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def send(path, text):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(text.encode())
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    s.close()


def feed_results(path, cfg_dir):
    """A passive result for every host and service, over 16 connections."""
    objs = open(os.path.join(cfg_dir, "objects", "services.cfg")).read() if os.path.exists(
        os.path.join(cfg_dir, "objects", "services.cfg")) else ""
    pairs = re.findall(r"host_name\s+(\S+)\s+service_description\s+(\S+)", objs)
    if not pairs:
        text = "".join(open(os.path.join(cfg_dir, "objects", f)).read()
                       for f in os.listdir(os.path.join(cfg_dir, "objects")))
        hosts = re.findall(r"host_name\s+(\S+)", text)
        descs = re.findall(r"service_description\s+(\S+)", text)
        pairs = list(zip(hosts[-len(descs):], descs)) if descs else []
    hosts = sorted({h for h, _ in pairs})
    lines = ["PROCESS_HOST_CHECK_RESULT;%s;0;PING OK - Packet loss = 0%%, RTA = 0.50 ms" % h for h in hosts]
    for i, (h, d) in enumerate(pairs):
        rc = 2 if i % 50 == 0 else (1 if i % 20 == 0 else 0)
        lines.append("PROCESS_SERVICE_CHECK_RESULT;%s;%s;%d;CHECK %s - service %s is fine|time=0.%03ds;1;2;0 size=%dB;;;0"
                     % (h, d, rc, ["OK", "WARNING", "CRITICAL"][rc], d, i % 1000, 1000 + i))
    chunks = [lines[i::16] for i in range(16)]

    def worker(ch):
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        for ln in ch:
            s.sendall(("COMMAND [%d] %s\n\n" % (time.time(), ln)).encode())
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
        s.close()
    th = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    [t.start() for t in th]
    [t.join() for t in th]
    return len(pairs), len(hosts)


def run_lsbench(shared, path):
    out = subprocess.run([sys.executable, os.path.join(shared, "livestatus", "lsbench.py"), path],
                         capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"(\w+): median ([\d.]+) ms, (\d+) bytes", line)
        if m:
            res[m.group(1)] = (float(m.group(2)), int(m.group(3)))
        m = re.match(r"8 clients x 25 one-host queries: (\d+) queries/s", line)
        if m:
            res["qps"] = (float(m.group(1)), 0)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--engine-cmd", default=os.path.join(ROOT, "target/release/vigil-livestatus-dev") + " {cfg}")
    ap.add_argument("--socket", help="measure this running server instead of starting one")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-q", action="store_true")
    a = ap.parse_args()
    global say
    if a.q:
        say = lambda m: None  # noqa: E731
    shared = shared_dir()
    proc = None
    tmp = None
    path = a.socket
    if not path:
        tmp = tempfile.mkdtemp(prefix="lsbench-")
        say("generating the 10,000-service site in %s" % tmp)
        subprocess.run([sys.executable, os.path.join(shared, "bench", "gen_nagios_config.py"),
                        "--services", "10000", "--per-host", "100", "--interval", "60",
                        "--interval-length", "1", "--check", "true", "--status-update-interval", "10",
                        tmp], check=True, stdout=subprocess.DEVNULL)
        cfg = os.path.join(tmp, "main.cfg")
        path = os.path.join(tmp, "live")
        with open(cfg, "a") as f:
            f.write("event_broker_options=-1\nbroker_module=/usr/lib/naemon/naemon-livestatus/livestatus.so %s\n" % path)
        argv = [t.replace("{cfg}", cfg) for t in shlex.split(a.engine_cmd)]
        say("starting %s" % " ".join(argv))
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            if os.path.exists(path):
                break
            time.sleep(0.1)
        time.sleep(0.5)
        t = time.time()
        n, h = feed_results(path, tmp)
        say("fed %d service and %d host results in %.1fs" % (n, h, time.time() - t))
    try:
        runs = []
        for i in range(a.repeats):
            say("lsbench run %d/%d" % (i + 1, a.repeats))
            runs.append(run_lsbench(shared, path))
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)
    result = {}
    for k in list(REFERENCE) + ["qps"]:
        vals = [r[k][0] for r in runs if k in r]
        if vals:
            result[k] = {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
                         "bytes": runs[-1][k][1]}
    if a.json:
        print(json.dumps({"runs": runs, "result": result, "reference": REFERENCE}, indent=1))
        return
    print("Livestatus query speed, 10,000 services (medians of %d lsbench runs, each a median of 7)" % a.repeats)
    print("%-24s %12s %14s %10s %8s %10s" % ("query", "vigil ms", "mk 1.5 ms", "ratio", "target", "reply B"))
    for k, (ref, target) in REFERENCE.items():
        if k not in result:
            continue
        r = result[k]
        print("%-24s %7.2f [%.2f-%.2f] %8.1f %9.1fx %7.2f %s %10d" % (
            k, r["median"], r["min"], r["max"], ref, ref / r["median"] if r["median"] else 0,
            target, "ok" if r["median"] <= target else "MISSED", r["bytes"]))
    if "qps" in result:
        print("%-24s %12.0f %14d %9.1fx" % ("8 clients one-host q/s", result["qps"]["median"], REF_QPS,
                                            result["qps"]["median"] / REF_QPS))


if __name__ == "__main__":
    main()
