/* devino.h - file identities: (st_dev, st_ino) and the one set of them.
 *
 * A file is the same file under any name when its device and inode
 * numbers are equal.  The policy reader keeps the chain of files being
 * included (a cycle is one already on it); the exec decision opens each
 * directory it lists once (/bin and /usr/bin are one directory on
 * merged-/usr systems).  Both ask this set: a fixed-capacity array in the
 * caller's storage, so it needs no allocation and no initialisation (a
 * zeroed count is an empty set) and works in a vfork child.  Hashed
 * tables of identities (the exec decision's table of denied files, the
 * scan's walk) use rp_devino_hash().
 */
#ifndef RAMPART_DEVINO_H
#define RAMPART_DEVINO_H

struct rp_devino {
	unsigned long dev, ino;
};

/* 1 if (dev, ino) is one of v[0..n). */
int rp_devino_has(const struct rp_devino *v, unsigned n, unsigned long dev,
		  unsigned long ino);

/* Add (dev, ino) to v[0..*n) of capacity `cap`: 1 if added, 0 if already
 * there, -1 if the set is full (nothing added). */
int rp_devino_add(struct rp_devino *v, unsigned *n, unsigned cap, unsigned long dev,
		  unsigned long ino);

/* A hash of (dev, ino) for open-addressed tables: mask it with the table's
 * size (a power of two).  Inode numbers are dense, so they are spread by a
 * multiplicative (Fibonacci) hash; the device only separates file systems. */
unsigned long rp_devino_hash(unsigned long dev, unsigned long ino);

#endif
