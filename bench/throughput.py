#!/usr/bin/env python3
"""Active-check throughput: vigil beside nagios4 on the same generated config, in one run
(issue 3, "Must show": speed).

Generates 10,000 services (100 per host) with check_interval 1 and interval_length 1, so
the demand (10,000 checks/s) is far above what the machine can fork. Each scenario uses
one check plugin:

  count  vplug count FILE  (appends 1 byte per run: EXACT check counter; the headline
                            checks/s and CPU-per-check figures and ratios come from here)
  true   /bin/true         (counted with the system-wide fork counter, /proc/stat
                            "processes": an upper bound that includes background forks)
  dummy  check_dummy 0 OK  (same fork counter)

For every repeat and scenario it first measures the raw fork/exec rate of the machine for
that scenario's command (spawnbench -m fork -p -c 8 -t 3), then runs each engine through
../shared/bench/bench_run.py (warm-up, then a measured window), the two engines in
alternating order (ABBA), each on the same config with its runtime dir emptied. Per engine:
checks completed per second, engine CPU seconds per 1,000 checks (engine processes only:
the reaped plugins are excluded), peak memory (VmHWM), check latency (check_latency of all
services in status.dat at the end of the window). Finally start-up to first check on
100,000 services (check = vplug count, interval 60 s, as bench_verify.sh measures it).

Prints medians over repeats [min-max] and the ratios with the targets of issue 3:
vigil checks/s >= 90% of the raw /bin/true rate; vigil engine CPU per check <= 1/3 of
nagios4's; start-up to first check on 100k services >= 5x faster than nagios4.

Defaults take about 15 minutes (3 scenarios x 2 engines x 3 repeats x ~45 s, plus the
spawn and start-up measurements). Quick check: --repeats 1 --duration 10 --warmup 5.
Raw results (bench_run.py JSON and engine output of every run) go to --results
(default $BENCH_WORK/results/throughput-DATE, BENCH_WORK defaults to /tmp/vigil-bench).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

SCENARIOS = {
    "count": dict(check="count", counter="exact (vplug count file)", label="vplug count FILE"),
    "true": dict(check="true", counter="system forks (upper bound)", label="/bin/true"),
    "dummy": dict(check="dummy", counter="system forks (upper bound)", label="check_dummy 0 OK"),
}
MIB = 2.0 ** 20


def spawn_argv(scen, bindir, plugdir, scratch):
    if scen == "true":
        return ["/bin/true"]
    if scen == "dummy":
        return [os.path.join(plugdir, "check_dummy"), "0", "OK"]
    return [os.path.join(bindir, "vplug"), "count", os.path.join(scratch, "spawn.count")]


def extract(res, scen):
    """The numbers of one throughput run (None where bench_run.py has none)."""
    if res.get("error") or not res.get("window_s"):
        return dict(ok=False, error=res.get("error", "no result"))
    w = res["window_s"]
    if scen == "count":
        checks = res["checks"]
    else:
        checks = res["forks_per_s"] * w
    cpu = res["cpu"]
    mem = res.get("mem") or {}
    lat = ((res.get("status_end") or {}).get("latency")) or {}
    ex = ((res.get("status_end") or {}).get("execution_time")) or {}
    # A status.dat in which no service has a non-zero execution time or latency was written
    # before the first check (nagios4 postpones its status writes under overload): no data.
    stale = bool(lat) and lat.get("max") == 0 and ex.get("max") == 0
    if stale:
        lat, ex = {}, {}
    per1k = (lambda s: s * 1000.0 / checks if checks else None)
    return dict(
        ok=bool(res.get("engine_alive_at_end")),
        error=None if res.get("engine_alive_at_end") else "engine not alive at end of window",
        window_s=w, checks=checks, checks_per_s=checks / w,
        engine_jobs_per_s=res.get("qh_jobs_per_s"),
        engine_cpu_s_per_1k=per1k(cpu["engine_s"]),
        core_cpu_s_per_1k=per1k(cpu.get("core_s") or 0),
        plugin_cpu_s_per_1k=per1k(cpu["plugins_children_s"]),
        engine_cores=cpu["engine_cores"], system_busy_cores=cpu["system_busy_cores"],
        engine_processes=len(res.get("processes") or []),
        core_peak_rss_mib=(mem.get("core_vmhwm") or 0) / MIB,
        engine_peak_rss_sum_mib=(mem.get("engine_vmhwm_sum") or 0) / MIB,
        latency_p50_s=lat.get("p50"), latency_p95_s=lat.get("p95"), latency_max_s=lat.get("max"),
        latency_services=lat.get("n"), status_stale=stale,
        execution_p50_s=ex.get("p50"), execution_max_s=ex.get("max"),
        recheck_period_s=res.get("status_end", {}).get("services", 0) / (checks / w) if checks else None,
        max_processes_in_tree=res.get("max_tree_processes"),
        noise=bl.noise(res),
        leftover_killed=res.get("leftover_killed"),
    )


KEYS = ["checks_per_s", "engine_cpu_s_per_1k", "core_cpu_s_per_1k", "plugin_cpu_s_per_1k", "engine_cores",
        "system_busy_cores", "core_peak_rss_mib", "engine_peak_rss_sum_mib", "latency_p50_s", "latency_max_s",
        "execution_p50_s", "execution_max_s", "recheck_period_s", "max_processes_in_tree", "engine_jobs_per_s"]


def summarize(runs):
    ok = [r for r in runs if r.get("ok")]
    s = {k: bl.spread([r.get(k) for r in ok]) for k in KEYS}
    s["other_cores_during"] = bl.spread([r["noise"]["other_cores_during"] for r in ok])
    s["busy_cores_before"] = bl.spread([r["noise"]["busy_cores_before"] for r in ok])
    s["forks_per_s_before"] = bl.spread([r["noise"]["forks_per_s_before"] for r in ok])
    s["status_stale_runs"] = sum(1 for r in ok if r.get("status_stale"))
    s["runs_ok"] = len(ok)
    s["runs"] = len(runs)
    return s


def paired(runs_a, runs_b, key, f):
    """Per-repeat ratios f(a, b) of two engines' runs (same repeat index, both ok)."""
    out = []
    for a, b in zip(runs_a, runs_b):
        if a.get("ok") and b.get("ok") and a.get(key) is not None and b.get(key):
            out.append(f(a[key], b[key]))
    return bl.spread(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenarios", default="count,true,dummy",
                    help="comma list of count,true,dummy (default all three; '' = start-up only)")
    ap.add_argument("--services", type=int, default=10000)
    ap.add_argument("--per-host", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmup", type=float, default=10, help="seconds before the window (default 10)")
    ap.add_argument("--duration", type=float, default=30, help="measured window, seconds (default 30)")
    ap.add_argument("--idle-probe", type=float, default=2,
                    help="seconds of background measurement before each engine start (default 2)")
    ap.add_argument("--pause", type=float, default=2, help="seconds of rest between runs (default 2)")
    ap.add_argument("--spawn-seconds", type=float, default=3, help="spawnbench -t (default 3; 0 = skip)")
    ap.add_argument("--spawn-method", default="fork", choices=["fork", "vfork", "spawn"],
                    help="spawnbench -m for the raw rate (default fork, with -p -c 8)")
    ap.add_argument("--startup-services", type=int, default=100000,
                    help="services for the start-up measurement (default 100000; 0 = skip)")
    ap.add_argument("--startup-repeats", type=int, help="start-up measurements per engine (default --repeats)")
    ap.add_argument("--vigil", default=bl.default_vigil(), help="vigil command (config appended)")
    ap.add_argument("--nagios", default=bl.default_nagios(), help="nagios4 command (config appended)")
    ap.add_argument("--plugin-dir", default="/usr/lib/nagios/plugins")
    ap.add_argument("--results", help="directory for raw results (default $BENCH_WORK/results/throughput-DATE)")
    ap.add_argument("--keep", action="store_true", help="keep the generated configs (in the results dir)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    a = ap.parse_args()

    scens = [s for s in a.scenarios.split(",") if s]
    for s in scens:
        if s not in SCENARIOS:
            ap.error("unknown scenario %r (count, true, dummy)" % s)
    startup_reps = a.repeats if a.startup_repeats is None else a.startup_repeats
    say = bl.Progress(a.quiet)
    engines = {"vigil": a.vigil, "nagios4": a.nagios}
    bl.check_engines(engines)
    bindir = bl.ensure_helpers(say)
    resdir = bl.results_dir(a.results, "throughput")
    work = os.path.join(resdir, "configs") if a.keep else tempfile.mkdtemp(prefix="vigil-throughput-")
    os.makedirs(work, exist_ok=True)

    per_run = a.idle_probe + a.warmup + a.duration + a.pause + 3
    est = len(scens) * a.repeats * (2 * per_run + a.spawn_seconds + 1)
    if a.startup_services:
        est += startup_reps * 2 * (a.startup_services / 20000.0 + 2)
    say("throughput: %d services every 1 s, scenarios %s, %d repeat(s), warm-up %gs, window %gs; "
        "about %d min; raw results in %s" % (a.services, ",".join(scens) or "-", a.repeats, a.warmup,
                                              a.duration, est / 60 + 0.5, resdir))

    bench_args = ["--warmup", str(a.warmup), "--duration", str(a.duration), "--idle-probe", str(a.idle_probe),
                  "--status-file", "var/status.dat", "--qh-socket", "var/rw/nagios.qh"]
    cfgs = {}
    for s in scens:
        d = os.path.join(work, "%s%dk" % (s, a.services // 1000))
        bl.gen_config(d, ["--services", str(a.services), "--per-host", str(a.per_host), "--interval", "1",
                          "--interval-length", "1", "--check", SCENARIOS[s]["check"]])
        cfgs[s] = d
    raw = {s: [] for s in scens}
    runs = {s: {e: [] for e in engines} for s in scens}
    total = len(scens) * a.repeats * 2
    n = 0
    for i in range(a.repeats):
        for s in scens:
            if a.spawn_seconds > 0:
                r = bl.spawn_rate(bindir, spawn_argv(s, bindir, a.plugin_dir, work), a.spawn_seconds,
                                 method=a.spawn_method)
                raw[s].append(r)
                say("repeat %d/%d %s: raw fork/exec rate %.0f/s" % (i + 1, a.repeats, s, r["procs_per_s"]))
            for e in bl.engine_order(engines, i):
                n += 1
                bl.reset_var(cfgs[s])
                out = os.path.join(resdir, "%s-%s-%d.json" % (e, s, i + 1))
                say("[%d/%d] %s %s, repeat %d: running %gs ..." % (n, total, s, e, i + 1,
                                                                     a.idle_probe + a.warmup + a.duration))
                extra = bench_args + ["--label", "%s-%s" % (e, s)]
                if s == "count":
                    extra += ["--count-file", "var/checks.count"]
                res, _ = bl.run_engine(engines[e], cfgs[s], out, extra)
                x = extract(res, s)
                x["repeat"] = i + 1
                x["raw_json"] = out
                runs[s][e].append(x)
                if x["ok"]:
                    say("    %.0f checks/s, engine %.3f CPU-s/1k checks, core RSS %.1f MiB, latency p50 %s s"
                        % (x["checks_per_s"], x["engine_cpu_s_per_1k"] or 0, x["core_peak_rss_mib"],
                           bl.fmt(x["latency_p50_s"], "%.3f")))
                else:
                    say("    FAILED: %s (see %s)" % (x["error"], out))
                time.sleep(a.pause)

    startup = {e: [] for e in engines}
    if a.startup_services and startup_reps > 0:
        d = os.path.join(work, "c%d" % a.startup_services)
        say("start-up: generating %d services (check vplug count, interval 60 s) ..." % a.startup_services)
        bl.gen_config(d, ["--services", str(a.startup_services), "--per-host", "100", "--check", "count",
                          "--interval", "60", "--interval-length", "1"])
        for i in range(startup_reps):
            for e in bl.engine_order(engines, i):
                bl.reset_var(d)
                out = os.path.join(resdir, "%s-firstcheck-%d-%d.json" % (e, a.startup_services, i + 1))
                res, _ = bl.run_engine(engines[e], d, out, ["--first-check-only", "--idle-probe", "0",
                                                             "--warmup", "120", "--count-file",
                                                             "var/checks.count"])
                t = res.get("time_to_first_check_s")
                startup[e].append(dict(ok=t is not None, time_to_first_check_s=t,
                                       core_peak_rss_mib=(res.get("core_vmhwm_at_first_check") or 0) / MIB,
                                       error=res.get("error"), raw_json=out))
                say("start-up %d/%d %s: first check after %s s" % (i + 1, startup_reps, e, bl.fmt(t, "%.3f")))
                time.sleep(min(a.pause, 1))
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)

    # ---- summary
    out = dict(params=dict(services=a.services, per_host=a.per_host, check_interval_s=1, repeats=a.repeats,
                           warmup_s=a.warmup, duration_s=a.duration, startup_services=a.startup_services,
                           engines=engines,
                           spawnbench="spawnbench -m %s -p -c 8 -t %g" % (a.spawn_method, a.spawn_seconds)),
               results_dir=resdir, raw_rate={}, scenarios={}, startup={}, ratios={})
    for s in scens:
        out["raw_rate"][s] = dict(command=SCENARIOS[s]["label"],
                                  procs_per_s=bl.spread([r["procs_per_s"] for r in raw[s]]),
                                  children_cpu_s_per_1k=bl.spread([r["children_cpu_s_per_1k"] for r in raw[s]]),
                                  runs=raw[s])
        out["scenarios"][s] = dict(counter=SCENARIOS[s]["counter"],
                                   engines={e: dict(median=summarize(runs[s][e]), runs=runs[s][e])
                                            for e in engines})
    for e in engines:
        out["startup"][e] = dict(time_to_first_check_s=bl.spread([r["time_to_first_check_s"]
                                                                  for r in startup[e]]),
                                 core_peak_rss_mib=bl.spread([r["core_peak_rss_mib"] for r in startup[e]
                                                              if r["ok"]]),
                                 runs=startup[e])

    raw_true = bl.med([r["procs_per_s"] for r in raw.get("true", [])])
    if raw_true is None and a.spawn_seconds > 0 and scens:
        # the true scenario was not run: measure the /bin/true reference once now
        r = bl.spawn_rate(bindir, ["/bin/true"], a.spawn_seconds, method=a.spawn_method)
        raw_true = r["procs_per_s"]
        out["raw_rate"]["true_reference"] = dict(command="/bin/true", procs_per_s=(raw_true,) * 3, runs=[r])
    ratios = out["ratios"]
    for s in scens:
        v = out["scenarios"][s]["engines"]["vigil"]["median"]
        ng = out["scenarios"][s]["engines"]["nagios4"]["median"]
        raw_same = out["raw_rate"][s]["procs_per_s"][0]
        rs = {}
        for e, m in (("vigil", v), ("nagios4", ng)):
            cps = m["checks_per_s"][0]
            rs["%s_pct_of_raw_true" % e] = 100.0 * cps / raw_true if cps and raw_true else None
            rs["%s_pct_of_raw_same_command" % e] = 100.0 * cps / raw_same if cps and raw_same else None
        vc, nc = v["engine_cpu_s_per_1k"][0], ng["engine_cpu_s_per_1k"][0]
        rs["cpu_per_check_vigil_over_nagios"] = vc / nc if vc is not None and nc else None
        rs["cpu_per_check_vigil_over_nagios_paired"] = paired(runs[s]["vigil"], runs[s]["nagios4"],
                                                              "engine_cpu_s_per_1k", lambda x, y: x / y)
        rs["checks_per_s_vigil_over_nagios_paired"] = paired(runs[s]["vigil"], runs[s]["nagios4"],
                                                             "checks_per_s", lambda x, y: x / y)
        ratios[s] = rs
    vt = out["startup"]["vigil"]["time_to_first_check_s"][0]
    nt = out["startup"]["nagios4"]["time_to_first_check_s"][0]
    ratios["startup_speedup_nagios_over_vigil"] = nt / vt if vt and nt else None
    ratios["targets"] = dict(pct_of_raw_true=">= 90", cpu_per_check_vigil_over_nagios="<= 0.333",
                             startup_speedup=">= 5")

    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(resdir, "summary.json"), "w") as f:
        json.dump(out, f, indent=1)
    if a.json:
        print(json.dumps(out, indent=1))
        return 0
    report(out, scens, a)
    return 0


def verdict(ok):
    return "meets target" if ok else "MISSES target"


def report(out, scens, a):
    p = out["params"]
    print()
    if scens:
        print("Throughput, %d services every 1 s (demand %d checks/s); median [min-max] of %d repeat(s), "
              "%gs window after %gs warm-up" % (p["services"], p["services"], p["repeats"], p["duration_s"],
                                                p["warmup_s"]))
        print()
    if scens:
        print("Raw fork/exec rate of this machine in this run (%s):" % p["spawnbench"])
        for s, r in out["raw_rate"].items():
            print("  %-18s %s /s" % (r["command"], bl.fmt_spread(r["procs_per_s"])))
        print()
        print("%-6s %-8s %-20s %-16s %-8s %-8s %-7s %s" % (
            "check", "engine", "checks/s", "engine CPU-s/1k", "core/1k", "plug/1k", "cores", "peak RSS MiB"))
        print("%-6s %-8s %-20s %-16s %-8s %-8s %-7s %s" % ("", "", "", "(plugins excl.)", "", "", "engine",
                                                           "core / all engine procs"))
        for s in scens:
            for e, d in out["scenarios"][s]["engines"].items():
                m = d["median"]
                print("%-6s %-8s %-20s %-16s %-8s %-8s %-7s %s%s" % (
                    s, e, bl.fmt_spread(m["checks_per_s"]), bl.fmt_spread(m["engine_cpu_s_per_1k"], "%.3f"),
                    bl.fmt(m["core_cpu_s_per_1k"][0], "%.3f"), bl.fmt(m["plugin_cpu_s_per_1k"][0], "%.3f"),
                    bl.fmt(m["engine_cores"][0], "%.2f"),
                    "%s / %s" % (bl.fmt(m["core_peak_rss_mib"][0], "%.1f"), bl.fmt(m["engine_peak_rss_sum_mib"][0],
                                                                                   "%.1f")),
                    "" if m["runs_ok"] == m["runs"] else "  (%d of %d runs failed)" % (m["runs"] - m["runs_ok"],
                                                                                       m["runs"])))
            print("%-6s counter: %s" % ("", out["scenarios"][s]["counter"]))
        print()
        print("Latency (status.dat at the end of the window; each engine's own definition):")
        print("%-6s %-8s %-18s %-18s %-18s %-10s %s" % ("check", "engine", "latency p50/max s", "exec time p50/max",
                                                        "re-check period", "in flight", "other load"))
        print("%-6s %-8s %-18s %-18s %-18s %-10s %s" % ("", "", "", "s", "s (svc/checks/s)", "(sampled)", "(cores)"))
        for s in scens:
            for e, d in out["scenarios"][s]["engines"].items():
                m = d["median"]
                print("%-6s %-8s %-18s %-18s %-18s %-10s %s%s" % (
                    s, e, "%s / %s" % (bl.fmt(m["latency_p50_s"][0], "%.3f"), bl.fmt(m["latency_max_s"][0], "%.3f")),
                    "%s / %s" % (bl.fmt(m["execution_p50_s"][0], "%.3f"), bl.fmt(m["execution_max_s"][0], "%.3f")),
                    bl.fmt(m["recheck_period_s"][0], "%.2f"),
                    bl.fmt(m["max_processes_in_tree"][0] - 1 if m["max_processes_in_tree"][0] else None),
                    bl.fmt(m["other_cores_during"][0], "%.2f"),
                    "  (%d run(s): status.dat not rewritten since start)" % m["status_stale_runs"]
                    if m["status_stale_runs"] else ""))
        print()
    print("Ratios (issue 3 targets):")
    r = out["ratios"]
    if "count" in scens:
        x = r["count"]["vigil_pct_of_raw_true"]
        print("  vigil checks/s as %% of the raw /bin/true rate (count scenario, exact): %s%%  (target >= 90%%: %s)"
              % (bl.fmt(x), verdict(x is not None and x >= 90)))
    for s in scens:
        x = r[s]
        print("  %-5s vigil %s%% / nagios4 %s%% of raw /bin/true; vigil %s%% / nagios4 %s%% of raw same command"
              % (s, bl.fmt(x["vigil_pct_of_raw_true"]), bl.fmt(x["nagios4_pct_of_raw_true"]),
                 bl.fmt(x["vigil_pct_of_raw_same_command"]), bl.fmt(x["nagios4_pct_of_raw_same_command"])))
    for s in scens:
        x = r[s]["cpu_per_check_vigil_over_nagios"]
        print("  %-5s engine CPU per check, vigil / nagios4: %s (paired per repeat %s)%s" % (
            s, bl.fmt(x, "%.3f"), bl.fmt_spread(r[s]["cpu_per_check_vigil_over_nagios_paired"], "%.3f"),
            "  (target <= 0.333: %s)" % verdict(x is not None and x <= 1 / 3.0) if s == "count" else ""))
    for s in scens:
        print("  %-5s checks/s, vigil / nagios4 (paired per repeat): %s" % (
            s, bl.fmt_spread(r[s]["checks_per_s_vigil_over_nagios_paired"], "%.2f")))
    if p["startup_services"]:
        st = out["startup"]
        x = r["startup_speedup_nagios_over_vigil"]
        print("  start-up to first check, %d services: vigil %s s, nagios4 %s s: %sx faster (target >= 5x: %s)"
              % (p["startup_services"], bl.fmt_spread(st["vigil"]["time_to_first_check_s"], "%.3f"),
                 bl.fmt_spread(st["nagios4"]["time_to_first_check_s"], "%.3f"), bl.fmt(x, "%.1f"),
                 verdict(x is not None and x >= 5)))
        print("        core peak RSS at first check: vigil %s MiB, nagios4 %s MiB" % (
            bl.fmt(st["vigil"]["core_peak_rss_mib"][0], "%.1f"), bl.fmt(st["nagios4"]["core_peak_rss_mib"][0],
                                                                       "%.1f")))
    print()
    if scens:
        print("Notes: engine CPU = utime+stime of the engine's own processes (nagios4: core + workers) in the window;")
        print("plugins are excluded. Fork-counter rows include background forks (before start: %s forks/s)."
              % bl.fmt(bl.med([out["scenarios"][s]["engines"][e]["median"]["forks_per_s_before"][0]
                               for s in scens for e in out["scenarios"][s]["engines"]]), "%.0f"))
        for s in scens:
            m = out["scenarios"][s]["engines"]["nagios4"]["median"]
            if s != "count" and m["engine_jobs_per_s"][0] is not None:
                print("Cross-check %s: nagios4's own jobs_started (query handler) %s/s vs fork counter %s/s." % (
                    s, bl.fmt(m["engine_jobs_per_s"][0]), bl.fmt(m["checks_per_s"][0])))
        print("Latency is what each engine writes as check_latency; under overload an engine that stamps a check's")
        print("start before it waits for a spawn slot shows the wait as execution time instead, so compare the")
        print("re-check period (configured: 1 s) for how far behind schedule the engines really are.")
        busy = bl.med([out["scenarios"][s]["engines"][e]["median"]["other_cores_during"][0]
                       for s in scens for e in out["scenarios"][s]["engines"]])
        if busy is not None and busy > 0.25:
            print("NOTE: other processes used %.2f cores (of 2) during the windows: noisy machine, compare with care."
                  % busy)
        print("'in flight' = most processes in the engine's tree at a 5 s sample, minus the core.")
        print("'other load' = machine CPU use in the window not from the engine, its plugins or the harness.")
    print("Raw results: %s" % out["results_dir"])


if __name__ == "__main__":
    sys.exit(main())
