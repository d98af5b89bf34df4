"""engine.py - a private Docker engine for the container suite.

PID 1 on the machines this suite runs on is not an init system, and the
suite must not touch an engine someone else runs, so it starts its own
dockerd: a data root in a fixed cache directory (so that a second run
reuses the imported base image and the build cache), and an exec root,
socket and pidfile in a temporary directory.  The daemon gets no bridge and
no iptables rules: a container has no network unless it is given the host's
(only `docker build --network host` is, so that the Dockerfile's apt-get
reaches the Debian mirror).  It is stopped by its pid, at the end and on
every failure.

The base image is made from Debian's packages (mmdebstrap) and imported,
never pulled: no registry is ever asked for anything.
"""
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DOCKER = "/usr/bin/docker"      # /usr/local/bin may hold another client
DOCKERD = "/usr/sbin/dockerd"
MMDEBSTRAP = "/usr/bin/mmdebstrap"
BASE_IMAGE = "local/debian:12-slim"
DEFAULT_CACHE = "/var/cache/rampart-container"


class Skip(Exception):
    """The engine cannot run here for a reason outside the project."""


def log(msg):
    print("container-test: " + msg, flush=True)


class Engine:
    def __init__(self, cache=None):
        self.cache = cache or os.environ.get("RAMPART_CONTAINER_CACHE", DEFAULT_CACHE)
        self.proc = None
        self.tmp = None
        self.lock = None
        self.env = None

    # ---- daemon ---------------------------------------------------------
    def start(self):
        for prog in (DOCKER, DOCKERD, MMDEBSTRAP):
            if not os.access(prog, os.X_OK):
                raise RuntimeError("%s is missing: `make container-test` installs "
                                   "CONTAINER_DEBS (see the Makefile)" % prog)
        if os.geteuid() != 0:
            raise Skip("dockerd needs root")
        os.makedirs(os.path.join(self.cache, "data"), mode=0o700, exist_ok=True)
        # one suite per data root: dockerd would refuse a second one anyway,
        # with a less helpful message
        self.lock = open(os.path.join(self.cache, "lock"), "w")
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError("%s is in use by another container-test run" % self.cache)
        # short paths: containerd's sockets live under the exec root and a
        # unix socket path has at most 107 bytes
        self.tmp = tempfile.mkdtemp(prefix="rampart-ct.", dir="/tmp")
        sock = os.path.join(self.tmp, "docker.sock")
        self.dlog = os.path.join(self.tmp, "dockerd.log")
        with open(self.dlog, "w") as out:
            self.proc = subprocess.Popen(
                [DOCKERD, "--data-root", os.path.join(self.cache, "data"),
                 "--exec-root", os.path.join(self.tmp, "exec"),
                 "-H", "unix://" + sock, "--pidfile", os.path.join(self.tmp, "pid"),
                 "--bridge=none", "--iptables=false", "--ip-masq=false",
                 "--shutdown-timeout=2"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self.env = dict(os.environ, DOCKER_HOST="unix://" + sock, DOCKER_BUILDKIT="1",
                        PATH="/usr/bin:/usr/sbin:/bin:/sbin:" + os.environ.get("PATH", ""))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Skip("dockerd exited with %d: %s" % (self.proc.returncode, self.log_tail()))
            if os.path.exists(sock) and subprocess.run(
                    [DOCKER, "version"], env=self.env, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL).returncode == 0:
                log("dockerd %d up (data root %s/data)" % (self.proc.pid, self.cache))
                return
            time.sleep(0.2)
        raise RuntimeError("dockerd did not answer within 60 s: " + self.log_tail())

    def log_tail(self):
        try:
            with open(self.dlog) as f:
                lines = [l.strip() for l in f if l.strip()]
        except OSError:
            return "(no log)"
        errs = [l for l in lines if "level=error" in l or "level=fatal" in l or "failed" in l]
        return " | ".join((errs or lines)[-3:])[-600:]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                # the daemon's own containerd is in its session
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        if self.tmp:
            subprocess.run(["umount", "-R", "-l", os.path.join(self.tmp, "exec")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        if self.lock:
            self.lock.close()
            self.lock = None

    # ---- client ---------------------------------------------------------
    def docker(self, *args, check=False, timeout=600, input=None, env=None):
        p = subprocess.run([DOCKER] + list(args), env=dict(self.env, **(env or {})),
                           input=input, capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError("docker %s: exit %d: %s" % (" ".join(args[:3]), p.returncode,
                                                          p.stderr.strip()[-800:]))
        return p

    def has_image(self, name):
        return self.docker("image", "inspect", name).returncode == 0

    # ---- images ---------------------------------------------------------
    def base_image(self):
        """Debian 12 minbase from the host's apt sources, imported once."""
        if self.has_image(BASE_IMAGE):
            return
        sources = next((s for s in ("/etc/apt/sources.list.d/debian.sources",
                                    "/etc/apt/sources.list") if os.path.isfile(s)), None)
        if sources is None:
            raise RuntimeError("no apt sources on this host for mmdebstrap")
        t = time.monotonic()
        tar = os.path.join(self.tmp, "base.tar")
        # a snapshot mirror's Release files may have expired
        p = subprocess.run([MMDEBSTRAP, "--quiet", "--variant=minbase",
                            "--aptopt=Acquire::Check-Valid-Until \"false\"",
                            "--aptopt=Acquire::Check-Date \"false\"",
                            "bookworm", tar, sources], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("mmdebstrap: exit %d: %s" % (p.returncode, p.stderr.strip()[-800:]))
        self.docker("import", tar, BASE_IMAGE, check=True)
        os.unlink(tar)
        log("base image %s made in %.0f s" % (BASE_IMAGE, time.monotonic() - t))

    def build(self, tag, dockerfile, context, args=()):
        t = time.monotonic()
        cmd = ["build", "--network", "host", "--progress=plain", "-f", dockerfile, "-t", tag]
        for a in args:
            cmd += ["--build-arg", a]
        p = self.docker(*(cmd + [context]), timeout=1200)
        if p.returncode != 0:
            sys.stdout.write(p.stderr[-3000:])
            raise RuntimeError("docker build of %s failed (exit %d)" % (tag, p.returncode))
        log("built %s in %.1f s" % (tag, time.monotonic() - t))
