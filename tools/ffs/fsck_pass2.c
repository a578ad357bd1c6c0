/*
 * fsck_pass2.c: pass 2 (every directory entry: syntax, "." and "..",
 * targets allocated, d_type, one name per directory), pass 3 (every
 * directory reachable from the root, ".." naming the real parent) and
 * pass 4 (link counts against the references pass 2 found).
 *
 * Repairs: a corrupted entry is salvaged as NetBSD does (the rest of
 * its chunk dropped); unreachable directories and unreferenced inodes
 * go to lost+found (fsck_dir.c) or are cleared; link counts are set
 * to the references found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ffs/fsck.h"

struct dirscan {
	uint64_t ino;
	uint64_t size;
	int64_t	entry;		/* entries seen so far */
	bool	newfmt;		/* entries carry d_type */
	bool	dirty;		/* buf was repaired: write it back */
	uint8_t	*buf;
};

static const char *
type_name(const struct fsck *f, uint64_t ino)
{
	return f->itype[ino] == IFDIR >> 12 ? "DIR" : "FILE";
}

/* NetBSD's dircheck: whether the entry at off (space bytes left in its
 * chunk, resid bytes left in the directory) is well formed. */
static bool
entry_ok(const struct fsck *f, const uint8_t *e, int space, uint64_t resid,
    bool newfmt, int *namlen)
{
	struct direct d;

	memcpy(&d, e, sizeof(d));
	*namlen = newfmt ? d.d_namlen : (f->swapped ? d.d_namlen : d.d_type);
	if (d.d_reclen == 0 || d.d_reclen > space || d.d_reclen % 4 != 0 ||
	    d.d_ino >= f->maxino)
		return false;
	if (d.d_ino == 0)
		return true;
	if (d.d_reclen < DIRSIZ(*namlen) || resid < (uint64_t)DIRSIZ(*namlen) ||
	    *namlen == 0 || (newfmt && d.d_type > 15))
		return false;
	for (int i = 0; i < *namlen; i++)
		if (e[DIRECT_HDR + i] == '\0' || e[DIRECT_HDR + i] == '/')
			return false;
	return e[DIRECT_HDR + *namlen] == '\0';
}

static bool
is_dot(const uint8_t *name, int n, int dots)
{
	return n == dots && name[0] == '.' && (dots == 1 || name[1] == '.');
}

/* A reference to target from directory s->ino under name; true if
 * the entry was changed (removed: d_ino 0; or its d_type fixed).
 * removable: a name, not "." or "..". */
static bool
check_target(struct fsck *f, struct dirscan *s, struct direct *d,
    const char *name, bool removable)
{
	uint64_t t = d->d_ino;
	int st = f->state[t];
	const char *what = st == USTATE ? "UNALLOCATED" : "DUP/BAD";

	if (st == USTATE || st == BADSTATE || st == CLEARSTATE) {
		if (!removable || st == BADSTATE) {
			fsck_problem(f, "REMOVE? no", "%s I=%llu NAME=%s (in "
			    "DIR I=%llu)", what, (unsigned long long)t, name,
			    (unsigned long long)s->ino);
			return false;
		}
		if (!fsck_ask(f, NULL, "REMOVE", "%s I=%llu NAME=%s (in DIR "
		    "I=%llu)", what, (unsigned long long)t, name,
		    (unsigned long long)s->ino))
			return false;
		d->d_ino = 0;
		return true;
	}
	f->found[t]++;
	if (!s->newfmt || d->d_type == f->itype[t] ||
	    !fsck_ask(f, NULL, "FIX", "BAD TYPE VALUE I=%llu NAME=%s (%d "
	    "should be %d)", (unsigned long long)t, name, d->d_type,
	    f->itype[t]))
		return false;
	d->d_type = f->itype[t];
	return true;
}

static bool
check_name(struct fsck *f, struct dirscan *s, struct direct *d,
    const char *name, int namlen)
{
	const uint8_t *nm = (const uint8_t *)name;
	int64_t k = s->entry++;
	bool changed;

	if (k == 0) {
		if (d->d_ino == s->ino && is_dot(nm, namlen, 1)) {
			f->found[s->ino]++;
			return false;
		}
		fsck_problem(f, "FIX? no", "MISSING '.' I=%llu",
		    (unsigned long long)s->ino);
	} else if (k == 1 && d->d_ino != 0 && is_dot(nm, namlen, 2)) {
		f->dotdot[s->ino] = d->d_ino;
		/* A ".." naming a parent that is gone is pass 3's: the
		 * directory is reconnected or its ".." fixed there. */
		if (d->d_ino < f->maxino && (f->state[d->d_ino] == USTATE ||
		    f->state[d->d_ino] == BADSTATE ||
		    f->state[d->d_ino] == CLEARSTATE))
			return false;
		return check_target(f, s, d, name, false);
	} else if (k == 1)
		fsck_problem(f, "FIX? no", "MISSING '..' I=%llu",
		    (unsigned long long)s->ino);
	if (d->d_ino == 0)
		return false;
	if (is_dot(nm, namlen, 1) || is_dot(nm, namlen, 2)) {
		fsck_problem(f, "FIX? no", "EXTRA '%s' ENTRY I=%llu", name,
		    (unsigned long long)s->ino);
		return false;
	}
	if (d->d_ino == WINO || (s->newfmt && d->d_type == DT_WHT)) {
		if (d->d_ino != WINO || !s->newfmt || d->d_type != DT_WHT)
			fsck_problem(f, "FIX? no", "BAD WHITEOUT ENTRY I=%u "
			    "NAME=%s", d->d_ino, name);
		return false;
	}
	changed = check_target(f, s, d, name, true);
	if (d->d_ino == 0)
		return changed;
	if (s->ino == ROOTINO && f->state[d->d_ino] == DSTATE &&
	    strcmp(name, "lost+found") == 0)
		f->lfdir = d->d_ino;
	if (f->state[d->d_ino] == DSTATE) {
		if (f->parent[d->d_ino] != 0)
			fsck_problem(f, "REMOVE? no", "EXTRANEOUS HARD LINK TO "
			    "DIRECTORY I=%u NAME=%s", d->d_ino, name);
		else
			f->parent[d->d_ino] = (uint32_t)s->ino;
	}
	return changed;
}

/*
 * NetBSD's salvage of a bad entry at pos: the rest of the chunk goes,
 * given to the entry before it, or (first in the chunk) made one
 * empty entry.  The names lost there leave their inodes to pass 3
 * and 4.
 */
static void
salvage_chunk(uint8_t *c, int pos, int prev)
{
	struct direct d;

	if (pos == 0) {
		d = (struct direct){ 0, DIRBLKSIZ, 0, 0 };
		memcpy(c, &d, sizeof(d));
		c[DIRECT_HDR] = '\0';
		return;
	}
	memcpy(&d, c + prev, sizeof(d));
	d.d_reclen = (uint16_t)(DIRBLKSIZ - prev);
	memcpy(c + prev, &d, sizeof(d));
}

/* One 512-byte chunk at byte off of the directory. */
static void
scan_chunk(struct fsck *f, struct dirscan *s, uint8_t *c, uint64_t off)
{
	for (int pos = 0, prev = 0; pos + DIRECT_HDR <= DIRBLKSIZ;) {
		struct direct d;
		char name[MAXNAMLEN + 1];
		int namlen;

		if (!entry_ok(f, c + pos, DIRBLKSIZ - pos, s->size - off - pos,
		    s->newfmt, &namlen)) {
			if (fsck_ask(f, "SALVAGED", "SALVAGE", "DIRECTORY "
			    "CORRUPTED I=%llu OFFSET %llu",
			    (unsigned long long)s->ino,
			    (unsigned long long)(off + (uint64_t)pos))) {
				salvage_chunk(c, pos, prev);
				s->dirty = true;
			}
			return;
		}
		prev = pos;
		memcpy(&d, c + pos, sizeof(d));
		memcpy(name, c + pos + DIRECT_HDR, (size_t)namlen);
		name[namlen] = '\0';
		if ((d.d_ino != 0 || pos == 0) &&
		    check_name(f, s, &d, name, namlen)) {
			memcpy(c + pos, &d, sizeof(d));
			s->dirty = true;
		}
		pos += d.d_reclen;
	}
}

static int
scan_block(struct fsck *f, int64_t frag, int n, int64_t lbn, void *arg)
{
	struct dirscan *s = arg;
	uint64_t off = (uint64_t)lbn * (uint64_t)f->fs.fs_bsize;
	size_t len = (size_t)n * (size_t)f->fs.fs_fsize;

	if (lbn < 0)		/* an indirect block: descend if sane */
		return fsck_chkrange(f, frag, n) ? 0 : 1;
	if (!fsck_chkrange(f, frag, n) || fsck_read(f, s->buf, len, frag))
		return 0;
	if (f->swapped)
		swap_dirents(s->buf, len);
	for (size_t c = 0; c + DIRBLKSIZ <= len && off + c < s->size;
	    c += DIRBLKSIZ)
		scan_chunk(f, s, s->buf + c, off + c);
	if (s->dirty)
		(void)fsck_dir_write(f, frag, s->buf, len);
	s->dirty = false;
	return 0;
}

static void
scan_dir(struct fsck *f, uint64_t ino)
{
	struct dino di;
	struct dirscan s = { .ino = ino };

	if (fsck_inode(f, ino, &di) != 0)
		return;
	s.size = di.size;
	s.newfmt = fs_is_ufs2(&f->fs) || f->fs.fs_old_inodefmt >= FS_44INODEFMT;
	if (di.size < 24 || di.size % DIRBLKSIZ != 0)
		fsck_problem(f, "ADJUST? no", "DIRECTORY I=%llu: LENGTH %llu "
		    "NOT MULTIPLE OF %d", (unsigned long long)ino,
		    (unsigned long long)di.size, DIRBLKSIZ);
	if ((s.buf = malloc((size_t)f->fs.fs_bsize)) == NULL)
		fsck_fatal(f, "out of memory");
	(void)dir_blocks(f, ino, &di, scan_block, &s);
	free(s.buf);
	if (s.entry < 2)
		fsck_problem(f, "FIX? no", "MISSING '%s' I=%llu",
		    s.entry == 0 ? "." : "..", (unsigned long long)ino);
}

void
pass2(struct fsck *f)
{
	if (f->state[ROOTINO] == USTATE)
		fsck_fatal(f, "ROOT INODE UNALLOCATED");
	if (f->state[ROOTINO] != DSTATE)
		fsck_fatal(f, "ROOT INODE NOT DIRECTORY");
	f->parent[ROOTINO] = ROOTINO;
	for (uint64_t ino = ROOTINO; ino < f->maxino; ino++)
		if (f->state[ino] == DSTATE)
			scan_dir(f, ino);
}

/* --- pass 3 -------------------------------------------------------------------- */

/* The top of an unreachable chain of directories: reconnected into
 * lost+found if the options agree, else reported. */
static bool
reconnect_dir(struct fsck *f, uint64_t ino)
{
	struct dino di;

	if (fsck_inode(f, ino, &di) != 0)
		return false;
	return fsck_ask(f, "RECONNECTED", "RECONNECT", "UNREF DIR I=%llu "
	    "OWNER=%u MODE=%o SIZE=%llu", (unsigned long long)ino, di.uid,
	    di.mode, (unsigned long long)di.size) && fsck_linkup(f, ino);
}

/* conn[d]: 1 reachable from the root, 2 known not to be. */
void
pass3(struct fsck *f)
{
	uint8_t *conn = calloc(f->maxino, 1);
	uint64_t ndirs = 0;

	if (conn == NULL)
		fsck_fatal(f, "out of memory");
	for (uint64_t i = 0; i < f->maxino; i++)
		ndirs += f->state[i] == DSTATE;
	conn[ROOTINO] = 1;
	if (f->lfdir != 0)
		conn[f->lfdir] = f->parent[f->lfdir] == ROOTINO;
	for (uint64_t d = ROOTINO + 1; d < f->maxino; d++) {
		uint64_t x = d, steps = 0;

		if (f->state[d] != DSTATE)
			continue;
		while (!conn[x] && f->parent[x] != 0 && steps++ <= ndirs)
			x = f->parent[x];
		if (!conn[x]) {
			conn[x] = reconnect_dir(f, x) ? 1 : 2;
			if (f->lfdir != 0 && f->parent[f->lfdir] == ROOTINO)
				conn[f->lfdir] = 1;
		}
		if (conn[x] == 2) {
			f->state[d] = BADSTATE;	/* reported at its top */
			continue;
		}
		for (x = d; !conn[x]; x = f->parent[x])
			conn[x] = 1;
	}
	for (uint64_t d = ROOTINO; d < f->maxino; d++)
		if (f->state[d] == DSTATE && f->dotdot[d] != 0 &&
		    f->dotdot[d] != f->parent[d] && f->parent[d] != 0 &&
		    fsck_ask(f, NULL, "FIX", "BAD INODE NUMBER FOR '..' "
		    "I=%llu (%u should be %u)", (unsigned long long)d,
		    f->dotdot[d], f->parent[d]))
			fsck_fix_dotdot(f, d);
	free(conn);
}

/* --- pass 4 -------------------------------------------------------------------- */

static void adjust(struct fsck *, uint64_t, const struct dino *);
static void clear_ino(struct fsck *, uint64_t, const struct dino *);

/* An inode no name reaches, as NetBSD's pass 4: with links, it is
 * reconnected into lost+found (preen clears an empty one instead);
 * with none left (a file still open when the system stopped), or
 * when -y cannot reconnect it, it is cleared. */

static void
unref(struct fsck *f, uint64_t ino, const struct dino *di)
{
	if (di->nlink > 0 && !(f->preen && di->size == 0)) {
		if (fsck_ask(f, "RECONNECTED", "RECONNECT", "UNREF %s I=%llu "
		    "OWNER=%u MODE=%o SIZE=%llu", type_name(f, ino),
		    (unsigned long long)ino, di->uid, di->mode,
		    (unsigned long long)di->size) && fsck_linkup(f, ino)) {
			if (f->found[ino] != f->nlink[ino])
				adjust(f, ino, di);
			return;
		}
		if (!f->yes)
			return;
	}
	if (fsck_ask(f, "CLEARED", "CLEAR", "UNREF %s I=%llu OWNER=%u "
	    "MODE=%o SIZE=%llu", type_name(f, ino), (unsigned long long)ino,
	    di->uid, di->mode, (unsigned long long)di->size))
		clear_ino(f, ino, di);
}

/* Clear inode ino and give its blocks back (pass 5 then frees them). */
static void
clear_ino(struct fsck *f, uint64_t ino, const struct dino *di)
{
	if (fsck_clear_inode(f, ino) != 0)
		return;
	fsck_release(f, di);
	f->state[ino] = USTATE;
	f->nfiles--;
}

/* An inode with bad or duplicate blocks, its names gone in pass 2. */
static void
clear_bad(struct fsck *f, uint64_t ino, const struct dino *di)
{
	if (fsck_ask(f, NULL, "CLEAR", "BAD/DUP %s I=%llu OWNER=%u MODE=%o "
	    "SIZE=%llu", type_name(f, ino), (unsigned long long)ino, di->uid,
	    di->mode, (unsigned long long)di->size))
		clear_ino(f, ino, di);
}

static void
adjust(struct fsck *f, uint64_t ino, const struct dino *di)
{
	/* preen lowers a count a crash left high, never raises one */
	if (fsck_ask(f, f->found[ino] < f->nlink[ino] ? "ADJUSTED" : NULL,
	    "ADJUST", "LINK COUNT %s I=%llu OWNER=%u MODE=%o SIZE=%llu COUNT "
	    "%d SHOULD BE %d", type_name(f, ino), (unsigned long long)ino,
	    di->uid, di->mode, (unsigned long long)di->size, f->nlink[ino],
	    f->found[ino]) &&
	    fsck_set_nlink(f, ino, (int16_t)f->found[ino]) == 0)
		f->nlink[ino] = (int16_t)f->found[ino];
}

void
pass4(struct fsck *f)
{
	for (uint64_t ino = ROOTINO; ino < f->maxino; ino++) {
		struct dino di;

		if (f->state[ino] == CLEARSTATE && fsck_inode(f, ino, &di) == 0)
			clear_bad(f, ino, &di);
		if (f->state[ino] != FSTATE && f->state[ino] != DSTATE)
			continue;
		if (f->found[ino] == f->nlink[ino] && f->found[ino] != 0)
			continue;
		if (fsck_inode(f, ino, &di) != 0)
			continue;
		if (f->found[ino] == 0)
			unref(f, ino, &di);
		else
			adjust(f, ino, &di);
	}
}
