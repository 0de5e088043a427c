#!/usr/bin/env python3
"""Web UI and API under load at 100,000 services (issue 14).

Generates a 100,000-service configuration with the shared generator
(gen_nagios_config.py: /bin/true checks every 300 s, interval_length 1: about 333
checks/s), starts `vigil run main.cfg --http 127.0.0.1:PORT`, marks 1 % of the
services CRITICAL with passive results (so the problems page and the state filter
have rows), then:

  1. idle window: no HTTP requests; check latency of the checks run in the window;
  2. load window: --clients threads request, as fast as they can, a mix of the
     problems page, pages of 100 services with each kind of filter (none, random
     page, state, host group, service group, text), the same through the JSON API,
     and the hosts page; each request's response time is recorded per kind;
     check latency of the checks run in that window.

Check latency comes from status.dat (`check_latency` of every service whose
`last_check` falls in the window). Prints p50 / p99 response times per request kind,
requests/s, check latency p50 / p99 in both windows, and the machine's load
(/proc/loadavg, and the CPU time of other processes in each window: the machine is
shared). Standard library only; the clients run on the same 2 cores as vigil.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchlib  # noqa: E402


def quantile(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def status_latencies(path, t0, t1):
    """check_latency of services whose last_check is in [t0, t1)."""
    lat = []
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return lat
    for block in text.split("servicestatus {")[1:]:
        fields = {}
        for line in block.split("}", 1)[0].splitlines():
            k, _, v = line.strip().partition("=")
            if k in ("last_check", "check_latency"):
                fields[k] = v
        try:
            lc = int(fields["last_check"])
            if t0 <= lc < t1:
                lat.append(float(fields["check_latency"]))
        except (KeyError, ValueError):
            pass
    return lat


def cpu_jiffies():
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts]
    idle = vals[3] + vals[4]
    return sum(vals), idle


def proc_jiffies(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read().rsplit(")", 1)[1].split()
        return int(s[11]) + int(s[12]) + int(s[13]) + int(s[14])
    except OSError:
        return 0


def web_thread_jiffies(pid):
    """utime+stime of vigil's web threads (named vigil-web), in jiffies."""
    total = 0
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return 0
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if not f.read().startswith("vigil-web"):
                    continue
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                st = f.read().rsplit(")", 1)[1].split()
            total += int(st[11]) + int(st[12])
        except OSError:
            pass
    return total


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Clients:
    def __init__(self, port, kinds, n, rate=None):
        self.rate = rate
        self.port = port
        self.kinds = kinds
        self.n = n
        self.stop = threading.Event()
        self.times = {k: [] for k in kinds}
        self.errors = 0
        self.lock = threading.Lock()

    def worker(self, seed):
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        names = list(self.kinds)
        gap = self.n / self.rate if self.rate else 0.0
        nxt = time.perf_counter() + rnd.random() * gap
        while not self.stop.is_set():
            if gap:
                # Open loop: each client sends at rate/n per second, whatever the
                # answers' times (a late answer does not delay the next request's
                # schedule, it only shows in its own time).
                wait = nxt - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                nxt += gap
            kind = rnd.choice(names)
            path = self.kinds[kind](rnd)
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            dt = time.perf_counter() - t
            with self.lock:
                if ok:
                    self.times[kind].append(dt)
                else:
                    self.errors += 1

    def run(self, seconds):
        ts = [threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(self.n)]
        for t in ts:
            t.start()
        time.sleep(seconds)
        self.stop.set()
        for t in ts:
            t.join(timeout=35)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--services", type=int, default=100000)
    ap.add_argument("--per-host", type=int, default=100)
    ap.add_argument("--window", type=float, default=40.0, help="seconds of each window (default 40)")
    ap.add_argument("--warmup", type=float, default=45.0, help="seconds after start before the idle window")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--rate", type=float, default=None,
                    help="requests/s in all (open loop); default: as fast as the clients can (closed loop)")
    ap.add_argument("--vigil", default=benchlib.default_vigil())
    ap.add_argument("--port", type=int, default=18480)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    say = benchlib.Progress(False)
    work = tempfile.mkdtemp(prefix="vigil-web-bench-")
    cfgdir = os.path.join(work, "cfg")
    say("generating %d services ..." % a.services)
    benchlib.gen_config(cfgdir, ["--services", str(a.services), "--per-host", str(a.per_host),
                                 "--check", "true", "--interval", "300", "--interval-length", "1",
                                 "--status-update-interval", "5"])
    main_cfg = os.path.join(cfgdir, "main.cfg")
    hosts = a.services // a.per_host
    say("starting vigil with --http 127.0.0.1:%d" % a.port)
    err = open(os.path.join(work, "vigil.stderr"), "w")
    p = subprocess.Popen([a.vigil, "run", main_cfg, "--http", "127.0.0.1:%d" % a.port],
                         stdout=subprocess.DEVNULL, stderr=err, cwd=work)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=5)
                c.request("GET", "/api/v1/session")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            sys.exit("vigil did not serve within 60 s (see %s)" % err.name)
        # 1 % CRITICAL through the command file.
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
        c.request("GET", "/api/v1/services?per_page=%d" % min(a.per_host, 1000))
        first = json.loads(c.getresponse().read())["rows"]
        svc_names = [r["service"] for r in first]
        c.request("GET", "/api/v1/hosts?per_page=1000")
        host_names = [r["host"] for r in json.loads(c.getresponse().read())["rows"]]
        while len(host_names) < hosts:
            c.request("GET", "/api/v1/hosts?per_page=1000&page=%d" % (len(host_names) // 1000 + 1))
            rows = json.loads(c.getresponse().read())["rows"]
            if not rows:
                break
            host_names += [r["host"] for r in rows]
        cmdfile = os.path.join(cfgdir, "var", "rw", "nagios.cmd")
        now = int(time.time())
        lines = []
        for h in host_names:
            for s in svc_names[::100]:
                lines.append("[%d] PROCESS_SERVICE_CHECK_RESULT;%s;%s;2;CRITICAL - bench problem\n" % (now, h, s))
        with open(cmdfile, "w") as f:
            f.write("".join(lines))
        say("%d services set CRITICAL; warming up %.0f s" % (len(lines), a.warmup))
        hg = "hg-00"
        sg = "sg-app"
        kinds = {
            "problems page": lambda r: "/",
            "services page 1": lambda r: "/services",
            "services page random": lambda r: "/services?page=%d" % r.randint(1, a.services // 100),
            "services state=critical": lambda r: "/services?state=critical",
            "services group (host)": lambda r: "/services?group=%s&page=%d" % (hg, r.randint(1, 10)),
            "services group (service)": lambda r: "/services?group=%s" % sg,
            "services text": lambda r: "/services?q=%s" % urllib.parse.quote(r.choice(host_names)),
            "api services random page": lambda r: "/api/v1/services?page=%d" % r.randint(1, a.services // 100),
            "api services state+text": lambda r: "/api/v1/services?state=critical&q=%s" % urllib.parse.quote(r.choice(svc_names)),
            "hosts page": lambda r: "/hosts?page=%d" % r.randint(1, max(1, hosts // 100)),
        }
        time.sleep(a.warmup)
        status = os.path.join(cfgdir, "var", "status.dat")
        out = {"services": a.services, "clients": a.clients, "window_s": a.window, "ncpu": os.cpu_count()}

        def window(name, load):
            tot0, idle0 = cpu_jiffies()
            v0 = proc_jiffies(p.pid)
            w0 = web_thread_jiffies(p.pid)
            la0 = loadavg()
            t0 = int(time.time()) + 1
            time.sleep(1)
            cl = None
            if load:
                cl = Clients(a.port, kinds, a.clients, a.rate)
                cl.run(a.window)
            else:
                time.sleep(a.window)
            t1 = int(time.time())
            time.sleep(6.5)  # one status_update_interval
            tot1, idle1 = cpu_jiffies()
            v1 = proc_jiffies(p.pid)
            w1 = web_thread_jiffies(p.pid)
            busy = (tot1 - tot0) - (idle1 - idle0)
            lat = status_latencies(status, t0, t1)
            w = {
                "loadavg_before": la0, "loadavg_after": loadavg(),
                "cpu_busy_share": round(busy / max(1, tot1 - tot0), 3),
                "vigil_cpu_share": round((v1 - v0) / max(1, tot1 - tot0), 3),
                "checks_in_window": len(lat),
                "check_latency_p50_ms": quantile(lat, 0.5) and quantile(lat, 0.5) * 1000,
                "check_latency_p99_ms": quantile(lat, 0.99) and quantile(lat, 0.99) * 1000,
            }
            if cl:
                w["errors"] = cl.errors
                w["requests"] = sum(len(v) for v in cl.times.values())
                w["requests_per_s"] = round(w["requests"] / a.window, 1)
                hz = os.sysconf("SC_CLK_TCK")
                w["web_cpu_ms_per_request"] = round((w1 - w0) * 1000.0 / hz / max(1, w["requests"]), 3)
                w["kinds"] = {k: {"n": len(v), "p50_ms": quantile(v, 0.5) * 1000 if v else None,
                                  "p99_ms": quantile(v, 0.99) * 1000 if v else None}
                              for k, v in cl.times.items()}
                allt = [x for v in cl.times.values() for x in v]
                w["all_p50_ms"] = quantile(allt, 0.5) * 1000 if allt else None
                w["all_p99_ms"] = quantile(allt, 0.99) * 1000 if allt else None
            out[name] = w
            say("%s window done: %s" % (name, {k: w[k] for k in w if k != "kinds"}))

        window("idle", False)
        window("load", True)
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
        shutil.rmtree(work, ignore_errors=True)
    if a.json:
        print(json.dumps(out, indent=2))
        return
    f = lambda x: "-" if x is None else "%.1f" % x
    print("web UI / API at %d services, %d clients (%s) on %d CPUs, %.0f s windows" % (
        a.services, a.clients, "%.0f requests/s" % a.rate if a.rate else "as fast as they can",
        out["ncpu"], a.window))
    print()
    print("%-28s %8s %9s %9s" % ("request", "n", "p50 ms", "p99 ms"))
    for k, v in out["load"]["kinds"].items():
        print("%-28s %8d %9s %9s" % (k, v["n"], f(v["p50_ms"]), f(v["p99_ms"])))
    print("%-28s %8d %9s %9s" % ("all", out["load"]["requests"], f(out["load"]["all_p50_ms"]), f(out["load"]["all_p99_ms"])))
    print("requests/s: %s, errors: %d; CPU of vigil's web threads per request: %.2f ms" % (
        out["load"]["requests_per_s"], out["load"]["errors"], out["load"]["web_cpu_ms_per_request"]))
    print()
    print("%-6s %8s %14s %14s %10s %10s %22s" % ("window", "checks", "latency p50", "latency p99", "cpu busy", "vigil cpu", "loadavg before/after"))
    for w in ("idle", "load"):
        x = out[w]
        print("%-6s %8d %11s ms %11s ms %9.0f%% %9.0f%% %22s" % (
            w, x["checks_in_window"], f(x["check_latency_p50_ms"]), f(x["check_latency_p99_ms"]),
            x["cpu_busy_share"] * 100, x["vigil_cpu_share"] * 100, x["loadavg_before"] + " / " + x["loadavg_after"]))


if __name__ == "__main__":
    main()
