#!/usr/bin/env python3
"""vigil handlers --stats on a large handler journal (issue 16): wall time and peak
RSS of one `vigil handlers MAIN.cfg --stats --journal FILE` over a generated journal
of --mb megabytes (default 100), median over --repeat runs [min-max].

The journal is what `vigil run` writes: one JSON line per handler run (with up to
8 KiB of output; here 50-1500 bytes), outcome records for runs decided after their
entry, suppressed entries; 200 objects, 12 handler commands. Nagios keeps no such
journal, so there is no nagios4 column; the target is under 1 s for 100 MB.

Python 3 standard library only. Needs target/release/vigil (cargo build --release -p vigil).
"""
import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def generate(path, mb, seed=16):
    rnd = random.Random(seed)
    target = mb * 1024 * 1024
    size, run_id, t = 0, 0, 1_790_000_000.0
    outcomes = ["recovered", "not_recovered", "superseded", "unknown"]
    with open(path, "w") as f:
        while size < target:
            run_id += 1
            t += rnd.random() * 5
            host = "host%03d" % rnd.randrange(200)
            svc = "svc%d" % rnd.randrange(5)
            cmd = "restart-%d" % rnd.randrange(12)
            e = {
                "host": host, "service": svc, "handler": "object",
                "directive": cmd + "!arg", "state": "CRITICAL", "state_type": "SOFT",
                "attempt": 1, "command": "/usr/lib/vigil/%s --host %s --svc %s" % (cmd, host, svc),
                "start": t, "duration": rnd.random(),
                "exit_code": rnd.choice([0, 0, 0, 0, 1]), "signal": None,
                "timed_out": rnd.random() < 0.02,
                "output": "x" * rnd.randrange(50, 1500), "id": run_id,
            }
            r = rnd.random()
            if r < 0.05:
                e = {k: e[k] for k in ("host", "service", "handler", "directive", "state",
                                       "state_type", "attempt", "start")}
                e.update(command="", duration=0.0, exit_code=None, signal=None,
                         timed_out=False, output="", suppressed="3 runs within 600 s already")
                line = json.dumps(e)
            elif r < 0.5:
                e["outcome"] = rnd.choice(outcomes)
                if e["outcome"] == "recovered":
                    e["recovered_after"] = round(rnd.random() * 60, 3)
                line = json.dumps(e)
            else:
                line = json.dumps(e)
                o = rnd.choice(outcomes)
                rec = {"outcome_of": run_id, "host": host, "service": svc, "handler": "object",
                       "directive": e["directive"], "outcome": o, "decided": t + 10}
                if o == "recovered":
                    rec["recovered_after"] = round(rnd.random() * 60, 3)
                line += "\n" + json.dumps(rec)
            f.write(line + "\n")
            size += len(line) + 1
    return run_id


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--vigil", default=os.path.join(ROOT, "target", "release", "vigil"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigil-stats-") as d:
        cfg = os.path.join(d, "nagios.cfg")
        with open(os.path.join(d, "objects.cfg"), "w") as f:
            f.write("define command {\n command_name c\n command_line /bin/true\n}\n"
                    "define host {\n host_name h\n max_check_attempts 1\n}\n"
                    "define service {\n host_name h\n service_description s\n"
                    " check_command c\n max_check_attempts 1\n}\n")
        with open(cfg, "w") as f:
            f.write("log_file=%s/vigil.log\ncfg_file=%s/objects.cfg\n" % (d, d))
        journal = os.path.join(d, "journal.jsonl")
        print("generating %d MB journal..." % a.mb, file=sys.stderr)
        runs = generate(journal, a.mb)
        size = os.path.getsize(journal)
        walls, rss = [], []
        for i in range(a.repeat):
            t0 = time.perf_counter()
            p = subprocess.run([a.vigil, "handlers", cfg, "--stats", "--journal", journal, "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            wall = time.perf_counter() - t0
            if p.returncode != 0:
                sys.exit("vigil failed: %s" % p.stderr.decode())
            walls.append(wall)
            rss.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
            print("run %d: %.3f s" % (i + 1, wall), file=sys.stderr)
        res = {"journal_bytes": size, "runs": runs, "wall_median_s": statistics.median(walls),
               "wall_min_s": min(walls), "wall_max_s": max(walls), "peak_rss_mib": max(rss),
               "target_s": 1.0}
        if a.json:
            print(json.dumps(res, indent=2))
        else:
            print("vigil handlers --stats on %.1f MB (%d runs): median %.3f s [%.3f-%.3f], "
                  "peak RSS %.1f MiB; target < 1 s"
                  % (size / 1e6, runs, res["wall_median_s"], res["wall_min_s"],
                     res["wall_max_s"], res["peak_rss_mib"]))


if __name__ == "__main__":
    main()
