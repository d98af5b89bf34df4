#!/bin/sh
# run.sh - run every test suite and print one closing line.
#   Criterion binaries: build/tests/unit, build/tests/integ
#   Shell tests: tests/sh/*.sh (exit 0 pass, 77 skip with a reason, else fail)
# RAMPART_STRICT_SKIPS=1 turns every skip into a failure (CI on a machine
# that has every feature).
BUILD=${BUILD:-build}
RAMPART_BUILD=$(cd "$BUILD" && pwd)
export RAMPART_BUILD
# Tests run programs as uid 1000 (the policies' User) that must read the
# shim, the test programs and the policies of this checkout.  A checkout in
# a private directory (a 0700 home, mktemp -d) is out of that user's reach,
# and the loader rightly refuses to start an app that could not load the
# shim.  Run the suites from a readable copy then.
if [ "$(id -u)" = 0 ] && [ -z "${RAMPART_STAGED:-}" ] && command -v setpriv >/dev/null &&
   ! setpriv --reuid=1000 --regid=1000 --clear-groups \
	test -r "$RAMPART_BUILD/librampart.so" 2>/dev/null; then
	stage=$(mktemp -d /var/tmp/rampart-tests.XXXXXX) || exit 1
	chmod 755 "$stage"
	printf "== this checkout is not readable by uid 1000: testing a copy in %s/src\n" "$stage"
	cp -a . "$stage/src" && chmod -R a+rX "$stage/src" || exit 1
	case $BUILD in /*) cp -a "$BUILD/." "$stage/src/build-staged" && BUILD=build-staged ;; esac
	(cd "$stage/src" && RAMPART_STAGED=1 BUILD="$BUILD" sh tests/run.sh)
	rc=$?
	rm -rf "$stage"
	exit $rc
fi

pass=0 fail=0 skip=0
failed=""

note() { printf '%s\n' "$*"; }

for suite in unit integ; do
	bin="$RAMPART_BUILD/tests/$suite"
	[ -x "$bin" ] || continue
	note "== $suite (Criterion)"
	out=$("$bin" --jobs 2 --short-filename --verbose 2>&1); rc=$?
	# the whole output goes to a log; the terminal gets the skips (with
	# their reasons), the failures with their assertions and the synthesis
	# line, not the events the tests print (they would scroll a failure
	# out of sight)
	printf '%s\n' "$out" >"$RAMPART_BUILD/tests/$suite.log"
	printf '%s\n' "$out" | grep -E '^\[(SKIP|FAIL)\]|^\[====\] Synthesis|^\[----\] [^ {]*\.c:' | tail -n 80
	[ "$rc" -eq 0 ] || note "   (all of it: $RAMPART_BUILD/tests/$suite.log)"
	sk=$(printf '%s\n' "$out" | grep -c '^\[SKIP\]')
	skip=$((skip + sk))
	if [ "$rc" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $suite"; fi
	if [ "$sk" -gt 0 ] && [ "${RAMPART_STRICT_SKIPS:-0}" = 1 ]; then
		fail=$((fail + 1)); failed="$failed $suite(skips)"
	fi
done

for t in tests/sh/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	out=$(sh "$t" 2>&1); rc=$?
	case $rc in
	0) pass=$((pass + 1)); note "[PASS] $name" ;;
	77) skip=$((skip + 1)); note "[SKIP] $name: $(printf '%s\n' "$out" | tail -n 1)"
	    if [ "${RAMPART_STRICT_SKIPS:-0}" = 1 ]; then fail=$((fail + 1)); failed="$failed $name(skip)"; fi ;;
	*) fail=$((fail + 1)); failed="$failed $name"; note "[FAIL] $name (exit $rc)"
	   printf '%s\n' "$out" | tail -n 30 | sed 's/^/    /' ;;
	esac
done

if [ "$fail" -eq 0 ]; then
	note "rampart tests: OK: $pass suites passed, $skip skipped"
	exit 0
fi
note "rampart tests: FAILED:$failed ($pass passed, $fail failed, $skip skipped)"
exit 1
