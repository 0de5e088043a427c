"""Bridge between vigil-conformance's in-process replay and the conformance harness.

The replay (crates/conformance) simulates the engine's world in Rust; everything that
is the harness's business stays the harness's own Python code, so the in-process
replay and the black-box runs cannot drift apart:

  prepare  loads each scenario with the harness's scenario module, writes its run
           directory with the harness's config module (nagios.cfg, objects, helpers,
           result sequences), and describes what the simulation needs: the expanded
           objects and their steps, the actions, the run-end settings and which
           files under plugins/ are harness helpers. Every helper wrapper is then
           replaced by an argv dumper (ARGV_DUMPER below): the replay never runs a
           helper, but when the engine runs a command line through /bin/sh, the real
           shell runs it and the dumper tells which helper it started, with which argv
           and environment.
  finish   builds each trace with the harness's trace module from the records the
           simulated helpers wrote (the same files and formats as the real helpers),
           and compares it with the expected trace with the harness's compare module.

Usage: python3 simbridge.py prepare|finish HARNESS_DIR < request.json > response.json
"""
import json
import os
import shlex
import sys

# Records one invocation in $VIGIL_SIM_CAPTURE as NUL-separated fields:
# INVOCATION, argc, $0, the arguments, the environment (NAME=value each), END.
ARGV_DUMPER = """#!/bin/sh
# vigil-conformance: records this invocation for the in-process replay
{ printf 'INVOCATION\\0%s\\0' "$#"; printf '%s\\0' "$0" "$@"; env -0; printf 'END\\0'; } >> "$VIGIL_SIM_CAPTURE"
"""


def helper_of(path):
    """(helper name, script name or None) of a harness wrapper, or None."""
    try:
        with open(path) as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.splitlines()
    if len(lines) != 2 or lines[0] != "#!/bin/sh" or not lines[1].startswith("exec "):
        return None
    try:
        words = shlex.split(lines[1])
    except ValueError:
        return None
    # exec PYTHON -S -E TARGET [SCRIPT] "$(date ...)" "$@"
    if len(words) not in (7, 8) or words[-1] != "$@" or not words[-2].startswith("$(date"):
        return None
    target = words[4]
    if os.path.basename(os.path.dirname(target)) != ".lib" or not target.endswith(".py"):
        return None
    return os.path.basename(target)[:-3], (words[5] if len(words) == 8 else None)


def prepare(harness, items):
    from harness import config as cfgmod
    from harness import scenario as scmod
    out = []
    for it in items:
        try:
            sc = scmod.load(it["scenario"])
            run = it["run_dir"]
            os.makedirs(run, exist_ok=True)
            main_cfg = cfgmod.write_run_dir(run, sc)
            helpers = {}
            plugins = os.path.join(run, "plugins")
            for name in sorted(os.listdir(plugins)):
                path = os.path.join(plugins, name)
                if not os.path.isfile(path):
                    continue
                h = helper_of(path)
                if h is None:
                    continue
                helpers[path] = {"helper": h[0], "script": h[1]}
                with open(path, "w") as f:
                    f.write(ARGV_DUMPER)
                os.chmod(path, 0o755)
            overrides = sc.main
            out.append({
                "ok": True,
                "name": sc.name,
                "main_cfg": main_cfg,
                "log_file": overrides.get("log_file") or os.path.join(run, "nagios.log"),
                "objects": [{"ref": o["ref"], "kind": o["kind"], "host": o["host"],
                             "service": o.get("service"), "key": o["key"],
                             "steps": o["steps"], "wait": o["wait"]} for o in sc.objects],
                "actions": sc.actions,
                "grace": sc.grace,
                "timeout": sc.timeout,
                "min_runtime": sc.min_runtime,
                "helpers": helpers,
            })
        except Exception as e:  # noqa: BLE001 - reported per scenario
            out.append({"ok": False, "error": "%s: %r" % (it.get("scenario"), e)})
    return out


class ReplayedRun:
    """What harness.trace.build_trace reads from a runner.Run."""

    def __init__(self, sc, it, statusfile):
        self.sc = sc
        self.run_dir = it["run_dir"]
        self.log_file = it["log_file"]
        self.restarts = [(float(t), int(off)) for t, off in it["restarts"]]
        self.warnings = list(it["warnings"])
        self.complete = bool(it["complete"])
        self.sent = [(a, b) for a, b in it["sent"]]
        self.snapshots = [(label, float(t), statusfile.parse(text or ""))
                          for label, t, text in it["snapshots"]]


def dt_pairs(expected, actual):
    """(object, step, expected dt, actual dt) wherever both traces time the same check."""
    out = []
    eo, ao = expected.get("objects", {}), actual.get("objects", {})
    sig = lambda cs: [(c.get("i"), c.get("pre"), bool(c.get("exhausted")), c.get("run"))  # noqa
                      for c in cs]
    for ref in sorted(set(eo) & set(ao)):
        ec, ac = eo[ref].get("checks", []), ao[ref].get("checks", [])
        if sig(ec) != sig(ac):
            continue
        for e, a in zip(ec, ac):
            if "dt" in e and "dt" in a:
                out.append([ref, e.get("i"), e["dt"], a["dt"]])
    return out


def finish(harness, items):
    from harness import compare as cmp
    from harness import jsonfmt
    from harness import scenario as scmod
    from harness import statusfile
    from harness.trace import build_trace
    out = []
    for it in items:
        try:
            sc = scmod.load(it["scenario"])
            trace = build_trace(ReplayedRun(sc, it, statusfile))
            if it.get("out"):
                jsonfmt.write(it["out"], trace)
            res = {"ok": True, "name": sc.name, "complete": trace["complete"]}
            if it.get("expected") and os.path.exists(it["expected"]):
                expected = cmp.load(it["expected"])
                res["untimed"] = cmp.compare_traces(expected, trace, timing=False)
                res["diffs"] = cmp.compare_traces(expected, trace)
                res["dt"] = dt_pairs(expected, trace)
            else:
                res["untimed"] = res["diffs"] = ["no expected trace at %s" % it.get("expected")]
                res["dt"] = []
            out.append(res)
        except Exception as e:  # noqa: BLE001 - reported per scenario
            out.append({"ok": False, "error": "%s: %r" % (it.get("scenario"), e)})
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("prepare", "finish"):
        sys.exit(__doc__)
    harness = os.path.abspath(sys.argv[2])
    sys.path.insert(0, harness)
    items = json.load(sys.stdin)
    fn = prepare if sys.argv[1] == "prepare" else finish
    json.dump(fn(harness, items), sys.stdout)


if __name__ == "__main__":
    main()
