#!/usr/bin/python3
"""run.py - the driver of `make bench`.

Runs every workload bare, under a pass-through preload (the floor of any
LD_PRELOAD shim), under librampart.so (LD_PRELOAD + RAMPART_POLICY) and under
the full loader (`rampart --policy P -- ...`), in alternation
(A B C D A B C D ...) so that the drift of a shared machine falls on every
variant alike.  Reports the median of each and its ratio to bare, counts
instructions of the hot-path loops with callgrind (stable where wall time
is not), prints one table and writes it as JSON for comparison between
commits.

A variant that cannot run (the shim or loader missing or failing, bwrap not
installed) is reported as "n/a" with the reason; it never ends the run.
The benchmark reports; it never fails on a time.

    /usr/bin/python3 tests/bench/run.py [--build DIR] [--quick] [--only NAME,...]

BENCH_QUICK=1 in the environment is the same as --quick (under a minute).
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
PY_IMPORTS = "import json, email, http.server, sqlite3, asyncio, decimal, logging"
VARIANTS = ("bare", "passthrough", "shim", "loader")

# Iterations per process, processes per variant: (default, quick).
SIZES = {
    "fs_n": (10000, 3000),       # open/rename/unlink loops
    "unlink_n": (5000, 2000),
    "exec_n": (100, 30),         # posix_spawn, fork+execve
    "runs": (7, 3),              # processes per variant, alternated
    "py_start_rounds": (15, 5),
    "py_write_n": (10000, 3000),  # 10,000 files (the figure)
    "py_write_runs": (4, 2),
    "startup_rounds": (40, 10),
    "svc_n": (3000, 800),         # requests per service run
    "svc_runs": (5, 3),
    "cg_fs_n": (2000, 300),       # iterations under callgrind
    "cg_exec_n": (40, 10),
    "st_fs_n": (200, 100),        # iterations under strace (and twice that)
    "st_exec_n": (20, 10),
}

# loops.c workload, size key, target ratio to bare (None: no target), what
# the target is.  A target of 1.00 means strictly cheaper than bare: the
# denied open against the real syscall a bare run makes.  A name ending in
# QUIET runs the loops.c workload without it under the bench policy plus
# `Log none`: the decision without the event's write(2).
QUIET = "_quiet"
HOT = [
    ("open_ro", "fs_n", 1.02, "read-only open"),
    ("open_write", "fs_n", 1.10, "allowed write open"),
    ("open_denied", "fs_n", 1.00, "denial < real syscall"),
    ("open_denied_quiet", "fs_n", 1.00, "same, policy `Log none`"),
    ("fopen_w", "fs_n", 1.10, "allowed write open"),
    ("rename", "fs_n", None, ""),
    ("unlink", "unlink_n", None, ""),
    ("spawn", "exec_n", 1.05, "exec loop"),
    ("fork_exec", "exec_n", 1.05, "exec loop"),
    ("execve_enoent", "fs_n", None, "exec wrapper alone"),
    ("dlopen_path", "fs_n", None, "load+unload libz by path"),
    ("dlopen_name", "fs_n", None, "load+unload libz by soname"),
]
PY_START_TARGET = 1.03
PY_WRITE_TARGET = 1.10
# >= 0.97x the bare requests per second, as time per request: 1 / 0.97.
PY_SERVICE_TARGET = 1.031
APP_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "docs", "examples", "app")
LOADER_OVER_BARE_MS = 1.5

BENCH_POLICY = """\
# The policy of `make bench`: one writable tree and a DenyExec list of the
# size of a real image's, so that exec decisions match globs.
Mode enforce
WritablePath {tree}/w
DenyExec gcc gcc-* cc c++ g++ g++-* clang clang-* clang++ tcc
DenyExec ld ld.* as make gmake cmake ninja rustc cargo go javac
DenyExec /usr/lib/gcc/* /usr/libexec/gcc/*
"""
SERVICE_POLICY = """\
# The example service: the bench policy plus its upload and log dirs.
Include bench.policy
WritablePath {svc}/uploads {svc}/logs
"""
QUIET_POLICY = """\
Include bench.policy
Log none
"""

# The Landlock A/B (bench_landlock_ab): the loader with the default
# ruleset, without Landlock, handling only writes and exec (the floor of a
# Landlock that still confines writes and W^X), and handling every right;
# and the default ruleset where nothing is withheld (no DenyExec'd file
# found: what an image without compilers gets).
LL_AB_ROWS = ("open_ro", "open_write", "py_startup")
LL_AB_VARIANTS = ("bare", "ll-off", "ll-writes-exec", "ll-default", "ll-all", "ll-nodeny")
LL_AB_RIGHTS = {"ll-writes-exec": "writes-exec", "ll-default": "default", "ll-all": "all"}
LL_OFF_POLICY = """\
Include bench.policy
Landlock off
"""
LL_NODENY_POLICY = """\
WritablePath {tree}/w
"""


T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, build, quick, only):
        self.build = os.path.abspath(build)
        self.quick = quick
        self.only = only
        self.size = {k: v[1 if quick else 0] for k, v in SIZES.items()}
        self.bench_dir = os.path.join(self.build, "bench")
        self.loops = os.path.join(self.bench_dir, "loops")
        self.timeexec = os.path.join(self.bench_dir, "timeexec")
        self.passthrough = os.path.join(self.bench_dir, "libpassthrough.so")
        self.shim = os.path.join(self.build, "librampart.so")
        self.loader = os.path.join(self.build, "rampart")
        self.tmp = tempfile.mkdtemp(prefix="rampart-bench.", dir=bench_tmpdir())
        self.tree = os.path.realpath(os.path.join(self.tmp, "tree"))
        self.policy = os.path.join(self.tmp, "bench.policy")
        self.quiet_policy = os.path.join(self.tmp, "quiet.policy")
        self.ll_off_policy = os.path.join(self.tmp, "landlock-off.policy")
        self.ll_nodeny_policy = os.path.join(self.tmp, "landlock-nodeny.policy")
        self.errfile = os.path.join(self.tmp, "stderr")
        self.base_env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            # The same bytecode behaviour for every variant: a bare run
            # as root would write __pycache__ where the shim denies it.
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.na = {}        # variant -> reason it is n/a everywhere
        self.results = {"hot": [], "python": [], "startup": {}, "landlock": {},
                        "callgrind": {}}

    # ---- set-up ------------------------------------------------------------

    def setup(self):
        os.makedirs(os.path.join(self.tree, "w"))
        os.makedirs(os.path.join(self.tree, "ro"))
        with open(os.path.join(self.tree, "ro", "file"), "w") as f:
            f.write("read me\n")
        with open(self.policy, "w") as f:
            f.write(BENCH_POLICY.format(tree=self.tree))
        with open(self.quiet_policy, "w") as f:
            f.write(QUIET_POLICY)
        self.svc = os.path.join(self.tmp, "svc")
        for d in ("uploads", "logs"):
            os.makedirs(os.path.join(self.svc, d))
        self.svc_policy = os.path.join(self.tmp, "service.policy")
        with open(self.svc_policy, "w") as f:
            f.write(SERVICE_POLICY.format(svc=self.svc))
        for path, what in ((self.loops, "benchmark program"),
                           (self.timeexec, "benchmark program")):
            if not os.access(path, os.X_OK):
                sys.exit(f"bench: fatal: {path} missing ({what}); run `make bench`")
        if not os.path.exists(self.passthrough):
            self.na["passthrough"] = f"{self.passthrough} missing"
        if not os.path.exists(self.shim):
            self.na["shim"] = f"{self.shim} missing"
        if not os.access(self.loader, os.X_OK):
            self.na["loader"] = f"{self.loader} missing"

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env_for(self, variant, policy=None):
        env = dict(self.base_env)
        # "bare-aa" is bare again: the A/A control of a row.
        if variant == "passthrough":
            env["LD_PRELOAD"] = self.passthrough
        elif variant == "shim":
            env["LD_PRELOAD"] = self.shim
            env["RAMPART_POLICY"] = policy or self.policy
        return env

    def argv_for(self, variant, argv, policy=None):
        if variant == "loader":
            return [self.loader, "--policy", policy or self.policy, "--"] + argv
        return argv

    def wanted(self, name):
        return not self.only or name in self.only

    # ---- running ------------------------------------------------------------

    def run_json(self, variant, argv, policy=None, timeout=300):
        """Run one workload process; return (result dict, None) or
        (None, reason)."""
        try:
            with open(self.errfile, "wb") as err:
                p = subprocess.run(self.argv_for(variant, argv, policy),
                                   env=self.env_for(variant, policy),
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=err,
                                   timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {timeout}s"
        except OSError as e:
            return None, f"cannot run: {e}"
        for line in reversed(p.stdout.decode(errors="replace").splitlines()):
            if line.startswith("{"):
                try:
                    return json.loads(line), None
                except ValueError:
                    break
        return None, f"exit {p.returncode}: {first_line(self.errfile)}"

    def alternate(self, name, argv_of, runs, variants, between=None, policy=None):
        """Run each variant `runs` times in alternation.  argv_of(variant,
        run) gives the command; between() cleans up after each process.
        Returns {variant: {"ns_per_op": [...], ...} or {"na": reason}}."""
        out = {}
        live = []
        for v in variants:
            if v in self.na:
                out[v] = {"na": self.na[v]}
            else:
                live.append(v)
                out[v] = {"ns_per_op": [], "fail": 0, "n": 0}
        for r in range(runs):
            # Rotate who goes first, so that no variant always follows the
            # same neighbour (a cold cache, the previous run's writeback).
            k = r % len(live) if live else 0
            for v in live[k:] + live[:k]:
                res, why = self.run_json(v, argv_of(v, r), policy)
                if between:
                    between()
                if res is None:
                    out[v] = {"na": why}
                    live.remove(v)
                    continue
                out[v]["ns_per_op"].append(res["ns"] / res["n"])
                out[v]["fail"] += res["fail"]
                out[v]["n"] += res["n"]
                if res["fail"]:
                    out[v]["errno"] = res["errno"]
        for v in live:
            out[v]["median"] = statistics.median(out[v]["ns_per_op"])
        return out

    def clean_w(self):
        w = os.path.join(self.tree, "w")
        for e in os.listdir(w):
            p = os.path.join(w, e)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p, ignore_errors=True)

    # ---- the workloads --------------------------------------------------------

    def bench_hot(self):
        for name, size_key, target, what in HOT:
            if not self.wanted(name):
                continue
            n = self.size[size_key]
            runs = self.size["runs"]
            log(f"bench: {name}: {runs} runs x {n} iterations per variant")
            wl, policy = workload_policy(name, self)
            res = self.alternate(
                name, lambda v, r: [self.loops, wl, self.tree, str(n)],
                runs, VARIANTS, between=self.clean_w, policy=policy)
            self.results["hot"].append({"name": name, "n": n, "target": target,
                                        "target_what": what, "variants": res})

    def bench_python(self):
        if self.wanted("py_startup"):
            rounds = self.size["py_start_rounds"]
            log(f"bench: py_startup: {rounds} rounds")
            cmd = [PYTHON, "-c", PY_IMPORTS]
            res = self.timed_startups(
                [(v, self.env_for(v), self.argv_for(v, cmd)) for v in VARIANTS],
                rounds)
            self.results["python"].append({"name": "py_startup", "target": PY_START_TARGET,
                                           "target_what": "interpreter start-up",
                                           "variants": res})
        if self.wanted("py_write"):
            n, runs = self.size["py_write_n"], self.size["py_write_runs"]
            log(f"bench: py_write: {runs} runs x {n} files per variant")
            script = os.path.join(HERE, "pywrite.py")
            # Nothing is deleted between the alternated runs: each writes a
            # fresh directory, all are removed after the last.  Deleting
            # between runs made each run's cost depend on the inodes freed
            # just before it (ext4 without a journal skips recently deleted
            # inodes when it allocates, fs/ext4/ialloc.c recently_deleted()),
            # not on the variant.  "bare-aa" runs bare a second time: the
            # spread two identical variants show on this machine.
            res = self.alternate(
                "py_write",
                lambda v, r: [PYTHON, script,
                              os.path.join(self.tree, "w", f"py-{v}-{r}"), str(n)],
                runs, VARIANTS + ("bare-aa",))
            self.clean_w()
            self.results["python"].append({"name": "py_write", "n": n,
                                           "target": PY_WRITE_TARGET,
                                           "target_what": "python file writing",
                                           "variants": res})

    def bench_service(self):
        """Requests per second of docs/examples/app (Starlette on uvicorn)
        over loopback, the service bare, under the pass-through preload,
        the shim and the loader, alternated; the client (pyclient.py) runs
        bare.  Reported as time per request, so the ratio reads like the
        other rows; the target is >= 0.97x the bare rate."""
        if not self.wanted("py_service"):
            return
        row = {"name": "py_service", "target": PY_SERVICE_TARGET,
               "target_what": "service requests (>= 0.97x req/s)"}
        try:
            import starlette  # noqa: F401
            import uvicorn  # noqa: F401
        except ImportError as e:
            row["variants"] = {v: {"na": f"python3-uvicorn/python3-starlette missing ({e})"}
                               for v in VARIANTS}
            self.results["python"].append(row)
            return
        n, runs = self.size["svc_n"], self.size["svc_runs"]
        log(f"bench: py_service: {runs} runs x {n} requests per variant")
        out, live = {}, []
        for v in VARIANTS + ("bare-aa",):
            base = "bare" if v == "bare-aa" else v
            if base in self.na:
                out[v] = {"na": self.na[base]}
            else:
                live.append(v)
                out[v] = {"ns_per_op": [], "fail": 0, "n": 0}
        for r in range(runs):
            k = r % len(live) if live else 0
            for v in live[k:] + live[:k]:
                res, why = self.service_run("bare" if v == "bare-aa" else v, n)
                if res is None:
                    out[v] = {"na": why}
                    live.remove(v)
                    continue
                out[v]["ns_per_op"].append(res["ns"] / res["n"])
                out[v]["fail"] += res["fail"]
                out[v]["n"] += res["n"]
        for v in live:
            out[v]["median"] = statistics.median(out[v]["ns_per_op"])
            out[v]["req_per_s"] = round(1e9 / out[v]["median"], 1)
        row["variants"] = out
        self.results["python"].append(row)

    def service_run(self, variant, n):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = self.env_for(variant, self.svc_policy)
        env["APP_ROOT"] = self.svc
        cmd = [PYTHON, "-m", "uvicorn", "--app-dir", APP_DIR, "main:app",
               "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
        with open(self.errfile, "wb") as err:
            srv = subprocess.Popen(self.argv_for(variant, cmd, self.svc_policy), env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=err)
        try:
            deadline = time.monotonic() + 20
            while True:
                if srv.poll() is not None:
                    return None, f"service exit {srv.returncode}: {first_line(self.errfile)}"
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        return None, "service did not listen within 20 s"
                    time.sleep(0.05)
            try:
                p = subprocess.run([PYTHON, os.path.join(HERE, "pyclient.py"), str(port), str(n)],
                                   env=self.base_env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
            except subprocess.TimeoutExpired:
                return None, "client timed out"
            for line in p.stdout.decode(errors="replace").splitlines():
                if line.startswith("{"):
                    return json.loads(line), None
            return None, f"client exit {p.returncode}: {why_failed(p.stderr.decode(errors='replace'))}"
        finally:
            srv.terminate()
            try:
                srv.wait(timeout=10)
            except subprocess.TimeoutExpired:
                srv.kill()
                srv.wait()
            for d in ("uploads",):
                shutil.rmtree(os.path.join(self.svc, d), ignore_errors=True)
                os.makedirs(os.path.join(self.svc, d), exist_ok=True)

    def timed_startups(self, cmds, rounds):
        """cmds: [(name, env, argv)].  Probes each once (a failing one is
        n/a with its first stderr line), then times the rest together with
        timeexec, in alternation."""
        out, live = {}, []
        for name, env, argv in cmds:
            if name in self.na:
                out[name] = {"na": self.na[name]}
                continue
            why = self.probe(env, argv)
            if why:
                out[name] = {"na": why}
            else:
                live.append((name, env, argv))
        if not live:
            return out
        args = [self.timeexec, str(rounds)]
        for name, env, argv in live:
            args += ["::", name] + [f"{k}={v}" for k, v in env.items()
                                   if self.base_env.get(k) != v] + argv
        try:
            p = subprocess.run(args, env=self.base_env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=600, check=False)
        except subprocess.TimeoutExpired:
            for name, _, _ in live:
                out[name] = {"na": "timed out"}
            return out
        for line in p.stdout.decode().splitlines():
            f = line.split()
            name, status, samples = f[0], int(f[1]), [int(x) for x in f[2:]]
            if status:
                out[name] = {"na": f"exit {status} during timing"}
            else:
                out[name] = {"ns_per_op": samples, "median": statistics.median(samples)}
        return out

    def probe(self, env, argv):
        try:
            p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"cannot run: {e}"
        if p.returncode != 0:
            return f"exit {p.returncode}: {why_failed(p.stderr.decode(errors='replace'))}"
        return None

    def bench_startup(self):
        if not self.wanted("startup"):
            return
        true = "/bin/true"
        cmds = [("bare", self.base_env, [true]),
                ("env", self.base_env, ["/usr/bin/env", true])]
        setpriv, bwrap = shutil.which("setpriv"), shutil.which("bwrap")
        if setpriv:
            cmds.append(("setpriv", self.base_env, [setpriv, "--no-new-privs", true]))
        else:
            self.results["startup"]["setpriv"] = {"na": "setpriv not installed"}
        if bwrap:
            cmds.append(("bwrap", self.base_env, [bwrap, "--ro-bind", "/", "/", true]))
        else:
            self.results["startup"]["bwrap"] = {"na": "bwrap not installed"}
        # the floor of any preload, next to the shim
        cmds.append(("passthrough", self.env_for("passthrough"), [true]))
        cmds.append(("shim", self.env_for("shim"), [true]))
        cmds.append(("loader", self.base_env, self.argv_for("loader", [true])))
        rounds = self.size["startup_rounds"]
        log(f"bench: startup: {rounds} rounds of {len(cmds)} commands")
        self.results["startup"].update(self.timed_startups(cmds, rounds))
        self.bench_landlock()
        self.bench_shim_start()

    # The shim constructor's steps (shim/init.c do_init, shim/start.c) by
    # callgrind's inclusive count of the functions it calls; what is left
    # of do_init (the environment, fstat of fd 2, prctl; the roots are
    # found at the first decision) is "rest".
    SHIM_STEPS = (("symbols", "rp_resolve_all"), ("policy", "rp_policy_load"),
                  ("ld.so check", "check_self"))

    def bench_shim_start(self):
        """Instructions and system calls of one /bin/true start, bare,
        under the pass-through preload and under the shim, and the shim's
        start split by step.  Exact where the wall time of one start is
        not."""
        out = {}
        vg = shutil.which("valgrind.bin") or shutil.which("valgrind")
        st = shutil.which("strace")
        cgdir = os.path.join(self.tmp, "callgrind-start")
        os.makedirs(cgdir, exist_ok=True)
        for v in ("bare", "passthrough", "shim"):
            if v in self.na:
                out[v] = {"na": self.na[v]}
                continue
            row = {}
            env = self.env_for(v)
            if vg:
                # The preload must reach /bin/true, not valgrind's own
                # launcher: valgrind runs env, env sets it.
                prefix = os.path.join(cgdir, v)
                pre = [f"{k}={env[k]}" for k in ("LD_PRELOAD", "RAMPART_POLICY") if k in env]
                argv = [vg, "--tool=callgrind", "--trace-children=yes",
                        f"--callgrind-out-file={prefix}.%p", "/usr/bin/env"] + pre + ["/bin/true"]
                try:
                    subprocess.run(argv, env=self.base_env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   timeout=120)
                except (OSError, subprocess.TimeoutExpired):
                    pass
                files = [os.path.join(cgdir, f) for f in os.listdir(cgdir)
                         if f.startswith(v + ".")]
                if files:
                    path = max(files, key=os.path.getmtime)
                    row["ir"] = cg_total(path)
                    if v == "shim":
                        inc = cg_inclusive(path)
                        steps = {k: inc.get(f, 0) for k, f in self.SHIM_STEPS}
                        init = inc.get("do_init", 0)
                        steps["rest"] = max(0, init - steps["symbols"] - steps["policy"])
                        row["steps_ir"] = steps
            if st:
                f = os.path.join(self.tmp, f"strace-start.{v}")
                try:
                    subprocess.run([st, "-f", "-o", f] +
                                   [x for k in ("LD_PRELOAD", "RAMPART_POLICY") if k in env
                                    for x in ("-E", f"{k}={env[k]}")] + ["/bin/true"],
                                   env=self.base_env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   timeout=60)
                    with open(f) as fh:
                        row["syscalls"] = sum(1 for line in fh
                                              if re.match(r"\d+\s+\w+\(", line))
                except (OSError, subprocess.TimeoutExpired):
                    pass
            out[v] = row
        self.results["shim_start"] = out

    def bench_landlock(self):
        """The loader prints its start-up report as one JSON line on stderr
        (tools/report.h): {"rampart":"startup", ..., "landlock":{"abi":..,
        "state":..,"rules":..,"build_us":..}, ...}.  Keep every Landlock
        field: numbers as medians over a few runs, strings as last seen."""
        if "loader" in self.na:
            self.results["landlock"] = {"na": self.na["loader"]}
            return
        nums, strs, seen, phases = {}, {}, False, {}
        for _ in range(self.size["runs"]):
            try:
                p = subprocess.run(self.argv_for("loader", ["/bin/true"]),
                                   env=self.base_env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   timeout=60)
            except (OSError, subprocess.TimeoutExpired) as e:
                self.results["landlock"] = {"na": f"cannot run the loader: {e}"}
                return
            for rec in json_lines(p.stderr.decode(errors="replace")):
                seen = True
                for k, v in flatten(rec):
                    if k.startswith("phases_us.") and isinstance(v, (int, float)):
                        phases.setdefault(k.split(".", 1)[1], []).append(v)
                        continue
                    if "landlock" not in k.lower():
                        continue
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        nums.setdefault(k, []).append(v)
                    else:
                        strs[k] = v
        # the loader's steps (startup report "phases_us"), medians, in
        # the report's order
        self.results["loader_phases"] = {k: statistics.median(v) for k, v in phases.items()}
        if nums or strs:
            self.results["landlock"] = dict(strs, **{k: statistics.median(v)
                                                     for k, v in nums.items()})
        elif seen:
            self.results["landlock"] = {"na": "start-up report has no Landlock fields"}
        else:
            self.results["landlock"] = {"na": "loader printed no JSON start-up report"}

    # ---- Landlock ruleset variants (A/B) ------------------------------------------

    def ab_command(self, variant, argv):
        """(env, argv) of one Landlock variant of the loader: the default
        ruleset, Landlock off (the policy's `Landlock off`), and the rights
        RAMPART_LANDLOCK_RIGHTS selects (tools/landlock.h)."""
        env = dict(self.base_env)
        if variant == "bare":
            return env, argv
        policy = self.policy
        if variant == "ll-off":
            policy = self.ll_off_policy
        elif variant == "ll-nodeny":
            policy = self.ll_nodeny_policy
        elif variant in LL_AB_RIGHTS:
            env["RAMPART_LANDLOCK_RIGHTS"] = LL_AB_RIGHTS[variant]
        return env, [self.loader, "--policy", policy, "--"] + argv

    def ab_report(self, variant):
        """The Landlock fields of the loader's start-up report."""
        env, argv = self.ab_command(variant, ["/bin/true"])
        try:
            p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return {"na": f"cannot run the loader: {e}"}
        for rec in json_lines(p.stderr.decode(errors="replace")):
            ll = rec.get("landlock")
            if isinstance(ll, dict):
                return {k: ll.get(k) for k in ("state", "handled", "rules", "withheld_files",
                                                "build_us")}
        return {"na": f"exit {p.returncode}: {why_failed(p.stderr.decode(errors='replace'))}"}

    def ab_loop(self, wl, n, runs):
        """loops.c workload `wl` under each variant, alternated with rotation."""
        out = {v: {"ns_per_op": []} for v in LL_AB_VARIANTS}
        live = list(LL_AB_VARIANTS)
        for r in range(runs):
            k = r % len(live) if live else 0
            for v in live[k:] + live[:k]:
                env, argv = self.ab_command(v, [self.loops, wl, self.tree, str(n)])
                try:
                    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       timeout=300)
                    res = ([None] + list(json_lines(p.stdout.decode(errors="replace"))))[-1]
                except (OSError, subprocess.TimeoutExpired) as e:
                    res, p = None, e
                self.clean_w()
                if not res or res.get("fail"):
                    why = (f"{res['fail']} calls failed" if res else
                           why_failed(p.stderr.decode(errors="replace"))
                           if hasattr(p, "stderr") else str(p))
                    out[v] = {"na": why}
                    live.remove(v)
                    continue
                out[v]["ns_per_op"].append(res["ns"] / res["n"])
        for v in live:
            out[v]["median"] = statistics.median(out[v]["ns_per_op"])
        return out

    def bench_landlock_ab(self):
        """The loader's per-call and start-up cost under each Landlock
        ruleset variant, so the choice of handled rights is visible
        (docs/threat-model.md, "What each Landlock right costs")."""
        rows = [r for r in LL_AB_ROWS if self.wanted(r) or self.wanted("landlock_ab")]
        if not rows:
            return
        if "loader" in self.na:
            self.results["landlock_ab"] = {"na": self.na["loader"]}
            return
        with open(self.ll_off_policy, "w") as f:
            f.write(LL_OFF_POLICY)
        with open(self.ll_nodeny_policy, "w") as f:
            f.write(LL_NODENY_POLICY.format(tree=self.tree))
        doc = {"variants": {v: self.ab_report(v) for v in LL_AB_VARIANTS if v != "bare"},
               "rows": []}
        runs = self.size["runs"] * 2
        for name in rows:
            if name == "py_startup":
                rounds = self.size["py_start_rounds"] * 2
                log(f"bench: landlock A/B: py_startup: {rounds} rounds x {len(LL_AB_VARIANTS)}")
                cmd = [PYTHON, "-c", PY_IMPORTS]
                res = self.timed_startups([(v,) + self.ab_command(v, cmd)
                                           for v in LL_AB_VARIANTS], rounds)
            else:
                n = self.size["fs_n"]
                log(f"bench: landlock A/B: {name}: {runs} runs x {n} x {len(LL_AB_VARIANTS)}")
                res = self.ab_loop(name, n, runs)
            doc["rows"].append({"name": name, "variants": res})
        self.results["landlock_ab"] = doc

    # ---- callgrind -------------------------------------------------------------

    def bench_callgrind(self):
        vg = shutil.which("valgrind")
        if not vg:
            self.results["callgrind"] = {"na": "valgrind not installed"}
            return
        cgdir = os.path.join(self.tmp, "callgrind")
        os.makedirs(cgdir, exist_ok=True)
        log("bench: callgrind: instructions per iteration (bare, passthrough, shim)")
        for name, size_key, _, _ in HOT:
            if not self.wanted(name):
                continue
            n = self.size["cg_exec_n" if size_key == "exec_n" else "cg_fs_n"]
            row = {}
            for v in ("bare", "passthrough", "shim"):
                if v in self.na:
                    row[v] = {"na": self.na[v]}
                    continue
                row[v] = self.callgrind_one(vg, cgdir, name, v, n)
                self.clean_w()
            self.results["callgrind"][name] = row

    def callgrind_one(self, vg, cgdir, name, variant, n):
        prefix = os.path.join(cgdir, f"{name}.{variant}")
        wl, policy = workload_policy(name, self)
        argv = [vg, "--tool=callgrind", "--toggle-collect=bench_loop_*",
                f"--callgrind-out-file={prefix}.%p", self.loops, wl, self.tree, str(n)]
        try:
            with open(self.errfile, "wb") as err:
                p = subprocess.run(argv, env=self.env_for(variant, policy),
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=err, timeout=600)
        except subprocess.TimeoutExpired:
            return {"na": "timed out under callgrind"}
        res = next(iter(json_lines(p.stdout.decode(errors="replace"))), None)
        if p.returncode != 0 or res is None:
            return {"na": f"exit {p.returncode} under callgrind"}
        # Only the parent's file counts: callgrind does not write the
        # instructions a forked child runs before its exec.
        files = sorted(f for f in os.listdir(cgdir) if f.startswith(f"{name}.{variant}."))
        main = [f for f in files if cg_total(os.path.join(cgdir, f)) > 0]
        if not main:
            return {"na": "no callgrind output"}
        path = os.path.join(cgdir, main[0])
        iters = res["n"] + res.get("warm", 0)
        out = {"ir_per_iter": cg_total(path) / iters}
        if variant == "shim":
            funcs = cg_functions(path, self.shim)
            out["shim_ir_per_iter"] = sum(ir for _, ir in funcs) / iters
            out["shim_functions"] = [(f, ir / iters) for f, ir in funcs[:8]]
            keep = os.path.join(self.bench_dir, f"callgrind.{name}.shim.out")
            shutil.copyfile(path, keep)
            out["profile_file"] = keep
        return out

    # ---- strace ----------------------------------------------------------------

    def bench_syscalls(self):
        """System calls per iteration, bare and under the shim, and which
        ones the shim adds: the kernel side that callgrind cannot see.
        Counted with `strace -f -c` at N and 2N iterations; the difference
        over N leaves out process start-up."""
        st = shutil.which("strace")
        if not st:
            self.results["syscalls"] = {"na": "strace not installed"}
            return
        log("bench: strace: system calls per iteration (bare, shim)")
        self.results["syscalls"] = {}
        for name, size_key, _, _ in HOT:
            if not self.wanted(name):
                continue
            n = self.size["st_exec_n" if size_key == "exec_n" else "st_fs_n"]
            row = {}
            for v in ("bare", "shim"):
                if v in self.na:
                    row[v] = {"na": self.na[v]}
                    continue
                runs = [self.strace_counts(st, name, v, k) for k in (n, 2 * n)]
                self.clean_w()
                if None in runs:
                    row[v] = {"na": "failed under strace"}
                    continue
                (c0, i0), (c1, i1) = runs
                per = {sc: (c1.get(sc, 0) - c0.get(sc, 0)) / (i1 - i0)
                       for sc in set(c0) | set(c1)}
                per = {sc: c for sc, c in per.items() if abs(c) >= 0.05}
                row[v] = {"per_iter": sum(per.values()), "by_syscall": per}
            self.results["syscalls"][name] = row

    def strace_counts(self, st, name, variant, n):
        """({syscall: calls}, iterations run) of one traced process."""
        wl, policy = workload_policy(name, self)
        out = os.path.join(self.tmp, "strace.txt")
        # The preload goes to the traced program only (-E), not to strace.
        env = self.env_for(variant, policy)
        sets = [f"-E{k}={v}" for k, v in env.items() if self.base_env.get(k) != v]
        try:
            p = subprocess.run([st, "-f", "-c", "-o", out] + sets +
                               [self.loops, wl, self.tree, str(n)],
                               env=self.base_env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               timeout=300)
        except (OSError, subprocess.TimeoutExpired):
            return None
        res = next(iter(json_lines(p.stdout.decode(errors="replace"))), None)
        if p.returncode != 0 or res is None:
            return None
        counts = {}
        with open(out) as f:
            for line in f:
                fld = line.split()
                # % time, seconds, usecs/call, calls, [errors], syscall
                if len(fld) >= 5 and fld[0][0].isdigit() and fld[-1] != "total":
                    counts[fld[-1]] = int(fld[3])
        return counts, res["n"] + res.get("warm", 0)

    # ---- report -------------------------------------------------------------

    def machine(self):
        cpu = ""
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next((l.split(":", 1)[1].strip() for l in f
                            if l.startswith("model name")), "")
        except OSError:
            pass
        commit = ""
        try:
            commit = subprocess.run(["git", "-C", os.path.dirname(os.path.dirname(HERE)),
                                     "rev-parse", "--short", "HEAD"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    timeout=10).stdout.decode().strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
        return {"cpu": cpu, "cpus": os.cpu_count(), "kernel": platform.release(),
                "libc": " ".join(platform.libc_ver()), "commit": commit,
                "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
                "loadavg_start": self.load_start, "loadavg_end": os.getloadavg()[0],
                "quick": self.quick, "workload_fs": getattr(self, "fs", "")}

    def run(self):
        self.load_start = os.getloadavg()[0]
        t0 = time.monotonic()
        self.setup()
        self.fs = fs_type(self.tmp)
        log(f"bench: workload files in {self.tmp} ({self.fs or 'unknown fs'})")
        if ext4_without_journal(self.tmp):
            log("bench: warning: ext4 without a journal: file-creating rows drift "
                "with earlier deletions; set BENCH_TMPDIR to a tmpfs or journaled fs")
        try:
            self.bench_hot()
            self.bench_python()
            self.bench_service()
            self.bench_startup()
            self.bench_landlock_ab()
            self.bench_callgrind()
            self.bench_syscalls()
        finally:
            self.cleanup()
        doc = {"machine": self.machine(), "seconds": round(time.monotonic() - t0, 1),
               "sizes": self.size, "results": self.results}
        doc["verdicts"] = verdicts(self.results)
        return doc


# ---- helpers ------------------------------------------------------------------

def bench_tmpdir():
    """Where the workloads' files go: $BENCH_TMPDIR, else /dev/shm when it
    is a writable tmpfs (no allocator or writeback effects that depend on
    what earlier runs did), else the default temporary directory."""
    d = os.environ.get("BENCH_TMPDIR")
    if d:
        return d
    if fs_type("/dev/shm") == "tmpfs" and os.access("/dev/shm", os.W_OK | os.X_OK):
        return "/dev/shm"
    return None


def fs_type(path):
    """The file system type of the mount holding path (/proc/self/mounts,
    longest matching mount point), or "" when unknown."""
    best, kind = "", ""
    try:
        real = os.path.realpath(path)
        with open("/proc/self/mounts") as f:
            for line in f:
                fields = line.split()
                if len(fields) < 3:
                    continue
                mnt = fields[1].replace("\\040", " ")
                if (real == mnt or real.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                    best, kind = mnt, fields[2]
    except OSError:
        pass
    return kind


def ext4_without_journal(path):
    """True when path is on an ext4 file system that has no journal
    (/sys/fs/ext4/DEV/journal_task reads <none>): file creation there is
    slowed by inodes deleted in the last minutes, so timings of workloads
    that create files drift with what ran before."""
    if fs_type(path) != "ext4":
        return False
    try:
        dev = os.stat(path).st_dev
        for name in os.listdir("/sys/fs/ext4"):
            try:
                with open(f"/sys/block/{name}/dev") as f:
                    major, minor = (int(x) for x in f.read().split(":"))
            except OSError:
                try:
                    with open(f"/sys/class/block/{name}/dev") as f:
                        major, minor = (int(x) for x in f.read().split(":"))
                except OSError:
                    continue
            if os.makedev(major, minor) == dev:
                with open(f"/sys/fs/ext4/{name}/journal_task") as f:
                    return f.read().strip() == "<none>"
    except OSError:
        pass
    return False


def workload_policy(name, bench):
    """(loops.c workload, policy file) of a HOT row."""
    if name.endswith(QUIET):
        return name[:-len(QUIET)], bench.quiet_policy
    return name, bench.policy


def first_line(path):
    try:
        with open(path, "rb") as f:
            return why_failed(f.read(65536).decode(errors="replace"))
    except OSError:
        return ""


def why_failed(stderr):
    """The first line of a failed run's stderr that is not a JSON record
    (the loader's start-up report, the shim's events): the error message."""
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    text = next((l for l in lines if not l.startswith("{")), lines[0] if lines else "")
    return text[:200]


def json_lines(text):
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict):
                yield rec


def flatten(rec, prefix=""):
    for k, v in rec.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from flatten(v, key + ".")
        else:
            yield key, v


def cg_total(path):
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return 0


def cg_inclusive(path):
    """Inclusive instructions by function name (callgrind_annotate)."""
    try:
        p = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    out = {}
    for line in p.stdout.decode(errors="replace").splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?\S*?:?(\w+)\s+\[", line)
        if m:
            out.setdefault(m.group(2), int(m.group(1).replace(",", "")))
    return out


def cg_functions(path, obj):
    """Self instructions of each function of `obj` (the shim), largest
    first, from callgrind_annotate."""
    try:
        p = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return []
    base = os.path.basename(obj)
    funcs = []
    for line in p.stdout.decode(errors="replace").splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(\S.*?)\s+\[(.*)\]\s*$", line)
        if m and os.path.basename(m.group(3)) == base:
            funcs.append((m.group(2), int(m.group(1).replace(",", ""))))
    funcs.sort(key=lambda x: -x[1])
    return funcs


def ratio(res, v):
    b, x = res.get("bare", {}), res.get(v, {})
    if "median" in b and "median" in x and b["median"] > 0:
        return x["median"] / b["median"]
    return None


def verdicts(results):
    """One line per target: met or missed, and by how much."""
    out = []
    for row in results["hot"] + results["python"]:
        if row["target"] is None:
            continue
        for v in ("shim", "loader"):
            r = ratio(row["variants"], v)
            if r is None:
                out.append({"workload": row["name"], "variant": v, "target": row["target"],
                            "ratio": None, "met": None})
                continue
            met = r < row["target"] if row["target"] == 1.00 else r <= row["target"]
            out.append({"workload": row["name"], "variant": v, "target": row["target"],
                        "ratio": round(r, 3), "met": met,
                        "over_pct": round((r - row["target"]) * 100, 1)})
    st = results["startup"]
    if "median" in st.get("loader", {}) and "median" in st.get("bare", {}):
        over = (st["loader"]["median"] - st["bare"]["median"]) / 1e6
        out.append({"workload": "startup", "variant": "loader",
                    "target": f"<= {LOADER_OVER_BARE_MS} ms over bare",
                    "over_ms": round(over, 3), "met": over <= LOADER_OVER_BARE_MS})
        if "median" in st.get("bwrap", {}):
            out.append({"workload": "startup", "variant": "loader", "target": "below bwrap",
                        "bwrap_ms": round(st["bwrap"]["median"] / 1e6, 3),
                        "met": st["loader"]["median"] < st["bwrap"]["median"]})
    else:
        out.append({"workload": "startup", "variant": "loader",
                    "target": f"<= {LOADER_OVER_BARE_MS} ms over bare", "met": None})
    return out


# ---- the table ------------------------------------------------------------------

UNITS = {"py_startup": ("ms", 1e-6), "py_write": ("us/file", 1e-3),
         "py_service": ("us/req", 1e-3)}


def fmt_num(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.2f}" if x < 10 else f"{x:.1f}"


class Table:
    def __init__(self):
        self.notes = []     # n/a reasons, numbered

    def na(self, reason):
        if reason not in self.notes:
            self.notes.append(reason)
        return f"n/a[{self.notes.index(reason) + 1}]"

    def cell(self, res, v, scale):
        x = res.get(v, {})
        if "na" in x:
            return self.na(f"{v}: {x['na']}")
        if "median" not in x:
            return "-"
        s = fmt_num(x["median"] * scale)
        r = ratio(res, v)
        if v != "bare" and r is not None:
            s += f" {r:.2f}x"
        return s


def render(doc):
    m, res = doc["machine"], doc["results"]
    t = Table()
    lines = []
    lines.append(f"rampart bench{' (BENCH_QUICK)' if m['quick'] else ''}: {m['cpu']}, "
                 f"{m['cpus']} CPUs, Linux {m['kernel']}, {m['libc']}, commit {m['commit']}, "
                 f"{m['date']}, load {m['loadavg_start']:.1f}->{m['loadavg_end']:.1f}, "
                 f"{doc['seconds']}s, files on {m.get('workload_fs') or 'unknown fs'}")
    lines.append("medians of alternated runs; ratio = variant / bare; "
                 "Ir/it = instructions per iteration (callgrind, user space)")
    lines.append("")
    hdr = (f"{'workload':<18} {'unit':<8} {'bare':>8} {'passthrough':>15} {'shim':>15} "
           f"{'loader':>15} {'target':>7}  {'Ir/it bare':>10} {'pass':>6} {'shim':>6} {'(rampart)':>9}")
    lines.append(hdr)
    lines.append("-" * len(hdr))
    cg = res.get("callgrind", {})
    for row in res["hot"] + res["python"]:
        unit, scale = UNITS.get(row["name"], ("ns/op", 1.0))
        v = row["variants"]
        tgt = row["target"]
        tgt_s = "-" if tgt is None else ("<1.00" if tgt == 1.00 else f"<={tgt:.2f}")
        irs = []
        c = cg.get(row["name"], {}) if isinstance(cg, dict) else {}
        for var in ("bare", "passthrough", "shim"):
            x = c.get(var, {})
            irs.append(f"{x['ir_per_iter']:.0f}" if "ir_per_iter" in x else "-")
        own = c.get("shim", {}).get("shim_ir_per_iter")
        irs.append(f"{own:.0f}" if own is not None else "-")
        lines.append(f"{row['name']:<18} {unit:<8} {t.cell(v, 'bare', scale):>8} "
                     f"{t.cell(v, 'passthrough', scale):>15} {t.cell(v, 'shim', scale):>15} "
                     f"{t.cell(v, 'loader', scale):>15} {tgt_s:>7}  "
                     f"{irs[0]:>10} {irs[1]:>6} {irs[2]:>6} {irs[3]:>9}")
    for row in res["hot"] + res["python"]:
        for var, x in row["variants"].items():
            expected = row["name"] == "execve_enoent" or \
                (row["name"].startswith("open_denied") and var in ("shim", "loader"))
            if not x.get("fail") or (expected and x["fail"] == x["n"]):
                continue
            lines.append(f"  {row['name']} under {var}: {x['fail']} of {x['n']} calls "
                         f"failed (last errno {x.get('errno', 0)}: "
                         f"{os.strerror(x.get('errno', 0))})")
    for row in res["hot"] + res["python"]:
        r = ratio(row["variants"], "bare-aa")
        if r is not None:
            lines.append(f"  {row['name']}: A/A control (bare against bare again) {r:.2f}x; "
                         f"ratios within {abs(r - 1) * 100:.0f}% of 1 are not resolved")
    svc = next((r for r in res["python"] if r["name"] == "py_service"), None)
    if svc:
        rates = [f"{v} {x['req_per_s']:.0f}" for v, x in svc["variants"].items()
                 if "req_per_s" in x and v != "bare-aa"]
        if rates:
            lines.append("  py_service: requests per second (docs/examples/app, uvicorn, loopback): " +
                         ", ".join(rates))
    den = next((r for r in res["hot"] if r["name"] == "open_denied"), None)
    if den and "median" in den["variants"].get("shim", {}) and \
            den["variants"]["shim"].get("fail", 0) == 0:
        lines.append("  open_denied: the shim denied nothing (the wrapper is missing or "
                     "the policy does not apply); its ratio compares allowed calls")
    elif den and den["variants"].get("shim", {}).get("fail"):
        x = den["variants"]["shim"]
        lines.append(f"  open_denied: the shim denied {x['fail']} of {x['n']} opens "
                     f"({os.strerror(x.get('errno', 0))}), the bare run made them")

    st = res.get("startup", {})
    if st:
        lines.append("")
        lines.append("start-up of /bin/true (wall time of posix_spawn + wait, median)")
        names = {"bare": "/bin/true", "env": "env /bin/true",
                 "setpriv": "setpriv --no-new-privs /bin/true",
                 "bwrap": "bwrap --ro-bind / / /bin/true",
                 "passthrough": "LD_PRELOAD=libpassthrough.so /bin/true",
                 "shim": "LD_PRELOAD=librampart.so /bin/true",
                 "loader": "rampart --policy P -- /bin/true"}
        base = st.get("bare", {}).get("median")
        for k in ("bare", "env", "setpriv", "bwrap", "passthrough", "shim", "loader"):
            if k not in st:
                continue
            x = st[k]
            if "median" in x:
                d = f"  {(x['median'] - base) / 1e6:+.3f} ms over bare" if base and k != "bare" else ""
                lines.append(f"  {names[k]:<36} {x['median'] / 1e6:8.3f} ms{d}")
            else:
                lines.append(f"  {names[k]:<36} {t.na(f'{k}: ' + x['na'])}")
        ll = res.get("landlock", {})
        if "na" in ll:
            lines.append(f"  Landlock ruleset build (loader report): {t.na('landlock: ' + ll['na'])}")
        else:
            build = ll.get("landlock.build_us")
            head = f"{build:.0f} us" if isinstance(build, (int, float)) and build >= 0 \
                else "not built"
            rest = ", ".join(f"{k.split('.', 1)[-1]} {v}" for k, v in ll.items()
                             if k != "landlock.build_us")
            lines.append(f"  Landlock ruleset build (loader report): {head} ({rest})")
        ss = res.get("shim_start") or {}
        if ss:
            cells = []
            for v in ("bare", "passthrough", "shim"):
                x = ss.get(v, {})
                if "na" in x:
                    cells.append(f"{v} n/a")
                else:
                    cells.append(f"{v} {x.get('ir', '-')} Ir, {x.get('syscalls', '-')} syscalls")
            lines.append("  one /bin/true start (callgrind, strace -f): " + "; ".join(cells))
            steps = ss.get("shim", {}).get("steps_ir")
            if steps:
                lines.append("  shim constructor by step (Ir, inclusive): " +
                             ", ".join(f"{k} {v}" for k, v in steps.items()))
        ph = res.get("loader_phases") or {}
        if ph:
            total = sum(ph.values())
            lines.append(f"  loader steps (report phases_us, medians; sum {total / 1000:.3f} ms): " +
                         ", ".join(f"{k} {v:.0f}" for k, v in ph.items()) + " us")

    lines += render_landlock_ab(res.get("landlock_ab"), t)
    lines.append("")
    lines.append("targets")
    for vd in doc["verdicts"]:
        if vd["workload"] == "startup":
            if vd["met"] is None:
                s = "n/a (loader did not run)"
            elif "over_ms" in vd:
                s = f"{vd['over_ms']:+.3f} ms over bare: {'met' if vd['met'] else 'MISSED'}"
            else:
                s = f"bwrap {vd['bwrap_ms']:.3f} ms: {'met' if vd['met'] else 'MISSED'}"
            lines.append(f"  {'startup':<18} {'loader':<7} {vd['target']:<24} {s}")
            continue
        tgt = vd["target"]
        tgt_s = "< 1.00x bare" if tgt == 1.00 else f"<= {tgt:.2f}x bare"
        if vd["met"] is None:
            s = "n/a"
        elif vd["met"]:
            s = f"{vd['ratio']:.2f}x: met"
        else:
            s = f"{vd['ratio']:.2f}x: MISSED by {vd['over_pct']:.1f} points"
        lines.append(f"  {vd['workload']:<18} {vd['variant']:<7} {tgt_s:<24} {s}")

    sc = res.get("syscalls", {})
    if isinstance(sc, dict) and "na" not in sc and sc:
        lines.append("")
        lines.append("system calls per iteration (strace -f -c), and what the shim adds")
        for name, row in sc.items():
            b, x = row.get("bare", {}), row.get("shim", {})
            if "per_iter" not in b or "per_iter" not in x:
                lines.append(f"  {name:<18} n/a")
                continue
            diff = {k: x["by_syscall"].get(k, 0) - b["by_syscall"].get(k, 0)
                    for k in set(b["by_syscall"]) | set(x["by_syscall"])}
            d = ", ".join(f"{v:+.1f} {k}" for k, v in sorted(diff.items(), key=lambda i: -abs(i[1]))
                          if abs(v) >= 0.1)
            lines.append(f"  {name:<18} bare {b['per_iter']:5.1f}  shim {x['per_iter']:5.1f}"
                         f"{'  (' + d + ')' if d else ''}")
    elif isinstance(sc, dict) and "na" in sc:
        lines.append(f"strace: {t.na('strace: ' + sc['na'])}")

    prof = [(name, c["shim"]) for name, c in cg.items()
            if isinstance(c, dict) and c.get("shim", {}).get("shim_functions")]
    if prof:
        lines.append("")
        lines.append("where the shim's own instructions go (callgrind, self Ir per iteration)")
        for name, x in prof:
            fs = ", ".join(f"{f.split(':')[-1]} {ir:.0f}" for f, ir in x["shim_functions"][:5])
            lines.append(f"  {name:<18} {fs}")
    if isinstance(cg, dict) and "na" in cg:
        lines.append(f"callgrind: {t.na('callgrind: ' + cg['na'])}")
    if t.notes:
        lines.append("")
        for i, n in enumerate(t.notes, 1):
            lines.append(f"  [{i}] {n}")
    return "\n".join(lines)


def render_landlock_ab(ab, t):
    """The Landlock A/B table: each row's median per variant and its ratio
    to bare, then what each variant's ruleset handles."""
    if not ab:
        return []
    lines = ["", "loader by Landlock ruleset (alternated; ratio to bare; "
                 "RAMPART_LANDLOCK_RIGHTS, tools/landlock.h)"]
    if "na" in ab:
        return lines + [f"  {t.na('landlock A/B: ' + ab['na'])}"]
    hdr = f"  {'workload':<12} {'unit':<6} {'bare':>8}" + "".join(
        f" {v:>16}" for v in LL_AB_VARIANTS if v != "bare")
    lines.append(hdr)
    for row in ab["rows"]:
        unit, scale = UNITS.get(row["name"], ("ns/op", 1.0))
        v = row["variants"]
        lines.append(f"  {row['name']:<12} {unit:<6} {t.cell(v, 'bare', scale):>8}" + "".join(
            f" {t.cell(v, k, scale):>16}" for k in LL_AB_VARIANTS if k != "bare"))
    for k, rep in ab["variants"].items():
        if "na" in rep:
            lines.append(f"  {k:<15} {t.na(k + ': ' + rep['na'])}")
        else:
            lines.append(f"  {k:<15} {rep.get('rules')} rules, {rep.get('withheld_files')} "
                         f"withheld, build {rep.get('build_us')} us, "
                         f"handled {rep.get('handled') or '-'} ({rep.get('state')})")
    return lines


def main():
    ap = argparse.ArgumentParser(description="rampart benchmarks")
    ap.add_argument("--build", default="build")
    ap.add_argument("--quick", action="store_true",
                    default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
    ap.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""),
                    help="comma-separated workloads (open_ro,...,py_startup,py_write,py_service,startup)")
    ap.add_argument("--json", default=None, help="output file (default BUILD/bench.json)")
    a = ap.parse_args()
    only = {x for x in a.only.split(",") if x}
    doc = Bench(a.build, a.quick, only).run()
    out = a.json or os.path.join(os.path.abspath(a.build), "bench.json")
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(render(doc))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
