"""pywrite.py - the Python file-writing workload of `make bench`.

    python3 pywrite.py DIR N

Creates DIR, then writes N small files into it with the ordinary
open()/write()/close() of an application, and prints the same JSON line as
loops.c: {"workload": "py_write", "n": N, "ns": TOTAL, "fail": F, "errno": E}.
A failed write is counted, not fatal, so that a denial shows in the table
instead of ending the run.
"""
import json
import os
import sys
import time


def main():
    directory, n = sys.argv[1], int(sys.argv[2])
    os.mkdir(directory)
    fail, last_errno = 0, 0
    t0 = time.perf_counter_ns()
    for i in range(n):
        try:
            with open(f"{directory}/f{i}.txt", "w") as f:
                f.write("rampart bench\n")
        except OSError as e:
            fail, last_errno = fail + 1, e.errno
    t1 = time.perf_counter_ns()
    print(json.dumps({"workload": "py_write", "n": n, "ns": t1 - t0,
                      "fail": fail, "errno": last_errno}))


if __name__ == "__main__":
    main()
