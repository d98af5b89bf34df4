#!/bin/sh
# e2e.sh - `make e2e` from `make test`: uvicorn + Starlette under
# `rampart --policy <python-web derived> --`, 200 requests over loopback
# (uploads, health, and attacks that must be denied), then SIGTERM.
# Exit 77 (skip) with the reason on the last line when not root or when
# python3-starlette / python3-uvicorn / python3-multipart are missing.
BUILD=${RAMPART_BUILD:-build}
if [ "$(id -u)" != 0 ]; then
	echo "e2e: needs root (the loader switches to the policy's User)"
	exit 77
fi
if [ ! -x /usr/bin/python3 ]; then
	echo "e2e: /usr/bin/python3 is missing"
	exit 77
fi
exec /usr/bin/python3 "$(dirname "$0")/../e2e/run_e2e.py" --build "$BUILD"
