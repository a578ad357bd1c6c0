/*
 * etfs.c: host files in the kernel's namespace ("extra-terrestrial
 * file system"), NetBSD's rump_pub_etfs_* interface.
 *
 * A key ("/dev/dk") names a host file (or directory) and becomes a
 * real node in rumpfs when it is registered, with any missing
 * directories on the way made for it:
 *   RUMP_ETFS_REG   a regular file reading and writing the host file's
 *                   window [begin, begin + size) (see struct etfs_file)
 *   RUMP_ETFS_BLK   a block device (major 197, minor = the disk slot,
 *                   etfs_disk.c), and beside /dev/X a raw character
 *                   device /dev/rX on the same slot: NetBSD needs a
 *                   second type=chr registration for that, we make
 *                   both.  A later registration of exactly /dev/rX
 *                   takes the name over while the raw node is unused.
 *   RUMP_ETFS_CHR   a character (raw) device on a disk slot
 *   RUMP_ETFS_DIR, RUMP_ETFS_DIR_SUBDIRS
 *                   a directory whose names are looked up in the host
 *                   directory (regular files and directories only;
 *                   with DIR a host subdirectory shows as an empty
 *                   directory, with DIR_SUBDIRS as a mapped one).
 *
 * Unlike NetBSD (where keys are consulted only by lookups starting at
 * the root, and never listed), keys are ordinary directory entries:
 * readdir lists them, relative lookups and ".." work.  They cannot be
 * unlinked or renamed (EBUSY); rump_pub_etfs_remove removes them,
 * refusing with EBUSY while any of the key's nodes is in use.
 *
 * The registry is a list of keys under etfs_lock, held across a whole
 * registration or removal (both are rare and may wait for the host).
 */
#include <stdio.h>

#include "vfs/etfs.h"

struct etfs_key {
	struct etfs_key *ek_next;	/* etfs_lock */
	char	*ek_key;		/* normalised: "dev/dk" */
	char	*ek_rawkey;		/* BLK: "dev/rdk", or NULL */
	enum rump_etfs_type ek_type;
	int	ek_slot;		/* BLK, CHR: the disk slot; else -1 */
	struct rfs_node *ek_node;	/* fixed */
	struct rfs_node *ek_raw;	/* etfs_lock: NULL once taken over */
};

static kmutex_t etfs_lock;
static struct etfs_key *etfs_keys;	/* etfs_lock */
static _Atomic bool etfs_ready;		/* set once by etfs_init */

/* Registrations made before rump_init (rump_boot_etfs_register). */
static struct rump_boot_etfs *etfs_bootlist;	/* until boot; no lock:
						   single-threaded then */

/* --- host I/O ------------------------------------------------------------------ */

/*
 * Host calls may take long; the virtual CPU goes back meanwhile so
 * other threads run kernel code.  Locks held by the caller stay held.
 */
int
etfs_host_pread(int fd, void *buf, size_t len, uint64_t off, size_t *done)
{
	int error;

	sched_unschedule();
	error = rumpuser_pread(fd, buf, len, (int64_t)off, done);
	sched_reschedule();
	return error;
}

int
etfs_host_pwrite(int fd, const void *buf, size_t len, uint64_t off,
    size_t *done)
{
	int error;

	sched_unschedule();
	error = rumpuser_pwrite(fd, buf, len, (int64_t)off, done);
	sched_reschedule();
	return error;
}

int
etfs_host_fsync(int fd)
{
	int error;

	sched_unschedule();
	error = rumpuser_fsync(fd);
	sched_reschedule();
	return error;
}

int
etfs_host_getfileinfo(const char *path, uint64_t *size, int *type)
{
	int error;

	sched_unschedule();
	error = rumpuser_getfileinfo(path, size, type);
	sched_reschedule();
	return error;
}

int
etfs_host_open(const char *path, int *fdp, bool *writable)
{
	int error;

	sched_unschedule();
	error = rumpuser_open(path, RUMPUSER_OPEN_RDWR, fdp);
	*writable = error == 0;
	if (error == EACCES || error == EROFS || error == EPERM)
		error = rumpuser_open(path, RUMPUSER_OPEN_RDONLY, fdp);
	sched_reschedule();
	return error;
}

/* --- host file windows ---------------------------------------------------------- */

int
etfs_file_new(const char *path, uint64_t begin, uint64_t limit,
    bool open_now, struct etfs_file **efp)
{
	struct etfs_file *ef;
	bool writable = false;
	int error, fd = -1;

	if (open_now && (error = etfs_host_open(path, &fd, &writable)) != 0)
		return error;
	if ((ef = kmem_zalloc(sizeof(*ef), KM_SLEEP)) == NULL ||
	    (ef->ef_path = kmem_strdup(path)) == NULL) {
		if (ef != NULL)
			kmem_free(ef, sizeof(*ef));
		if (fd != -1)
			rumpuser_close(fd);
		return ENOMEM;
	}
	ef->ef_begin = begin;
	ef->ef_limit = limit;
	atomic_store(&ef->ef_writable, writable);
	atomic_store(&ef->ef_fd, fd);
	*efp = ef;
	return 0;
}

void
etfs_file_free(struct etfs_file *ef)
{
	int fd = atomic_load(&ef->ef_fd);

	if (fd != -1)
		rumpuser_close(fd);
	kmem_strfree(ef->ef_path);
	kmem_free(ef, sizeof(*ef));
}

/* The host descriptor, opening it on first use (racing openers: the
 * first to publish wins, the others close theirs). */
static int
file_fd(struct etfs_file *ef, int *fdp)
{
	int fd, expect = -1, error;
	bool writable;

	if ((fd = atomic_load(&ef->ef_fd)) != -1) {
		*fdp = fd;
		return 0;
	}
	if ((error = etfs_host_open(ef->ef_path, &fd, &writable)) != 0)
		return error;
	atomic_store(&ef->ef_writable, writable);
	if (!atomic_compare_exchange_strong(&ef->ef_fd, &expect, fd)) {
		rumpuser_close(fd);
		fd = expect;
	}
	*fdp = fd;
	return 0;
}

int
etfs_file_read(struct etfs_file *ef, struct uio *uio, uint64_t size)
{
	size_t chunk, done, cap;
	char *buf;
	int error, fd;

	if (uio->uio_offset < 0)
		return EINVAL;
	if ((uint64_t)uio->uio_offset >= size || uio->uio_resid == 0)
		return 0;
	if ((error = file_fd(ef, &fd)) != 0)
		return error;
	cap = MIN(uio->uio_resid, ETFS_MAXPHYS);
	if ((buf = kmem_alloc(cap, KM_SLEEP)) == NULL)
		return ENOMEM;
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < size) {
		chunk = MIN(cap, MIN(uio->uio_resid,
		    size - (uint64_t)uio->uio_offset));
		error = etfs_host_pread(fd, buf, chunk,
		    ef->ef_begin + (uint64_t)uio->uio_offset, &done);
		if (error != 0)
			break;
		/* the file is longer than the host's: the rest reads 0 */
		memset(buf + done, 0, chunk - done);
		if ((error = uiomove(buf, chunk, uio)) != 0)
			break;
	}
	kmem_free(buf, cap);
	return error;
}

/* uiomove took n bytes of which only done reached the host: give the
 * caller's count back the rest. */
static void
uio_unmove(struct uio *uio, size_t n, size_t done)
{
	uio->uio_resid += n - done;
	uio->uio_offset -= (off_t)(n - done);
}

int
etfs_file_write(struct etfs_file *ef, struct uio *uio, uint64_t *sizep)
{
	size_t chunk, done, cap;
	uint64_t off;
	char *buf;
	int error, fd;

	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	if ((uint64_t)uio->uio_offset >= ef->ef_limit)
		return EFBIG;
	if ((error = file_fd(ef, &fd)) != 0)
		return error;
	if (!atomic_load(&ef->ef_writable))
		return EACCES;
	cap = MIN(uio->uio_resid, ETFS_MAXPHYS);
	if ((buf = kmem_alloc(cap, KM_SLEEP)) == NULL)
		return ENOMEM;
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < ef->ef_limit) {
		off = (uint64_t)uio->uio_offset;
		chunk = MIN(cap, MIN(uio->uio_resid, ef->ef_limit - off));
		if ((error = uiomove(buf, chunk, uio)) != 0)
			break;
		error = etfs_host_pwrite(fd, buf, chunk, ef->ef_begin + off,
		    &done);
		if (off + done > *sizep)
			*sizep = off + done;
		if (error != 0) {
			uio_unmove(uio, chunk, done);
			break;
		}
	}
	kmem_free(buf, cap);
	return error;
}

int
etfs_file_zero(struct etfs_file *ef, uint64_t from, uint64_t to)
{
	size_t chunk, done, cap;
	char *buf;
	int error = 0, fd;

	if (from >= to)
		return 0;
	if ((error = file_fd(ef, &fd)) != 0)
		return error;
	if (!atomic_load(&ef->ef_writable))
		return EACCES;
	cap = (size_t)MIN(to - from, ETFS_MAXPHYS);
	if ((buf = kmem_zalloc(cap, KM_SLEEP)) == NULL)
		return ENOMEM;
	for (; from < to && error == 0; from += chunk) {
		chunk = (size_t)MIN(cap, to - from);
		error = etfs_host_pwrite(fd, buf, chunk, ef->ef_begin + from,
		    &done);
	}
	kmem_free(buf, cap);
	return error;
}

int
etfs_file_sync(struct etfs_file *ef)
{
	int fd = atomic_load(&ef->ef_fd);

	/* never opened: nothing of ours to make stable */
	return fd == -1 ? 0 : etfs_host_fsync(fd);
}

/* --- keys ------------------------------------------------------------------------ */

/*
 * Normalise a key into buf: it must start with "/"; leading, repeated
 * and trailing slashes go ("//dev//dk/" is "dev/dk").  A key naming
 * the root, or with "." or ".." components, is EINVAL.
 */
static int
key_normalise(const char *key, char *buf, size_t len)
{
	const char *p = key, *name;
	size_t n, out = 0;

	if (key[0] != '/')
		return EINVAL;
	if (strlen(key) >= MAXPATHLEN)
		return ENAMETOOLONG;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (name = p; *p != '\0' && *p != '/'; p++)
			continue;
		n = (size_t)(p - name);
		if ((n == 1 && name[0] == '.') ||
		    (n == 2 && name[0] == '.' && name[1] == '.'))
			return EINVAL;
		if (n > MAXNAMLEN)
			return ENAMETOOLONG;
		if (out + (out > 0) + n >= len)
			return ENAMETOOLONG;
		if (out > 0)
			buf[out++] = '/';
		memcpy(buf + out, name, n);
		out += n;
	}
	if (out == 0)
		return EINVAL;
	buf[out] = '\0';
	return 0;
}

/* "dev/dk" -> "dev/rdk"; false if the name would be too long. */
static bool
key_rawname(const char *key, char *buf, size_t len)
{
	const char *last = strrchr(key, '/');
	size_t dirlen = last != NULL ? (size_t)(last - key) + 1 : 0;

	if (strlen(key) - dirlen + 1 > MAXNAMLEN || strlen(key) + 2 > len)
		return false;
	memcpy(buf, key, dirlen);
	buf[dirlen] = 'r';
	strcpy(buf + dirlen + 1, key + dirlen);
	return true;
}

static struct etfs_key *
key_find(const char *key)
{
	struct etfs_key *ek;

	KASSERT(mutex_owned(&etfs_lock));
	for (ek = etfs_keys; ek != NULL; ek = ek->ek_next)
		if (strcmp(ek->ek_key, key) == 0)
			return ek;
	return NULL;
}

/* The BLK key whose raw node is named key, if any. */
static struct etfs_key *
key_find_raw(const char *key)
{
	struct etfs_key *ek;

	KASSERT(mutex_owned(&etfs_lock));
	for (ek = etfs_keys; ek != NULL; ek = ek->ek_next)
		if (ek->ek_raw != NULL && strcmp(ek->ek_rawkey, key) == 0)
			return ek;
	return NULL;
}

static void
key_free(struct etfs_key *ek)
{
	if (ek->ek_key != NULL)
		kmem_strfree(ek->ek_key);
	if (ek->ek_rawkey != NULL)
		kmem_strfree(ek->ek_rawkey);
	kmem_free(ek, sizeof(*ek));
}

static enum vtype
key_vtype(enum rump_etfs_type type)
{
	switch (type) {
	case RUMP_ETFS_REG:		return VREG;
	case RUMP_ETFS_BLK:		return VBLK;
	case RUMP_ETFS_CHR:		return VCHR;
	default:			return VDIR;
	}
}

static bool
type_isdir(enum rump_etfs_type type)
{
	return type == RUMP_ETFS_DIR || type == RUMP_ETFS_DIR_SUBDIRS;
}

/*
 * The window a registration asks for, checked against the host file
 * as NetBSD does: directories need begin 0 and size ENDOFF (EISDIR);
 * files need begin <= host size and begin + size <= host size
 * (EINVAL); ENDOFF means "to the host file's end".
 */
static int
check_window(enum rump_etfs_type type, int hft, uint64_t hsize,
    uint64_t begin, uint64_t *sizep)
{
	uint64_t size = *sizep;

	if (type_isdir(type)) {
		if (hft != RUMPUSER_FT_DIR)
			return ENOTDIR;
		if (begin != 0 || size != RUMP_ETFS_SIZE_ENDOFF)
			return EISDIR;
		*sizep = hsize;
		return 0;
	}
	if (begin > hsize)
		return EINVAL;
	if (size == RUMP_ETFS_SIZE_ENDOFF)
		size = hsize - begin;
	if (size > hsize - begin)
		return EINVAL;
	/* what the host file must be for the key's type */
	if (hft == RUMPUSER_FT_DIR)
		return type == RUMP_ETFS_REG ? EISDIR : EINVAL;
	if (hft != RUMPUSER_FT_REG && hft != RUMPUSER_FT_BLK &&
	    hft != RUMPUSER_FT_CHR)
		return EINVAL;
	*sizep = size;
	return 0;
}

/*
 * NetBSD's format_bytes(): the byte count if it has at most five
 * digits, else "N KB", "N MB"... with N below 100000.
 */
static void
format_size(char *buf, size_t len, uint64_t bytes)
{
	static const char prefix[] = " KMGTPE";
	int i;

	for (i = 0; bytes >= 100000 && prefix[i + 1] != '\0'; i++)
		bytes /= 1024;
	if (i == 0)
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%llu %cB", (unsigned long long)bytes,
		    prefix[i]);
}

/* The raw node /dev/rX beside a block device key /dev/X, if the name
 * is free; its absence is no error. */
static void
attach_raw(struct etfs_key *ek, uint64_t rdev, uint64_t size)
{
	struct rumpfs_etfs_spec spec = { .type = VCHR, .rdev = rdev,
	    .size = size, .raw = true };
	char raw[MAXPATHLEN];

	if (!key_rawname(ek->ek_key, raw, sizeof(raw)) ||
	    (ek->ek_rawkey = kmem_strdup(raw)) == NULL)
		return;
	if (rumpfs_etfs_attach(raw, &spec, &ek->ek_raw) != 0) {
		kmem_strfree(ek->ek_rawkey);
		ek->ek_rawkey = NULL;
		ek->ek_raw = NULL;
	}
}

/* A key naming another key's raw node takes it over if it is unused. */
static int
take_over_raw(const char *key)
{
	struct etfs_key *owner = key_find_raw(key);

	if (owner == NULL)
		return 0;
	if (rumpfs_etfs_detach(owner->ek_raw, NULL) != 0)
		return EEXIST;
	owner->ek_raw = NULL;
	return 0;
}

/* The node for a REG or DIR key: its host file window or path. */
static int
make_file(enum rump_etfs_type type, const char *hostpath, uint64_t begin,
    uint64_t size, bool endoff, struct etfs_file **efp)
{
	if (type_isdir(type))
		return etfs_file_new(hostpath, 0, ETFS_UNLIMITED, false, efp);
	return etfs_file_new(hostpath, begin, endoff ? ETFS_UNLIMITED - begin :
	    size, true, efp);
}

/* Registration with etfs_lock held; see the top of the file. */
static int
etfs_register_locked(const char *nkey, const char *hostpath,
    enum rump_etfs_type type, uint64_t begin, uint64_t size)
{
	struct rumpfs_etfs_spec spec;
	struct etfs_key *ek;
	uint64_t hsize;
	bool endoff = size == RUMP_ETFS_SIZE_ENDOFF;
	int error, hft;

	if ((error = etfs_host_getfileinfo(hostpath, &hsize, &hft)) != 0)
		return error;
	if ((error = check_window(type, hft, hsize, begin, &size)) != 0)
		return error;
	if ((ek = kmem_zalloc(sizeof(*ek), KM_SLEEP)) == NULL)
		return ENOMEM;
	ek->ek_type = type;
	ek->ek_slot = -1;
	if ((ek->ek_key = kmem_strdup(nkey)) == NULL) {
		key_free(ek);
		return ENOMEM;
	}
	memset(&spec, 0, sizeof(spec));
	spec.type = key_vtype(type);
	spec.size = size;
	spec.subdirs = type == RUMP_ETFS_DIR_SUBDIRS;
	if (type == RUMP_ETFS_BLK || type == RUMP_ETFS_CHR) {
		error = etfs_disk_attach(hostpath, begin, size, &ek->ek_slot,
		    &spec.size);
		spec.rdev = etfs_disk_dev(ek->ek_slot);
	} else
		error = make_file(type, hostpath, begin, size, endoff,
		    &spec.file);
	if (error == 0 && key_find(nkey) != NULL)
		error = EEXIST;
	if (error == 0)
		error = take_over_raw(nkey);
	if (error == 0)
		error = rumpfs_etfs_attach(nkey, &spec, &ek->ek_node);
	if (error != 0) {
		if (spec.file != NULL)
			etfs_file_free(spec.file);
		if (ek->ek_slot != -1)
			etfs_disk_drop(ek->ek_slot);
		key_free(ek);
		return error;
	}
	if (type == RUMP_ETFS_BLK)
		attach_raw(ek, spec.rdev, spec.size);
	ek->ek_next = etfs_keys;
	etfs_keys = ek;
	if (type == RUMP_ETFS_BLK) {
		char buf[32];

		format_size(buf, sizeof(buf), spec.size);
		aprint_verbose("/%s: hostpath %s (%s)\n", nkey, hostpath, buf);
	}
	return 0;
}

/* Removal with etfs_lock held. */
static int
etfs_remove_locked(const char *nkey)
{
	struct etfs_key *ek, **ekp;
	bool last = false;
	int error;

	if ((ek = key_find(nkey)) == NULL)
		return ENOENT;
	if (ek->ek_slot != -1 &&
	    (error = etfs_disk_detach_begin(ek->ek_slot, &last)) != 0)
		return error;
	error = rumpfs_etfs_detach(ek->ek_node, ek->ek_raw);
	if (error != 0) {
		if (ek->ek_slot != -1)
			etfs_disk_detach_abort(ek->ek_slot);
		return error;
	}
	if (ek->ek_slot != -1)
		etfs_disk_detach_finish(ek->ek_slot);
	for (ekp = &etfs_keys; *ekp != ek; ekp = &(*ekp)->ek_next)
		continue;
	*ekp = ek->ek_next;
	key_free(ek);
	return 0;
}

/* --- the public interface ---------------------------------------------------------- */

static int
etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type type, uint64_t begin, uint64_t size)
{
	char nkey[MAXPATHLEN];
	int error;

	if (key == NULL || hostpath == NULL)
		return EINVAL;
	if ((error = key_normalise(key, nkey, sizeof(nkey))) != 0)
		return error;
	if ((unsigned)type > RUMP_ETFS_DIR_SUBDIRS)
		return EINVAL;
	if (hostpath[0] == '\0')
		return ENOENT;
	mutex_enter(&etfs_lock);
	error = etfs_register_locked(nkey, hostpath, type, begin, size);
	mutex_exit(&etfs_lock);
	return error;
}

static int
etfs_remove(const char *key)
{
	char nkey[MAXPATHLEN];
	int error;

	if (key == NULL)
		return EINVAL;
	if ((error = key_normalise(key, nkey, sizeof(nkey))) != 0)
		return error == EINVAL && key[0] == '/' ? ENOENT : error;
	mutex_enter(&etfs_lock);
	error = etfs_remove_locked(nkey);
	mutex_exit(&etfs_lock);
	return error;
}

int
rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
    enum rump_etfs_type type, uint64_t begin, uint64_t size)
{
	int error;

	if (!etfs_ready || !rump_booted())
		return ENOSYS;
	sched_enter();
	error = etfs_register(key, hostpath, type, begin, size);
	sched_exit();
	return error;
}

int
rump_pub_etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type type)
{
	return rump_pub_etfs_register_withsize(key, hostpath, type, 0,
	    RUMP_ETFS_SIZE_ENDOFF);
}

int
rump_pub_etfs_remove(const char *key)
{
	int error;

	if (!etfs_ready || !rump_booted())
		return ENOSYS;
	sched_enter();
	error = etfs_remove(key);
	sched_exit();
	return error;
}

/*
 * Before rump_init: remember eb (status -1); the boot registers it and
 * sets eb_status to 0 or the error.  After the boot: at once.
 */
void
rump_boot_etfs_register(struct rump_boot_etfs *eb)
{
	if (etfs_ready) {
		eb->eb_status = rump_pub_etfs_register_withsize(eb->eb_key,
		    eb->eb_hostpath, eb->eb_type, eb->eb_begin, eb->eb_size);
		return;
	}
	eb->eb_status = -1;
	eb->_eb_next = etfs_bootlist;
	etfs_bootlist = eb;
}

/* Boot: the disk driver, then the registrations made before boot, in
 * the order they were made. */
int
etfs_init(void)
{
	struct rump_boot_etfs *eb, *rev = NULL, *next;
	int error;

	mutex_init(&etfs_lock);
	if ((error = etfs_disk_init()) != 0)
		return error;
	for (eb = etfs_bootlist; eb != NULL; eb = next) {
		next = eb->_eb_next;
		eb->_eb_next = rev;
		rev = eb;
	}
	etfs_bootlist = NULL;
	for (eb = rev; eb != NULL; eb = next) {
		next = eb->_eb_next;
		eb->eb_status = etfs_register(eb->eb_key, eb->eb_hostpath,
		    eb->eb_type, eb->eb_begin, eb->eb_size);
	}
	etfs_ready = true;
	return 0;
}
