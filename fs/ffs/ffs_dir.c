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
 * The caller holds the directory's vnode lock: shared to look and
 * read, exclusive to change.  Chunks are read and written through the
 * file's block map (ffs_read_bytes, ffs_write_bytes).
 */
#include "fs/ffs/ffs.h"

#define DT_DIR	4
#define DT_WHT	14

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

int
ffs_dir_find(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t *inop, struct ffs_dirslot *slot)
{
	uint8_t *chunk;
	struct ffs_dirent de;
	uint64_t off;
	size_t pos;
	int64_t prev;
	int error = ENOENT;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	for (off = 0; off < dp->fi_size && error == ENOENT;
	    off += FFS_DIRBLKSIZ) {
		if ((error = dir_chunk(dp, off, chunk)) != 0)
			break;
		error = ENOENT;
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
				error = 0;
				break;
			}
			prev = (int64_t)pos;
		}
	}
	kmem_free(chunk, FFS_DIRBLKSIZ);
	return error;
}

/* Slack of an entry: what follows its name, or all of a free one. */
static size_t
dirent_slack(const struct ffs_dirent *de)
{
	if (de->d_ino == 0)
		return de->d_reclen;
	return de->d_reclen - FFS_DIRSIZ(de->d_namlen);
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
 * Enter name in dp.  The whole directory is read, as NetBSD's lookup
 * does: chunks at its end that hold nothing any more are cut off
 * after the entry is placed (12.7), so a directory shrinks again.
 */
int
ffs_dir_enter(struct ffs_inode *dp, const char *name, size_t namelen,
    uint32_t ino, int dtype, kauth_cred_t cred)
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
	for (off = 0; off < dp->fi_size; off += FFS_DIRBLKSIZ) {
		if ((error = dir_chunk(dp, off, chunk)) != 0)
			goto out;
		if (!placed && chunk_insert(fm, chunk, ino, dtype, name,
		    namelen)) {
			if ((error = chunk_write(dp, off, chunk, false)) != 0)
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
	/* no room: a new chunk holding just this entry */
	if (dp->fi_size + FFS_DIRBLKSIZ > INT32_MAX) {
		error = EFBIG;
		goto out;
	}
	memset(chunk, 0, FFS_DIRBLKSIZ);
	dirent_encode(fm, chunk, 0, ino, FFS_DIRBLKSIZ, dtype, name, namelen);
	error = chunk_write(dp, dp->fi_size, chunk, true);
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
	struct ffs_mount *fm = dp->fi_fm;
	uint8_t *chunk;
	uint64_t off;
	size_t pos;
	int error;

	if ((chunk = kmem_alloc(FFS_DIRBLKSIZ, KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = slot_chunk(dp, slot, chunk, &off)) != 0)
		goto out;
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
	error = chunk_write(dp, off, chunk, false);
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
		error = chunk_write(dp, off, chunk, false);
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
				error = chunk_write(ip, 0, chunk, false);
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
