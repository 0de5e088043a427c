"""Shared helpers of the vigil-vs-nagios4 benchmark scripts in this directory.

Not a script: throughput.py and handler_latency.py import it. It finds the shared
harness (../shared/bench, or $VIGIL_SHARED/bench), builds its C helpers (vplug,
spawnbench) into $BENCH_WORK (default /tmp/vigil-bench) when they are missing,
generates configs with gen_nagios_config.py, runs one engine through bench_run.py
and turns its JSON into the few numbers the reports need.
"""
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def shared_bench():
    """Directory of the shared harness (bench_run.py, gen_nagios_config.py, build.sh)."""
    base = os.environ.get("VIGIL_SHARED") or os.path.join(os.path.dirname(ROOT), "shared")
    return os.path.join(base, "bench")


def bench_work():
    """Writable directory for the built helpers and results ($BENCH_WORK, default /tmp/vigil-bench)."""
    return os.environ.get("BENCH_WORK") or os.path.join(os.environ.get("TMPDIR", "/tmp"), "vigil-bench")


def default_vigil():
    return os.path.join(ROOT, "target", "release", "vigil")


def default_nagios():
    return shutil.which("nagios4") or "/usr/sbin/nagios4"


class Progress:
    """Progress lines on stderr (stdout stays clean for the report or --json)."""

    def __init__(self, quiet=False):
        self.quiet = quiet
        self.t0 = time.monotonic()

    def __call__(self, msg):
        if not self.quiet:
            el = time.monotonic() - self.t0
            print("[%2d:%02d] %s" % (el // 60, el % 60, msg), file=sys.stderr, flush=True)


def ensure_helpers(say):
    """Builds vplug and spawnbench into $BENCH_WORK/bin if needed; returns that bin dir."""
    work = bench_work()
    bindir = os.path.join(work, "bin")
    if not (os.access(os.path.join(bindir, "vplug"), os.X_OK) and
            os.access(os.path.join(bindir, "spawnbench"), os.X_OK)):
        say("building vplug and spawnbench into %s ..." % bindir)
        env = dict(os.environ, BENCH_WORK=work)
        os.makedirs(work, exist_ok=True)
        subprocess.run([os.path.join(shared_bench(), "build.sh")], check=True, env=env,
                       stdout=subprocess.DEVNULL)
    return bindir


def check_engines(engines):
    """Exits with a message if an engine's executable is missing."""
    for name, cmd in engines.items():
        exe = shlex.split(cmd)[0]
        path = exe if os.sep in exe else shutil.which(exe)
        if not path or not os.access(path, os.X_OK):
            hint = " (build it: cd %s && cargo build --release -p vigil)" % ROOT if name == "vigil" else ""
            sys.exit("error: %s engine %r is not an executable%s" % (name, exe, hint))


def gen_config(cfgdir, gen_args):
    """Generates a nagios.cfg-style config (main.cfg + objects) into cfgdir."""
    env = dict(os.environ, BENCH_WORK=bench_work())
    subprocess.run([sys.executable, os.path.join(shared_bench(), "gen_nagios_config.py")] + gen_args + [cfgdir],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.path.join(cfgdir, "main.cfg")


def reset_var(cfgdir):
    """Empties the config's runtime dir (status, logs, counters, lock, journal) between runs."""
    var = os.path.join(cfgdir, "var")
    shutil.rmtree(var, ignore_errors=True)
    for d in (var, os.path.join(var, "spool"), os.path.join(var, "rw")):
        os.makedirs(d, exist_ok=True)


def run_engine(engine_cmd, cfgdir, out_json, extra):
    """Runs bench_run.py for one engine from cfgdir; returns (its result dict, wall time it was launched).

    On failure the dict has an "error" key.
    """
    argv = [sys.executable, os.path.join(shared_bench(), "bench_run.py"), "--engine", engine_cmd,
            "--config", "main.cfg", "--out", out_json] + extra
    launched = time.time()
    p = subprocess.run(argv, cwd=cfgdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with open(out_json) as f:
            res = json.load(f)
    except (OSError, ValueError):
        res = {}
    if p.returncode != 0 and "error" not in res:
        res["error"] = "bench_run.py exit %d: %s" % (p.returncode, (p.stderr or "").strip()[-500:])
    return res, launched


def spawn_rate(bindir, argv, seconds, concurrency=8, method="fork"):
    """Raw fork/exec+pipe rate of this machine for argv (spawnbench -m METHOD -p -c N -t S)."""
    p = subprocess.run([os.path.join(bindir, "spawnbench"), "-m", method, "-p", "-c", str(concurrency),
                        "-t", str(seconds), "--"] + argv, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(p.stdout)


def noise(res):
    """Background load: busy cores before the engine started, and other load during the window."""
    cpu = res.get("cpu") or {}
    w = res.get("window_s") or 0
    other = None
    if w:
        other = (cpu.get("system_busy_s", 0) - cpu.get("engine_s", 0) - cpu.get("plugins_children_s", 0)
                 - res.get("harness_cpu_s", 0)) / w
    ip = res.get("idle_probe") or {}
    return dict(busy_cores_before=ip.get("busy_cores"), forks_per_s_before=ip.get("forks_per_s"),
                other_cores_during=other)


def quantile(xs, p):
    """Nearest-rank quantile as bench_run.py computes it (xs sorted)."""
    if not xs:
        return None
    return xs[min(len(xs) - 1, int(p * (len(xs) - 1) + 0.5))]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs):
    """(median, min, max) of the non-None values, or (None, None, None)."""
    xs = [x for x in xs if x is not None]
    if not xs:
        return (None, None, None)
    return (statistics.median(xs), min(xs), max(xs))


def fmt(x, f="%.0f", none="-"):
    return none if x is None else f % x


def fmt_spread(s, f="%.0f"):
    m, lo, hi = s
    if m is None:
        return "-"
    if lo == hi:
        return f % m
    return ("%s [%s-%s]" % (f, f, f)) % (m, lo, hi)


def engine_order(names, i):
    """Alternates which engine goes first in repeat i (ABBA), so slow drift hits both."""
    return list(names) if i % 2 == 0 else list(reversed(names))


def results_dir(arg, prefix):
    d = arg or os.path.join(bench_work(), "results", "%s-%s" % (prefix, time.strftime("%Y%m%d-%H%M%S")))
    os.makedirs(d, exist_ok=True)
    return d
