/* suggestdirs.c - `rampart suggest`: which directories may be suggested.
 *
 * A directory is suggested writable only if it is neither a system
 * directory (FHS) nor a directory of the app's code; suggested
 * directories nested in another fold into it, and siblings merge into
 * their parent where that cannot open a system directory.
 */
#include "suggest.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "moderule.h"

/* ---- directories ------------------------------------------------------------ */

/* Directories that must never become writable by a merge or a suggestion
 * without a warning: the FHS top levels and the trees holding programs,
 * libraries and configuration (FHS 3.0, chapters 3 and 4). */
static const char *const system_dirs[] = {
	"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64",
	"/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv",
	"/sys", "/usr", "/var", "/var/lib", "/var/cache", "/var/log", "/var/spool",
	"/var/opt", "/tmp", "/var/tmp", "/app",
};
static const char *const system_trees[] = {
	"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
	"/proc", "/sbin", "/sys", "/usr",
};
/* Scratch directories that are commonly writable and hold no code. */
static const char *const scratch_dirs[] = { "/tmp", "/var/tmp", "/run", "/dev/shm" };

static int
in_table(const char *const *t, size_t n, const char *dir)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i], dir) == 0)
			return 1;
	return 0;
}

#define IN(t, d) in_table((t), sizeof(t) / sizeof((t)[0]), (d))

/* A directory whose becoming writable deserves a loud warning. */
int
rp_suggest_is_system(const char *dir)
{
	size_t i;

	if (IN(scratch_dirs, dir))
		return 0;
	if (IN(system_dirs, dir))
		return 1;
	for (i = 0; i < sizeof(system_trees) / sizeof(system_trees[0]); i++)
		if (rp_path_beneath(dir, strlen(dir), system_trees[i], strlen(system_trees[i])))
			return 1;
	return 0;
}

/* ---- the app's code ------------------------------------------------------------- */

/* Suffixes of files a program loads as code: scripts and bytecode of the
 * interpreters a backend image holds, shared objects, archives of classes. */
static const char *const code_suffixes[] = {
	".py", ".pyc", ".pyo", ".pyz", ".so", ".js", ".mjs", ".cjs", ".rb", ".pl", ".pm",
	".php", ".sh", ".lua", ".jar", ".class", ".wasm",
};

static int
code_name(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < sizeof(code_suffixes) / sizeof(code_suffixes[0]); i++) {
		size_t k = strlen(code_suffixes[i]);

		if (n > k && strcmp(name + n - k, code_suffixes[i]) == 0)
			return 1;
		if (strcmp(code_suffixes[i], ".so") == 0 && strstr(name, ".so."))
			return 1;	/* libfoo.so.1 */
	}
	return 0;
}

/* Why `dir` looks like a directory of the app's code, or NULL.  A
 * directory holding code must not become writable without a warning: the
 * app (or whoever takes it over) could then change its own program.  The
 * rule: the loader's command lies beneath it (the startup line), a file
 * written there (the event) is code by its name, or, where suggest runs
 * (often the image itself: docker run ... rampart suggest), it holds an
 * executable file or a file named like code.  Data dirs (uploads, logs,
 * caches of data) hold none of these. */
const char *
rp_suggest_code_reason(const struct suggest *s, const struct seen *d, char *why, size_t whysz)
{
	const char *base = strrchr(d->example, '/');
	DIR *dh;
	struct dirent *e;
	int entries = 0;

	if (s->command[0] && rp_path_beneath(s->command, strlen(s->command), d->key,
					     strlen(d->key))) {
		snprintf(why, whysz, "the app's command %.300s lies beneath it", s->command);
		return why;
	}
	if (base && code_name(base + 1)) {
		snprintf(why, whysz, "a file written there is code (%.300s)", base + 1);
		return why;
	}
	dh = opendir(d->key);
	if (!dh)
		return NULL;	/* not on this machine: the event is all there is */
	while ((e = readdir(dh)) != NULL && entries++ < 10000) {
		struct stat st;

		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if (code_name(e->d_name) ||
		    (fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		     rp_mode_exec_file(st.st_mode))) {
			snprintf(why, whysz, "it holds code (%.200s)", e->d_name);
			closedir(dh);
			return why;
		}
	}
	closedir(dh);
	return NULL;
}

static int
depth(const char *dir)
{
	int d = 0;

	if (strcmp(dir, "/") == 0)
		return 0;
	for (; *dir; dir++)
		d += *dir == '/';
	return d;
}

/* Fold directories beneath another suggested one into it.  A system
 * directory is never suggested (only shown), so it absorbs nothing. */
void
rp_suggest_drop_nested(struct list *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->n; j++)
			if (i != j && !l->v[i].dropped && !l->v[j].dropped &&
			    !rp_suggest_is_system(l->v[j].key) && !l->v[i].covered && !l->v[j].covered && !l->v[i].code_why &&
			    rp_path_beneath(l->v[i].key, strlen(l->v[i].key), l->v[j].key,
					    strlen(l->v[j].key))) {
				l->v[j].count += l->v[i].count;
				l->v[i].dropped = 1;
			}
}

/* Replace two or more sibling directories by their parent when the parent
 * is at least two levels deep and not a system directory: /srv/app/cache/a
 * and /srv/app/cache/b become /srv/app/cache, but /app/data and /app/logs
 * never become /app (that would make the program's own files writable).
 * Repeats until nothing merges, so merges may cascade upwards under the
 * same rule. */
void
rp_suggest_merge_siblings(struct list *l)
{
	int changed = 1;

	while (changed) {
		size_t i, j;

		changed = 0;
		for (i = 0; i < l->n && !changed; i++) {
			char parent[RP_PATH_MAX], *slash;
			int siblings = 0;

			if (l->v[i].dropped || l->v[i].covered || l->v[i].code_why)
				continue;
			snprintf(parent, sizeof(parent), "%s", l->v[i].key);
			slash = strrchr(parent, '/');
			if (!slash || slash == parent)
				continue;
			*slash = '\0';
			if (depth(parent) < 2 || rp_suggest_is_system(parent))
				continue;
			for (j = 0; j < l->n; j++) {
				const char *k = l->v[j].key, *s2 = strrchr(k, '/');

				if (!l->v[j].dropped && !l->v[j].covered && !l->v[j].code_why && s2 &&
				    (size_t)(s2 - k) == strlen(parent) &&
				    strncmp(k, parent, strlen(parent)) == 0)
					siblings++;
			}
			if (siblings < 2)
				continue;
			{
				char example[RP_PATH_MAX];
				struct seen *m;

				/* rp_suggest_note() may move l->v: copy what it needs first */
				snprintf(example, sizeof(example), "%s", l->v[i].example);
				m = rp_suggest_note(l, parent, example);

				m->count--;	/* rp_suggest_note() counted one event */
				for (j = 0; j < l->n; j++) {
					const char *k = l->v[j].key, *s2 = strrchr(k, '/');

					if (!l->v[j].dropped && !l->v[j].covered && !l->v[j].code_why &&
					    s2 && (size_t)(s2 - k) == strlen(parent) &&
					    strncmp(k, parent, strlen(parent)) == 0) {
						l->v[j].dropped = 1;
						m->count += l->v[j].count;
						m->merged += 1 + l->v[j].merged;
					}
				}
			}
			rp_suggest_drop_nested(l);
			changed = 1;
		}
	}
}

