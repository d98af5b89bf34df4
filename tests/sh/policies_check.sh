#!/bin/sh
# policies_check.sh - every shipped policy parses with `rampart --check`
# and says what it should; `rampart --check` prints the golden parse errors
# of tests/policies/ and exits 125 (0 for the valid one).
#
# python-web.policy names /app/... directories that exist in the image, not
# on this machine: it is checked from a copy whose /app is a temporary tree.
set -u
BUILD=${BUILD:-build}
[ -x "$BUILD/rampart" ] || { echo "$BUILD/rampart not built"; exit 1; }
tmp=$(mktemp -d /tmp/rampart-policies.XXXXXX) || exit 1
# the loader and its shim from a directory python-web.policy does not make
# writable (a build tree beneath /tmp is: --check would say the run refuses
# such a shim)
opt=$(mktemp -d /var/tmp/rampart-bin.XXXXXX) || exit 1
trap 'rm -rf "$tmp" "$opt"' EXIT
cp "$BUILD/rampart" "$BUILD/librampart.so" "$opt/" || exit 1
RAMPART=$opt/rampart
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# -- compilers.policy parses as shipped
"$RAMPART" --check --policy policies/compilers.policy >"$tmp/out" 2>"$tmp/err" ||
	bad "compilers.policy: exit $? $(cat "$tmp/err")"
grep -q '^DenyExec  *gcc ' "$tmp/out" || bad "compilers.policy: no DenyExec gcc"
grep -q '^Mode  *enforce' "$tmp/out" || bad "compilers.policy: not enforce"

# -- python-web.policy and its audit variant, /app relocated
mkdir -p "$tmp/app/logs" "$tmp/app/uploads" "$tmp/app/tmp" "$tmp/app/.cache" "$tmp/pol"
cp policies/compilers.policy "$tmp/pol/"
for p in python-web python-web-audit; do
	sed "s|/app/|$tmp/app/|g" "policies/$p.policy" >"$tmp/pol/$p.policy"
done
grep -q "$tmp/app/logs" "$tmp/pol/python-web.policy" || bad "python-web.policy: no /app/logs to relocate"
"$RAMPART" --check --policy "$tmp/pol/python-web.policy" >"$tmp/out" 2>"$tmp/err" ||
	bad "python-web.policy: exit $? $(cat "$tmp/err")"
for want in "^Mode  *enforce" "^User  *1000" "^Group  *1000" "^KeepCapability  *(none)" \
	"^MemfdExec  *deny" "^Landlock  *strict" "^CoreDumps  *no" "^Log  *stderr" \
	"^WritablePath  *$tmp/app/logs " "^WritablePath  *$tmp/app/uploads " \
	"^WritablePath  *$tmp/app/tmp " "^WritablePath  *$tmp/app/.cache " \
	"^WritablePath  *\/tmp " "^DenyExec  *cc1plus .*compilers.policy"; do
	grep -q -- "$want" "$tmp/out" || bad "python-web.policy --check lacks /$want/"
done
grep -q "^ExecWritablePath" "$tmp/out" && bad "python-web.policy opts out of W^X"
"$RAMPART" --check --policy "$tmp/pol/python-web-audit.policy" >"$tmp/out" 2>"$tmp/err" ||
	bad "python-web-audit.policy: exit $? $(cat "$tmp/err")"
grep -q '^Mode  *audit' "$tmp/out" || bad "python-web-audit.policy is not in audit mode"
grep -q "^User  *1000" "$tmp/out" || bad "python-web-audit.policy does not include python-web.policy"
# the audit variant differs from the enforce one by its Mode line only
grep -v -e '^#' -e '^Include' "policies/python-web-audit.policy" | grep -v '^$' >"$tmp/extra"
[ "$(cat "$tmp/extra")" = "Mode audit" ] || bad "python-web-audit.policy adds more than 'Mode audit': $(cat "$tmp/extra")"

# -- as shipped, where /app is missing (a build host): --check lints it and
# warns; the loader, which enforces it, fails closed
if [ ! -d /app/logs ]; then
	"$RAMPART" --check --policy policies/python-web.policy >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 0 ] || bad "python-web.policy --check without /app: exit $rc, want 0: $(cat "$tmp/err")"
	grep -q "WritablePath /app/logs does not exist on this machine" "$tmp/out" ||
		bad "python-web.policy --check without /app: no warning: $(cat "$tmp/out")"
	"$RAMPART" --policy policies/python-web.policy -- /bin/true >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" = 125 ] || bad "python-web.policy run without /app: exit $rc, want 125"
	grep -q "writable path does not exist '/app/logs'" "$tmp/err" ||
		bad "python-web.policy run without /app: $(cat "$tmp/err")"
fi

# -- the CLI prints the golden errors and exits 125.  --check lints: a
# writable dir missing on this machine is no error there, so those golden
# files are checked with the loader's run, which enforces the policy.
for golden in tests/policies/*.expected.err; do
	pol=${golden%.expected.err}.policy
	if grep -q "writable path \(does not exist\|is not a directory\)" "$golden"; then
		"$RAMPART" --policy "$pol" -- /bin/true >/dev/null 2>"$tmp/err"
	else
		"$RAMPART" --check --policy "$pol" >/dev/null 2>"$tmp/err"
	fi
	rc=$?
	if [ -s "$golden" ]; then
		[ "$rc" = 125 ] || bad "$pol: --check exit $rc, want 125"
		n=$(wc -l <"$golden")
		head -n "$n" "$tmp/err" | cmp -s - "$golden" || bad "$pol: --check stderr differs from $golden"
		tail -n 1 "$tmp/err" | grep -q "^rampart: $n errors\{0,1\} in policy $pol; nothing applied$" ||
			bad "$pol: no closing count line: $(tail -n 1 "$tmp/err")"
	else
		[ "$rc" = 0 ] || bad "$pol: --check exit $rc, want 0: $(cat "$tmp/err")"
	fi
done
exit $fail
