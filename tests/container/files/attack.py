"""attack.py - an attacker's code, run as the container's CMD under the
image's rampart ENTRYPOINT (or under `rampart --audit`).

Each operation prints one JSON line on stdout with its outcome.  Every
operation works on paths of its own, so the driver tells its events from
the others' by their path, whatever order they arrive in.

  attack.py [--gcc]      --gcc: also run the compiler in every way
"""
import ctypes
import errno
import json
import os
import shutil
import subprocess
import sys

LDSO = "/lib64/ld-linux-x86-64.so.2"
# programs with mode 0755, put into the volume outside the loader
SEEDED = "/app/uploads/wx-exec"
SEEDED_LDSO = "/app/uploads/wx-ldso"
SEEDED_CAP = "/app/uploads/wx-cap"


def child(argv, env=None):
    """Run argv with stderr inherited (events land on fd 2); stdout kept."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, text=True, timeout=30,
                       env=dict(os.environ, **(env or {})))
    return {"rc": p.returncode, "out": p.stdout.strip()[:200]}


def op(name, fn):
    res = {"op": name}
    try:
        r = fn()
        res["ok"] = True
        if isinstance(r, dict):
            res.update(r)
        elif r is not None:
            res["value"] = r
    except OSError as e:
        res["ok"] = False
        # ctypes reports a failed dlopen with no errno, dlerror()'s text only
        res["errno"] = "dlerror" if e.errno is None else errno.errorcode.get(e.errno, str(e.errno))
        res["msg"] = str(e)[:200]
    print(json.dumps(res), flush=True)


def write(path, mode="w"):
    with open(path, mode) as f:
        f.write("x")


def mode_of(path):
    return oct(os.stat(path).st_mode & 0o7777)


def main():
    op("write /app/src/main.py", lambda: write("/app/src/main.py", "a"))
    op("create /app/src/evil.py", lambda: write("/app/src/evil.py"))
    op("mkdir /app/src/d", lambda: os.mkdir("/app/src/d"))
    for d in ("/app/logs", "/app/uploads", "/app/tmp", "/app/.cache", "/tmp"):
        op("write %s/ok" % d, lambda d=d: write(d + "/ok"))

    # W^X: a copy of a program comes out without exec bits and cannot get
    # them; one that has them (seeded) cannot run, directly or by ld.so
    op("copy hello", lambda: shutil.copyfile("/art/hello", "/app/uploads/wx-chmod"))
    op("chmod 0755 copy", lambda: os.chmod("/app/uploads/wx-chmod", 0o755))
    op("mode of copy", lambda: mode_of("/app/uploads/wx-chmod"))
    op("exec seeded", lambda: child([SEEDED]))
    op("ld.so seeded", lambda: child([LDSO, SEEDED_LDSO]))
    # the child's stderr is the app's pipe: its event still reaches the
    # container's stderr (the loader's event relay)
    op("exec seeded, stderr captured", lambda: subprocess.run(
        [SEEDED_CAP], capture_output=True, timeout=30).returncode)

    # setuid bits, through the library call and through coreutils
    for f in ("setid-a", "setid-b"):
        op("create " + f, lambda f=f: write("/app/uploads/" + f))
    op("os.chmod 04644", lambda: os.chmod("/app/uploads/setid-a", 0o4644))
    op("chmod u+s", lambda: child(["chmod", "u+s", "/app/uploads/setid-b"]))
    op("modes of setid", lambda: [mode_of("/app/uploads/setid-a"), mode_of("/app/uploads/setid-b")])

    # a shared object dropped beneath a writable dir is no code either:
    # not for dlopen, not for a child's LD_PRELOAD; on the noexec tmpfs the
    # kernel cannot even map it
    for f in ("/app/uploads/evil-dl.so", "/app/uploads/evil-pre.so", "/app/tmp/evil.so"):
        op("copy " + f, lambda f=f: shutil.copyfile("/art/evil.so", f))
    op("dlopen /app/uploads/evil-dl.so", lambda: ctypes.CDLL("/app/uploads/evil-dl.so").evil())
    op("LD_PRELOAD=/app/uploads/evil-pre.so child",
       lambda: child(["/bin/true"], env={"LD_PRELOAD": "/app/uploads/evil-pre.so"}))
    op("dlopen /app/tmp/evil.so", lambda: ctypes.CDLL("/app/tmp/evil.so").evil())

    if "--gcc" in sys.argv:
        op("gcc by name", lambda: child(["gcc", "--version"], env={"PATH": "/usr/bin"}))
        op("cc (symlink)", lambda: child(["/usr/bin/cc", "--version"]))
        op("ld.so gcc-12", lambda: child([LDSO, "/usr/bin/gcc-12", "--version"]))
        op("notgcc (renamed copy)", lambda: child(["/usr/local/bin/notgcc", "--version"]))


main()
