"""checks.py - the container suite's checks (driven by run.py).

Every container runs with --network none, or on a compose network with
`internal: true`; the service is reached from inside its container only.
The settings of docs/examples/compose.yaml are read from that file and
turned into `docker run` flags, so the two cannot drift apart.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import time

import yaml

from engine import BASE_IMAGE, log

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
COMPOSE = os.path.join(SRC, "docs/examples/compose.yaml")
IMG = "example/web:hardened"
GCC_IMG = "example/web:gcc"
PRELOAD_IMG = "example/web:preload"
POLICY = "/etc/rampart/policy"
ENTRY = ["rampart", "--policy", POLICY, "--"]
PREFIX = "rct-"          # names of this suite's containers and volumes

# The loader's test knob that caps the Landlock ABI it uses: named here only.
LANDLOCK_ABI_VAR = "RAMPART_LANDLOCK_ABI_MAX"

HEALTH_URL = "http://127.0.0.1:8000/health"


def compose_settings():
    """compose.yaml's service settings as `docker run` flags, and its volumes."""
    with open(COMPOSE) as f:
        web = yaml.safe_load(f)["services"]["web"]
    flags = ["--user", str(web["user"])]
    if web.get("read_only"):
        flags.append("--read-only")
    for t in web.get("tmpfs", []):
        flags += ["--tmpfs", t]
    for c in web.get("cap_drop", []):
        flags += ["--cap-drop", c]
    for o in web.get("security_opt", []):
        flags += ["--security-opt", o]
    log_cfg = web.get("logging") or {}
    if log_cfg.get("driver"):
        flags += ["--log-driver", log_cfg["driver"]]
        for k, v in (log_cfg.get("options") or {}).items():
            flags += ["--log-opt", "%s=%s" % (k, v)]
    vols = [v.split(":", 1) for v in web.get("volumes", [])]
    return flags, vols


def startup_reports(text, kind="startup"):
    out = []
    for line in text.splitlines():
        if line.startswith('{"rampart":"%s"' % kind):
            out.append(json.loads(line))
    return out


def events(text):
    """The shim's events in a stream.  The loader's relay writes each one
    whole, but beside the app's own writes to the same stderr: after a
    partial line (dash writes `sh: 1: ` before its message) an event may
    start mid-line, so it is looked for anywhere."""
    out, dec = [], json.JSONDecoder()
    for line in text.splitlines():
        i = line.find('{"rampart":1,')
        while i >= 0:
            try:
                ev, end = dec.raw_decode(line, i)
            except ValueError:
                end = i + 1
            else:
                out.append(ev)
            i = line.find('{"rampart":1,', end)
    return out


def event_key(ev):
    """The file an event is about: its path, or for an ld.so run the target."""
    path = ev.get("path") or ""
    if path.endswith("/ld-linux-x86-64.so.2") and ev.get("target"):
        return ev["target"]
    return path


def status_fields(text):
    return {l.split(":")[0]: l.split(":", 1)[1].strip() for l in text.splitlines() if ":" in l}


# The operations of files/attack.py, and what each must give; an op's
# events are those whose path (the target, for an ld.so run) is one of the
# op's paths.  Enforce: any of the (results, decision, rule) triples, with
# exactly one event of that decision and rule (rule None: any; decision
# None: no event).  A call the kernel refuses anyway (the root file system
# is read-only) gets the kernel's errno and no event; a chmod beneath a
# writable dir is carried out without its exec bits (decision "fixed").
# Audit: the results, the number of events and their decisions (an ld.so
# run is seen twice: by the caller's execve and by the shim in the started
# ld.so, one process).
OK = ("ok",)
KERNEL = ("EROFS", "EACCES")
DENIED_W = [(KERNEL, None, None), (KERNEL, "deny", "writable-path")]
ALLOWED = [(OK, None, None)]
AUDIT = ("audit",)
ATTACK = [
    ("write /app/src/main.py", ["/app/src/main.py"], DENIED_W, (KERNEL, (0, 1), AUDIT)),
    ("create /app/src/evil.py", ["/app/src/evil.py"], DENIED_W, (KERNEL, (0, 1), AUDIT)),
    ("mkdir /app/src/d", ["/app/src/d"], DENIED_W, (KERNEL, (0, 1), AUDIT)),
    ("write /app/logs/ok", ["/app/logs/ok"], ALLOWED, (OK, 0, AUDIT)),
    ("write /app/uploads/ok", ["/app/uploads/ok"], ALLOWED, (OK, 0, AUDIT)),
    ("write /app/tmp/ok", ["/app/tmp/ok"], ALLOWED, (OK, 0, AUDIT)),
    ("write /app/.cache/ok", ["/app/.cache/ok"], ALLOWED, (OK, 0, AUDIT)),
    ("write /tmp/ok", ["/tmp/ok"], ALLOWED, (OK, 0, AUDIT)),
    ("copy hello", None, ALLOWED, (OK, 0, AUDIT)),
    ("chmod 0755 copy", ["/app/uploads/wx-chmod"],
     [(("EACCES",), "deny", "wx-mode"), (OK, "fixed", "wx-mode")], (OK, 1, ("audit", "fixed"))),
    ("exec seeded", ["/app/uploads/wx-exec"], [(("EACCES",), "deny", "wx")], (OK, 1, AUDIT)),
    ("ld.so seeded", ["/app/uploads/wx-ldso"], [(("EACCES",), "deny", None)], (OK, 2, AUDIT)),
    ("exec seeded, stderr captured", ["/app/uploads/wx-cap"], [(("EACCES",), "deny", "wx")],
     (OK, 1, AUDIT)),
    ("create setid-a", None, ALLOWED, (OK, 0, AUDIT)),
    ("create setid-b", None, ALLOWED, (OK, 0, AUDIT)),
    ("os.chmod 04644", ["/app/uploads/setid-a"], [(("EPERM",), "deny", "setid")], (OK, 1, AUDIT)),
    ("chmod u+s", ["/app/uploads/setid-b"], [(("rc=1",), "deny", "setid")], (OK, 1, AUDIT)),
    ("copy /app/uploads/evil-dl.so", None, ALLOWED, (OK, 0, AUDIT)),
    ("copy /app/uploads/evil-pre.so", None, ALLOWED, (OK, 0, AUDIT)),
    ("copy /app/tmp/evil.so", None, ALLOWED, (OK, 0, AUDIT)),
    ("dlopen /app/uploads/evil-dl.so", ["/app/uploads/evil-dl.so"],
     [(("dlerror",), "deny", "wx")], (OK, 1, AUDIT)),
    # the entry is removed and the child runs without it
    ("LD_PRELOAD=/app/uploads/evil-pre.so child", ["/app/uploads/evil-pre.so"],
     [(OK, "deny", "wx")], (OK, 1, AUDIT)),
]
GCC_12 = ["/usr/bin/gcc-12", "/usr/bin/x86_64-linux-gnu-gcc-12"]
GCC_ATTACK = [
    ("gcc by name", ["/usr/bin/gcc"], [(("EACCES",), "deny", "deny-exec")], (OK, 1, AUDIT)),
    ("cc (symlink)", ["/usr/bin/cc"], [(("EACCES",), "deny", "deny-exec")], (OK, 1, AUDIT)),
    ("ld.so gcc-12", GCC_12, [(("EACCES",), "deny", None)], (OK, 2, AUDIT)),
    ("notgcc (renamed copy)", ["/usr/local/bin/notgcc"], [(("EACCES",), "deny", "deny-id")],
     (OK, 1, AUDIT)),
]
# a check that fails only until a known bug is fixed names it
BUG = {
    "notgcc (renamed copy)": "issue 12 bug 2: deny-id under Landlock",
}


class Suite:
    def __init__(self, engine, build, work, only=""):
        self.e = engine
        self.build = build
        self.work = work
        self.only = only
        self.results = []
        self.hard, self.vols = compose_settings()
        self.art = os.path.join(work, "art")
        os.makedirs(self.art)
        os.chmod(self.art, 0o755)
        for f in ("attack.py", "kernel.py"):
            shutil.copy(os.path.join(HERE, "files", f), self.art)
        cc = os.environ.get("CC", "cc")
        subprocess.run([cc, "-O1", "-o", os.path.join(self.art, "hello"),
                        os.path.join(HERE, "files/hello.c")], check=True)
        subprocess.run([cc, "-O1", "-shared", "-fPIC", "-o", os.path.join(self.art, "evil.so"),
                        os.path.join(HERE, "files/evil.c")], check=True)
        for f in os.listdir(self.art):
            os.chmod(os.path.join(self.art, f), 0o755)
        self.nvol = 0

    # ---- reporting --------------------------------------------------------
    def result(self, verdict, name, reason):
        self.results.append((verdict, name, reason))
        print("%s %s: %s" % (verdict, name, reason), flush=True)

    def check(self, name, ok, reason, bug=None):
        if not ok and bug:
            reason += " [known: %s]" % bug
        self.result("PASS" if ok else "FAIL", name, reason)
        return ok

    def skip(self, name, reason):
        self.result("SKIP", name, reason)

    def summary(self):
        n = {v: sum(1 for r in self.results if r[0] == v) for v in ("PASS", "FAIL", "SKIP")}
        strict = os.environ.get("RAMPART_STRICT_SKIPS") == "1"
        for v, name, reason in self.results:
            if v == "FAIL" or (v == "SKIP" and strict):
                print("  %s %s: %s" % (v, name, reason))
        print("container-test: %d passed, %d failed, %d skipped" % (n["PASS"], n["FAIL"], n["SKIP"]))
        return 1 if n["FAIL"] or (strict and n["SKIP"]) else 0

    def run_all(self):
        for name in ("image", "service", "preload", "attack", "kernel_abis", "last_event", "start_modes",
                     "seccomp_export", "compose", "scan"):
            if self.only and self.only not in name:
                continue
            t = time.monotonic()
            try:
                getattr(self, "c_" + name)()
            except Exception as ex:
                self.check(name, False, "raised %s: %s" % (type(ex).__name__, ex))
            log("%s: %.1f s" % (name, time.monotonic() - t))

    # ---- helpers --------------------------------------------------------------
    def docker(self, *args, **kw):
        return self.e.docker(*args, **kw)

    def volumes(self, tag):
        """Fresh named volumes for compose.yaml's volume mounts."""
        flags = []
        for name, path in self.vols:
            vname = "%s%s-%s" % (PREFIX, tag, name)
            self.docker("volume", "rm", "-f", vname)
            self.docker("volume", "create", vname, check=True)
            flags += ["-v", "%s:%s" % (vname, path)]
        return flags

    def run(self, flags, cmd=(), image=IMG, timeout=120):
        return self.docker("run", "--rm", "--network", "none", *flags, image, *cmd,
                           timeout=timeout)

    def seed(self, volflags, image=IMG):
        """Put a program with exec bits into the uploads volume, from outside
        the loader (as another container sharing the volume could)."""
        self.run(volflags + ["--user", "1000:1000", "-v", self.art + ":/art:ro",
                             "--entrypoint", "/bin/sh"],
                 ["-c", "for f in wx-exec wx-ldso wx-cap; do cp /art/hello /app/uploads/$f"
                  " && chmod 0755 /app/uploads/$f; done"], image=image)

    # ---- the image --------------------------------------------------------------
    def c_image(self):
        cfg = json.loads(self.docker("image", "inspect", IMG, check=True).stdout)[0]
        c = cfg["Config"]
        hc = (c.get("Healthcheck") or {}).get("Test") or []
        self.check("image.config", c.get("User") == "1000:1000" and c.get("Entrypoint") == ENTRY
                   and len(hc) > 1 and "/health" in " ".join(hc),
                   "User %s, Entrypoint %s, Healthcheck %s; image size %.0f MB"
                   % (c.get("User"), c.get("Entrypoint"), hc, cfg["Size"] / 1e6))
        vol = self.volumes("img")
        p = self.run(self.hard + vol, ["sh", "-c", "whoami; id; getent passwd 1000"])
        out = p.stdout.split("\n")
        name = out[2].split(":")[0] if len(out) > 2 else "?"
        self.check("image.whoami-id", p.returncode == 0 and out[0] == name and re.fullmatch(
            r"uid=1000\(%s\) gid=1000\(\w+\).*" % re.escape(name), out[1]) is not None,
            "rc=%d %r" % (p.returncode, out[:2]))
        p = self.run(self.hard + vol, ["find", "/app", "-printf", r"%m %u %y %p\n"])
        modes = {}
        for line in p.stdout.splitlines():
            m, u, y, path = line.split(" ", 3)
            modes[path] = (m, u, y)
        bad = []
        for path, (m, u, y) in modes.items():
            if path in ("/app/logs", "/app/uploads", "/app/tmp", "/app/.cache"):
                want = ("700", name, "d")
            elif path in ("/app", "/app/src") or path.startswith("/app/src/"):
                want = ("755" if y == "d" else "644", "root", y)
            else:
                continue
            if (m, u, y) != want:
                bad.append("%s is %s %s, want %s %s" % (path, m, u, want[0], want[1]))
        self.check("image.modes", p.returncode == 0 and not bad and "/app/src/main.py" in modes,
                   "; ".join(bad) or "dirs 755, files 644 root's; logs, uploads, tmp, .cache 700 %s's"
                   " (%d entries)" % (name, len(modes)))
        p = self.run(self.hard, ["sh", "-c", "python3 --version; dpkg-query -W -f '${Version}' python3"])
        lines = p.stdout.split("\n")
        m = re.fullmatch(r"Python (\d+\.\d+\.\d+)", lines[0])
        self.check("image.python", p.returncode == 0 and m is not None and len(lines) > 1
                   and lines[1].startswith(m.group(1)),
                   "%r (Debian package python3 %s)" % (lines[0], lines[1:2]))

    # ---- the service as compose.yaml runs it -------------------------------------
    def c_service(self):
        vol = self.volumes("web")
        name = PREFIX + "web"
        self.docker("rm", "-f", name)
        self.docker("run", "-d", "--name", name, "--network", "none", "--health-interval=1s",
                    *self.hard, *vol, IMG, check=True)
        t = time.monotonic()
        state = ""
        while time.monotonic() - t < 40:
            state = self.docker("inspect", "-f", "{{.State.Health.Status}} {{.State.Status}}",
                                name).stdout.strip()
            if state.startswith(("healthy", "unhealthy")) or "exited" in state:
                break
            time.sleep(0.5)
        self.check("service.healthy", state.startswith("healthy"),
                   "%s after %.1f s (the image's HEALTHCHECK, run every 1 s)"
                   % (state, time.monotonic() - t))
        logs = self.docker("logs", name)
        reps = startup_reports(logs.stderr)
        r = reps[0] if reps else {}
        ll, sc = r.get("landlock", {}), r.get("seccomp", {})
        self.check("service.startup-report", len(reps) == 1 and r["mode"] == "enforce"
                   and r["uid"] == 1000 and r["gid"] == 1000 and r["caps_kept"] == []
                   and r["no_new_privs"] is True and ll.get("state") == "enforced"
                   and sc.get("state") == "enforced" and r["errors"] == [],
                   "report in docker logs: mode %s uid %s landlock %s (abi %s, %s rules) "
                   "seccomp %s" % (r.get("mode"), r.get("uid"), ll.get("state"), ll.get("abi"),
                                   ll.get("rules"), sc.get("state")))
        warn = [w for w in r.get("warnings", []) if "bounding set" in w]
        self.check("service.no-false-bounding-warning", not warn,
                   "warnings %s" % r.get("warnings"), bug="issue 12 bug 6: false bounding-set warning")
        st = status_fields(self.docker("exec", name, "cat", "/proc/1/status").stdout)
        cmdline = self.docker("exec", name, "cat", "/proc/1/cmdline").stdout.split("\0")
        self.check("service.pid1", cmdline[:3] == ["python3", "-m", "uvicorn"]
                   and st.get("Uid", "").split()[:1] == ["1000"]
                   and int(st.get("CapBnd", "1"), 16) == 0 and int(st.get("CapEff", "1"), 16) == 0
                   and st.get("NoNewPrivs") == "1" and st.get("Seccomp") == "2",
                   "PID 1 %s: Uid %s CapBnd %s NoNewPrivs %s Seccomp %s" % (
                       " ".join(cmdline[:3]), st.get("Uid"), st.get("CapBnd"),
                       st.get("NoNewPrivs"), st.get("Seccomp")))
        # docker exec (and the HEALTHCHECK, run the same way) starts beside
        # the loader: Docker's seccomp filter only, no shim in its environment
        st_x = status_fields(self.docker("exec", name, "cat", "/proc/self/status").stdout)
        env_x = self.docker("exec", name, "env").stdout
        self.check("service.docker-exec-outside-loader",
                   st.get("Seccomp_filters") == "2" and st_x.get("Seccomp_filters") == "1"
                   and "LD_PRELOAD=" not in env_x,
                   "PID 1 has %s seccomp filters, a docker exec process %s, LD_PRELOAD %s" % (
                       st.get("Seccomp_filters"), st_x.get("Seccomp_filters"),
                       "set" if "LD_PRELOAD=" in env_x else "unset"))
        body = "upload-%d" % os.getpid()
        p = self.docker("exec", name, "python3", "-c",
                        "import urllib.request as u,sys; r=u.urlopen(u.Request("
                        "'http://127.0.0.1:8000/upload', data=sys.argv[1].encode(), method='POST'),"
                        " timeout=5); print(r.read().decode())", body)
        stored = json.loads(p.stdout).get("stored", "") if p.returncode == 0 else ""
        mounts = dict(reversed(v.split(":")) for v in vol[1::2])
        vu, vl = mounts["/app/uploads"], mounts["/app/logs"]
        got = self.run(["--user", "1000:1000", "-v", vu + ":/v:ro", "--entrypoint", "cat"],
                       ["/v/" + stored], image=IMG).stdout if stored else ""
        applog = self.run(["--user", "1000:1000", "-v", vl + ":/v:ro", "--entrypoint", "cat"],
                          ["/v/app.log"], image=IMG).stdout
        self.check("service.upload-in-volume", stored != "" and got == body,
                   "stored %r in volume %s (content %s)" % (stored, vu, "matches" if got == body else repr(got)))
        self.check("service.log-in-volume", stored != "" and ("stored upload %s" % stored) in applog,
                   "app.log in volume %s: %r" % (vl, applog.strip()[-120:]))
        t = time.monotonic()
        self.docker("stop", name)
        dt = time.monotonic() - t
        code = self.docker("inspect", "-f", "{{.State.ExitCode}}", name).stdout.strip()
        self.check("service.docker-stop", code == "0" and dt < 1.0,
                   "uvicorn exited %s after %.2f s" % (code, dt))
        self.docker("rm", "-f", name)
        # the app's own status, whatever it is, becomes the container's
        name = PREFIX + "stop"
        self.docker("rm", "-f", name)
        self.docker("run", "-d", "--name", name, "--network", "none", *self.hard, IMG, "python3", "-c",
                    "import signal, sys, time\n"
                    "signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n"
                    "print('ready', flush=True)\n"
                    "time.sleep(60)", check=True)
        t = time.monotonic()
        while "ready" not in self.docker("logs", name).stdout and time.monotonic() - t < 20:
            time.sleep(0.2)
        t = time.monotonic()
        self.docker("stop", name)
        dt = time.monotonic() - t
        code = self.docker("inspect", "-f", "{{.State.ExitCode}}", name).stdout.strip()
        self.check("service.stop-status", code == "42" and dt < 1.0,
                   "an app exiting 42 on SIGTERM: container exit %s after %.2f s" % (code, dt))
        self.docker("rm", "-f", name)
        # an app without a SIGTERM handler: --init (tini) under the loader
        # forwards the signal, and the app dies of it
        self.docker("run", "-d", "--name", name, "--network", "none", "--init", *self.hard, IMG,
                    "python3", "-c", "import time; print('ready', flush=True); time.sleep(60)", check=True)
        t = time.monotonic()
        while "ready" not in self.docker("logs", name).stdout and time.monotonic() - t < 20:
            time.sleep(0.2)
        t = time.monotonic()
        self.docker("stop", name)
        dt = time.monotonic() - t
        code = self.docker("inspect", "-f", "{{.State.ExitCode}}", name).stdout.strip()
        self.check("service.stop-init", code == "143" and dt < 1.0,
                   "no SIGTERM handler, --init: container exit %s after %.2f s" % (code, dt))
        self.docker("rm", "-f", name)

    # ---- the Dockerfile's optional /etc/ld.so.preload line, uncommented ------
    def c_preload(self):
        line = "# RUN echo /usr/local/lib/rampart/librampart.so > /etc/ld.so.preload"
        with open(os.path.join(SRC, "docs/examples/Dockerfile")) as f:
            text = f.read()
        if not self.check("preload.line-in-dockerfile", line in text, "the commented RUN line"):
            return
        df = os.path.join(self.work, "Dockerfile.preload")
        with open(df, "w") as f:
            f.write(text.replace(line, line[2:]))
        self.e.build(PRELOAD_IMG, df, SRC, ["BASE=" + BASE_IMAGE])
        name = PREFIX + "preload"
        self.docker("rm", "-f", name)
        # not read-only: root in a docker exec shell owns /app/src, so only
        # the preloaded shim stands between it and the code
        self.docker("run", "-d", "--name", name, "--network", "none",
                    *[f for f in self.hard if f != "--read-only"],
                    *self.volumes("pre"), PRELOAD_IMG, check=True)
        try:
            for user in ("1000", "0"):
                p = self.docker("exec", "-u", user, name, "sh", "-c", "echo x > /app/src/x")
                ev = [(x["decision"], x["rule"]) for x in events(p.stderr)]
                # uid 1000 the kernel refuses anyway (no event); root only the shim
                want = ([("deny", "writable-path")],) if user == "0" else ([], [("deny", "writable-path")])
                self.check("preload.exec-as-%s-write-denied" % user,
                           p.returncode != 0 and ev in want,
                           "docker exec -u %s sh -c 'echo x > /app/src/x': rc %d, events %s" % (
                               user, p.returncode, ev))
            p = self.docker("exec", name, "sh", "-c", "true; ls / >/dev/null")
            ev = events(p.stderr)
            self.check("preload.exec-quiet", p.returncode == 0 and ev == [],
                       "commands of a docker exec shell log nothing: %s" % [
                           (x["decision"], x["rule"]) for x in ev],
                       bug="issue 12 bug 6: sticky-env event for every docker exec command")
        finally:
            self.docker("rm", "-f", name)

    # ---- an attacker's code under the entry point -----------------------------
    def attack(self, image, audit, gcc):
        tag = "%s-%s" % ("gcc" if gcc else "web", "audit" if audit else "enforce")
        vol = self.volumes(tag)
        self.seed(vol, image)
        flags = self.hard + vol + ["-v", self.art + ":/art:ro"]
        cmd = ["python3", "/art/attack.py"] + (["--gcc"] if gcc else [])
        if audit:
            flags += ["--entrypoint", "rampart"]
            cmd = ["--audit", "--policy", POLICY, "--"] + cmd
        p = self.run(flags, cmd, image=image)
        res = {}
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                d = json.loads(line)
                res[d["op"]] = d
        return p, res, events(p.stderr)

    def judge(self, prefix, table, res, evs, audit):
        for op, paths, enforce, (a_results, a_events, a_decisions) in table:
            r = res.get(op)
            ev = [x for x in evs if event_key(x) in (paths or ())]
            name = "%s.%s" % (prefix, op)
            if r is None:
                self.check(name, False, "no result (attack.py stopped?)", bug=BUG.get(op))
                continue
            got = "ok" if r["ok"] else r.get("errno")
            if r.get("rc") not in (None, 0):
                got = "rc=%d" % r["rc"]
            desc = "%s; events %s" % (got, [(x["decision"], x["rule"]) for x in ev])
            if paths is None:  # a step: its outcome only
                ok = got in (a_results if audit else enforce[0][0])
            elif not audit:
                ok = any(got in results and [x["decision"] for x in ev] == ([dec] if dec else [])
                         and (rule is None or ev[0]["rule"] == rule)
                         for results, dec, rule in enforce)
                ok = ok and "DROPPED" not in r.get("out", "")
            else:
                counts = a_events if isinstance(a_events, tuple) else (a_events,)
                ok = got in a_results and len(ev) in counts \
                    and all(x["decision"] in a_decisions for x in ev) \
                    and len({x["pid"] for x in ev}) <= 1
            self.check(name, ok, desc, bug=BUG.get(op))

    def c_attack(self):
        for audit in (False, True):
            mode = "audit" if audit else "enforce"
            p, res, sec = self.attack(IMG, audit, gcc=False)
            reps = startup_reports(p.stderr)
            self.check("attack.%s.startup" % mode, len(reps) == 1 and reps[0]["mode"] == mode,
                       "rc=%d, startup mode %s" % (p.returncode, reps[0]["mode"] if reps else None))
            self.judge("attack.%s" % mode, ATTACK, res, sec, audit)
            if not audit:
                r = res.get("modes of setid", {})
                self.check("attack.enforce.setid-modes-kept", r.get("value") == ["0o644", "0o644"],
                           "modes after the denied chmods: %s" % r.get("value"))
                r = res.get("mode of copy", {})
                self.check("attack.enforce.copy-has-no-exec-bits",
                           r.get("ok") and int(r["value"], 8) & 0o111 == 0,
                           "mode of the copied program after chmod 0755: %s" % r.get("value"))
                self.check("attack.enforce.dropped-binary-never-ran",
                           "DROPPED_BINARY_RAN" not in p.stdout + p.stderr, "no output of the program")
            else:
                r = res.get("exec seeded", {})
                self.check("attack.audit.dropped-binary-ran", "DROPPED_BINARY_RAN" in r.get("out", ""),
                           "audit lets it run: %r" % r.get("out"))
            r = res.get("dlopen /app/tmp/evil.so", {})
            if not audit:
                self.check("attack.enforce.no-dropped-so-loaded",
                           r.get("ok") is False and "EVIL_SO_LOADED" not in p.stderr,
                           "ctypes.CDLL from the tmpfs: %s; no constructor ran" % r.get("msg"))
            else:
                # audit lets the shim's refusal through: the noexec mount holds
                self.check("attack.audit.noexec-tmpfs-stops-dlopen",
                           r.get("ok") is False and "failed to map" in r.get("msg", ""),
                           "ctypes.CDLL of a .so dropped on the noexec tmpfs: %s" % r.get("msg"))
                self.check("attack.audit.dropped-so-loaded-from-volume",
                           res.get("dlopen /app/uploads/evil-dl.so", {}).get("value") == 42,
                           "audit lets ctypes.CDLL load it: evil() = %s" % res.get(
                               "dlopen /app/uploads/evil-dl.so", {}).get("value"))
        for audit in (False, True):
            mode = "audit" if audit else "enforce"
            p, res, sec = self.attack(GCC_IMG, audit, gcc=True)
            self.judge("gcc.%s" % mode, GCC_ATTACK, res, sec, audit)

    # ---- the kernel's layers at every Landlock ABI ---------------------------
    def kernel_run(self, vol, abi=None):
        flags = [f for f in self.hard if f != "--read-only"] + vol + ["-v", self.art + ":/art:ro"]
        if abi is not None:
            flags += ["-e", "%s=%d" % (LANDLOCK_ABI_VAR, abi)]
        # /var/tmp: the kernel would let uid 1000 write there (mode 1777,
        # not read-only here), so the shim's refusal is the one seen
        p = self.run(flags, ["sh", "-c", "echo x > /var/tmp/shim-x; python3 /art/kernel.py"])
        reps = startup_reports(p.stderr)
        lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
        return p, (reps[0] if reps else {}), (json.loads(lines[0]) if lines else {})

    def kernel_check(self, name, p, rep, res):
        ll = rep.get("landlock", {})
        wdeny = [x for x in events(p.stderr) if x["rule"] == "writable-path"
                 and x["path"] == "/var/tmp/shim-x" and x["decision"] == "deny"]
        ok = (ll.get("state") == "enforced" and res.get("create /var/tmp/x") == "EACCES"
              and res.get("create /app/tmp/x") == "ok"
              and res.get("execve /app/uploads/wx-exec") == "EACCES"
              and res.get("ld.so /app/tmp/hello past the shim") == "failed to map"
              and len(wdeny) == 1 and "DROPPED_BINARY_RAN" not in p.stdout)
        self.check(name, ok, "landlock abi %s %s; kernel answers %s; shim write denials %d"
                   % (ll.get("abi"), ll.get("state"), res, len(wdeny)))

    def c_kernel_abis(self):
        vol = self.volumes("abi")
        self.seed(vol)
        p, rep, res = self.kernel_run(vol)
        top = rep.get("landlock", {}).get("abi", 0)
        self.kernel_check("landlock.abi-%s(kernel)" % top, p, rep, res)
        if not top or top < 2:
            self.skip("landlock.lower-abis", "the kernel's ABI is %s: no lower ABI to run" % top)
            return
        p, rep, res = self.kernel_run(vol, 1)
        if rep.get("landlock", {}).get("abi") != 1:
            self.skip("landlock.lower-abis", "the loader does not honour %s=1 yet (startup report "
                      "says abi %s); the per-ABI loop needs it [known: issue 12, Landlock ABI cap]"
                      % (LANDLOCK_ABI_VAR, rep.get("landlock", {}).get("abi")))
            return
        for abi in range(1, top):
            if abi > 1:
                p, rep, res = self.kernel_run(vol, abi)
            got = rep.get("landlock", {}).get("abi")
            if got != abi:
                self.check("landlock.abi-%d" % abi, False, "report says abi %s" % got)
                continue
            self.kernel_check("landlock.abi-%d" % abi, p, rep, res)

    def c_last_event(self):
        """The event of the command's last call, just before PID 1 exits
        (and the kernel ends every other process of the container)."""
        flags = [f for f in self.hard if f != "--read-only"]
        got = []
        for _ in range(5):
            p = self.run(flags, ["sh", "-c", "echo x > /var/tmp/last"])
            got.append(sum(1 for x in events(p.stderr) if x["path"] == "/var/tmp/last"))
        self.check("events.last-call-before-exit", got == [1] * 5,
                   "events of `echo x > /var/tmp/last` as the container's last act, 5 runs: %s" % got)

    # ---- every start mode a user has ---------------------------------------
    def start_mode(self, name, flags, must_work, bug=None, image=IMG):
        probe = ("grep -E '^(Uid|CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status; "
                 "if (echo x > /app/src/x) 2>/dev/null; then echo WROTE; fi")
        p = self.run(flags, ["sh", "-c", probe], image=image)
        chk = self.run(flags + ["--entrypoint", "rampart"],
                       ["--check", "--json", "--policy", POLICY, "--", "sh"], image=image)
        plan = startup_reports(chk.stdout, "plan")
        st = status_fields(p.stdout)
        if p.returncode == 0:
            # started as root the loader can and must empty the bounding
            # set; uid 1000 cannot (no CAP_SETPCAP), and under no_new_privs
            # the bounding set grants nothing
            root = "0:0" in flags
            ok = (st.get("Uid", "").split() == ["1000"] * 4
                  and int(st.get("CapPrm", "1"), 16) == 0 and int(st.get("CapEff", "1"), 16) == 0
                  and (not root or int(st.get("CapBnd", "1"), 16) == 0)
                  and st.get("NoNewPrivs") == "1" and "WROTE" not in p.stdout)
            why = "works: app Uid %s CapEff %s CapBnd %s NoNewPrivs %s, /app/src write denied" % (
                st.get("Uid", "").split()[:1], st.get("CapEff"), st.get("CapBnd"), st.get("NoNewPrivs"))
        else:
            msg = " ".join(l for l in p.stderr.splitlines() if not l.startswith("{"))
            # a refusal must say what to change, not only what failed
            ok = p.returncode == 125 and not must_work and re.search(
                r"(?i)hint|cap_set|--user|user:|cap-add|cap_add", msg) is not None
            why = "refused (rc %d): %s" % (p.returncode, msg[:300])
        # --check says what the run does
        agree = (chk.returncode == 0) == (p.returncode == 0) and len(plan) == 1 \
            and (plan[0].get("errors") == []) == (p.returncode == 0)
        self.check("start." + name, ok, why, bug=bug)
        self.check("start.%s.check-agrees" % name, agree,
                   "--check rc %d errors %s, run rc %d" % (
                       chk.returncode, plan[0].get("errors") if plan else None, p.returncode),
                   bug=bug)

    def c_start_modes(self):
        self.start_mode("root-default-caps", ["--user", "0:0"], True)
        self.start_mode("root-cap-drop-all", ["--user", "0:0", "--cap-drop", "ALL"], False,
                        bug="issue 12 bug 3: root + cap_drop ALL")
        self.start_mode("root-cap-drop-all-add-setuid-setgid-setpcap",
                        ["--user", "0:0", "--cap-drop", "ALL", "--cap-add", "SETUID",
                         "--cap-add", "SETGID", "--cap-add", "SETPCAP"], True)
        self.start_mode("user-1000", ["--user", "1000:1000"], True)
        self.start_mode("no-new-privileges", ["--security-opt", "no-new-privileges"], True)
        self.start_mode("read-only", ["--read-only"], True)
        self.start_mode("compose-settings", self.hard, True)

    def c_seccomp_export(self):
        # the build host has none of the image's writable dirs: a profile
        # does not depend on them
        prof = os.path.join(self.work, "seccomp-host.json")
        p = subprocess.run([os.path.join(self.build, "rampart"), "export-seccomp", "--policy",
                            os.path.join(SRC, "policies/python-web.policy")],
                           capture_output=True, text=True)
        with open(prof, "w") as f:
            f.write(p.stdout)
        self.check("seccomp.export-on-build-host", p.returncode == 0 and p.stdout.startswith("{"),
                   "rc %d %s" % (p.returncode, p.stderr.strip().splitlines()[-1:] if p.returncode else ""),
                   bug="issue 12 bug 4: export-seccomp needs the WritablePath dirs")
        # the profile as the image's own loader writes it
        prof = os.path.join(self.work, "seccomp.json")
        p = self.run(["--entrypoint", "rampart"], ["export-seccomp", "--policy", POLICY])
        with open(prof, "w") as f:
            f.write(p.stdout)
        if not self.check("seccomp.export-in-image", p.returncode == 0 and
                          json.loads(p.stdout).get("syscalls"), "rc %d, %d bytes" % (p.returncode, len(p.stdout))):
            return
        self.start_mode("seccomp-profile", self.hard + ["--security-opt", "seccomp=" + prof], True,
                        bug="issue 12 bug 1: the exported profile denies landlock_*")

    # ---- compose.yaml through docker-compose itself ----------------------------
    def c_compose(self):
        with open(COMPOSE) as f:
            doc = yaml.safe_load(f)
        web = doc["services"]["web"]
        # the same service; built from this tree on the local base, on an
        # internal network, nothing published, not restarted
        web["build"] = {"context": SRC, "dockerfile": "docs/examples/Dockerfile",
                        "network": "host", "args": {"BASE": BASE_IMAGE}}
        web.pop("ports", None)
        web["restart"] = "no"
        doc["networks"] = {"default": {"internal": True}}
        d = os.path.join(self.work, "compose")
        os.makedirs(d)
        cf = os.path.join(d, "compose.yaml")
        with open(cf, "w") as f:
            yaml.safe_dump(doc, f)
        env = dict(self.e.env, COMPOSE_DOCKER_CLI_BUILD="1", DOCKER_BUILDKIT="1")
        proj = PREFIX + "compose"

        def dc(*args, timeout=600):
            return subprocess.run(["/usr/bin/docker-compose", "--ansi", "never", "-p", proj, "-f", cf] + list(args),
                                  env=env, capture_output=True, text=True, timeout=timeout)
        try:
            p = dc("build")
            if not self.check("compose.build", p.returncode == 0,
                              "docker-compose build with COMPOSE_DOCKER_CLI_BUILD=1 DOCKER_BUILDKIT=1: rc %d %s"
                              % (p.returncode, p.stderr.strip()[-300:] if p.returncode else "")):
                return
            p = dc("up", "-d")
            cid = dc("ps", "-q", "web").stdout.strip()
            if not self.check("compose.up", p.returncode == 0 and cid != "", "rc %d %s" % (
                    p.returncode, p.stderr.strip()[-300:])):
                return
            t, ok = time.monotonic(), False
            while time.monotonic() - t < 30 and not ok:
                q = dc("exec", "-T", "web", "python3", "-c",
                       "import urllib.request as u; print(u.urlopen('%s', timeout=2).status)" % HEALTH_URL)
                ok = q.stdout.strip() == "200"
                if not ok:
                    time.sleep(0.5)
            self.check("compose.health", ok, "GET /health from inside the container: %s" % q.stdout.strip())
            ins = json.loads(self.docker("inspect", cid).stdout)[0]
            hc = ins["HostConfig"]
            net = list(ins["NetworkSettings"]["Networks"])
            netins = json.loads(self.docker("network", "inspect", net[0]).stdout)[0] if net else {}
            self.check("compose.settings", hc["ReadonlyRootfs"] and hc["CapDrop"] == ["ALL"]
                       and "no-new-privileges:true" in hc["SecurityOpt"]
                       and ins["Config"]["User"] == "1000:1000"
                       and all("noexec" in v for v in (hc.get("Tmpfs") or {}).values())
                       and len(hc.get("Tmpfs") or {}) == 3 and netins.get("Internal") is True
                       and not hc.get("PortBindings"),
                       "read_only %s cap_drop %s security_opt %s user %s tmpfs %s network %s internal %s"
                       % (hc["ReadonlyRootfs"], hc["CapDrop"], hc["SecurityOpt"], ins["Config"]["User"],
                          sorted(hc.get("Tmpfs") or {}), net, netins.get("Internal")))
            # the docs' pipeline: strip compose v1's prefix, parse the JSON
            q = dc("logs", "--no-color", "web")
            lines = [re.sub(r"^[^|]*\| ", "", l) for l in (q.stdout + q.stderr).splitlines()]
            reps = startup_reports("\n".join(lines))
            self.check("compose.logs-no-color", len(reps) == 1 and reps[0]["mode"] == "enforce",
                       "startup reports found after sed 's/^[^|]*| //': %d" % len(reps))
        finally:
            dc("down", "-v", "--timeout", "2")

    # ---- the tools.md CI snippet for `rampart scan` on the docs' own image -----
    def c_scan(self):
        with open(os.path.join(SRC, "docs/tools.md")) as f:
            text = f.read()
        m = re.search(r"### Example \(CI\)\n\n```sh\n(.*?)```", text, re.S)
        if not self.check("scan.snippet-found", m is not None and "rampart scan" in m.group(1),
                          "tools.md has a `### Example (CI)` sh block"):
            return
        script = m.group(1).replace("myapp:latest", IMG)
        d = os.path.join(self.work, "scan")
        os.makedirs(d)
        env = dict(self.e.env, PATH="%s:/usr/bin:/bin:/usr/sbin:/sbin" % self.build)
        p = subprocess.run(["sh", "-ec", script], cwd=d, env=env, capture_output=True, text=True)
        try:
            doc = json.load(open(os.path.join(d, "scan.json")))
            summ = doc["summary"]
        except (OSError, ValueError, KeyError):
            summ = {}
        self.check("scan.ci-snippet", p.returncode == 0 and summ.get("high") == 0 and summ.get("complete"),
                   "rc %d; summary %s %s" % (p.returncode, summ, p.stderr.strip()[-200:]))
        subprocess.run(["rm", "-rf", d])


def cleanup(e):
    ids = e.docker("ps", "-aq", "--filter", "name=" + PREFIX).stdout.split()
    if ids:
        e.docker("rm", "-f", *ids)
    vols = e.docker("volume", "ls", "-q", "--filter", "name=" + PREFIX).stdout.split()
    if vols:
        e.docker("volume", "rm", "-f", *vols)
    e.docker("network", "rm", PREFIX + "compose_default")


def prune(e):
    """Keep the cache from growing with every version of the tree built."""
    e.docker("image", "prune", "-f")
    e.docker("builder", "prune", "-f", "--keep-storage=4GB")


# ---- measurements (run.py --measure) ---------------------------------------
INLOOP = r"""
import os, statistics, subprocess, sys, time
def t(cmd, n=60):
    v = []
    for _ in range(n):
        s = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        v.append(time.perf_counter() - s)
    return statistics.median(v) * 1000
bare = t(['/bin/true'])
ld = t(['rampart', '--policy', '/etc/rampart/policy', '--', '/bin/true'])
print('uid %d: /bin/true %.2f ms, rampart -- /bin/true %.2f ms: the loader adds %.2f ms (medians of 60)'
      % (os.getuid(), bare, ld, ld - bare))
"""


def measure(e, work, rounds=10):
    hard, _ = compose_settings()
    variants = {
        "rampart ENTRYPOINT": ["run", "--rm", "--network", "none"] + hard + [IMG, "/bin/true"],
        "no ENTRYPOINT": ["run", "--rm", "--network", "none"] + hard + ["--entrypoint", "/bin/true", IMG],
    }
    times = {k: [] for k in variants}
    for _ in range(rounds):
        for k, cmd in variants.items():  # alternated
            t = time.perf_counter()
            p = e.docker(*cmd)
            times[k].append(time.perf_counter() - t)
            if p.returncode != 0:
                raise RuntimeError("%s: %s" % (k, p.stderr[-300:]))
    for k, v in times.items():
        log("measure: docker run --rm (compose settings), %s: median %.0f ms (min %.0f, max %.0f, n=%d)"
            % (k, statistics.median(v) * 1000, min(v) * 1000, max(v) * 1000, len(v)))
    for img in (IMG, GCC_IMG):
        p = e.docker("run", "--rm", "--network", "none", *hard, "--entrypoint", "python3", img, "-c", INLOOP)
        log("measure: in %s, %s" % (img, p.stdout.strip() or p.stderr.strip()[-300:]))
