#!/usr/bin/python3
"""run.py - `make container-test`: docs/examples/ built and run on a real
Docker engine, with the settings of docs/examples/compose.yaml, attacked
from inside.

Each check prints one line, PASS/FAIL/SKIP NAME: reason.  Exit status: 0
when every check passed (skips allowed), 77 when the engine cannot run here
(the reason is the last line), 1 otherwise.  RAMPART_STRICT_SKIPS=1 makes a
skip a failure.  Containers run with --network none (compose: an internal
network); only `docker build` gets the host's network, for apt.

  run.py [--build DIR] [--measure] [--only SUBSTR]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # nothing written into the source tree
from engine import BASE_IMAGE, Engine, Skip, log  # noqa: E402

import checks  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--measure", action="store_true",
                    help="also time container starts and the loader in the image")
    ap.add_argument("--only", default="", help="run only checks whose name contains this")
    a = ap.parse_args()
    build = os.path.abspath(os.path.join(SRC, a.build))
    t0 = time.monotonic()
    e = Engine()
    work = tempfile.mkdtemp(prefix="rampart-ct-work.", dir="/tmp")
    os.chmod(work, 0o755)
    try:
        # the example policy says `Landlock strict`: without Landlock every
        # container would refuse to start, which says nothing about rampart
        try:
            with open("/sys/kernel/security/lsm") as f:
                lsm = f.read().strip()
        except OSError:
            lsm = None
        if lsm is not None and "landlock" not in lsm.split(","):
            print("container-test: skip: this kernel has no Landlock (lsm=%s)" % lsm)
            return 77
        try:
            e.start()
        except Skip as s:
            print("container-test: skip: %s" % s)
            return 77
        checks.cleanup(e)  # what a killed run may have left
        e.base_image()
        e.build(checks.IMG, os.path.join(SRC, "docs/examples/Dockerfile"), SRC,
                ["BASE=" + BASE_IMAGE])
        e.build(checks.GCC_IMG, os.path.join(HERE, "files/gcc.Dockerfile"),
                os.path.join(HERE, "files"), ["IMAGE=" + checks.IMG])
        log("images ready after %.0f s" % (time.monotonic() - t0))
        s = checks.Suite(e, build, work, a.only)
        s.run_all()
        if a.measure:
            checks.measure(e, work)
        log("%.0f s in all" % (time.monotonic() - t0))
        return s.summary()
    except Exception as ex:  # the engine, a build: nothing was checked
        print("FAIL container-test: %s" % ex, flush=True)
        return 1
    finally:
        try:
            checks.cleanup(e)
            checks.prune(e)
        except Exception:
            pass
        e.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    # a signal ends the run through the finally clauses (dockerd stopped)
    import signal
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, lambda n, f: sys.exit(128 + n))
    sys.exit(main())
