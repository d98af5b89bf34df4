/* scan.h - what the parts of `rampart scan` share (scan.c: output, the
 * policy and the command line; scanimage.c: files of the image as the
 * image sees them; scancheck.c: the checks; scanwalk.c: the walk).  Not
 * for the rest of the program: its entry point is rp_scan_main
 * (rampart.h).
 */
#ifndef RAMPART_SCAN_H
#define RAMPART_SCAN_H

#include <sys/stat.h>
#include <sys/types.h>

#include "policy.h"

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV_COUNT };

#define MAX_SENSITIVE 32
#define MAX_GROUPS 64

struct scan_opts {
	const char *root;
	const char *policy_path;	/* inside ROOT */
	int json;
	enum severity min_sev;
	unsigned dir_mode, file_mode;
	const char *sensitive[MAX_SENSITIVE];
	int n_sensitive;
	int cross_mounts;
};

/* The application user, resolved from ROOT/etc/passwd and ROOT/etc/group. */
struct app_user {
	int known;		/* uid/gid valid */
	uid_t uid;
	gid_t gids[MAX_GROUPS];	/* [0] = primary */
	int ngids;
};

struct scan {
	struct scan_opts o;
	const struct rp_policy *p;
	int rootfd;		/* O_PATH of ROOT */
	dev_t rootdev;
	struct app_user user;
	unsigned long count[SEV_COUNT];
	unsigned long files, dirs, nfindings;
};

void rp_scan_finding(struct scan *s, enum severity sev, const char *check, const char *path,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

void rp_scan_put_escaped(const char *s);
int rp_scan_open_in_root(const struct scan *s, const char *abs, int flags);
void rp_scan_resolve_user(struct scan *s);
int rp_scan_user_can_write(const struct scan *s, const struct stat *st);
void rp_scan_check_writable_dirs(struct scan *s);
void rp_scan_check_named_files(struct scan *s);
void rp_scan_check_entry(struct scan *s, const char *abs, const char *base, const struct stat *st);
int rp_scan_walk(struct scan *s);
int rp_scan_load_policy_in_root(const char *root, int rootfd, const char *path);

#endif
