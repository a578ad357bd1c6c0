/*
 * dev.c: character devices.
 *
 * The device switch maps a major number to a driver (struct cdevsw).
 * A device vnode (VCHR, on any file system) carries its NetBSD dev_t in
 * v_rdev; opening it finds the driver here (vnops.c), so a node made
 * with mknod on tmpfs reaches the same driver as rumpfs's /dev nodes.
 *
 * Drivers in this file: the memory devices, major 2 as in NetBSD:
 *   minor 2  /dev/null  reads end at once, writes are swallowed
 *   minor 12 /dev/zero  reads return zeros, writes are swallowed
 * Other minors of major 2 do not exist (open: ENXIO).
 *
 * Locks: the switch is an array of atomic pointers; an entry is set
 * once (attach) and never cleared, so lookups take no lock.
 */
#include "vfs/vfs.h"

#define NCDEVSW		256	/* majors 0..255 */
#define MEM_MAJOR	2
#define MEM_NULL	2
#define MEM_ZERO	12

static const struct cdevsw *_Atomic cdevsw_tab[NCDEVSW];

int
cdevsw_attach(int major, const struct cdevsw *sw)
{
	const struct cdevsw *old = NULL;

	if (major < 0 || major >= NCDEVSW || sw == NULL)
		return EINVAL;
	if (atomic_compare_exchange_strong(&cdevsw_tab[major], &old, sw))
		return 0;
	return old == sw ? 0 : EEXIST;
}

const struct cdevsw *
cdevsw_lookup(uint64_t dev)
{
	int major = NETBSD_MAJOR(dev);

	if (major < 0 || major >= NCDEVSW)
		return NULL;
	return atomic_load(&cdevsw_tab[major]);
}

/* --- the memory devices: null and zero ---------------------------------- */

static int
mem_open(uint64_t dev, int fflags)
{
	int minor = NETBSD_MINOR(dev);

	(void)fflags;
	return minor == MEM_NULL || minor == MEM_ZERO ? 0 : ENXIO;
}

static int
mem_close(uint64_t dev, int fflags)
{
	(void)dev;
	(void)fflags;
	return 0;
}

static int
mem_read(uint64_t dev, struct uio *uio, int ioflag)
{
	(void)ioflag;
	switch (NETBSD_MINOR(dev)) {
	case MEM_NULL:
		return 0;
	case MEM_ZERO:
		return uiozero(uio->uio_resid, uio);
	default:
		return ENXIO;
	}
}

/* Both devices take everything written and keep none of it. */
static int
mem_write(uint64_t dev, struct uio *uio, int ioflag)
{
	(void)ioflag;
	switch (NETBSD_MINOR(dev)) {
	case MEM_NULL:
	case MEM_ZERO:
		uio->uio_offset += (off_t)uio->uio_resid;
		uio->uio_resid = 0;
		return 0;
	default:
		return ENXIO;
	}
}

/* NetBSD's rump null device has no ioctls at all. */
static int
mem_ioctl(uint64_t dev, unsigned long cmd, void *data, int fflags)
{
	(void)dev;
	(void)cmd;
	(void)data;
	(void)fflags;
	return ENODEV;
}

/* Always ready, like NetBSD's seltrue. */
static int
mem_poll(uint64_t dev, int events)
{
	(void)dev;
	return events & (RUMP_POLLIN | RUMP_POLLOUT | RUMP_POLLRDNORM |
	    RUMP_POLLWRNORM);
}

static const struct cdevsw mem_cdevsw = {
	.d_open = mem_open,
	.d_close = mem_close,
	.d_read = mem_read,
	.d_write = mem_write,
	.d_ioctl = mem_ioctl,
	.d_poll = mem_poll,
};

/* Attach the built-in drivers; calling it again is harmless. */
void
dev_init(void)
{
	int error;

	if ((error = cdevsw_attach(MEM_MAJOR, &mem_cdevsw)) != 0)
		panic("dev_init: cannot attach the memory devices: %d", error);
}

static int
dev_component_init(void)
{
	dev_init();
	return 0;
}

static struct rump_component dev_component = {
	.rc_type = RUMP_COMPONENT_VFS,
	.rc_name = "vfs.dev",
	.rc_init = dev_component_init,
};

__attribute__((constructor)) static void
dev_register(void)
{
	rump_component_register(&dev_component);
}
