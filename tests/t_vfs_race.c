/*
 * t_vfs_race.c: the name-space calls from several threads at once.
 * rename locks up to four vnodes; these tests mix it with creates,
 * removes and rmdir (parent then child) in the same directories, with
 * directories moving up and down the tree, so that a wrong lock order
 * shows as a hang (run.sh's timeout) and a lost or doubled entry as a
 * failed count.  Meant for make TSAN=1 as much as for the assertions.
 */
#include <pthread.h>
#include <stdlib.h>

#include "t_vfs_util.h"

#define NT	6
#define ITER	1500

static char base[512];
static _Atomic int errors;

static void
note(bool ok)
{
	if (!ok)
		errors++;
}

/* Each thread is a process of its own whose cwd is the test's base. */
static void
thread_enter(void)
{
	note(rump_pub_lwproc_rfork(RUMP_RFCFDG) == 0);
	note(rump_sys_chdir(base) == 0);
}

static void
run_threads(void *(*fn)(void *))
{
	pthread_t t[NT];
	int i;

	errors = 0;
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, fn, (void *)(intptr_t)i);
	for (i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
}

static int
setup(const char *d)
{
	if (rump_sys___getcwd(base, sizeof(base) - 8) <= 0)
		return -1;
	if (strcmp(d, ".") != 0) {
		strcat(base, "/");
		strcat(base, d);
	}
	return 0;
}

/* Expected failures of a racing call. */
static bool
benign(int e)
{
	return e == RUMP_ENOENT || e == RUMP_EEXIST || e == RUMP_ENOTEMPTY ||
	    e == RUMP_EINVAL;
}

/* --- directories shuffled between four parents ----------------------- */

static void *
shuffle(void *arg)
{
	unsigned seed = (unsigned)(intptr_t)arg * 7919u + 1;
	char from[64], to[64], tmp[64];
	int i, a, b, k;

	thread_enter();
	for (i = 0; i < ITER; i++) {
		a = rand_r(&seed) % 4;
		b = rand_r(&seed) % 4;
		k = rand_r(&seed) % 8;
		switch (rand_r(&seed) % 4) {
		case 0:
		case 1:
			snprintf(from, sizeof(from), "d%d/e%d", a, k);
			snprintf(to, sizeof(to), "d%d/e%d", b, k);
			if (rump_sys_rename(from, to) == -1)
				note(benign(errno));
			break;
		case 2:
			snprintf(tmp, sizeof(tmp), "d%d/t%d", a,
			    (int)(intptr_t)arg);
			if (rump_sys_mkdir(tmp, 0755) == 0)
				note(rump_sys_rmdir(tmp) == 0);
			else
				note(benign(errno));
			break;
		default:
			snprintf(tmp, sizeof(tmp), "d%d/f%d", a,
			    (int)(intptr_t)arg);
			if (t_mkfile(tmp, "x") == 0)
				note(rump_sys_unlink(tmp) == 0);
			else
				note(false);
			break;
		}
	}
	rump_pub_lwproc_releaselwp();
	return NULL;
}

BOTH(race_rename_between_directories)
{
	char name[32], dot[40], parent[8];
	int i, k, found;

	CHECK_OK(setup(d));
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		CHECK_OK(rump_sys_mkdir(P(d, name), 0755));
	}
	for (k = 0; k < 8; k++) {
		snprintf(name, sizeof(name), "d0/e%d", k);
		CHECK_OK(rump_sys_mkdir(P(d, name), 0755));
	}
	run_threads(shuffle);
	CHECK_EQ(errors, 0);
	for (k = 0; k < 8; k++) {
		found = 0;
		for (i = 0; i < 4; i++) {
			snprintf(name, sizeof(name), "d%d/e%d", i, k);
			if (t_exists(P(d, name))) {
				found++;
				/* its ".." is the directory holding it */
				snprintf(dot, sizeof(dot), "%s/..", name);
				snprintf(parent, sizeof(parent), "d%d", i);
				CHECK_EQ(t_stat(P(d, dot)).st_ino,
				    t_stat(P(d, parent)).st_ino);
			}
		}
		CHECK_EQ(found, 1);
	}
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		/* 2 + one per subdirectory */
		CHECK(t_stat(P(d, name)).st_nlink >= 2);
	}
}

/* --- a directory moving up and down one branch ------------------------ */

static void *
updown(void *arg)
{
	int id = (int)(intptr_t)arg, i;
	char tmp[64];

	thread_enter();
	for (i = 0; i < ITER; i++) {
		switch (id % 3) {
		case 0:		/* move m down the branch and back up */
			if (rump_sys_rename("p/m", "p/q/r/m") == -1)
				note(benign(errno));
			if (rump_sys_rename("p/q/r/m", "p/m") == -1)
				note(benign(errno));
			break;
		case 1:		/* and the opposite way */
			if (rump_sys_rename("p/q/r/m", "p/q/m") == -1)
				note(benign(errno));
			if (rump_sys_rename("p/q/m", "p/m") == -1)
				note(benign(errno));
			break;
		default:	/* parent-then-child locking meanwhile */
			snprintf(tmp, sizeof(tmp), "p/q/t%d", id);
			if (rump_sys_mkdir(tmp, 0755) == 0)
				note(rump_sys_rmdir(tmp) == 0);
			snprintf(tmp, sizeof(tmp), "p/q/r/m/f%d", id);
			if (t_mkfile(tmp, "x") == 0)
				(void)rump_sys_unlink(tmp);
			/* moving q into its own subtree must always fail */
			note(rump_sys_rename("p/q", "p/q/r/x") == -1 &&
			    errno == RUMP_EINVAL);
			break;
		}
	}
	rump_pub_lwproc_releaselwp();
	return NULL;
}

BOTH(race_directory_moving_through_a_branch)
{
	int where = 0;

	CHECK_OK(setup(d));
	CHECK_OK(rump_sys_mkdir(P(d, "p"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "p/q"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "p/q/r"), 0755));
	CHECK_OK(rump_sys_mkdir(P(d, "p/m"), 0755));
	run_threads(updown);
	CHECK_EQ(errors, 0);
	where += t_exists(P(d, "p/m"));
	where += t_exists(P(d, "p/q/m"));
	where += t_exists(P(d, "p/q/r/m"));
	CHECK_EQ(where, 1);
	CHECK(RUMP_S_ISDIR(t_stat(P(d, "p/q/r")).st_mode));
}

/* --- files renamed over each other ----------------------------------- */

static void *
clobber(void *arg)
{
	unsigned seed = (unsigned)(intptr_t)arg + 11;
	char from[32], to[32];
	int i;

	thread_enter();
	for (i = 0; i < ITER; i++) {
		snprintf(from, sizeof(from), "f%d", rand_r(&seed) % 5);
		snprintf(to, sizeof(to), "f%d", rand_r(&seed) % 5);
		if (rand_r(&seed) % 3 == 0) {
			if (rump_sys_link(from, to) == -1)
				note(benign(errno));
		} else if (rump_sys_rename(from, to) == -1)
			note(benign(errno));
		if (rand_r(&seed) % 5 == 0)
			(void)t_mkfile(from, "x");
	}
	rump_pub_lwproc_releaselwp();
	return NULL;
}

BOTH(race_files_renamed_over_each_other)
{
	char name[600], buf[4096];
	struct t_dent de;
	int i, fd, n, off, count = 0;

	CHECK_OK(setup(d));
	CHECK_OK(rump_sys_mkdir(P(d, "w"), 0755));
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "w/f%d", i);
		CHECK_OK(t_mkfile(P(d, name), "x"));
	}
	strcat(base, "/w");
	run_threads(clobber);
	CHECK_EQ(errors, 0);
	/* every entry left is a readable file with a sane link count */
	CHECK_OK(fd = rump_sys_open(P(d, "w"), RUMP_O_RDONLY));
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += de.reclen) {
			t_dent_at(buf, (size_t)off, &de);
			if (de.reclen == 0)
				break;
			if (de.name[0] != 'f')
				continue;
			count++;
			snprintf(name, sizeof(name), "w/%s", de.name);
			CHECK(t_stat(P(d, name)).st_nlink >= 1);
			CHECK_STR(t_cat(P(d, name)), "x");
		}
	rump_sys_close(fd);
	CHECK(count >= 1 && count <= 5);
}
