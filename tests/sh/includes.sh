#!/bin/sh
# includes.sh - every .c of shim/, shim/core/ and tools/ includes its own
# header first, and every header there compiles on its own.
#
# "Its own header" is X.h beside X.c when there is one; a file without
# one includes first the header that declares what it defines (its
# module's parts header: fsparts.h, execparts.h, policyparts.h, scan.h,
# suggest.h, rampart.h...), so in any case a quoted project header comes
# before every system header.  Including it first is what proves that the
# header needs nothing included before it; compiling each header alone
# checks the same of the headers no .c includes first.
# Run from the project root.
CC=${CC:-cc}
fail=0

# First include not yet the file's own header (remove a name once it is).
EXEMPT=""

for c in shim/*.c shim/core/*.c tools/*.c tools/*/*.c; do
	first=$(sed -n 's/^#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$c" | head -n 1)
	own="\"$(basename "$c" .c).h\""
	case " $EXEMPT " in *" $c "*) continue ;; esac
	if [ -f "${c%.c}.h" ]; then
		[ "$first" = "$own" ] && continue
		echo "$c: first include is $first, not its own header $own"
	else
		case $first in \"*\") continue ;; esac
		echo "$c: first include is ${first:-nothing}, not a project header"
	fi
	fail=1
done

for h in shim/*.h shim/core/*.h tools/*.h tools/*/*.h; do
	out=$(printf '#include "%s"\n' "$h" | "$CC" -std=gnu11 -D_GNU_SOURCE -Wall -Wextra \
		-Werror -Wno-unused-function -Ishim -Ishim/core -Itools -Itools/loader \
		-Itools/field -fsyntax-only -x c - 2>&1) && continue
	echo "$h: does not compile on its own:"
	printf '%s\n' "$out" | head -n 5 | sed 's/^/    /'
	fail=1
done
exit $fail
