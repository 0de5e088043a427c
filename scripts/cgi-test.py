#!/usr/bin/env python3
"""The Nagios 4 CGIs (Debian nagios4-cgi) against a running vigil.

Starts `vigil run` on a small configuration (hosts UP and DOWN; services OK,
WARNING, CRITICAL, UNKNOWN and one never checked), waits until vigil's status.dat
shows every active check done, then runs the CGIs as plain CGI programs
(REQUEST_METHOD=GET, QUERY_STRING, REMOTE_USER, NAGIOS_CGI_CONFIG pointing at a
cgi.cfg whose main_config_file is vigil's nagios.cfg, so the CGIs read vigil's
objects.cache and status.dat):

  * status.cgi (host and service detail, HTML): every host and every service is
    listed, with the state its plugin returns;
  * statusjson.cgi (hostlist, servicelist): the same states as numbers;
  * objectjson.cgi (hostlist, servicelist): every configured object, read from
    objects.cache.

Expected values come from the configuration written here (what each plugin
exits with), never from vigil. Prints one line per check and ends with
"N passed, N failed"; exit 0 only when all passed.

Usage: scripts/cgi-test.py [--vigil target/release/vigil] [--cgi-dir DIR] [--keep]
Without the CGIs installed it is skipped (exit 0), except under CI=1 (exit 1).
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USER = "vigil-cgi-test"

# host -> (plugin exit code, output); max_check_attempts 1, so states are HARD at once.
HOSTS = {
    "web01": (0, "PING OK - rta 0.5 ms"),
    "db01": (2, "PING CRITICAL - 100% packet loss"),
}
# (host, service) -> (exit code, output), or None for a passive-only service that is
# never checked (PENDING).
SERVICES = {
    ("web01", "HTTP"): (0, "HTTP OK - 200"),
    ("web01", "Disk /"): (1, "DISK WARNING - 85% used"),
    ("web01", "Load"): (2, "LOAD CRITICAL - 12.0"),
    ("db01", "MySQL"): (3, "MYSQL UNKNOWN - no answer"),
    ("db01", "Backup"): None,
}
HOST_STATE = {0: "UP", 1: "DOWN", 2: "DOWN", 3: "DOWN"}
SERVICE_STATE = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
# statusjson.cgi's status codes (cgi/statusjson.c)
JSON_HOST = {"UP": 2, "DOWN": 4, "UNREACHABLE": 8, "PENDING": 1}
JSON_SERVICE = {"OK": 2, "WARNING": 4, "CRITICAL": 16, "UNKNOWN": 8, "PENDING": 1}


def expected_hosts():
    return {h: HOST_STATE[rc] for h, (rc, _) in HOSTS.items()}


def expected_services():
    return {k: ("PENDING" if v is None else SERVICE_STATE[v[0]]) for k, v in SERVICES.items()}


def write_config(d):
    plugins = os.path.join(d, "plugins")
    var = os.path.join(d, "var")
    os.makedirs(plugins)
    os.makedirs(var)
    objs = []
    n = 0

    def plugin(rc, out):
        nonlocal n
        n += 1
        p = os.path.join(plugins, "p%d" % n)
        with open(p, "w") as f:
            f.write("#!/bin/sh\nprintf '%%s\\n' '%s'\nexit %d\n" % (out.replace("'", ""), rc))
        os.chmod(p, 0o755)
        objs.append("define command {\n command_name p%d\n command_line %s\n}\n" % (n, p))
        return "p%d" % n

    for h, (rc, out) in HOSTS.items():
        objs.append(
            "define host {\n host_name %s\n alias %s\n address 192.0.2.%d\n check_command %s\n"
            " max_check_attempts 1\n check_interval 1\n retry_interval 1\n}\n"
            % (h, h, len(objs) + 1, plugin(rc, out)))
    for (h, s), v in SERVICES.items():
        if v is None:
            objs.append(
                "define service {\n host_name %s\n service_description %s\n"
                " check_command %s\n active_checks_enabled 0\n max_check_attempts 1\n}\n"
                % (h, s, plugin(0, "never run")))
        else:
            objs.append(
                "define service {\n host_name %s\n service_description %s\n"
                " check_command %s\n max_check_attempts 1\n check_interval 1\n"
                " retry_interval 1\n}\n" % (h, s, plugin(*v)))
    with open(os.path.join(d, "objects.cfg"), "w") as f:
        f.write("".join(objs))
    cfg = os.path.join(d, "nagios.cfg")
    with open(cfg, "w") as f:
        f.write(
            "log_file={v}/vigil.log\ncfg_file={d}/objects.cfg\n"
            "object_cache_file={v}/objects.cache\nstatus_file={v}/status.dat\n"
            "status_update_interval=1\nstate_retention_file={v}/retention.dat\n"
            "retain_state_information=1\ncommand_file={v}/vigil.cmd\n"
            "check_external_commands=1\ninterval_length=1\n"
            "service_inter_check_delay_method=n\nhost_inter_check_delay_method=n\n"
            "cached_host_check_horizon=0\nenable_notifications=0\n".format(v=var, d=d))
    cgi = os.path.join(d, "cgi.cfg")
    with open(cgi, "w") as f:
        f.write(
            "main_config_file=%s\nphysical_html_path=/usr/share/nagios4/htdocs\n"
            "url_html_path=/nagios4\nuse_authentication=1\nuse_pending_states=1\n"
            "authorized_for_all_hosts={u}\nauthorized_for_all_services={u}\n"
            "authorized_for_system_information={u}\n"
            "authorized_for_configuration_information={u}\nresult_limit=0\n"
            "escape_html_tags=1\n".replace("{u}", USER) % cfg)
    return cfg, cgi, var


def status_blocks(path):
    """The blocks of a status.dat: [(type, {key: value})]."""
    out = []
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return out
    cur = None
    for line in text.splitlines():
        t = line.strip()
        if cur is None:
            if t.endswith("{"):
                cur = (t[:-1].strip(), {})
        elif t == "}":
            out.append(cur)
            cur = None
        elif "=" in t:
            k, v = t.split("=", 1)
            cur[1][k] = v
    return out


def all_checked(var):
    blocks = status_blocks(os.path.join(var, "status.dat"))
    hosts = {b["host_name"]: b for t, b in blocks if t == "hoststatus"}
    svcs = {(b["host_name"], b["service_description"]): b for t, b in blocks
            if t == "servicestatus"}
    if set(hosts) != set(HOSTS) or set(svcs) != set(SERVICES):
        return False
    return all(hosts[h].get("has_been_checked") == "1" for h in HOSTS) and all(
        svcs[k].get("has_been_checked") == "1" for k, v in SERVICES.items() if v is not None)


def run_cgi(cgi_dir, name, query, cgi_cfg):
    env = {
        "PATH": "/usr/bin:/bin",
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": query,
        "REMOTE_USER": USER,
        "NAGIOS_CGI_CONFIG": cgi_cfg,
        "SERVER_NAME": "localhost",
        "SCRIPT_NAME": "/cgi-bin/nagios4/" + name,
        "GATEWAY_INTERFACE": "CGI/1.1",
    }
    p = subprocess.run([os.path.join(cgi_dir, name)], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    raw = p.stdout.decode("utf-8", errors="replace")
    # Strip the CGI header block.
    body = raw.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in raw else raw.split("\n\n", 1)[-1]
    return p.returncode, body


def unhtml(s):
    return (s.replace("&nbsp;", " ").replace("&amp;", "&").replace("&#47;", "/")
            .replace("&lt;", "<").replace("&gt;", ">").strip())


def parse_service_detail(html):
    """(host, service) -> state from status.cgi's service detail table."""
    out = {}
    host = None
    # Rows: a host cell (only on the first service of a host), a service link,
    # then the status cell with class status<STATE>.
    for m in re.finditer(
            r"extinfo\.cgi\?type=1&host=([^'\"&]+)['\"]|"
            r"extinfo\.cgi\?type=2&host=([^'\"&]+)&service=([^'\"&]+)['\"][^>]*>([^<]*)<|"
            r"<td class=['\"]status(OK|WARNING|CRITICAL|UNKNOWN|PENDING)['\"]", html):
        if m.group(1):
            host = m.group(1)
        elif m.group(2):
            host = m.group(2)
            svc = unhtml(m.group(4)) or unquote(m.group(3))
            out[(unquote(host), svc)] = None
            last = (unquote(host), svc)
        elif m.group(5) and out and out.get(last) is None:
            out[last] = m.group(5)
    return out


def parse_host_detail(html):
    out = {}
    last = None
    for m in re.finditer(
            r"extinfo\.cgi\?type=1&host=([^'\"&]+)['\"]|"
            r"<td class=['\"]status(HOSTUP|HOSTDOWN|HOSTUNREACHABLE|HOSTPENDING)['\"]", html):
        if m.group(1):
            last = unquote(m.group(1))
            out.setdefault(last, None)
        elif last is not None and out.get(last) is None:
            out[last] = m.group(2)[4:]
    return out


def unquote(s):
    from urllib.parse import unquote_plus
    return unquote_plus(s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vigil", default=os.path.join(ROOT, "target", "release", "vigil"))
    ap.add_argument("--cgi-dir", default="/usr/lib/cgi-bin/nagios4")
    ap.add_argument("--keep", action="store_true", help="keep the run directory")
    args = ap.parse_args()

    ci = os.environ.get("CI", "") not in ("", "0")
    if not os.access(os.path.join(args.cgi_dir, "status.cgi"), os.X_OK):
        msg = "the Nagios CGIs are not installed at %s (apt-get install nagios4-cgi)" % args.cgi_dir
        if ci:
            print("cgi-test: FAILED: %s (CI=1: this suite is required)" % msg)
            return 1
        print("cgi-test: SKIPPED: %s" % msg)
        return 0
    if not os.access(args.vigil, os.X_OK):
        print("cgi-test: FAILED: no vigil binary at %s (cargo build --release)" % args.vigil)
        return 1

    d = tempfile.mkdtemp(prefix="vigil-cgi-")
    os.chmod(d, 0o755)
    cfg, cgi_cfg, var = write_config(d)
    err = open(os.path.join(d, "vigil.stderr"), "w")
    proc = subprocess.Popen([args.vigil, "run", cfg], cwd=d, stdin=subprocess.DEVNULL,
                            stdout=err, stderr=err)
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail else ""))

    try:
        deadline = time.time() + 60
        while time.time() < deadline and not all_checked(var):
            if proc.poll() is not None:
                break
            time.sleep(0.2)
        # One more status.dat write after the last check (status_update_interval=1).
        time.sleep(1.5)
        check("vigil wrote status.dat with every active check done", all_checked(var),
              "" if all_checked(var) else "see %s" % d)
        check("vigil wrote objects.cache", os.path.exists(os.path.join(var, "objects.cache")))

        rc, html = run_cgi(args.cgi_dir, "status.cgi", "host=all&style=detail&limit=0", cgi_cfg)
        got = parse_service_detail(html)
        check("status.cgi service detail lists every service",
              set(got) == set(SERVICES),
              "got %s" % sorted(got) if set(got) != set(SERVICES) else "%d services" % len(got))
        for k, want in sorted(expected_services().items()):
            check("status.cgi %s;%s is %s" % (k[0], k[1], want), got.get(k) == want,
                  "" if got.get(k) == want else "got %s" % got.get(k))

        rc, html = run_cgi(args.cgi_dir, "status.cgi",
                           "hostgroup=all&style=hostdetail&limit=0", cgi_cfg)
        gotp = parse_host_detail(html)
        check("status.cgi host detail lists every host", set(gotp) == set(HOSTS),
              "got %s" % sorted(gotp) if set(gotp) != set(HOSTS) else "%d hosts" % len(gotp))
        for h, want in sorted(expected_hosts().items()):
            check("status.cgi host %s is %s" % (h, want), gotp.get(h) == want,
                  "" if gotp.get(h) == want else "got %s" % gotp.get(h))

        rc, body = run_cgi(args.cgi_dir, "statusjson.cgi", "query=servicelist", cgi_cfg)
        try:
            sl = json.loads(body)["data"]["servicelist"]
        except (ValueError, KeyError) as e:
            sl = {}
            check("statusjson.cgi servicelist parses", False, "%s: %s" % (e, body[:300]))
        for (h, s), want in sorted(expected_services().items()):
            val = sl.get(h, {}).get(s)
            check("statusjson.cgi %s;%s is %s" % (h, s, want), val == JSON_SERVICE[want],
                  "" if val == JSON_SERVICE[want] else "got %s" % val)
        rc, body = run_cgi(args.cgi_dir, "statusjson.cgi", "query=hostlist", cgi_cfg)
        try:
            hl = json.loads(body)["data"]["hostlist"]
        except (ValueError, KeyError) as e:
            hl = {}
            check("statusjson.cgi hostlist parses", False, "%s: %s" % (e, body[:300]))
        for h, want in sorted(expected_hosts().items()):
            check("statusjson.cgi host %s is %s" % (h, want), hl.get(h) == JSON_HOST[want],
                  "" if hl.get(h) == JSON_HOST[want] else "got %s" % hl.get(h))

        rc, body = run_cgi(args.cgi_dir, "objectjson.cgi", "query=servicelist", cgi_cfg)
        try:
            osl = json.loads(body)["data"]["servicelist"]
            objs = {(h, s) for h, ss in osl.items() for s in ss}
        except (ValueError, KeyError, AttributeError) as e:
            objs = set()
            check("objectjson.cgi servicelist parses", False, "%s: %s" % (e, body[:300]))
        check("objectjson.cgi (objects.cache) has every service", objs == set(SERVICES),
              "" if objs == set(SERVICES) else "got %s" % sorted(objs))
        rc, body = run_cgi(args.cgi_dir, "objectjson.cgi", "query=hostlist", cgi_cfg)
        try:
            ohl = set(json.loads(body)["data"]["hostlist"])
        except (ValueError, KeyError, TypeError) as e:
            ohl = set()
            check("objectjson.cgi hostlist parses", False, "%s: %s" % (e, body[:300]))
        check("objectjson.cgi (objects.cache) has every host", ohl == set(HOSTS),
              "" if ohl == set(HOSTS) else "got %s" % sorted(ohl))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        err.close()
        failed = results.count(False)
        if args.keep or failed:
            print("run directory kept: %s" % d)
        else:
            shutil.rmtree(d, ignore_errors=True)
    print("%d passed, %d failed" % (results.count(True), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
