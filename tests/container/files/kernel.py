"""kernel.py - what the kernel's layers (Landlock) refuse on their own.

It calls libc through its own handle, which dlsym resolves inside libc.so.6,
not in the preloaded shim: so every answer here is the kernel's.  Run as
the CMD under the rampart ENTRYPOINT without --read-only, so that the
writes are refused by Landlock, not by a read-only mount or file modes.
Prints one JSON object.
"""
import ctypes
import errno
import json
import os

libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
res = {}


def create(path):
    fd = libc.open(path.encode(), os.O_CREAT | os.O_WRONLY, 0o644)
    if fd < 0:
        return errno.errorcode.get(ctypes.get_errno(), "?")
    os.close(fd)
    return "ok"


# /var/tmp is writable for every user (mode 1777) but is no WritablePath
res["create /var/tmp/x"] = create("/var/tmp/x")
res["create /app/tmp/x"] = create("/app/tmp/x")

# a program with exec bits beneath a writable dir (seeded outside the loader)
pid = os.fork()
if pid == 0:
    argv = (ctypes.c_char_p * 2)(b"/app/uploads/wx-exec", None)
    envp = (ctypes.c_char_p * 1)(None)
    libc.execve(b"/app/uploads/wx-exec", argv, envp)
    os._exit(100 + ctypes.get_errno())
_, st = os.waitpid(pid, 0)
rc = os.waitstatus_to_exitcode(st)
res["execve /app/uploads/wx-exec"] = errno.errorcode.get(rc - 100, "?") if rc >= 100 else "ran"

# ld.so FILE through libc's own execve: only a noexec mount stops the
# mapping (the program is on the noexec tmpfs here)
with open("/art/hello", "rb") as src, open("/app/tmp/hello", "wb") as dst:
    dst.write(src.read())
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.dup2(w, 1)
    os.dup2(w, 2)
    ld = b"/lib64/ld-linux-x86-64.so.2"
    argv = (ctypes.c_char_p * 3)(ld, b"/app/tmp/hello", None)
    envp = (ctypes.c_char_p * 1)(None)
    libc.execve(ld, argv, envp)
    os._exit(99)
os.close(w)
out = b""
while True:
    chunk = os.read(r, 4096)
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
res["ld.so /app/tmp/hello past the shim"] = (
    "ran" if b"DROPPED_BINARY_RAN" in out else
    "failed to map" if b"failed to map" in out else out.decode(errors="replace")[-120:])
print(json.dumps(res), flush=True)
