#!/bin/sh
# demo.sh - `make demo`: rampart's main job in one minute.
#
# Builds a temporary /app-like tree, writes a policy for it, asks
# `rampart --check` about it, and runs a small app that
#   (1) writes its log into app/logs (allowed),
#   (2) tries to overwrite its own source in app/src (denied),
#   (3) tries to run a compiler: a fake `gcc` on PATH that would leave a
#       marker file (denied),
#   (4) drops a program into app/tmp, tries to make it executable and to
#       run it (W^X: the copy comes out without exec bits, the chmod and the
#       run are denied).
# It runs the app under build/librampart.so alone, in audit mode, and, when
# run as root, under the build/rampart loader, and prints the JSON events
# one per line.  Exits 1 if anything did not go as intended.
#
# Usage: sh tests/demo.sh [BUILD_DIR]
set -u
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
SHIM=$BUILD/librampart.so
LOADER=$BUILD/rampart
TOP=$(pwd)
unexpected=0

heading() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }
verdict() {	# verdict WHAT INTENDED ACTUAL
	set -- "$1" "$2" "${3:-(app did not run)}"
	if [ "$2" = "$3" ]; then
		printf '   %-46s %s (as intended)\n' "$1" "$3"
	else
		printf '   %-46s %s  <-- UNEXPECTED, intended: %s\n' "$1" "$3" "$2"
		unexpected=$((unexpected + 1))
	fi
}
have_jq() { command -v jq >/dev/null 2>&1; }
# Paths are shown relative to the demo's temporary directory, "$T".
short() { sed "s|$tmp/|\$T/|g"; }
show_events() {	# one line per event; other stderr lines as they are
	if [ ! -s "$1" ]; then
		note "(nothing on stderr)"
	elif have_jq; then
		jq -Rr '. as $line | (fromjson? | select(type == "object") |
		  if .rampart == 1 then
		    "   event   \(.decision) \(.op) \(.path // "")" +
		    (if .target then " -> \(.target)" else "" end) +
		    "  rule=\(.rule)" +
		    (if .detail then " detail=\(.detail)" else "" end) +
		    (if .mode then " mode=\(.mode)" else "" end)
		  elif .rampart == "startup" then
		    "   startup mode=\(.mode) uid=\(.uid) caps_kept=\(.caps_kept | length)" +
		    " no_new_privs=\(.no_new_privs)\n" +
		    "           landlock: \(.landlock.state), \(.landlock.rules) rules, " +
		    "\(.landlock.withheld_files) denied files withheld, built in \(.landlock.build_us) us\n" +
		    "           seccomp: \(.seccomp.state), \(.seccomp.rules) rules" +
		    (.warnings | map("\n           warning: " + .) | join(""))
		  else empty end) // ("   stderr  " + $line)' "$1" 2>/dev/null | short ||
			sed 's/^/   /' "$1" | short
	else
		sed 's/^/   /' "$1" | short
	fi
}

for f in "$SHIM" "$LOADER"; do
	[ -e "$f" ] || { echo "demo: $f is missing; run make first"; exit 1; }
done

tmp=$(mktemp -d /tmp/rampart-demo.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
APP=$tmp/app
mkdir -p "$APP/src" "$APP/logs" "$APP/tmp" "$APP/uploads" "$APP/.cache" "$tmp/bin"

heading "1. An /app-like tree in \$T = $tmp"
printf 'print("hello")\n' >"$APP/src/main.py"
(cd "$tmp" && find app | sort | sed 's/^/   /')

heading "2. A fake compiler on PATH"
cat >"$tmp/bin/gcc" <<EOS
#!/bin/sh
# stands in for a real compiler: if it runs, it leaves a marker
echo compiled > "$APP/tmp/gcc-ran"
EOS
chmod 755 "$tmp/bin/gcc"
note "\$T/bin/gcc leaves \$T/app/tmp/gcc-ran when it runs"

heading "3. The policy, and what rampart --check says about it"
cat >"$tmp/demo.policy" <<EOS
# Writes only beneath these; nothing beneath them may run (W^X).
WritablePath $APP/logs $APP/tmp $APP/uploads $APP/.cache
# Compilers, assemblers, linkers, build tools may not run.
Include $TOP/policies/compilers.policy
EOS
short <"$tmp/demo.policy" | sed 's/^/   /'
PATH="$tmp/bin:/usr/bin:/bin" "$LOADER" --check --policy "$tmp/demo.policy" -- gcc -c x.c \
	>"$tmp/check.out" 2>"$tmp/check.err"
rc=$?
note ""
note "\$ rampart --check --policy demo.policy -- gcc -c x.c     (exit status $rc)"
# the effective policy without the ~240 DenyExec lines, then the plan
sed -n '/^# loader plan/q; /^DenyExec/d; p' "$tmp/check.out" | short | sed 's/^/     /'
note "  DenyExec: $(grep -c '^DenyExec' "$tmp/check.out") patterns (from compilers.policy)"
if have_jq; then
	sed -n '/^# loader plan/{n;p;}' "$tmp/check.out" | jq -r '
	  "     # loader plan: mode=\(.mode) uid=\(.uid), Landlock \(.landlock.state)" +
	  " (ABI \(.landlock.abi), \(.landlock.rules) rules), seccomp \(.seccomp.state)" +
	  " (\(.seccomp.rules) rules), errors: \(.errors | length)"'
else
	sed -n '/^# loader plan/{n;p;}' "$tmp/check.out" | cut -c1-160 | sed 's/^/     /'
fi
grep '^exec ' "$tmp/check.out" | short | sed 's/^/     /'
verdict "rampart --check exit status for gcc" 126 "$rc"

# The app: four actions, each reports what happened.  Its stderr is not
# redirected: the shim writes each event on the stderr of the process that
# made the call.
cat >"$tmp/app.sh" <<EOS
#!/bin/sh
if echo "request served" >> "$APP/logs/app.log"; then echo "log=allowed"; else echo "log=denied"; fi
if echo "print('pwned')" > "$APP/src/main.py"; then echo "src=allowed"; else echo "src=denied"; fi
rm -f "$APP/tmp/gcc-ran"
gcc -c x.c
if [ -e "$APP/tmp/gcc-ran" ]; then echo "gcc=allowed"; else echo "gcc=denied"; fi
rm -f "$APP/tmp/tool"
cp /bin/true "$APP/tmp/tool" && echo "dropmode=\$(stat -c %a "$APP/tmp/tool")"
if chmod +x "$APP/tmp/tool"; then echo "chmod=allowed"; else echo "chmod=denied"; fi
if "$APP/tmp/tool"; then echo "run=allowed"; else echo "run=denied"; fi
EOS
chmod 755 "$tmp/app.sh"

run_case() {	# run_case TITLE EXPECT(deny|audit) COMMAND...
	title=$1 expect=$2
	shift 2
	printf 'print("hello")\n' >"$APP/src/main.py"
	rm -f "$tmp/events"
	"$@" >"$tmp/out" 2>"$tmp/events"
	rc=$?
	heading "$title"
	note "exit status $rc"
	if [ "$expect" = deny ]; then want=denied; else want=allowed; fi
	verdict "write app/logs/app.log" allowed "$(sed -n 's/^log=//p' "$tmp/out")"
	verdict "overwrite app/src/main.py" "$want" "$(sed -n 's/^src=//p' "$tmp/out")"
	verdict "run gcc (fake compiler on PATH)" "$want" "$(sed -n 's/^gcc=//p' "$tmp/out")"
	verdict "cp /bin/true app/tmp/tool: mode of the copy" 644 "$(sed -n 's/^dropmode=//p' "$tmp/out")"
	verdict "chmod +x app/tmp/tool" "$want" "$(sed -n 's/^chmod=//p' "$tmp/out")"
	verdict "run app/tmp/tool (W^X)" "$want" "$(sed -n 's/^run=//p' "$tmp/out")"
	note "source file now: $(cat "$APP/src/main.py")"
	note "stderr (events one per line; the raw format is one JSON object per line):"
	show_events "$tmp/events"
}

run_case "4. The app under librampart.so (LD_PRELOAD), enforce mode" deny \
	env PATH="$tmp/bin:/usr/bin:/bin" LD_PRELOAD="$SHIM" RAMPART_POLICY="$tmp/demo.policy" \
	/bin/sh "$tmp/app.sh"
note ""
note "the first event as written:"
grep -m 1 '^{"rampart":1' "$tmp/events" | short | sed 's/^/   /'

run_case "5. The same in audit mode (RAMPART_MODE=audit, as rampart --audit sets): nothing blocked, everything logged" audit \
	env PATH="$tmp/bin:/usr/bin:/bin" LD_PRELOAD="$SHIM" RAMPART_POLICY="$tmp/demo.policy" \
	RAMPART_MODE=audit /bin/sh "$tmp/app.sh"
note "(exec bits asked for at creation are cleared in both modes, without an event)"

if [ "$(id -u)" = 0 ]; then
	# The loader switches to nobody: the writable dirs must be theirs.
	printf 'Include demo.policy\nUser 65534\nGroup 65534\n' >"$tmp/loader.policy"
	chown -R 65534:65534 "$APP/logs" "$APP/tmp" "$APP/uploads" "$APP/.cache"
	# nobody must be able to load the shim, as in an image where it is
	# installed root-owned and world-readable: the checkout may sit in a
	# private directory (a 0700 home), so run copies from the demo tree
	mkdir -p "$tmp/lib" && cp "$LOADER" "$SHIM" "$tmp/lib/" && chmod 755 "$tmp/lib"
	run_case "6. The app under the rampart loader (user nobody, no capabilities, Landlock, seccomp)" deny \
		env PATH="$tmp/bin:/usr/bin:/bin" "$tmp/lib/rampart" --policy "$tmp/loader.policy" -- /bin/sh "$tmp/app.sh"
else
	heading "6. The rampart loader"
	note "skipped: the loader demo switches users and needs root"
	note "(try: sudo make demo)"
fi

heading "Done"
note "Policy language: man -l docs/man/rampart.policy.5   Command: man -l docs/man/rampart.1"
note "Events and the startup report: docs/events.md"
if [ "$unexpected" -gt 0 ]; then
	note "$unexpected result(s) differ from what the policy intends (marked UNEXPECTED above)"
	exit 1
fi
exit 0
