/*
 * ffs_dir.c: directories, one 512-byte chunk at a time (spec 12).
 *
 * Every entry of a chunk is checked with fsck's rules (12.8) before
 * any of it is used, and a bad chunk is EIO.  Changes follow NetBSD's
 * algorithm (12.7): a new entry goes into the first entry whose slack
 * fits it, else into a run of entries of one chunk whose slack adds up
 * to it, slid together (memmove: the ranges overlap) to collect the
 * slack at the end; else into a new chunk appended to the directory
 * (written synchronously, as NetBSD does).  Removal merges the entry
 * into the one before it in its chunk, or clears d_ino of a chunk's
 * first entry.  Readdir cookies are byte offsets of entries.
 *
 * A chunk that lost a name (remove, the ".." or target of a rename)
 * is written synchronously, unless the mount is asynchronous, as
 * NetBSD's ufs_dirremove and ufs_dirrewrite do: the caller drops the
 * old inode's link count only after this returns, so the inode cannot
 * be freed and reused while a stale name on the disk still points at
 * it.  A new name in an existing chunk is a delayed write unless the
 * caller asks (rename, whose old name goes next).
 *
 * The caller holds the directory's vnode lock: shared to look and
 * read, exclusive to change.  Chunks are read and written through the
 * file's block map (ffs_read_bytes, ffs_write_bytes).
 */
#include "fs/ffs/ffs.h"

#define DT_DIR	4
#define DT_WHT	14
#define DIR_MAXENTS	(FFS_DIRBLKSIZ / 12)	/* smallest entry: 12 bytes */
#define DIR_MAXCAND	8	/* same-hash names tried before a scan */

/* One decoded directory entry. */
struct ffs_dirent {
	uint32_t d_ino;
	uint16_t d_reclen;
	uint8_t	d_type;
	uint8_t	d_namlen;
	const char *d_name;
};

/*
 * Decode the entry at pos of chunk (all 512 bytes present); EIO if it
 * breaks the rules of spec 12.8.
 */
static int
dirent_decode(const struct ffs_mount *fm, const uint8_t *chunk, size_t pos,
    struct ffs_dirent *de)
{
	const uint8_t *p = chunk + pos;

	if (pos + 8 > FFS_DIRBLKSIZ)
		return EIO;
	de->d_ino = ffs_get32(fm, p);
	de->d_reclen = ffs_get16(fm, p + 4);
	if (fm->fm_maxsymlinklen > 0) {
		de->d_type = p[6];
		de->d_namlen = p[7];
	} else {		/* old format: 16-bit name length */
		uint16_t nl = ffs_get16(fm, p + 6);

		if (nl > FFS_MAXNAMLEN)
			return EIO;
		de->d_type = 0;
		de->d_namlen = (uint8_t)nl;
	}
	de->d_name = (const char *)p + 8;
	if (de->d_reclen == 0 || de->d_reclen % 4 != 0 ||
	    de->d_reclen > FFS_DIRBLKSIZ - pos)
		return EIO;
	if (de->d_ino == 0)
		return 0;
	if (de->d_namlen == 0 || FFS_DIRSIZ(de->d_namlen) > de->d_reclen ||
	    de->d_type > 15 ||
	    (int64_t)de->d_ino >= (int64_t)fm->fm_ncg * fm->fm_ipg)
		return EIO;
	if (memchr(de->d_name, '\0', de->d_namlen) != NULL ||
	    memchr(de->d_name, '/', de->d_namlen) != NULL ||
	    de->d_name[de->d_namlen] != '\0')
		return EIO;
	if ((de->d_ino == 1) != (de->d_type == DT_WHT))
		return EIO;
	return 0;
}

/* Store an entry at pos: header, name, NUL and zero padding. */
static void
dirent_encode(const struct ffs_mount *fm, uint8_t *chunk, size_t pos,
    uint32_t ino, size_t reclen, int dtype, const char *name, size_t namlen)
{
	uint8_t *p = chunk + pos;

	ffs_put32(fm, p, ino);
	ffs_put16(fm, p + 4, (uint16_t)reclen);
	if (fm->fm_maxsymlinklen > 0) {
		p[6] = (uint8_t)dtype;
		p[7] = (uint8_t)namlen;
	} else
		ffs_put16(fm, p + 6, (uint16_t)namlen);
	memmove(p + 8, name, namlen);
	memset(p + 8 + namlen, 0, FFS_DIRSIZ(namlen) - 8 - namlen);
}

/* Read and fully check the chunk at off (a multiple of 512). */
static int
dir_chunk(struct ffs_inode *dp, uint64_t off, uint8_t *chunk)
{
	struct ffs_dirent de;
	size_t pos;
	int error;

	if ((error = ffs_read_bytes(dp, off, chunk, FFS_DIRBLKSIZ)) != 0)
		return error;
	for (pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen)
		if ((error = dirent_decode(dp->fi_fm, chunk, pos, &de)) != 0)
			return error;
	return 0;
}

static int
chunk_write(struct ffs_inode *dp, uint64_t off, const uint8_t *chunk,
    bool sync)
{
	return ffs_write_bytes(dp, off, chunk, FFS_DIRBLKSIZ, NULL, sync);
}

/* Whether a chunk that lost a name must be on the disk on return. */
static bool
unlink_sync(const struct ffs_inode *dp)
{
	return !(dp->fi_fm->fm_mp->mnt_flag & RUMP_MNT_ASYNC);
}

/* Slack of an entry: what follows its name, or all of a free one. */
static size_t
dirent_slack(const struct ffs_dirent *de)
{
	if (de->d_ino == 0)
		return de->d_reclen;
	return de->d_reclen - FFS_DIRSIZ(de->d_namlen);
}

/* Linear search of the whole directory. */
static int
dir_scan(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t *inop, struct ffs_dirslot *slot, uint8_t *chunk)
{
	struct ffs_dirent de;
	uint64_t off;
	size_t pos;
	int64_t prev;
	int error;

	for (off = 0; off < dp->fi_size; off += FFS_DIRBLKSIZ) {
		if ((error = dir_chunk(dp, off, chunk)) != 0)
			return error;
		prev = -1;
		for (pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
			(void)dirent_decode(dp->fi_fm, chunk, pos, &de);
			if (de.d_ino > 1 && de.d_namlen == namelen &&
			    memcmp(de.d_name, name, namelen) == 0) {
				*inop = de.d_ino;
				if (slot != NULL) {
					slot->ds_off = off + pos;
					slot->ds_prev = prev < 0 ? -1 :
					    (int64_t)off + prev;
				}
				return 0;
			}
			prev = (int64_t)pos;
		}
	}
	return ENOENT;
}

/*
 * Is the entry at byte `at` (a candidate of the index) the name?  0
 * yes, ENOENT another name with the same hash, EAGAIN if the index
 * is wrong (no entry starts there, or its name hashes otherwise).
 */
static int
dir_check(struct ffs_inode *dp, uint64_t at, const char *name,
    size_t namelen, uint32_t hash, uint32_t *inop, struct ffs_dirslot *slot,
    uint8_t *chunk)
{
	uint64_t off = at & ~(uint64_t)(FFS_DIRBLKSIZ - 1);
	struct ffs_dirent de;
	int64_t prev = -1;
	size_t pos;
	int error;

	if (at >= dp->fi_size)
		return EAGAIN;
	if ((error = dir_chunk(dp, off, chunk)) != 0)
		return error;
	for (pos = 0; pos < FFS_DIRBLKSIZ && off + pos < at;
	    pos += de.d_reclen) {
		(void)dirent_decode(dp->fi_fm, chunk, pos, &de);
		prev = (int64_t)pos;
	}
	if (off + pos != at)
		return EAGAIN;
	(void)dirent_decode(dp->fi_fm, chunk, pos, &de);
	if (de.d_ino == 0 || ffs_dh_hash(de.d_name, de.d_namlen) != hash)
		return EAGAIN;
	if (de.d_ino == 1 || de.d_namlen != namelen ||
	    memcmp(de.d_name, name, namelen) != 0)
		return ENOENT;
	*inop = de.d_ino;
	if (slot != NULL) {
		slot->ds_off = at;
		slot->ds_prev = prev < 0 ? -1 : (int64_t)off + prev;
	}
	return 0;
}

/* The live entries of a checked chunk at off, for the index; returns
 * how many, and the chunk's slack in *slackp. */
static int
chunk_index(const struct ffs_mount *fm, const uint8_t *chunk, uint64_t off,
    struct ffs_dhent *ents, size_t *slackp)
{
	struct ffs_dirent de;
	size_t pos, slack = 0;
	int n = 0;

	for (pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
		(void)dirent_decode(fm, chunk, pos, &de);
		slack += dirent_slack(&de);
		if (de.d_ino == 0)
			continue;
		ents[n].de_hash = ffs_dh_hash(de.d_name, de.d_namlen);
		ents[n].de_off = (uint32_t)(off + pos);
		n++;
	}
	*slackp = slack;
	return n;
}

/*
 * Build dp's index if it is big enough and has none, reading it once.
 * Any failure just leaves it without one (the scan still works).
 */
static void
dir_hash_build(struct ffs_inode *dp, uint8_t *chunk)
{
	struct ffs_dhent ents[DIR_MAXENTS];
	struct ffs_dh *dh;
	size_t slack;
	uint64_t off;
	int n;

	if (dp->fi_size < FFS_DH_MINSIZE || ffs_dh_present(dp) ||
	    (dh = ffs_dh_alloc(dp->fi_size)) == NULL)
		return;
	for (off = 0; off < dp->fi_size; off += FFS_DIRBLKSIZ) {
		if (dir_chunk(dp, off, chunk) != 0)
			break;
		n = chunk_index(dp->fi_fm, chunk, off, ents, &slack);
		if (!ffs_dh_fill(dh, off, ents, n, slack))
			break;
	}
	if (off < dp->fi_size) {
		ffs_dh_free(dh);
		return;
	}
	ffs_dh_install(dp, dh);
}

/* Look name up through dp's index: -1 if it cannot say. */
static int
dir_hash_find(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t *inop, struct ffs_dirslot *slot, uint8_t *chunk)
{
	uint32_t hash = ffs_dh_hash(name, namelen);
	uint64_t offs[DIR_MAXCAND];
	int n, error;

	dir_hash_build(dp, chunk);
	if ((n = ffs_dh_find(dp, hash, offs, DIR_MAXCAND)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		error = dir_check(dp, offs[i], name, namelen, hash, inop, slot,
		    chunk);
		if (error == EAGAIN) {
			ffs_dh_drop(dp);
			return -1;
		}
		if (error != ENOENT)
			return error;
	}
	return ENOENT;
}

int
ffs_dir_find(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t *inop, struct ffs_dirslot *slot)
{
	uint8_t *chunk;
	int error;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	error = dir_hash_find(dp, name, namelen, inop, slot, chunk);
	if (error < 0)
		error = dir_scan(dp, name, namelen, inop, slot, chunk);
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

/*
 * Slide the entries of chunk[start, end) together, each to its DIRSIZ,
 * and put the new entry in the space left at the end (12.7).
 */
static void
chunk_compact(const struct ffs_mount *fm, uint8_t *chunk, size_t start,
    size_t end, uint32_t ino, int dtype, const char *name, size_t namlen)
{
	struct ffs_dirent de;
	size_t pos = start, to = start, n;

	while (pos < end) {
		(void)dirent_decode(fm, chunk, pos, &de);
		n = de.d_reclen;
		if (de.d_ino != 0) {
			size_t sz = FFS_DIRSIZ(de.d_namlen);

			memmove(chunk + to, chunk + pos, sz);
			ffs_put16(fm, chunk + to + 4, (uint16_t)sz);
			to += sz;
		}
		pos += n;
	}
	dirent_encode(fm, chunk, to, ino, end - to, dtype, name, namlen);
}

/* Find room for an entry of `need` bytes in chunk and put it there;
 * false if the chunk has no room. */
static bool
chunk_insert(const struct ffs_mount *fm, uint8_t *chunk, uint32_t ino,
    int dtype, const char *name, size_t namlen)
{
	size_t need = FFS_DIRSIZ(namlen), pos, acc = 0, first = SIZE_MAX;
	struct ffs_dirent de;

	for (pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
		size_t slack;

		(void)dirent_decode(fm, chunk, pos, &de);
		slack = dirent_slack(&de);
		if (slack >= need) {
			if (de.d_ino == 0) {
				dirent_encode(fm, chunk, pos, ino, de.d_reclen,
				    dtype, name, namlen);
			} else {
				size_t sz = FFS_DIRSIZ(de.d_namlen);

				ffs_put16(fm, chunk + pos + 4, (uint16_t)sz);
				dirent_encode(fm, chunk, pos + sz, ino,
				    de.d_reclen - sz, dtype, name, namlen);
			}
			return true;
		}
		if (slack > 0) {
			if (first == SIZE_MAX)
				first = pos;
			acc += slack;
			if (acc >= need) {
				chunk_compact(fm, chunk, first,
				    pos + de.d_reclen, ino, dtype, name,
				    namlen);
				return true;
			}
		}
	}
	return false;
}

/* Does the chunk hold any entry in use? */
static bool
chunk_live(const struct ffs_mount *fm, const uint8_t *chunk)
{
	struct ffs_dirent de;

	for (size_t pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
		(void)dirent_decode(fm, chunk, pos, &de);
		if (de.d_ino != 0)
			return true;
	}
	return false;
}

/*
 * Put name in the chunk at off (read, checked, written back, the
 * index told): 0, ENOSPC if it has no room, or an error.
 */
static int
dir_put(struct ffs_inode *dp, uint64_t off, const char *name,
    size_t namelen, uint32_t ino, int dtype, bool sync, uint8_t *chunk)
{
	struct ffs_dhent old[DIR_MAXENTS], new[DIR_MAXENTS];
	struct ffs_mount *fm = dp->fi_fm;
	int nold, nnew, error;
	size_t slack;

	if ((error = dir_chunk(dp, off, chunk)) != 0)
		return error;
	nold = chunk_index(fm, chunk, off, old, &slack);
	if (!chunk_insert(fm, chunk, ino, dtype, name, namelen))
		return ENOSPC;
	nnew = chunk_index(fm, chunk, off, new, &slack);
	if ((error = chunk_write(dp, off, chunk, sync)) != 0) {
		ffs_dh_drop(dp);
		return error;
	}
	ffs_dh_update(dp, off, old, nold, new, nnew, slack);
	return 0;
}

/* A new chunk at the end holding just this entry (written now). */
static int
dir_append(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t ino, int dtype, uint8_t *chunk)
{
	struct ffs_dhent ent;
	uint64_t off = dp->fi_size;
	size_t slack;
	int error;

	if (off + FFS_DIRBLKSIZ > INT32_MAX)
		return EFBIG;
	memset(chunk, 0, FFS_DIRBLKSIZ);
	dirent_encode(dp->fi_fm, chunk, 0, ino, FFS_DIRBLKSIZ, dtype, name,
	    namelen);
	if ((error = chunk_write(dp, off, chunk, true)) != 0) {
		ffs_dh_drop(dp);
		return error;
	}
	(void)chunk_index(dp->fi_fm, chunk, off, &ent, &slack);
	ffs_dh_update(dp, off, NULL, 0, &ent, 1, slack);
	return 0;
}

/*
 * With dp's index: the first chunk with room, found without reading
 * the directory; -1 without an index.  Empty chunks at the end are
 * cut off as the scan below does.
 */
static int
dir_hash_enter(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t ino, int dtype, bool sync, kauth_cred_t cred, uint8_t *chunk)
{
	uint64_t off, endoff;
	int error;

	if (!ffs_dh_room(dp, FFS_DIRSIZ(namelen), &off, &endoff))
		return -1;
	if (off >= dp->fi_size)
		return dir_append(dp, name, namelen, ino, dtype, chunk);
	error = dir_put(dp, off, name, namelen, ino, dtype, sync, chunk);
	if (error == ENOSPC) {		/* the index was wrong */
		ffs_dh_drop(dp);
		return -1;
	}
	if (error != 0)
		return error;
	endoff = MAX(endoff, off + FFS_DIRBLKSIZ);
	if (endoff < dp->fi_size) {
		if ((error = ffs_truncate(dp, endoff, cred)) != 0)
			ffs_dh_drop(dp);
		else
			ffs_dh_truncate(dp, endoff);
	}
	return error;
}

/*
 * Enter name in dp.  Without an index the whole directory is read, as
 * NetBSD's lookup does: chunks at its end that hold nothing any more
 * are cut off after the entry is placed (12.7), so a directory
 * shrinks again.  With sync the chunk is on the disk on return
 * (rename: the new name before the old one goes).
 */
int
ffs_dir_enter(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t ino, int dtype, bool sync, kauth_cred_t cred)
{
	struct ffs_mount *fm = dp->fi_fm;
	uint64_t off, endoff = 0;
	bool placed = false;
	uint8_t *chunk;
	int error = 0;

	if (namelen == 0 || namelen > FFS_MAXNAMLEN)
		return namelen == 0 ? ENOENT : ENAMETOOLONG;
	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = dir_hash_enter(dp, name, namelen, ino, dtype, sync, cred,
	    chunk)) >= 0)
		goto out;
	error = 0;
	ffs_dh_drop(dp);	/* one that does not match the size */
	for (off = 0; off < dp->fi_size; off += FFS_DIRBLKSIZ) {
		if ((error = dir_chunk(dp, off, chunk)) != 0)
			goto out;
		if (!placed && chunk_insert(fm, chunk, ino, dtype, name,
		    namelen)) {
			if ((error = chunk_write(dp, off, chunk, sync)) != 0)
				goto out;
			placed = true;
		}
		if (chunk_live(fm, chunk))
			endoff = off + FFS_DIRBLKSIZ;
	}
	if (placed) {
		if (endoff < dp->fi_size)
			error = ffs_truncate(dp, endoff, cred);
		goto out;
	}
	error = dir_append(dp, name, namelen, ino, dtype, chunk);
out:
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

/* Read the chunk holding slot and check that an entry starts there. */
static int
slot_chunk(struct ffs_inode *dp, const struct ffs_dirslot *slot,
    uint8_t *chunk, uint64_t *offp)
{
	uint64_t off = slot->ds_off & ~(uint64_t)(FFS_DIRBLKSIZ - 1);
	struct ffs_dirent de;
	size_t pos;
	int error;

	if (slot->ds_off >= dp->fi_size)
		return EIO;
	if ((error = dir_chunk(dp, off, chunk)) != 0)
		return error;
	for (pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
		(void)dirent_decode(dp->fi_fm, chunk, pos, &de);
		if (off + pos == slot->ds_off) {
			*offp = off;
			return 0;
		}
	}
	return EIO;
}

int
ffs_dir_remove(struct ffs_inode *dp, const struct ffs_dirslot *slot)
{
	struct ffs_dhent old[DIR_MAXENTS], new[DIR_MAXENTS];
	struct ffs_mount *fm = dp->fi_fm;
	uint8_t *chunk;
	uint64_t off;
	size_t pos, slack;
	int error, nold, nnew;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = slot_chunk(dp, slot, chunk, &off)) != 0)
		goto out;
	nold = chunk_index(fm, chunk, off, old, &slack);
	pos = (size_t)(slot->ds_off - off);
	if (slot->ds_prev < 0) {
		ffs_put32(fm, chunk + pos, 0);
	} else {
		size_t prev = (size_t)((uint64_t)slot->ds_prev - off);
		uint16_t merged = (uint16_t)(ffs_get16(fm, chunk + prev + 4) +
		    ffs_get16(fm, chunk + pos + 4));

		if (prev >= pos) {
			error = EIO;
			goto out;
		}
		ffs_put16(fm, chunk + prev + 4, merged);
	}
	nnew = chunk_index(fm, chunk, off, new, &slack);
	if ((error = chunk_write(dp, off, chunk, unlink_sync(dp))) != 0)
		ffs_dh_drop(dp);
	else
		ffs_dh_update(dp, off, old, nold, new, nnew, slack);
out:
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

int
ffs_dir_rewrite(struct ffs_inode *dp, const struct ffs_dirslot *slot,
    uint32_t ino, int dtype)
{
	struct ffs_mount *fm = dp->fi_fm;
	uint8_t *chunk;
	uint64_t off;
	int error;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = slot_chunk(dp, slot, chunk, &off)) == 0) {
		ffs_put32(fm, chunk + (slot->ds_off - off), ino);
		if (fm->fm_maxsymlinklen > 0)
			chunk[slot->ds_off - off + 6] = (uint8_t)dtype;
		error = chunk_write(dp, off, chunk, unlink_sync(dp));
	}
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

static bool
is_dots(const struct ffs_dirent *de)
{
	return (de->d_namlen == 1 && de->d_name[0] == '.') ||
	    (de->d_namlen == 2 && de->d_name[0] == '.' && de->d_name[1] == '.');
}

int
ffs_dir_empty(struct ffs_inode *dp)
{
	uint8_t *chunk;
	struct ffs_dirent de;
	uint64_t off;
	int error = 0;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	for (off = 0; off < dp->fi_size && error == 0; off += FFS_DIRBLKSIZ) {
		if ((error = dir_chunk(dp, off, chunk)) != 0)
			break;
		for (size_t pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
			(void)dirent_decode(dp->fi_fm, chunk, pos, &de);
			if (de.d_ino > 1 && !is_dots(&de)) {
				error = ENOTEMPTY;
				break;
			}
		}
	}
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

int
ffs_dir_init(struct ffs_inode *ip, uint32_t parent, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->fi_fm;
	uint8_t *chunk;
	int error;

	if ((chunk = kmem_zalloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	dirent_encode(fm, chunk, 0, ip->fi_ino, 12, DT_DIR, ".", 1);
	dirent_encode(fm, chunk, 12, parent, FFS_DIRBLKSIZ - 12, DT_DIR,
	    "..", 2);
	error = ffs_write_bytes(ip, 0, chunk, FFS_DIRBLKSIZ, cred, true);
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

int
ffs_dir_setparent(struct ffs_inode *ip, uint32_t parent)
{
	struct ffs_mount *fm = ip->fi_fm;
	struct ffs_dirent de;
	uint8_t *chunk;
	int error;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = dir_chunk(ip, 0, chunk)) == 0) {
		(void)dirent_decode(fm, chunk, 0, &de);
		if (de.d_reclen + 8 > FFS_DIRBLKSIZ)
			error = EIO;
		else {
			size_t pos = de.d_reclen;

			(void)dirent_decode(fm, chunk, pos, &de);
			if (de.d_ino == 0 || !is_dots(&de) || de.d_namlen != 2)
				error = EIO;
			else {
				ffs_put32(fm, chunk + pos, parent);
				error = chunk_write(ip, 0, chunk, unlink_sync(ip));
			}
		}
	}
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

int
ffs_dir_read(struct ffs_inode *dp, struct uio *uio, int *eofp)
{
	uint8_t *chunk;
	struct ffs_dirent de;
	uint64_t off, start;
	bool stored = false;
	int error = 0, r;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	start = (uint64_t)uio->uio_offset;
	for (off = start & ~(uint64_t)(FFS_DIRBLKSIZ - 1); off < dp->fi_size;
	    off += FFS_DIRBLKSIZ) {
		if ((error = dir_chunk(dp, off, chunk)) != 0)
			goto out;
		for (size_t pos = 0; pos < FFS_DIRBLKSIZ; pos += de.d_reclen) {
			(void)dirent_decode(dp->fi_fm, chunk, pos, &de);
			if (off + pos < start || de.d_ino <= 1)
				continue;
			uio->uio_offset = (off_t)(off + pos);
			r = vfs_dirent_put(uio, de.d_ino, de.d_name,
			    de.d_namlen, de.d_type);
			if (r == VFS_DIRENT_FULL) {
				uio->uio_offset = (off_t)(off + pos);
				error = stored ? 0 : EINVAL;
				goto out;
			}
			if (r != 0) {
				error = r;
				goto out;
			}
			stored = true;
		}
	}
	uio->uio_offset = (off_t)dp->fi_size;
	*eofp = 1;
out:
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}
