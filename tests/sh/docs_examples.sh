#!/bin/sh
# docs_examples.sh - docs/examples/Dockerfile and compose.yaml, checked as
# far as a machine without a container engine allows:
#   - the Dockerfile is parsed: two stages, the runtime stage installs no
#     compiler or build tool and copies rampart from the build stage, every
#     COPY source exists in this tree, the shim and policy are owned by
#     root, the user is not root, ENTRYPOINT is rampart;
#   - the build stage's commands are run for real (make of the two
#     artefacts and the install lines) into a scratch root, from a copy of
#     the files the Dockerfile copies, and the result is checked;
#   - compose.yaml is parsed as YAML (python3 with PyYAML) and its hardening
#     settings asserted;
#   - the example app compiles;
#   - the documentation matches the code: every option that `rampart
#     [SUBCOMMAND] --help` prints is in rampart(1), every rule the shim logs
#     is in docs/events.md, every field of the startup report and of
#     `--check --json` is in docs/events.md and rampart(1), and both man
#     pages render without warnings.
set -u
BUILD=${BUILD:-build}
DF=docs/examples/Dockerfile
CF=docs/examples/compose.yaml
tmp=$(mktemp -d /tmp/rampart-docs.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Join continuation lines so each instruction is one line.
sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$DF" | grep -v '^[[:space:]]*#' >"$tmp/df"

# ---- stages
[ "$(grep -c '^FROM ' "$tmp/df")" -ge 2 ] || bad "not a multi-stage Dockerfile"
grep -q '^FROM .* AS build$' "$tmp/df" || bad "no 'FROM ... AS build' stage"
last_from=$(grep -n '^FROM ' "$tmp/df" | tail -n 1 | cut -d: -f1)
tail -n "+$last_from" "$tmp/df" >"$tmp/runtime"
sed -n "1,$((last_from - 1))p" "$tmp/df" >"$tmp/build"

# ---- the runtime stage installs no compiler or build tool
grep '^RUN .*apt-get install' "$tmp/runtime" >"$tmp/rt-install" || true
for tool in gcc g++ clang cpp make cmake build-essential libc6-dev binutils rustc cargo golang tcc; do
	# package names are whole words on the install line
	if grep -qE "(^|[[:space:]])$(printf '%s' "$tool" | sed 's/+/\\+/g')(-[0-9.]+)?([[:space:]]|$)" "$tmp/rt-install"; then
		bad "runtime stage installs $tool"
	fi
done
grep -qE 'pip[0-9]* install' "$tmp/runtime" && bad "runtime stage runs pip install (may build wheels with a compiler)"
grep -q '^COPY --from=build ' "$tmp/runtime" || bad "runtime stage does not copy rampart from the build stage"

# ---- every COPY source (outside --from) exists in this tree (context = root)
grep '^COPY ' "$tmp/df" | grep -v -- '--from=' | while read -r _ rest; do
	set -- $rest
	while [ $# -gt 1 ]; do
		case $1 in --*) ;; *) [ -e "$1" ] || echo "FAIL: COPY source $1 does not exist" ;; esac
		shift
	done
done >"$tmp/copy-missing"
[ -s "$tmp/copy-missing" ] && { cat "$tmp/copy-missing"; fail=1; }

# ---- root owns rampart, the shim and the policy
grep -q '^COPY --from=build --chown=root:root .* /usr/local/$' "$tmp/runtime" ||
	bad "rampart and the shim are not copied with --chown=root:root"
grep -q '^COPY --chown=root:root .*policies/python-web.policy /etc/rampart/policy$' "$tmp/runtime" ||
	bad "the policy is not installed as /etc/rampart/policy owned by root"
grep -q '^COPY --chown=root:root .*policies/compilers.policy /etc/rampart/compilers.policy$' "$tmp/runtime" ||
	bad "compilers.policy (Included by the policy) is not beside it"

# ---- a non-root user, rampart as the entry point
user=$(grep '^USER ' "$tmp/runtime" | tail -n 1 | awk '{print $2}')
case ${user%%:*} in
"" ) bad "runtime stage has no USER" ;;
0|root) bad "runtime stage runs as root ($user)" ;;
esac
grep -qx 'ENTRYPOINT \["rampart", "--policy", "/etc/rampart/policy", "--"\]' "$tmp/runtime" ||
	bad "ENTRYPOINT is not [\"rampart\", \"--policy\", \"/etc/rampart/policy\", \"--\"]"
grep -q '^CMD \[' "$tmp/runtime" || bad "no CMD in exec form"
# the writable dirs of the policy exist in the image and belong to the user
for d in /app/logs /app/uploads /app/tmp /app/.cache; do
	grep -q "install -d -o 1000 -g 1000 .*$d" "$tmp/runtime" || bad "$d is not created for uid 1000"
done

# ---- run the build stage's make and install lines into a scratch root
mkdir -p "$tmp/src"
cp -r Makefile shim tools "$tmp/src/"
grep '^RUN make ' "$tmp/build" | sed 's/^RUN //' >"$tmp/build.sh"
[ -s "$tmp/build.sh" ] || bad "build stage has no 'RUN make' line"
# /out becomes a scratch directory; the commands themselves are unchanged
sed -i "s|/out/|$tmp/out/|g" "$tmp/build.sh"
# a fresh image build: nothing of this make's settings (BUILD, CFLAGS of a
# sanitizer run) may leak into it
if (cd "$tmp/src" && unset MAKELEVEL MFLAGS BUILD CFLAGS LDFLAGS SHIM_CFLAGS SHIM_LDFLAGS &&
    MAKEFLAGS=-j2 sh -e "$tmp/build.sh") >"$tmp/build.log" 2>&1; then
	[ -x "$tmp/out/usr/local/bin/rampart" ] || bad "build stage did not stage bin/rampart"
	[ -f "$tmp/out/usr/local/lib/rampart/librampart.so" ] || bad "build stage did not stage the shim"
	"$tmp/out/usr/local/bin/rampart" --check --policy policies/compilers.policy >/dev/null ||
		bad "the staged rampart cannot check compilers.policy"
else
	bad "the build stage's commands failed: $(tail -n 5 "$tmp/build.log")"
fi

# ---- compose.yaml
PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import yaml' 2>/dev/null; then
	"$PY" - "$CF" <<'PYEOF' || fail=1
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
web = doc["services"]["web"]
problems = []
def need(cond, what):
    if not cond:
        problems.append(what)
need(web.get("read_only") is True, "read_only: true")
need(web.get("cap_drop") == ["ALL"], "cap_drop: [ALL]")
need("no-new-privileges:true" in web.get("security_opt", []), "security_opt no-new-privileges:true")
need(str(web.get("user", "0")).split(":")[0] not in ("0", "root"), "a non-root user")
tmpfs = {t.split(":")[0]: t.split(":", 1)[1].split(",") for t in web.get("tmpfs", [])}
for d in ("/tmp", "/app/tmp", "/app/.cache"):
    need(d in tmpfs, "tmpfs for " + d)
    for opt in ("noexec", "nosuid", "nodev"):
        need(opt in tmpfs.get(d, []), "tmpfs %s with %s" % (d, opt))
vols = {v.split(":")[1]: v.split(":")[0] for v in web.get("volumes", [])}
for d in ("/app/logs", "/app/uploads"):
    need(d in vols and vols[d] in (doc.get("volumes") or {}), "named volume for " + d)
need(web["build"]["dockerfile"] == "docs/examples/Dockerfile", "builds docs/examples/Dockerfile")
for p in problems:
    print("FAIL: compose.yaml lacks " + p)
sys.exit(1 if problems else 0)
PYEOF
	"$PY" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' \
		docs/examples/app/main.py 2>"$tmp/py.err" ||
		bad "docs/examples/app/main.py: $(cat "$tmp/py.err")"
else
	# no PyYAML: the same settings as lines
	for want in '^    read_only: true$' '^      - ALL$' '^      - no-new-privileges:true$' \
		'^      - /tmp:rw,noexec' '^      - /app/tmp:rw,noexec'; do
		grep -q -- "$want" "$CF" || bad "compose.yaml lacks /$want/"
	done
fi
# ---- the documentation matches the code
RAMPART=$BUILD/rampart
MAN1=docs/man/rampart.1
EV=docs/events.md
if [ -x "$RAMPART" ]; then
	# every option of every --help, as roff writes it (\-\-name)
	for sub in "" scan suggest export-seccomp; do
		$RAMPART $sub --help 2>&1 | grep -oE -- '--[a-z][a-z-]*' | sort -u | while read -r opt; do
			roff=$(printf '%s' "$opt" | sed 's/-/\\-/g')
			grep -qF -- "$roff" "$MAN1" || echo "FAIL: $MAN1 does not mention '${sub:+$sub }$opt'"
		done
	done >"$tmp/opts-missing"
	[ -s "$tmp/opts-missing" ] && { cat "$tmp/opts-missing"; fail=1; }
	# every field of the plan (the startup report's shape) and of the exec line
	if $RAMPART --check --json --policy policies/compilers.policy -- sh >"$tmp/plan.json" 2>/dev/null ||
	   [ -s "$tmp/plan.json" ]; then
		/usr/bin/python3 - "$tmp/plan.json" "$EV" "$MAN1" <<'PYEOF' || fail=1
import json, re, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ev, man = open(sys.argv[2]).read(), open(sys.argv[3]).read()
bad = 0
def keys(obj, prefix=""):
    for k, v in obj.items():
        if isinstance(v, dict):
            yield from keys(v, prefix + k + ".")
        else:
            yield prefix + k, k
for obj in lines:
    for dotted, leaf in keys(obj):
        if "`%s`" % dotted not in ev:
            print("FAIL: %s does not describe field `%s` of %s" % (sys.argv[2], dotted, obj["rampart"]))
            bad = 1
        if obj["rampart"] == "plan" and not re.search(r"\b%s\b" % re.escape(leaf), man):
            print("FAIL: %s does not name report field %s" % (sys.argv[3], leaf))
            bad = 1
if len(lines) != 2:
    print("FAIL: rampart --check --json -- sh printed %d JSON lines, not 2" % len(lines))
    bad = 1
sys.exit(bad)
PYEOF
	else
		bad "rampart --check --json printed nothing"
	fi
else
	bad "$RAMPART is missing: run make first"
fi
# every rule of the rules table (shim/core/rules.h), any rule name still
# written as a literal in shim code, and every decision besides deny/audit
{
	sed -n 's/^[[:space:]]*X([A-Z_]*, "\([^"]*\)".*/"\1"/p' shim/core/rules.h
	grep -ohE '\.rule = "[^"]+"|deny\(v, "[^"]+"|refuse\(op, [^"]*"[^"]+"' shim/*.c shim/core/*.c
	grep -ohE 'decision = "[^"]+"' shim/*.c shim/core/*.c
} | grep -oE '"[^"]+"' | tr -d '"' | sort -u >"$tmp/rules"
[ "$(wc -l <"$tmp/rules")" -ge 10 ] || bad "found only $(wc -l <"$tmp/rules") rule names in shim/core/rules.h and shim/*.c: the extraction is stale"
while read -r rule; do
	grep -qF -- "| \`$rule\` |" "$EV" || bad "$EV has no table row for rule or decision '$rule' (shim/core/rules.h, shim/*.c)"
done <"$tmp/rules"
# a rule whose denials answer EPERM says so in its row
sed -n 's/^[[:space:]]*X([A-Z_]*, "\([^"]*\)", EPERM,.*/\1/p' shim/core/rules.h >"$tmp/eperm"
[ -s "$tmp/eperm" ] || bad "no EPERM rule in shim/core/rules.h: the extraction is stale"
while read -r rule; do
	grep -F -- "| \`$rule\` |" "$EV" | grep -qF EPERM || bad "$EV: the row of rule '$rule' does not say EPERM (shim/core/rules.h)"
done <"$tmp/eperm"
# the field table of docs/events.md lists exactly the fields of the event
# fields' table (shim/core/eventfields.h), in its order, with its types
sed -n 's/^[[:space:]]*X([A-Z_]*, "\([^"]*\)", RP_EFT_\([A-Z]*\),.*/\1 \2/p' shim/core/eventfields.h |
	sed -e 's/ NUMBER$/ number/' -e 's/ STRINGS$/ array of strings/' -e 's/ STRING$/ string/' \
	    -e 's/ TRUE$/ `true`/' >"$tmp/fields"
[ "$(wc -l <"$tmp/fields")" -ge 10 ] || bad "found only $(wc -l <"$tmp/fields") fields in shim/core/eventfields.h: the extraction is stale"
sed -n '/^## Shim event fields/,/^## /p' "$EV" |
	sed -n 's/^| `\([^`]*\)` | \([^|]*[^ |]\) |.*/\1 \2/p' >"$tmp/docfields"
diff "$tmp/fields" "$tmp/docfields" >"$tmp/fields.diff" ||
	bad "$EV's field table differs from shim/core/eventfields.h (< header, > docs): $(tr '\n' ' ' <"$tmp/fields.diff")"
# man pages render without warnings
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	for page in docs/man/rampart.1 docs/man/rampart.policy.5; do
		MANWIDTH=80 man --warnings -l "$page" 2>"$tmp/man.err" >/dev/null
		[ -s "$tmp/man.err" ] && bad "$page: $(head -n 3 "$tmp/man.err")"
	done
else
	echo "note: man or groff not installed; man page warnings not checked"
fi
exit $fail
