#!/bin/sh
# transparency_quick.sh - the CI subset of `make transparency`: CPython's
# posix, shutil, tempfile, fileio, pathlib and glob tests and the
# coreutils workload, with and without the shim; the per-test results must
# match except for the intended differences in tests/transparency/EXPECTED.md.
# Exit 77 (skip) with the reason on the last line when something is missing.
BUILD=${RAMPART_BUILD:-build}
if [ ! -x /usr/bin/python3 ]; then
	echo "transparency: /usr/bin/python3 is missing"
	exit 77
fi
exec /usr/bin/python3 "$(dirname "$0")/../transparency/run_transparency.py" \
	--quick --build "$BUILD"
