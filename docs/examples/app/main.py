"""A small ASGI app for the example image: health, uploads, logs.

It writes only where python-web.policy allows: uploads in /app/uploads,
its log in /app/logs.  Paths can be moved with APP_ROOT for local tests.
"""
import logging
import os
import uuid

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

ROOT = os.environ.get("APP_ROOT", "/app")
UPLOADS = os.path.join(ROOT, "uploads")
LOGS = os.path.join(ROOT, "logs")

logging.basicConfig(filename=os.path.join(LOGS, "app.log"), level=logging.INFO)
log = logging.getLogger("app")


async def health(request):
    return JSONResponse({"ok": True})


async def upload(request):
    body = await request.body()
    name = uuid.uuid4().hex
    with open(os.path.join(UPLOADS, name), "wb") as f:
        f.write(body)
    log.info("stored upload %s (%d bytes)", name, len(body))
    return JSONResponse({"stored": name, "bytes": len(body)})


app = Starlette(routes=[
    Route("/health", health),
    Route("/upload", upload, methods=["POST"]),
])
