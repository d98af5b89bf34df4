#!/usr/bin/python3
"""pyclient.py - load for the example service (docs/examples/app).

    pyclient.py PORT N

Sends N requests over one keep-alive connection to 127.0.0.1:PORT, nine
`GET /health` to one `POST /upload` of 1 KiB (which writes a file and a
log line in the service's writable dirs), after 50 untimed ones.  Prints
one JSON line: {"n": N, "ns": total, "fail": failed, "errno": 0}.
The client runs bare in every variant; only the service is confined.
"""
import http.client
import json
import sys
import time

BODY = b"x" * 1024


def one(conn, i):
    if i % 10 == 9:
        conn.request("POST", "/upload", body=BODY,
                     headers={"Content-Type": "application/octet-stream"})
    else:
        conn.request("GET", "/health")
    r = conn.getresponse()
    r.read()
    return r.status == 200


def main():
    port, n = int(sys.argv[1]), int(sys.argv[2])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(50):
        one(conn, i)
    fail = 0
    t0 = time.perf_counter_ns()
    for i in range(n):
        if not one(conn, i):
            fail += 1
    ns = time.perf_counter_ns() - t0
    conn.close()
    print(json.dumps({"n": n, "ns": ns, "fail": fail, "errno": 0}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
