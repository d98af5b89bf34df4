/* test_devino.c - the one set of file identities (shim/core/devino.h):
 * each (dev, ino) once, a full set adds nothing and says so.  The policy
 * reader's include chain, which uses it, is tested in test_policy.c
 * (an_include_of_a_hard_link_to_the_including_file_is_a_cycle). */
#include <criterion/criterion.h>

#include "devino.h"

Test(devino, a_set_holds_each_identity_once)
{
	struct rp_devino v[4] = { { 0, 0 } };
	unsigned n = 0;

	cr_expect_eq(rp_devino_has(v, n, 8, 1), 0);
	cr_expect_eq(rp_devino_add(v, &n, 4, 8, 1), 1);
	cr_expect_eq(rp_devino_add(v, &n, 4, 8, 2), 1);
	cr_expect_eq(rp_devino_add(v, &n, 4, 9, 1), 1, "another device, same inode");
	cr_expect_eq(rp_devino_add(v, &n, 4, 8, 1), 0, "already there");
	cr_expect_eq(n, 3);
	cr_expect_eq(rp_devino_has(v, n, 8, 2), 1);
	cr_expect_eq(rp_devino_has(v, n, 9, 2), 0);
}

Test(devino, a_full_set_adds_nothing_and_says_so)
{
	struct rp_devino v[2] = { { 0, 0 } };
	unsigned n = 0;

	cr_assert_eq(rp_devino_add(v, &n, 2, 1, 1), 1);
	cr_assert_eq(rp_devino_add(v, &n, 2, 1, 2), 1);
	cr_expect_eq(rp_devino_add(v, &n, 2, 1, 3), -1);
	cr_expect_eq(n, 2);
	cr_expect_eq(rp_devino_has(v, n, 1, 3), 0);
	cr_expect_eq(rp_devino_add(v, &n, 2, 1, 2), 0, "a member is found even when full");
}

Test(devino, the_hash_masks_to_every_slot_of_a_table)
{
	/* dense inode numbers of one device spread over a small table */
	int used[16] = { 0 }, slots = 0;
	unsigned long ino;

	for (ino = 1000; ino < 1016; ino++)
		used[rp_devino_hash(2049, ino) & 15] = 1;
	for (ino = 0; ino < 16; ino++)
		slots += used[ino];
	cr_expect_geq(slots, 8, "16 consecutive inodes fill %d of 16 slots", slots);
}
