"""A small ASGI service laid out like a production /app, for rampart's
end-to-end test (tests/e2e/run_e2e.py).

    APP/src/       this code; read-only under policies/python-web.policy
    APP/logs/      app.log, one line per request
    APP/uploads/   files posted to /upload
    APP/tmp/       TMPDIR: Starlette spools large uploads here
    APP/.cache/    XDG_CACHE_HOME

Routes:
    GET  /health               {"status": "ok", "uid": .., "pid": ..}
    POST /upload               multipart field "file" -> APP/uploads/NAME
    POST /attack/write-source  create a file in APP/src
    POST /attack/compiler      run `gcc --version`
    POST /attack/setuid        create a file in APP/uploads, chmod u+s it
    POST /attack/exec-upload   write a script to APP/uploads and run it

Each /attack/* route answers 403 with the errno of the first step that was
refused ({"denied": true, "errno": 13, "error": "EACCES", "step": ..}), or
200 with {"denied": false} if everything it tried succeeded: the test
expects 403 for every one of them under rampart, and 200 without it.
"""
import errno
import hashlib
import itertools
import logging
import os
import subprocess

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

APP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(APP, "src")
LOGS = os.path.join(APP, "logs")
UPLOADS = os.path.join(APP, "uploads")

log = logging.getLogger("app")
_handler = logging.FileHandler(os.path.join(LOGS, "app.log"))
_handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(message)s"))
log.addHandler(_handler)
log.setLevel(logging.INFO)

_serial = itertools.count()


def denied(step, e):
    log.info("denied %s %s", step, errno.errorcode.get(e.errno, e.errno))
    return JSONResponse({"denied": True, "step": step, "errno": e.errno,
                         "error": errno.errorcode.get(e.errno, str(e.errno)),
                         "message": str(e)}, status_code=403)


def allowed(step, **extra):
    log.info("NOT denied %s", step)
    return JSONResponse(dict(extra, denied=False, step=step))


async def health(request):
    log.info("health")
    return JSONResponse({"status": "ok", "uid": os.getuid(),
                         "pid": os.getpid()})


async def upload(request):
    form = await request.form()
    part = form["file"]
    name = os.path.basename(part.filename or "") or "upload-%d" % next(_serial)
    data = await part.read()
    await part.close()
    # write beside the target, then rename: readers never see half a file
    final = os.path.join(UPLOADS, name)
    partial = final + ".part"
    with open(partial, "wb") as f:
        f.write(data)
    os.replace(partial, final)
    digest = hashlib.sha256(data).hexdigest()
    log.info("upload %s %d %s", name, len(data), digest)
    return JSONResponse({"saved": name, "bytes": len(data), "sha256": digest})


def write_source(request):
    path = os.path.join(SRC, "injected.py")
    try:
        with open(path, "w") as f:
            f.write("print('owned')\n")
    except OSError as e:
        return denied("open " + path, e)
    return allowed("open " + path)


def compiler(request):
    try:
        # stderr stays the service's: a denial in the child is reported
        # on the child's fd 2, and the test looks for it there
        r = subprocess.run(["gcc", "--version"], stdout=subprocess.PIPE,
                           timeout=20)
    except OSError as e:
        return denied("exec gcc", e)
    return allowed("exec gcc", status=r.returncode)


def setuid(request):
    path = os.path.join(UPLOADS, "setuid-%d-%d" % (os.getpid(), next(_serial)))
    with open(path, "w") as f:
        f.write("#!/bin/sh\n")
    try:
        os.chmod(path, 0o4755)
    except OSError as e:
        return denied("chmod u+s " + path, e)
    return allowed("chmod u+s " + path, mode=oct(os.stat(path).st_mode))


def exec_upload(request):
    n = next(_serial)
    path = os.path.join(UPLOADS, "run-%d-%d.sh" % (os.getpid(), n))
    marker = os.path.join(LOGS, "exec-upload-ran-%d" % n)
    try:
        with open(path, "w") as f:
            f.write("#!/bin/sh\ntouch %s\n" % marker)
        os.chmod(path, 0o755)
    except OSError as e:
        return denied("write+chmod " + path, e)
    try:
        subprocess.run([path], timeout=20)
    except OSError as e:
        return denied("exec " + path, e)
    return allowed("exec " + path)


app = Starlette(routes=[
    Route("/health", health),
    Route("/upload", upload, methods=["POST"]),
    Route("/attack/write-source", write_source, methods=["POST"]),
    Route("/attack/compiler", compiler, methods=["POST"]),
    Route("/attack/setuid", setuid, methods=["POST"]),
    Route("/attack/exec-upload", exec_upload, methods=["POST"]),
])
