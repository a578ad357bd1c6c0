/*
 * fsck_dir.c: the directory edits repairs need -- writing a directory
 * block back, adding a name to a directory, lost+found (found by pass
 * 2, made at the root when missing, as NetBSD's fsck_ffs does) and
 * linkup, which gives an unreferenced inode the name "#ino" there.
 *
 * Names are added only where a directory's existing blocks have room
 * (NetBSD would also grow the directory); without room the caller
 * gets false and the problem stays unresolved.  Single-threaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/ffs/fsck.h"

static bool
new_format(const struct fsck *f)
{
	return fs_is_ufs2(&f->fs) || f->fs.fs_old_inodefmt >= FS_44INODEFMT;
}

/* Entries in host order back to the disk's: each record's length is
 * taken before it is swapped (the reverse of swap_dirents). */
static void
dirents_to_disk(uint8_t *b, size_t len)
{
	for (size_t chunk = 0; chunk + DIRBLKSIZ <= len; chunk += DIRBLKSIZ)
		for (size_t off = 0; off + DIRECT_HDR <= DIRBLKSIZ;) {
			uint8_t *e = b + chunk + off;
			uint32_t ino;
			uint16_t reclen;

			memcpy(&ino, e, 4);
			memcpy(&reclen, e + 4, 2);
			ino = __builtin_bswap32(ino);
			memcpy(e, &ino, 4);
			memcpy(e + 4, &(uint16_t){ __builtin_bswap16(reclen) },
			    2);
			if (reclen == 0 || reclen % 4 != 0)
				break;
			off += reclen;
		}
}

int
fsck_dir_write(struct fsck *f, int64_t frag, const uint8_t *buf, size_t len)
{
	uint8_t *t;
	int rc;

	if (!f->swapped)
		return fsck_write(f, buf, len, frag);
	if ((t = malloc(len)) == NULL)
		fsck_fatal(f, "out of memory");
	memcpy(t, buf, len);
	dirents_to_disk(t, len);
	rc = fsck_write(f, t, len, frag);
	free(t);
	return rc;
}

/* The length of an entry's name, by the directory format. */
int
fsck_namlen(const struct fsck *f, const struct direct *d)
{
	if (new_format(f))
		return d->d_namlen;
	return f->swapped ? d->d_namlen : d->d_type;
}

/* An entry (host order) at p. */
static void
put_entry(const struct fsck *f, uint8_t *p, uint64_t ino, int reclen,
    int type, const char *name)
{
	struct direct d = { (uint32_t)ino, (uint16_t)reclen, 0, 0 };
	size_t n = strlen(name);

	if (new_format(f)) {
		d.d_type = (uint8_t)type;
		d.d_namlen = (uint8_t)n;
	} else if (f->swapped)
		d.d_namlen = (uint8_t)n;
	else
		d.d_type = (uint8_t)n;
	memcpy(p, &d, sizeof(d));
	memset(p + DIRECT_HDR, 0, (size_t)DIRSIZ(n) - DIRECT_HDR);
	memcpy(p + DIRECT_HDR, name, n);
}

/* Room for an entry of need bytes in chunk c: its offset and record
 * length, or -1.  An entry with room to spare is cut to its own size
 * and the new one gets the rest. */
static int
make_room(const struct fsck *f, uint8_t *c, int need, int *reclen)
{
	for (int pos = 0; pos + DIRECT_HDR <= DIRBLKSIZ;) {
		struct direct d;
		int have;

		memcpy(&d, c + pos, sizeof(d));
		if (d.d_reclen == 0 || d.d_reclen % 4 != 0 ||
		    d.d_reclen > DIRBLKSIZ - pos)
			return -1;
		have = d.d_ino == 0 ? 0 : DIRSIZ(fsck_namlen(f, &d));
		if (d.d_reclen - have >= need) {
			*reclen = d.d_reclen - have;
			if (have == 0)
				return pos;
			d.d_reclen = (uint16_t)have;
			memcpy(c + pos, &d, sizeof(d));
			return pos + have;
		}
		pos += d.d_reclen;
	}
	return -1;
}

/* Add name -> ino to directory dir, in its direct blocks. */
static bool
dir_add(struct fsck *f, uint64_t dir, const char *name, uint64_t ino,
    int type)
{
	const struct fs *fs = &f->fs;
	int need = DIRSIZ(strlen(name));
	uint8_t *buf = malloc((size_t)fs->fs_bsize);
	struct dino di;
	bool done = false;

	if (buf == NULL)
		fsck_fatal(f, "out of memory");
	if (fsck_inode(f, dir, &di) != 0)
		di.size = 0;
	for (int64_t lbn = 0; !done && lbn < NDADDR &&
	    (uint64_t)lbn * (uint64_t)fs->fs_bsize < di.size; lbn++) {
		uint64_t left = di.size - (uint64_t)lbn * (uint64_t)fs->fs_bsize;
		size_t len = left < (uint64_t)fs->fs_bsize ? (size_t)left :
		    (size_t)fs->fs_bsize;

		if (di.db[lbn] == 0 || !fsck_chkrange(f, di.db[lbn],
		    (int)howmany64((int64_t)len, fs->fs_fsize)) ||
		    fsck_read(f, buf, len, di.db[lbn]) != 0)
			continue;
		if (f->swapped)
			swap_dirents(buf, len);
		for (size_t c = 0; !done && c + DIRBLKSIZ <= len;
		    c += DIRBLKSIZ) {
			int reclen, at = make_room(f, buf + c, need, &reclen);

			if (at < 0)
				continue;
			put_entry(f, buf + c + at, ino, reclen, type, name);
			done = fsck_dir_write(f, di.db[lbn], buf, len) == 0;
		}
	}
	free(buf);
	return done;
}

/* A free inode NetBSD's allocino would take (UFS2: an initialised one). */
static uint64_t
alloc_inode(struct fsck *f)
{
	uint64_t ipg = (uint64_t)f->fs.fs_ipg;

	for (uint64_t ino = ROOTINO + 1; ino < f->maxino; ino++)
		if (f->state[ino] == USTATE &&
		    (int64_t)(ino % ipg) < f->initedi[ino / ipg])
			return ino;
	return 0;
}

/* n free frags inside one block, outside the metadata; -1 if none. */
static int64_t
alloc_frags(struct fsck *f, int n)
{
	for (int64_t k = 0; k + n <= f->fs.fs_size; k++) {
		int i = 0;

		if (!fsck_chkrange(f, k, n))
			continue;
		while (i < n && !bit_isset(f->blockmap, k + i))
			i++;
		if (i == n)
			return k;
	}
	return -1;
}

/* A new directory inode: mode 0700, two links, one chunk at frag. */
static int
put_dir_inode(struct fsck *f, uint64_t ino, int64_t frag, int nfrags)
{
	union {
		struct ufs1_dinode d1;
		struct ufs2_dinode d2;
	} u;
	int64_t now = (int64_t)time(NULL);
	uint64_t blocks = (uint64_t)nfrags * (uint64_t)(f->fs.fs_fsize /
	    DEV_BSIZE);

	memset(&u, 0, sizeof(u));
	if (fs_is_ufs2(&f->fs)) {
		u.d2.di_mode = IFDIR | 0700;
		u.d2.di_nlink = 2;
		u.d2.di_size = DIRBLKSIZ;
		u.d2.di_blocks = blocks;
		u.d2.di_db[0] = frag;
		u.d2.di_atime = u.d2.di_mtime = u.d2.di_ctime = now;
		u.d2.di_birthtime = now;
		u.d2.di_gen = (int32_t)(random() & 0x7fffffff);
	} else {
		u.d1.di_mode = IFDIR | 0700;
		u.d1.di_nlink = 2;
		u.d1.di_size = DIRBLKSIZ;
		u.d1.di_blocks = (uint32_t)blocks;
		u.d1.di_db[0] = (int32_t)frag;
		u.d1.di_atime = u.d1.di_mtime = u.d1.di_ctime = (int32_t)now;
		u.d1.di_gen = (int32_t)(random() & 0x7fffffff);
	}
	if (f->swapped)
		swap_dinode(&f->fs, &u);
	if (dev_write(&f->dev, &u, (size_t)fs_dinode_size(&f->fs),
	    ino_offset(&f->fs, ino)) != 0) {
		fsck_problem(f, NULL, "CANNOT WRITE: I=%llu (%s)",
		    (unsigned long long)ino, f->dev.err);
		return -1;
	}
	f->modified = true;
	return 0;
}

/* "." and ".." in the first chunk of a new directory's frags. */
static int
put_dir_block(struct fsck *f, uint64_t ino, uint64_t parent, int64_t frag,
    int nfrags)
{
	size_t len = (size_t)nfrags * (size_t)f->fs.fs_fsize;
	uint8_t *b = calloc(1, len);
	int rc;

	if (b == NULL)
		fsck_fatal(f, "out of memory");
	put_entry(f, b, ino, 12, DT_DIR, ".");
	put_entry(f, b + 12, parent, DIRBLKSIZ - 12, DT_DIR, "..");
	for (size_t c = DIRBLKSIZ; c + DIRBLKSIZ <= len; c += DIRBLKSIZ)
		put_entry(f, b + c, 0, DIRBLKSIZ, 0, "");
	rc = fsck_dir_write(f, frag, b, len);
	free(b);
	return rc;
}

/* The books after a new directory under the root. */
static void
count_new_dir(struct fsck *f, uint64_t ino, int64_t frag, int nfrags)
{
	f->state[ino] = DSTATE;
	f->itype[ino] = IFDIR >> 12;
	f->nlink[ino] = f->found[ino] = 2;
	f->parent[ino] = f->dotdot[ino] = ROOTINO;
	for (int i = 0; i < nfrags; i++)
		bit_set(f->blockmap, frag + i);
	f->nused += nfrags;
	f->nfiles++;
	f->found[ROOTINO]++;	/* its ".." */
	f->nlink[ROOTINO]++;
	(void)fsck_set_nlink(f, ROOTINO, f->nlink[ROOTINO]);
}

static uint64_t
make_lost_found(struct fsck *f)
{
	int nfrags = (int)howmany64(DIRBLKSIZ, f->fs.fs_fsize);
	uint64_t ino = alloc_inode(f);
	int64_t frag = alloc_frags(f, nfrags);

	if (!fsck_ask(f, "CREATED", "CREATE", "NO lost+found DIRECTORY"))
		return 0;
	if (ino == 0 || frag < 0) {
		printf("NO SPACE FOR lost+found\n");
		return 0;
	}
	if (put_dir_block(f, ino, ROOTINO, frag, nfrags) != 0 ||
	    put_dir_inode(f, ino, frag, nfrags) != 0)
		return 0;
	if (!dir_add(f, ROOTINO, "lost+found", ino, DT_DIR)) {
		(void)fsck_clear_inode(f, ino);
		printf("NO ROOM IN THE ROOT FOR lost+found\n");
		return 0;
	}
	count_new_dir(f, ino, frag, nfrags);
	return ino;
}

/* Point the ".." of directory ino (its second entry) at to. */
static bool
change_dotdot(struct fsck *f, uint64_t ino, uint64_t to)
{
	uint8_t buf[DIRBLKSIZ];
	struct dino di;
	struct direct d;
	int first;

	if (fsck_inode(f, ino, &di) != 0 || di.db[0] == 0 ||
	    !fsck_chkrange(f, di.db[0], 1) ||
	    fsck_read(f, buf, DIRBLKSIZ, di.db[0]) != 0)
		return false;
	if (f->swapped)
		swap_dirents(buf, DIRBLKSIZ);
	memcpy(&d, buf, sizeof(d));
	first = d.d_reclen;
	if (first < 12 || first > DIRBLKSIZ - 12)
		return false;
	memcpy(&d, buf + first, sizeof(d));
	d.d_ino = (uint32_t)to;
	memcpy(buf + first, &d, sizeof(d));
	return fsck_dir_write(f, di.db[0], buf, DIRBLKSIZ) == 0;
}

/* Point ".." of directory ino at the parent whose name reaches it,
 * moving the link it counted (pass 3, "BAD INODE NUMBER FOR '..'"). */
void
fsck_fix_dotdot(struct fsck *f, uint64_t ino)
{
	uint64_t old = f->dotdot[ino], to = f->parent[ino];

	if (!change_dotdot(f, ino, to)) {
		f->problems++;
		return;
	}
	if (old < f->maxino &&
	    (f->state[old] == FSTATE || f->state[old] == DSTATE) &&
	    f->found[old] > 0)
		f->found[old]--;
	f->found[to]++;
	f->dotdot[ino] = (uint32_t)to;
}

bool
fsck_linkup(struct fsck *f, uint64_t ino)
{
	bool dir = f->state[ino] == DSTATE;
	uint64_t old = f->dotdot[ino];
	char name[32];

	if (f->lfdir == 0)
		f->lfdir = make_lost_found(f);
	if (f->lfdir == 0 || (dir && old == 0))
		return false;
	snprintf(name, sizeof(name), "#%llu", (unsigned long long)ino);
	if (!dir_add(f, f->lfdir, name, ino, f->itype[ino])) {
		printf("NO SPACE IN lost+found FOR I=%llu\n",
		    (unsigned long long)ino);
		return false;
	}
	f->found[ino]++;
	if (!dir)
		return true;
	if (!change_dotdot(f, ino, f->lfdir))
		return false;
	if (f->state[old] == FSTATE || f->state[old] == DSTATE)
		f->found[old]--;
	f->dotdot[ino] = f->parent[ino] = (uint32_t)f->lfdir;
	f->found[f->lfdir]++;
	f->nlink[f->lfdir]++;
	(void)fsck_set_nlink(f, f->lfdir, f->nlink[f->lfdir]);
	printf("DIR I=%llu CONNECTED. PARENT WAS I=%llu\n",
	    (unsigned long long)ino, (unsigned long long)old);
	return true;
}
