#!/bin/sh
# coreutils.sh DIR [NFILES] - everyday file work on a few thousand files.
#
# Run by run_transparency.py twice, plainly and under the shim, each time in
# a fresh DIR beneath the policy's writable paths.  Prints each step's exit
# status, then a listing of the resulting trees (type, path, mode, owner,
# link count, size, symlink target, mtime of non-directories, checksum):
# both runs must print the same thing.  Only the shell and coreutils-level
# programs run here (cp, tar, mv, find, ln, chmod, chown, touch, sed -i,
# truncate, dd, rm), so every wrapped call they make goes through the shim.
# No step makes a regular file executable or set-id: beneath a writable dir
# that is an intended denial (EXPECTED.md), not everyday work.
set -u
D=$1
N=${2:-2000}
cd "$D" || exit 2
mkdir -p logs

# step NAME CMD...: run CMD, print its status, keep its stderr in logs/
step() {
	name=$1
	shift
	"$@" >/dev/null 2>"logs/$name.err"
	rc=$?
	echo "step $name exit $rc"
	[ "$rc" -eq 0 ] || sed "s/^/$name: /" "logs/$name.err" >&2
}

# N small files in directories of 100, written by the shell itself
# (open(O_CREAT|O_TRUNC) from dash), plus a few bigger ones.
generate() {
	i=0
	while [ "$i" -lt "$N" ]; do
		if [ $((i % 100)) -eq 0 ]; then
			dir=src/d$((i / 100))
			mkdir -p "$dir/sub"
		fi
		printf 'file %d\n%0*d\n' "$i" $((i % 300)) 0 >"$dir/f$i.txt"
		i=$((i + 1))
	done
	for i in 1 2 3; do
		head -c $((i * 1048576)) /dev/zero | tr '\0' "$i" >"src/d0/sub/big$i.bin"
	done
}

chown_some() {
	[ "$(id -u)" = 0 ] || return 0
	chown -h 1000:1000 src/d0/f4.txt src/d1/link0
}

step generate generate
step symlink ln -s ../d0/f0.txt src/d1/link0
step symlink-dangling ln -s /nonexistent/target src/d1/dangling
step hardlink ln src/d0/f1.txt src/d0/hard1
step mkfifo mkfifo src/d0/fifo
step chmod-600 chmod 600 src/d0/f2.txt
step chmod-dir-1777 chmod 1777 src/d0/sub
step chmod-dir-700 chmod 700 src/d1/sub
step chown chown_some
# fixed times on everything, so the listing can compare mtimes
step touch find src -exec touch -h -d @1600000000 {} +
step cp-a cp -a src copy
step tar-c tar -cf src.tar src
step mkdir-x mkdir x
step tar-x tar -C x -xf src.tar
step mv-tree mv copy moved
step mv-dir mv moved/d0 moved/d0-renamed
step mv-file mv x/src/d1/f100.txt x/src/d1/renamed.txt
step sed-i sed -i 's/^file /FILE /' x/src/d2/f200.txt x/src/d2/f201.txt
step truncate truncate -s 7 x/src/d3/f300.txt
step dd dd if=/dev/zero of=x/src/d3/f301.txt bs=1 seek=3 count=2 conv=notrunc status=none
step ln-sf ln -sf f302.txt x/src/d3/link302
step cp-r cp -r x/src/d2 x/src/d2-copy
step rm-r rm -r x/src/d2-copy
step find-delete-txt find x/src/d4 -name '*.txt' -delete
step find-delete find moved -delete
step rm-tar rm src.tar
step touch-after find x src -exec touch -h -d @1600000000 {} +

echo "moved exists: $(test -e moved && echo yes || echo no)"
# The listing.  Directories without size or mtime: both depend on the
# file system's history of entries, not on what the programs asked for.
{
	find src x -type d -printf '%y %p %m %U:%G %n\n'
	find src x ! -type d -printf '%y %p %m %U:%G %n %s %l %T@\n'
} | LC_ALL=C sort
find src x -type f -exec cksum {} + | LC_ALL=C sort -k3
