# e2e.mk - a real ASGI service under the real loader (tests/e2e/run_e2e.py).
#   make e2e                 as root; E2E_ARGS="--requests 1000 --keep"
# tests/sh/e2e.sh runs the same thing from `make test`.
E2E_ARGS ?=

e2e: all
	/usr/bin/python3 tests/e2e/run_e2e.py --build $(BUILD) $(E2E_ARGS)
