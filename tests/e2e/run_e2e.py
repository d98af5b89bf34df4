#!/usr/bin/python3
"""run_e2e.py - a real service under the real loader, as in production.

Copies tests/e2e/app (an /app-like tree: src/ logs/ tmp/ uploads/ .cache/)
to a fresh directory under /var/tmp (not /tmp: /tmp is itself writable in
the policy, which would make the whole tree writable), derives a policy
from policies/python-web.policy by pointing its /app paths into that tree,
and starts, as root,

    rampart --policy TREE/policy -- /usr/bin/python3 -m uvicorn main:app ...

Then, over loopback, with a bounded number of requests and a bounded time:
  * /health answers while 8 clients post uploads (two big enough to spool
    to APP/tmp) and hit the /attack/* routes;
  * every upload lands in APP/uploads, byte for byte, owned by the policy's
    User; the app's log lines land in APP/logs/app.log;
  * every attack (write into APP/src, run gcc, chmod u+s, run a script
    written to APP/uploads) gets 403 with EACCES or EPERM, leaves no trace
    on disk, and the service keeps serving;
  * stderr holds the loader's startup report (one JSON line, before the
    app's own output) and one JSON deny event per attack, and no deny
    event for anything the legitimate requests did;
  * SIGTERM stops the service with uvicorn's own status, 0.

APP/src is chowned to the app's user, so file permissions alone would let
it write there: the denial must come from rampart.

Usage: run_e2e.py [--build DIR] [--requests N] [--concurrency N] [--keep]
Exit: 0 pass, 1 fail, 77 skipped (the reason is the last line of output).
"""
import argparse
import errno
import hashlib
import http.client
import json
import os
import pwd
import random
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"  # Debian's: starlette and uvicorn are its packages

# Used when policies/python-web.policy does not exist (yet): the same keywords.
FALLBACK_POLICY = """\
WritablePath /app/logs /app/uploads /app/tmp /app/.cache /tmp
OptionalWritablePath /dev/shm
MemfdExec deny
User 1000
Group 1000
Include compilers.policy
Landlock strict
CoreDumps no
Log stderr
"""
ATTACKS = ["write-source", "compiler", "setuid", "exec-upload"]
DENIED_ERRNOS = (errno.EACCES, errno.EPERM)
START_TIMEOUT = 30	# seconds for /health to answer
LOAD_TIMEOUT = 90	# seconds for all the requests
STOP_TIMEOUT = 20	# seconds between SIGTERM and exit


def say(msg):
    print(msg, flush=True)


def skip(reason):
    print(reason)
    sys.exit(77)


class Checks:
    def __init__(self):
        self.failed = []
        self.passed = 0

    def __call__(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
            say("  FAIL: " + what)
        return ok


# ---- the tree and the policy ----------------------------------------------

def make_tree(work, uid, gid):
    app = os.path.join(work, "app")
    shutil.copytree(os.path.join(HERE, "app"), app,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for d in ("src", "logs", "uploads", "tmp", ".cache"):
        os.makedirs(os.path.join(app, d), exist_ok=True)
    for dirpath, dirnames, filenames in os.walk(app):
        for n in dirnames + filenames:
            os.chown(os.path.join(dirpath, n), uid, gid)
    os.chown(app, uid, gid)
    return app


def derive_policy(work, app):
    """python-web.policy with /app moved to `app` and Include made
    absolute; returns (path, text, origin)."""
    origin = os.path.join(ROOT, "policies", "python-web.policy")
    if os.path.exists(origin):
        with open(origin) as f:
            text = f.read()
    else:
        text, origin = FALLBACK_POLICY, "built-in fallback"
    out = ["# derived from %s by tests/e2e/run_e2e.py" % origin]
    for line in text.splitlines():
        toks = line.split()
        if not toks or toks[0].startswith("#"):
            out.append(line)
            continue
        kw, args = toks[0], toks[1:]
        if kw in ("WritablePath", "OptionalWritablePath", "ExecWritablePath"):
            args = [app + a[4:] if a == "/app" or a.startswith("/app/") else a
                    for a in args]
        elif kw == "Include":
            inc = os.path.join(ROOT, "policies", args[0])
            if not os.path.isabs(args[0]) and not os.path.exists(inc):
                continue  # compilers.policy not written yet
            args = [a if os.path.isabs(a) else inc for a in args]
        out.append(" ".join([kw] + args))
    path = os.path.join(work, "policy")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path, "\n".join(out), origin


def policy_ids(text):
    """The uid/gid the loader should switch to, from User/Group."""
    user = group = None
    for line in text.splitlines():
        toks = line.split()
        if len(toks) == 2 and toks[0] == "User":
            user = toks[1]
        elif len(toks) == 2 and toks[0] == "Group":
            group = toks[1]
    if user is None:
        return None, None
    pw = pwd.getpwuid(int(user)) if user.isdigit() else pwd.getpwnam(user)
    return pw.pw_uid, int(group) if group and group.isdigit() else pw.pw_gid


# ---- HTTP -------------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(port, method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t0 = time.monotonic()
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, data, time.monotonic() - t0
    finally:
        c.close()


def multipart(name, data):
    boundary = "rampart%016x" % random.getrandbits(64)
    head = ('--%s\r\nContent-Disposition: form-data; name="file"; '
            'filename="%s"\r\nContent-Type: application/octet-stream\r\n\r\n'
            % (boundary, name)).encode()
    body = head + data + ("\r\n--%s--\r\n" % boundary).encode()
    return body, {"Content-Type": "multipart/form-data; boundary=" + boundary}


def wait_health(port, proc, deadline):
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        try:
            st, data, _ = request(port, "GET", "/health", timeout=2)
            if st == 200:
                return json.loads(data)
        except OSError:
            pass
        time.sleep(0.2)
    return None


# ---- the load -----------------------------------------------------------------

def plan_jobs(n):
    """n requests: a fifth attacks (round robin), two fifths uploads (two
    of them 3 MiB, spooled to APP/tmp by Starlette), the rest /health."""
    rnd = random.Random(1234)
    jobs = []
    for i in range(n):
        if i % 5 == 0:
            jobs.append(("attack", ATTACKS[(i // 5) % len(ATTACKS)], None))
        elif i % 5 in (1, 2):
            size = 3 << 20 if i in (1, 2) else rnd.randint(1, 64 << 10)
            jobs.append(("upload", "u%04d.bin" % i, rnd.randbytes(size)))
        else:
            jobs.append(("health", None, None))
    return jobs


def run_job(port, job):
    kind, name, data = job
    try:
        if kind == "health":
            st, body, dt = request(port, "GET", "/health")
        elif kind == "upload":
            b, h = multipart(name, data)
            st, body, dt = request(port, "POST", "/upload", b, h)
        else:
            st, body, dt = request(port, "POST", "/attack/" + name, b"")
        return job, st, body, dt, None
    except OSError as e:
        return job, None, b"", 0.0, e


# ---- stderr -------------------------------------------------------------------

def parse_stderr(text):
    """(startup reports, deny events, index of the first non-JSON line)"""
    reports, events = [], []
    first_other = None
    for i, line in enumerate(text.splitlines()):
        start = line.find('{"rampart":')
        if start < 0:
            if first_other is None and line.strip():
                first_other = i
            continue
        try:
            rec = json.loads(line[start:])
        except ValueError:
            continue
        if rec.get("rampart") == "startup":
            reports.append((i, rec))
        elif rec.get("rampart") in ("shim", "relay"):
            continue    # the shim's live line, the relay's notes (docs/events.md)
        else:
            events.append(rec)
    return reports, events, first_other


def attack_of(ev, app):
    """Which attack an event belongs to, or None."""
    path = ev.get("path") or ""
    argv = ev.get("argv") or []
    if path == os.path.join(app, "src", "injected.py"):
        return "write-source"
    if "gcc" in (os.path.basename(path), os.path.basename(argv[0]) if argv
                 else ""):
        return "compiler"
    base = os.path.basename(path)
    if path.startswith(os.path.join(app, "uploads")):
        if base.startswith("setuid-"):
            return "setuid"
        if base.startswith("run-"):
            return "exec-upload"
    return None


# ---- main -------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get(
        "RAMPART_BUILD", os.path.join(ROOT, "build")))
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--keep", action="store_true", help="keep the tree")
    ap.add_argument("--direct", action="store_true",
                    help="debug the app and driver without the loader: run "
                    "uvicorn as root with LD_PRELOAD (skips the loader's "
                    "checks: user, startup report)")
    a = ap.parse_args()

    build = os.path.abspath(a.build)
    loader = os.path.join(build, "rampart")
    if os.geteuid() != 0:
        skip("e2e: needs root (the loader switches to the policy's User)")
    r = subprocess.run([PYTHON, "-c", "import starlette, uvicorn, multipart"],
                       capture_output=True)
    if r.returncode != 0:
        skip("e2e: python3-starlette, python3-uvicorn or python3-multipart "
             "is missing")
    if not os.access(loader, os.X_OK):
        skip("e2e: %s not built (run make)" % loader)

    work = tempfile.mkdtemp(prefix="rampart-e2e.", dir="/var/tmp")
    os.chmod(work, 0o755)
    check = Checks()
    proc = None
    finished = False
    err_path = os.path.join(work, "stderr")
    try:
        path0, text0, origin = derive_policy(work, os.path.join(work, "app"))
        uid, gid = policy_ids(text0)
        if uid is None:
            say("e2e: FAIL: the policy (%s) sets no User" % origin)
            return 1
        app = make_tree(work, uid, gid)
        policy = path0
        say("e2e: tree %s, policy derived from %s, user %d:%d" % (
            app, origin, uid, gid))

        # the loader and its shim from a directory no policy makes
        # writable (a build tree beneath /tmp would be: the loader refuses
        # a shim the app could replace)
        opt = os.path.join(work, "opt")
        os.mkdir(opt, 0o755)
        for name in ("rampart", "librampart.so"):
            shutil.copy2(os.path.join(build, name), os.path.join(opt, name))
        loader = os.path.join(opt, "rampart")
        port = free_port()
        cmd = [loader, "--policy", policy, "--", PYTHON, "-m", "uvicorn",
               "--app-dir", os.path.join(app, "src"), "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "main:app"]
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": app,
               "LANG": "C.UTF-8", "TMPDIR": os.path.join(app, "tmp"),
               "XDG_CACHE_HOME": os.path.join(app, ".cache"),
               "PYTHONDONTWRITEBYTECODE": "1"}
        if a.direct:
            cmd = cmd[cmd.index("--") + 1:]
            env.update(LD_PRELOAD=os.path.join(build, "librampart.so"),
                       RAMPART_POLICY=policy)
            uid = 0
        errf = open(err_path, "wb")
        t_start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=app, env=env, stdin=subprocess.DEVNULL,
                                stdout=errf, stderr=errf)
        h = wait_health(port, proc, t_start + START_TIMEOUT)
        if not check(h is not None, "/health answered within %ds (exit %s)" % (
                START_TIMEOUT, proc.poll())):
            return 1
        say("e2e: serving after %.2fs: %s" % (time.monotonic() - t_start, h))
        check(h.get("uid") == uid, "the app runs as uid %d (got %s)" % (
            uid, h.get("uid")))
        check(h.get("pid") == proc.pid, "the loader exec'd the app in place "
              "(pid %d, app says %s)" % (proc.pid, h.get("pid")))

        # the load: bounded in count and time
        jobs = plan_jobs(a.requests)
        t0 = time.monotonic()
        with ThreadPoolExecutor(a.concurrency) as ex:
            futs = [ex.submit(run_job, port, j) for j in jobs]
            results = [f.result(timeout=max(1, LOAD_TIMEOUT -
                                            (time.monotonic() - t0)))
                       for f in futs]
        load_s = time.monotonic() - t0
        lat = sorted(r[3] for r in results if r[1] is not None)
        say("e2e: %d requests, %d concurrent, in %.2fs: %.0f req/s, latency "
            "p50 %.1f ms, p95 %.1f ms, max %.1f ms" % (
                len(results), a.concurrency, load_s, len(results) / load_s,
                1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * .95)],
                1000 * lat[-1]))

        counts = {}
        for job, st, body, dt, exc in results:
            kind, name, data = job
            key = kind if kind != "attack" else "attack/" + name
            counts[key] = counts.get(key, 0) + 1
            if not check(exc is None, "%s %s: %s" % (kind, name, exc)):
                continue
            if kind == "health":
                check(st == 200, "/health -> %s %r" % (st, body[:200]))
            elif kind == "upload":
                if not check(st == 200, "upload %s -> %s %r" % (
                        name, st, body[:300])):
                    continue
                p = os.path.join(app, "uploads", name)
                try:
                    with open(p, "rb") as f:
                        on_disk = f.read()
                    sst = os.stat(p)
                except OSError as e:
                    check(False, "upload %s not in uploads/: %s" % (name, e))
                    continue
                check(hashlib.sha256(on_disk).digest() ==
                      hashlib.sha256(data).digest(),
                      "uploads/%s holds what was sent" % name)
                check(sst.st_uid == uid, "uploads/%s owned by %d (is %d)" % (
                    name, uid, sst.st_uid))
            else:
                try:
                    rep = json.loads(body)
                except ValueError:
                    rep = {}
                check(st == 403 and rep.get("denied") is True and
                      rep.get("errno") in DENIED_ERRNOS,
                      "attack %s -> %s %r (want 403 with EACCES or EPERM)" % (
                          name, st, body[:300]))
        say("e2e: requests by kind: %s" % ", ".join(
            "%s %d" % kv for kv in sorted(counts.items())))

        # after the attacks: still serving, no trace on disk
        st, body, _ = request(port, "GET", "/health")
        check(st == 200, "/health after the attacks -> %s" % st)
        check(not os.path.exists(os.path.join(app, "src", "injected.py")),
              "src/injected.py was not created")
        for n in os.listdir(os.path.join(app, "uploads")):
            m = os.lstat(os.path.join(app, "uploads", n)).st_mode
            check(not m & (stat.S_ISUID | stat.S_ISGID),
                  "uploads/%s has no set-id bit (mode %o)" % (n, m))
            check(not n.endswith(".part"), "no half-written upload %s" % n)
        ran = [n for n in os.listdir(os.path.join(app, "logs"))
               if n.startswith("exec-upload-ran")]
        check(not ran, "no script from uploads/ ran (%s)" % ran)
        tmp_left = [n for n in os.listdir(os.path.join(app, "tmp"))
                    if n != ".keep"]
        check(not tmp_left, "spooled uploads removed from tmp/ (%s)" % tmp_left)

        # logs
        try:
            with open(os.path.join(app, "logs", "app.log")) as f:
                loglines = f.read().splitlines()
        except OSError as e:
            loglines = []
            check(False, "logs/app.log: %s" % e)
        want = len(results) + 2  # + the first and last /health
        check(len(loglines) >= want, "logs/app.log has a line per request "
              "(%d lines, want >= %d)" % (len(loglines), want))
        check(sum("upload " in x for x in loglines) == counts.get("upload", 0),
              "logs/app.log has one line per upload")

        # SIGTERM: the app's own clean exit, through the loader (same pid)
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, "SIGTERM -> exit status 0 within %ds (got %s)" % (
            STOP_TIMEOUT, rc))
        errf.close()

        # stderr: the startup report, then the events
        with open(err_path, errors="replace") as f:
            err = f.read()
        reports, events, first_other = parse_stderr(err)
        if a.direct:
            reports = [(0, {"applied": True, "uid": 0, "policy": policy})]
        if check(len(reports) == 1, "one startup report on stderr (found %d)"
                 % len(reports)):
            line, rep = reports[0]
            check(a.direct or first_other is None or line < first_other,
                  "the startup report comes before the app's output")
            # rampart --check prints the same plan with "applied": false
            check(rep.get("applied", True) is not False and
                  rep.get("mode") == "enforce",
                  "startup report: applied, mode enforce (%s, %s)" % (
                      rep.get("applied"), rep.get("mode")))
            check(rep.get("uid") == uid, "startup report: uid %s" % rep.get("uid"))
            check(rep.get("policy") in (policy, os.path.realpath(policy)),
                  "startup report names the policy (%s)" % rep.get("policy"))
            say("e2e: startup report: landlock %s, seccomp %s, caps %s" % (
                (rep.get("landlock") or {}).get("state"),
                (rep.get("seccomp") or {}).get("state"),
                rep.get("caps_kept")))
        by_attack = {k: 0 for k in ATTACKS}
        stray = []
        for ev in events:
            k = attack_of(ev, app)
            if k and ev.get("decision") == "deny":
                by_attack[k] += ev.get("repeat", 1)   # the relay's count of identical ones
            elif not (k == "exec-upload" and ev.get("decision") == "fixed" and
                      ev.get("rule") == "wx-mode"):
                # (the upload's chmod 0755 is applied as 0644 and logged;
                # running it is the denial that counts)
                stray.append(ev)
        for k in ATTACKS:
            check(by_attack[k] >= counts.get("attack/" + k, 0) > 0,
                  "deny events for %s: %d for %d requests" % (
                      k, by_attack[k], counts.get("attack/" + k, 0)))
        check(not stray, "no event for the legitimate requests: %s" %
              [json.dumps(e)[:300] for e in stray[:5]])
        say("e2e: %d deny events: %s" % (len(events), ", ".join(
            "%s %d" % kv for kv in sorted(by_attack.items()))))
        say("e2e: total %.1fs" % (time.monotonic() - t_start))
        finished = True
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        failed = bool(check.failed) or not finished
        if failed or a.keep:
            say("e2e: kept %s (stderr of the service: %s)" % (work, err_path))
            if failed and os.path.exists(err_path):
                with open(err_path, errors="replace") as f:
                    tail = f.read()[-2000:]
                say("e2e: service stderr (tail):\n" + tail)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if check.failed:
        say("e2e: FAIL: %d of %d checks failed" % (
            len(check.failed), len(check.failed) + check.passed))
        return 1
    say("e2e: OK: %d checks passed" % check.passed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
