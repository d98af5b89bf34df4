#!/bin/sh
# docs_jq.sh - every `jq ... events.log` query of docs/events.md, run on
# the events of a real audit run under the loader (root) or the shim, must
# work and find something.  Exit 77 (skip) without jq.
command -v jq >/dev/null 2>&1 || { echo "jq is not installed"; exit 77; }
B=${RAMPART_BUILD:-$(pwd)/build}
T=$(mktemp -d /tmp/rampart-jq.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir -p "$T/w" "$T/src" "$T/bin" "$T/lib"
cp "$B/rampart" "$B/librampart.so" "$T/lib/"
printf '#!/bin/sh\necho compiled\n' >"$T/bin/gcc"
chmod 755 "$T/bin/gcc" "$T/lib" "$T/bin"
printf 'WritablePath %s/w\nDenyExec gcc\n' "$T" >"$T/policy"
cat >"$T/app.sh" <<APP
echo x > $T/src/a.txt
echo y > $T/w/b.txt
gcc -c x.c
exit 0
APP
# an audit run: every would-be denial logged, nothing blocked
if [ "$(id -u)" = 0 ]; then
	# through a pipe: the loader's event relay writes its last lines just
	# after the app exits, and the pipe ends when it has
	PATH="$T/bin:/usr/bin:/bin" "$T/lib/rampart" --audit --policy "$T/policy" -- \
		/bin/sh "$T/app.sh" 2>&1 >/dev/null | cat >"$T/events.log"
else
	PATH="$T/bin:/usr/bin:/bin" LD_PRELOAD="$T/lib/librampart.so" RAMPART_POLICY="$T/policy" \
		RAMPART_MODE=audit /bin/sh "$T/app.sh" 2>"$T/events.log" >/dev/null
fi
[ -s "$T/events.log" ] || { echo "FAIL: the audit run logged nothing"; exit 1; }

# the queries: lines of the sh block that start with jq (and the line
# that continues one), run as written in the directory holding events.log
awk '/^## Querying with jq/ {on = 1} on && /^```sh/ {blk = 1; next} blk && /^```/ {exit}
     blk && /^jq / {q = $0; while (q ~ /\\$/) { getline n; q = q "\n" n }
                    print q; print "\036"}' docs/events.md >"$T/queries"
n=0 bad=0
while IFS= read -r line || [ -n "$line" ]; do
	if [ "$line" = "$(printf '\036')" ]; then
		n=$((n + 1))
		out=$(cd "$T" && sh -c "$cmd" 2>&1); rc=$?
		if [ $rc -ne 0 ] || [ -z "$out" ]; then
			echo "FAIL: query $n (exit $rc, output '$out'):"; printf '%s\n' "$cmd"
			bad=$((bad + 1))
		fi
		cmd=""
	else
		cmd="${cmd:+$cmd
}$line"
	fi
done <"$T/queries"
[ $n -ge 5 ] || { echo "FAIL: found only $n queries in docs/events.md"; exit 1; }
[ $bad -eq 0 ] || exit 1
echo "ok: $n queries of docs/events.md answered on a real audit log"
