#!/usr/bin/env python3
"""Real sites on one machine: vigil beside nagios4 at realistic check rates, in one run
(issue 15).

Sizes (each generated once with ../shared/bench/gen_nagios_config.py, check = vplug count,
so every plugin run is counted exactly):

  10k   10,000 services on 100 hosts, every 60 s (167 checks/s), default status_update_interval
  100k  100,000 services on 1,000 hosts, every 300 s (333 checks/s), status.dat every 10 s,
        max_service_check_spread=300 (the issue's table)
  1m    1,000,000 services on 10,000 hosts, every 3,600 s (278 checks/s), status.dat every 10 s,
        max_service_check_spread=3600

For every size and repeat each engine runs through ../shared/bench/bench_run.py (warm-up,
then a measured window; engines alternate which goes first) and the script reports, per
engine: checks/s, engine CPU s per 1,000 checks (engine processes only, plugins excluded),
peak RSS of the core process and of all engine processes, check latency max / p95 over all
services (status.dat at the end of the window), start-up to first check. Then a reload
test: after the warm-up the engine gets SIGHUP, and the longest stretch without a check
completing (the count file not growing, polled every 10 ms) around the reload is reported.

Prints medians over repeats [min-max] and the issue's targets:
  100k: engine CPU/1k checks <= 1/3 of nagios4's, core peak RSS <= 1/2 of nagios4's,
        worst check latency < 100 ms, checks/s equal; reload gap < 250 ms;
  10k:  engine CPU/1k checks <= 1/3 of nagios4's, peak RSS <= 1/2 of nagios4's core+workers;
  1m:   vigil starts, keeps up with the schedule, same figures (nagios4 if it gets there).

Takes a long time (defaults: sizes 10k,100k; 1 repeat; warm-up 30 s, window 60 s: about
15 minutes; add 1m for another ~20). Quick look: --sizes 10k --warmup 10 --duration 20.
Raw results: --results (default $BENCH_WORK/results/scale-DATE).
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

MIB = 2.0 ** 20
SIZES = {
    "10k": dict(services=10000, per_host=100, interval=60, extra=[]),
    "100k": dict(services=100000, per_host=100, interval=300,
                 extra=["--status-update-interval", "10", "--set", "max_service_check_spread=300"]),
    "1m": dict(services=1000000, per_host=100, interval=3600,
               extra=["--status-update-interval", "10", "--set", "max_service_check_spread=3600"]),
}


def extract(res):
    if res.get("error"):
        return dict(ok=False, error=res["error"])
    cpu, mem = res.get("cpu") or {}, res.get("mem") or {}
    lat = ((res.get("status_end") or {}).get("latency")) or {}
    return dict(ok=True, checks_per_s=res.get("checks_per_s"),
                engine_cpu_s_per_1k=cpu.get("engine_s_per_1k_checks"),
                core_peak_rss_mib=(mem.get("core_vmhwm") or 0) / MIB,
                engine_peak_rss_sum_mib=(mem.get("engine_vmhwm_sum") or 0) / MIB,
                latency_max_s=lat.get("max"), latency_p95_s=lat.get("p95"), latency_p50_s=lat.get("p50"),
                time_to_first_check_s=res.get("time_to_first_check_s"), noise=bl.noise(res))


def reload_gap(engine_cmd, cfgdir, warmup, watch):
    """Starts the engine, waits `warmup` s, sends SIGHUP and returns the longest stretch (s)
    in which the count file did not grow, over `watch` s from 1 s before the signal."""
    bl.reset_var(cfgdir)
    count = os.path.join(cfgdir, "var", "checks.count")
    log = open(os.path.join(cfgdir, "var", "reload-engine.out"), "w")
    p = subprocess.Popen(engine_cmd.split() + ["main.cfg"], cwd=cfgdir, stdout=log, stderr=log,
                         start_new_session=True)
    try:
        time.sleep(warmup)
        size = lambda: os.path.getsize(count) if os.path.exists(count) else 0  # noqa: E731
        t_end = time.monotonic() + watch
        t_sig = time.monotonic() + 1.0
        last_size, last_growth, worst, sent = size(), time.monotonic(), 0.0, False
        while time.monotonic() < t_end:
            now = time.monotonic()
            if not sent and now >= t_sig:
                p.send_signal(signal.SIGHUP)
                sent = True
            s = size()
            if s != last_size:
                worst = max(worst, now - last_growth)
                last_size, last_growth = s, now
            time.sleep(0.01)
        worst = max(worst, time.monotonic() - last_growth)
        return worst, p.poll() is None
    finally:
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k", help="comma list of 10k, 100k, 1m (default 10k,100k)")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--warmup", type=float, default=30)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--reload-watch", type=float, default=15, help="seconds watched around the SIGHUP (0: skip)")
    ap.add_argument("--vigil", default=bl.default_vigil() + " run")
    ap.add_argument("--nagios", default=bl.default_nagios())
    ap.add_argument("--engines", default="vigil,nagios4")
    ap.add_argument("--results")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    say = bl.Progress(a.quiet)
    all_engines = {"vigil": a.vigil, "nagios4": a.nagios}
    engines = {e: all_engines[e] for e in a.engines.split(",")}
    bl.check_engines(engines)
    bl.ensure_helpers(say)
    resdir = bl.results_dir(a.results, "scale")
    work = os.path.join(bl.bench_work(), "scale")
    os.makedirs(work, exist_ok=True)
    out = dict(params=vars(a), sizes={})
    for size in a.sizes.split(","):
        spec = SIZES[size]
        d = os.path.join(work, size)
        say("%s: generating %d services ..." % (size, spec["services"]))
        bl.gen_config(d, ["--services", str(spec["services"]), "--per-host", str(spec["per_host"]),
                          "--interval", str(spec["interval"]), "--interval-length", "1", "--check", "count"]
                      + spec["extra"])
        runs = {e: [] for e in engines}
        gaps = {e: [] for e in engines}
        for i in range(a.repeats):
            for e in bl.engine_order(list(engines), i):
                bl.reset_var(d)
                path = os.path.join(resdir, "%s-%s-%d.json" % (e, size, i + 1))
                say("%s %s repeat %d: %g s ..." % (size, e, i + 1, a.warmup + a.duration))
                res, _ = bl.run_engine(engines[e], d, path, [
                    "--warmup", str(a.warmup), "--duration", str(a.duration), "--idle-probe", "2",
                    "--status-file", "var/status.dat", "--count-file", "var/checks.count",
                    "--label", "%s-%s" % (e, size)])
                x = extract(res)
                runs[e].append(x)
                if x["ok"]:
                    say("    %.0f checks/s, %.3f CPU-s/1k, core %.1f MiB (all %.1f), latency max %s s"
                        % (x["checks_per_s"], x["engine_cpu_s_per_1k"] or 0, x["core_peak_rss_mib"],
                           x["engine_peak_rss_sum_mib"], bl.fmt(x["latency_max_s"], "%.3f")))
                else:
                    say("    FAILED: %s" % x["error"])
                if a.reload_watch > 0:
                    gap, alive = reload_gap(engines[e], d, a.warmup, a.reload_watch)
                    gaps[e].append(dict(gap_s=gap, alive=alive))
                    say("    reload: longest stretch without a completed check %.3f s%s"
                        % (gap, "" if alive else " (engine died)"))
        summ = {}
        for e in engines:
            ok = [r for r in runs[e] if r.get("ok")]
            summ[e] = {k: bl.spread([r[k] for r in ok]) for k in
                       ("checks_per_s", "engine_cpu_s_per_1k", "core_peak_rss_mib", "engine_peak_rss_sum_mib",
                        "latency_max_s", "latency_p95_s", "time_to_first_check_s")}
            summ[e]["reload_gap_s"] = bl.spread([g["gap_s"] for g in gaps[e]])
            summ[e]["runs"] = runs[e]
        out["sizes"][size] = summ
    with open(os.path.join(resdir, "summary.json"), "w") as f:
        json.dump(out, f, indent=1)
    if a.json:
        print(json.dumps(out, indent=1))
        return
    for size, summ in out["sizes"].items():
        print("\n## %s services (%s)\n" % (size, SIZES[size]))
        print("| figure | " + " | ".join(summ) + " | vigil : nagios4 |")
        print("|---|" + "---|" * len(summ) + "---|")
        for k, f in (("checks_per_s", "%.0f"), ("engine_cpu_s_per_1k", "%.3f"), ("core_peak_rss_mib", "%.1f"),
                     ("engine_peak_rss_sum_mib", "%.1f"), ("latency_max_s", "%.3f"), ("latency_p95_s", "%.3f"),
                     ("time_to_first_check_s", "%.2f"), ("reload_gap_s", "%.3f")):
            cells = [bl.fmt_spread(summ[e][k], f) for e in summ]
            ratio = "-"
            if "vigil" in summ and "nagios4" in summ:
                v, n = summ["vigil"][k][0], summ["nagios4"][k][0]
                if v is not None and n:
                    ratio = "%.2f" % (v / n)
            print("| %s | %s | %s |" % (k, " | ".join(cells), ratio))
    print("\nraw results: %s" % resdir)


if __name__ == "__main__":
    main()
