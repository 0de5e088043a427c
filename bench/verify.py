#!/usr/bin/env python3
"""Config verify benchmark: `vigil verify` beside `nagios4 -v` on the same generated
configuration, in one run, runs interleaved so both see the same machine noise.

Generates a config of N services (default 100,000 on 1,000 hosts, with templates,
host groups, a service group, contacts and custom variables) with
../shared/bench/gen_nagios_config.py, then runs each verifier R times (default 7,
after one warm-up each) as R interleaved pairs (vigil, then nagios4), and reports
the median wall time, CPU time (user+sys) and peak RSS (wait4's ru_maxrss) of each,
and the ratio beside nagios4: the median over the R pairs of nagios4 / vigil (time)
and vigil / nagios4 (memory), with the spread (min-max) of the pair ratios. Targets:
10x faster, at most 50 % of nagios4's memory.

usage: bench/verify.py [--services N] [--runs R] [--vigil PATH] [--nagios PATH] [--json]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def shared_dir():
    return os.environ.get("VIGIL_SHARED") or os.path.join(os.path.dirname(ROOT), "shared")


def measure(argv):
    """Runs argv once; returns (wall seconds, cpu seconds, peak RSS MiB, exit code)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--services", type=int, default=100000)
    ap.add_argument("--per-host", type=int, default=100)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--vigil", default=os.path.join(ROOT, "target", "release", "vigil"))
    ap.add_argument("--nagios", default=shutil.which("nagios4") or "/usr/sbin/nagios4")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--keep", help="generate the config into this directory and keep it")
    a = ap.parse_args()

    gen = os.path.join(shared_dir(), "bench", "gen_nagios_config.py")
    work = a.keep or tempfile.mkdtemp(prefix="vigil-verify-")
    cfgdir = os.path.join(work, "c%d" % a.services)
    say = (lambda *x: None) if a.json else (lambda *x: print(*x, file=sys.stderr, flush=True))
    say("generating %d services into %s ..." % (a.services, cfgdir))
    subprocess.run([sys.executable, gen, "--services", str(a.services), "--per-host", str(a.per_host),
                    "--interval", "60", "--interval-length", "1", cfgdir],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main_cfg = os.path.join(cfgdir, "main.cfg")
    engines = {"vigil": [a.vigil, "verify", main_cfg], "nagios4": [a.nagios, "-v", main_cfg]}
    results = {k: {"wall": [], "cpu": [], "rss": [], "rc": []} for k in engines}
    for name, argv in engines.items():
        measure(argv)  # warm-up (page cache)
    for i in range(a.runs):
        for name, argv in engines.items():
            wall, cpu, rss, rc = measure(argv)
            results[name]["wall"].append(wall)
            results[name]["cpu"].append(cpu)
            results[name]["rss"].append(rss)
            results[name]["rc"].append(rc)
        say("run %d/%d: vigil %.3fs, nagios4 %.3fs" % (i + 1, a.runs, results["vigil"]["wall"][-1],
                                                       results["nagios4"]["wall"][-1]))
    summary = {}
    for name, r in results.items():
        summary[name] = {
            "median_seconds": statistics.median(r["wall"]),
            "min_seconds": min(r["wall"]),
            "max_seconds": max(r["wall"]),
            "median_cpu_seconds": statistics.median(r["cpu"]),
            "median_peak_rss_mib": statistics.median(r["rss"]),
            "exit_codes": sorted(set(r["rc"])),
        }
    rv, rn = results["vigil"], results["nagios4"]
    speed = [n / v for v, n in zip(rv["wall"], rn["wall"])]
    cpu = [n / v for v, n in zip(rv["cpu"], rn["cpu"]) if v > 0]
    mem = [v / n for v, n in zip(rv["rss"], rn["rss"])]
    out = {
        "services": a.services, "runs": a.runs, "engines": summary,
        "speedup": statistics.median(speed), "speedup_min": min(speed), "speedup_max": max(speed),
        "cpu_speedup": statistics.median(cpu) if cpu else None,
        "memory_ratio": statistics.median(mem), "memory_ratio_min": min(mem), "memory_ratio_max": max(mem),
    }
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    if a.json:
        print(json.dumps(out, indent=2))
        return 0
    print("verify, %d services, %d interleaved pairs; medians (wall min-max):" % (a.services, a.runs))
    for name, s in summary.items():
        print("  %-8s %7.3f s [%.3f-%.3f]  cpu %6.3f s  peak RSS %7.1f MiB  exit %s" % (
            name, s["median_seconds"], s["min_seconds"], s["max_seconds"], s["median_cpu_seconds"],
            s["median_peak_rss_mib"], ",".join(map(str, s["exit_codes"]))))
    print("  beside nagios4 (median of the per-pair ratios, [min-max]):")
    print("    wall time: vigil %.1fx faster [%.1f-%.1f] (target >= 10x)" % (
        out["speedup"], out["speedup_min"], out["speedup_max"]))
    if out["cpu_speedup"]:
        print("    cpu time:  vigil %.1fx less" % out["cpu_speedup"])
    print("    memory:    vigil %.0f%% of nagios4's peak RSS [%.0f-%.0f%%] (target <= 50%%)" % (
        100 * out["memory_ratio"], 100 * out["memory_ratio_min"], 100 * out["memory_ratio_max"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
