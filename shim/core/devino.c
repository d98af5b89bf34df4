/* devino.c - the one set of file identities (see devino.h).  Linear: the
 * sets are small (an include chain of at most 8 files, the directories of
 * a PATH); a large table hashes with rp_devino_hash().
 */
#include "devino.h"

int
rp_devino_has(const struct rp_devino *v, unsigned n, unsigned long dev, unsigned long ino)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[i].dev == dev && v[i].ino == ino)
			return 1;
	return 0;
}

int
rp_devino_add(struct rp_devino *v, unsigned *n, unsigned cap, unsigned long dev,
	      unsigned long ino)
{
	if (rp_devino_has(v, *n, dev, ino))
		return 0;
	if (*n >= cap)
		return -1;
	v[*n].dev = dev;
	v[*n].ino = ino;
	(*n)++;
	return 1;
}

unsigned long
rp_devino_hash(unsigned long dev, unsigned long ino)
{
	return (ino * 0x9e3779b97f4a7c15UL) ^ dev;
}
