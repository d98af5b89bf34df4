/* denymatch.c - see denymatch.h. */
#include "denymatch.h"

#include <string.h>

#include "glob.h"

static int
has_slash(const char *s)
{
	return strchr(s, '/') != NULL;
}

/* ---- the rule: forms of a name ------------------------------------------ */

/* "x86_64-linux-gnu-gcc-12" -> "gcc-12": compilers are installed under
 * their target triplet ("ARCH-linux-ABI-").  The name itself when there
 * is none. */
static size_t
triplet_len(const char *name, size_t len)
{
	const char *l = memmem(name, len, "-linux-", 7), *end = name + len, *dash;

	if (!l || l == name)
		return 0;
	dash = memchr(l + 7, '-', (size_t)(end - (l + 7)));
	return dash && dash + 1 < end ? (size_t)(dash + 1 - name) : 0;
}

/* The length without a trailing "-VERSION" (a digit, then digits and
 * dots), or `len` when there is none. */
static size_t
unversioned_len(const char *name, size_t len)
{
	size_t i = len;

	while (i > 0 && ((name[i - 1] >= '0' && name[i - 1] <= '9') || name[i - 1] == '.'))
		i--;
	if (i == len || i < 2 || name[i - 1] != '-' || !(name[i] >= '0' && name[i] <= '9'))
		return len;
	return i - 1;
}

static int
add_form(struct rp_name_form out[4], int k, const char *s, size_t len)
{
	int i;

	for (i = 0; i < k; i++)
		if (out[i].len == len && memcmp(out[i].s, s, len) == 0)
			return k;
	out[k].s = s;
	out[k].len = len;
	return k + 1;
}

int
rp_deny_name_forms(const char *name, size_t len, struct rp_name_form out[4])
{
	size_t t = triplet_len(name, len);
	int k = 0;

	k = add_form(out, k, name, len);
	k = add_form(out, k, name, unversioned_len(name, len));
	if (t) {
		k = add_form(out, k, name + t, len - t);
		k = add_form(out, k, name + t, unversioned_len(name + t, len - t));
	}
	return k;
}

/* ---- DenyExec names, prepared ------------------------------------------- */

/* Bytes that may start or end something other than a literal byte in
 * glob.c's syntax; ']' and '\' only conservatively. */
static int
is_glob_byte(char c)
{
	return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\';
}

/* FNV-1a over a name, folded to a slot of the literal table. */
static unsigned
name_hash(const char *s, size_t len)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h & (RP_NAMES_SLOTS - 1);
}

/* The bytes a name holds, folded to 64 bits: a glob whose literal bytes
 * are not all there cannot match. */
static uint64_t
byte_mask(const char *s, size_t len)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < len; i++)
		m |= 1ULL << ((unsigned char)s[i] & 63);
	return m;
}

/* The longest run of literal bytes between the prefix and the suffix,
 * outside bracket expressions.  A bracket that holds a '\' gives up (its
 * end is then not plain to see: glob.c lets "\]" stand inside it); so do
 * offsets that do not fit the table. */
static void
inner_run(const char *pat, struct rp_names_glob *g)
{
	size_t i = g->pre, end = (size_t)g->len - g->suf, run = i;

	g->mid_off = g->mid_len = 0;
	while (i < end) {
		char c = pat[i];

		if (!is_glob_byte(c)) {
			i++;
			if (i - run > g->mid_len && run <= 0xffff && i - run <= 0xffff) {
				g->mid_off = (unsigned short)run;
				g->mid_len = (unsigned short)(i - run);
			}
			continue;
		}
		if (c == '\\') {
			i += 2;		/* an escaped byte: literal, but not counted */
		} else if (c == '[') {
			size_t j = i + 1;

			if (pat[j] == '!' || pat[j] == '^')
				j++;
			if (pat[j] == ']')
				j++;
			while (j < g->len && pat[j] != ']') {
				if (pat[j] == '\\') {
					g->mid_len = 0;
					return;
				}
				j++;
			}
			if (j >= g->len) {
				g->mid_len = 0;
				return;
			}
			i = j + 1;
		} else {
			i++;
		}
		run = i;
	}
}

static void
bucket_append(struct rp_names *n, unsigned short *head, unsigned short *tail, unsigned short k)
{
	if (*head == RP_NAMES_NONE)
		*head = k;
	else
		n->glob[*tail].next = k;
	*tail = k;
}

void
rp_names_build(struct rp_names *n, const struct rp_policy *p)
{
	/* a tail is read only after its head was set; initialised anyway so
	 * that no path reads an indeterminate value */
	unsigned short tail_first[256] = { 0 }, tail_last[256] = { 0 };
	unsigned short tail_rest = RP_NAMES_NONE;
	int i;

	n->policy = p;
	n->n_literal = n->n_glob = n->n_path = 0;
	memset(n->slot, 0xff, sizeof(n->slot));
	memset(n->first, 0xff, sizeof(n->first));
	memset(n->last, 0xff, sizeof(n->last));
	n->rest = RP_NAMES_NONE;
	for (i = 0; i < p->n_deny_exec && i < RP_MAX_PATTERNS; i++) {
		const char *pat = p->deny_exec[i].text;
		size_t len = strlen(pat), pre = 0, suf = 0;
		struct rp_names_glob *g;
		unsigned short k;

		if (has_slash(pat)) {
			n->path[n->n_path++] = (unsigned short)i;
			continue;
		}
		while (pre < len && !is_glob_byte(pat[pre]))
			pre++;
		if (pre == len) {	/* a literal name: first occurrence wins */
			unsigned h = name_hash(pat, len);

			while (n->slot[h] != RP_NAMES_NONE &&
			       strcmp(p->deny_exec[n->slot[h]].text, pat) != 0)
				h = (h + 1) & (RP_NAMES_SLOTS - 1);
			if (n->slot[h] == RP_NAMES_NONE) {
				n->slot[h] = (unsigned short)i;
				n->literal[n->n_literal++] = (unsigned short)i;
			}
			continue;
		}
		while (suf < len - pre && !is_glob_byte(pat[len - 1 - suf]))
			suf++;
		k = (unsigned short)n->n_glob++;
		g = &n->glob[k];
		g->pat = (unsigned short)i;
		g->next = RP_NAMES_NONE;
		/* RP_MAX_LINE bounds a pattern, so its length fits; a shorter
		 * prefix or suffix is still a valid pre-test */
		g->len = (unsigned short)len;
		g->pre = (unsigned short)(pre > 0xff ? 0xff : pre);
		g->suf = (unsigned short)(suf > 0xff ? 0xff : suf);
		inner_run(pat, g);
		g->need = byte_mask(pat, g->pre) | byte_mask(pat + len - g->suf, g->suf) |
			  byte_mask(pat + g->mid_off, g->mid_len);
		if (g->pre) {
			unsigned char c = (unsigned char)pat[0];

			bucket_append(n, &n->first[c], &tail_first[c], k);
		} else if (g->suf) {
			unsigned char c = (unsigned char)pat[len - 1];

			bucket_append(n, &n->last[c], &tail_last[c], k);
		} else {
			bucket_append(n, &n->rest, &tail_rest, k);
		}
	}
}

static int
glob_try(const struct rp_names *n, const struct rp_names_glob *g, const char *name, size_t len,
	 uint64_t mask)
{
	const char *pat = n->policy->deny_exec[g->pat].text;

	if ((g->need & ~mask) || len < (size_t)g->pre + g->suf)
		return 0;
	if (memcmp(name, pat, g->pre) != 0 ||
	    memcmp(name + len - g->suf, pat + g->len - g->suf, g->suf) != 0)
		return 0;
	if (g->mid_len && !memmem(name + g->pre, len - g->pre - g->suf, pat + g->mid_off, g->mid_len))
		return 0;
	return rp_glob_match(pat, name, 1);
}

/* The first glob of a bucket (in policy order) below `best` that matches. */
static int
bucket_match(const struct rp_names *n, unsigned short k, const char *name, size_t len,
	     uint64_t mask, int best)
{
	for (; k != RP_NAMES_NONE; k = n->glob[k].next) {
		const struct rp_names_glob *g = &n->glob[k];

		if (best >= 0 && g->pat >= best)
			break;
		if (glob_try(n, g, name, len, mask))
			return g->pat;
	}
	return best;
}

int
rp_names_match(const struct rp_names *n, const char *name, size_t len)
{
	uint64_t mask;
	int best = -1;

	if (!len)
		return -1;
	if (n->n_literal) {
		unsigned h = name_hash(name, len);

		for (; n->slot[h] != RP_NAMES_NONE; h = (h + 1) & (RP_NAMES_SLOTS - 1)) {
			const char *t = n->policy->deny_exec[n->slot[h]].text;

			if (strncmp(t, name, len) == 0 && t[len] == '\0') {
				best = n->slot[h];
				break;
			}
		}
	}
	if (!n->n_glob)
		return best;
	mask = byte_mask(name, len);
	best = bucket_match(n, n->first[(unsigned char)name[0]], name, len, mask, best);
	best = bucket_match(n, n->last[(unsigned char)name[len - 1]], name, len, mask, best);
	return bucket_match(n, n->rest, name, len, mask, best);
}

/* Whether the split of a path pattern at its last '/' is exact: no '\'
 * anywhere and no ']' after the slash, so that slash is a literal one
 * outside any bracket and, since nothing else matches '/' (FNM_PATHNAME),
 * the part before it must match the directory and the part after it the
 * name. */
static int
split_exact(const char *pat, const char *slash)
{
	return !strchr(pat, '\\') && !strchr(slash, ']');
}

int
rp_names_paths_for(const struct rp_names *n, const char *dir, unsigned short *out)
{
	char part[RP_PATH_MAX];
	int i, k = 0;

	for (i = 0; i < n->n_path; i++) {
		const char *pat = n->policy->deny_exec[n->path[i]].text;
		const char *slash = strrchr(pat, '/');
		size_t pl = (size_t)(slash - pat);

		if (split_exact(pat, slash) && pl < sizeof(part)) {
			memcpy(part, pat, pl);
			part[pl] = '\0';
			if (!rp_glob_match(part, dir, 1))
				continue;
		}
		out[k++] = n->path[i];
	}
	return k;
}

/* ---- the rule: matching ------------------------------------------------ */

/* One form against every pattern without '/', in policy order. */
static int
name_linear(const struct rp_policy *p, const char *s, size_t len)
{
	char buf[RP_PATH_MAX];
	int i;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (i = 0; i < p->n_deny_exec; i++)
		if (!has_slash(p->deny_exec[i].text) && rp_glob_match(p->deny_exec[i].text, buf, 1))
			return i;
	return -1;
}

int
rp_deny_name(const struct rp_policy *p, const struct rp_names *n, const char *name, size_t len)
{
	struct rp_name_form f[4];
	int k, i, best = -1;

	if (!len || memchr(name, '/', len))
		return -1;
	k = rp_deny_name_forms(name, len, f);
	for (i = 0; i < k; i++) {
		int m = n ? rp_names_match(n, f[i].s, f[i].len) : name_linear(p, f[i].s, f[i].len);

		if (m >= 0 && (best < 0 || m < best))
			best = m;
	}
	return best;
}

int
rp_deny_path(const struct rp_policy *p, const unsigned short *idx, int nidx, const char *abs)
{
	int i;

	if (!abs || abs[0] != '/')
		return -1;
	if (idx) {
		for (i = 0; i < nidx; i++)
			if (rp_glob_match(p->deny_exec[idx[i]].text, abs, 1))
				return idx[i];
		return -1;
	}
	for (i = 0; i < p->n_deny_exec; i++)
		if (has_slash(p->deny_exec[i].text) && rp_glob_match(p->deny_exec[i].text, abs, 1))
			return i;
	return -1;
}

int
rp_deny_exec_match(const struct rp_policy *p, const struct rp_names *n, const char *abs,
		   const char *name)
{
	int i = name ? rp_deny_name(p, n, name, strlen(name)) : -1;

	if (i < 0)
		i = rp_deny_path(p, n ? n->path : NULL, n ? n->n_path : 0, abs);
	return i;
}

const char *
rp_deny_exec_pattern(const struct rp_policy *p, const char *abs, const char *name)
{
	int i;

	if (!name && abs) {
		name = strrchr(abs, '/');
		name = name ? name + 1 : abs;
	}
	i = rp_deny_exec_match(p, NULL, abs, name);
	return i >= 0 ? p->deny_exec[i].text : NULL;
}
