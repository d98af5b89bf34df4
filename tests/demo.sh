#!/bin/sh
# demo.sh - `make demo`: rampart's main job in one minute.
#
# Builds a temporary /app-like tree, writes a policy for it, and runs a
# small app that (1) writes its log into app/logs (allowed), (2) tries to
# overwrite its own source in app/src (denied), (3) tries to run a compiler,
# a fake `gcc` on PATH that would leave a marker file (denied).  It runs the
# app under build/librampart.so alone, in audit mode, and, when run as root,
# under the build/rampart loader, then prints the JSON events.
#
# Usage: sh tests/demo.sh [BUILD_DIR]
set -u
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
SHIM=$BUILD/librampart.so
LOADER=$BUILD/rampart
TOP=$(pwd)

heading() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }
verdict() {	# verdict WHAT EXPECTED(allowed|denied) ACTUAL
	set -- "$1" "$2" "${3:-(app did not run)}"
	if [ "$2" = "$3" ]; then
		printf '   %-44s %s (as intended)\n' "$1" "$3"
	else
		printf '   %-44s %s  <-- intended: %s (not implemented yet?)\n' "$1" "$3" "$2"
	fi
}
show_events() {
	if [ ! -s "$1" ]; then
		note "(no events)"
	elif command -v jq >/dev/null 2>&1; then
		# events pretty-printed, other stderr lines as they are
		jq -Rr '. as $line | (fromjson? | select(type == "object")) // ("   " + $line)' "$1" \
			2>/dev/null || sed 's/^/   /' "$1"
	else
		sed 's/^/   /' "$1"
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

heading "1. An /app-like tree"
printf 'print("hello")\n' >"$APP/src/main.py"
(cd "$tmp" && find app | sort | sed 's/^/   /')

heading "2. A fake compiler on PATH"
cat >"$tmp/bin/gcc" <<EOS
#!/bin/sh
# stands in for a real compiler: if it runs, it leaves a marker
echo compiled > "$APP/tmp/gcc-ran"
EOS
chmod 755 "$tmp/bin/gcc"
note "$tmp/bin/gcc leaves $APP/tmp/gcc-ran when it runs"

heading "3. The policy"
cat >"$tmp/demo.policy" <<EOS
# Writes only beneath these; nothing beneath them may run (W^X).
WritablePath $APP/logs $APP/tmp $APP/uploads $APP/.cache
# Compilers, assemblers, linkers, build tools may not run.
Include $TOP/policies/compilers.policy
EOS
sed 's/^/   /' "$tmp/demo.policy"
if "$LOADER" --check --policy "$tmp/demo.policy" -- gcc -c x.c >"$tmp/check.out" 2>&1; then :; fi
note ""
note "rampart --check --policy demo.policy -- gcc -c x.c says:"
grep -v '^DenyExec' "$tmp/check.out" | sed 's/^/     /' | tail -n 14

# The app: three actions, each reports what happened.
cat >"$tmp/app.sh" <<EOS
#!/bin/sh
if echo "request served" >> "$APP/logs/app.log" 2>/dev/null; then echo "log=allowed"; else echo "log=denied"; fi
if echo "print('pwned')" > "$APP/src/main.py" 2>/dev/null; then echo "src=allowed"; else echo "src=denied"; fi
rm -f "$APP/tmp/gcc-ran"
gcc -c x.c
if [ -e "$APP/tmp/gcc-ran" ]; then echo "gcc=allowed"; else echo "gcc=denied"; fi
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
	if [ "$expect" = deny ]; then want_src=denied want_gcc=denied; else want_src=allowed want_gcc=allowed; fi
	verdict "write app/logs/app.log" allowed "$(sed -n 's/^log=//p' "$tmp/out")"
	verdict "overwrite app/src/main.py" "$want_src" "$(sed -n 's/^src=//p' "$tmp/out")"
	verdict "run gcc (fake compiler on PATH)" "$want_gcc" "$(sed -n 's/^gcc=//p' "$tmp/out")"
	note "source file now: $(cat "$APP/src/main.py")"
	note "JSON events on stderr:"
	show_events "$tmp/events"
}

run_case "4. The app under librampart.so (LD_PRELOAD), enforce mode" deny \
	env PATH="$tmp/bin:/usr/bin:/bin" LD_PRELOAD="$SHIM" RAMPART_POLICY="$tmp/demo.policy" \
	/bin/sh "$tmp/app.sh"

{ printf 'Include demo.policy\nMode audit\n'; } >"$tmp/audit.policy"
run_case "5. The same in audit mode: nothing blocked, everything logged" audit \
	env PATH="$tmp/bin:/usr/bin:/bin" LD_PRELOAD="$SHIM" RAMPART_POLICY="$tmp/audit.policy" \
	/bin/sh "$tmp/app.sh"

if [ "$(id -u)" = 0 ]; then
	# The loader switches to nobody: the writable dirs must be theirs.
	printf 'Include demo.policy\nUser 65534\nGroup 65534\n' >"$tmp/loader.policy"
	chown -R 65534:65534 "$APP/logs" "$APP/tmp" "$APP/uploads" "$APP/.cache"
	run_case "6. The app under the rampart loader (user nobody, no capabilities, Landlock, seccomp)" deny \
		env PATH="$tmp/bin:/usr/bin:/bin" "$LOADER" --policy "$tmp/loader.policy" -- /bin/sh "$tmp/app.sh"
else
	heading "6. The rampart loader"
	note "skipped: the loader demo switches users and needs root"
	note "(try: sudo make demo)"
fi

heading "Done"
note "Policy language: man -l docs/man/rampart.policy.5   Events: docs/events.md"
exit 0
