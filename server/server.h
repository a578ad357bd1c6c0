/*
 * server.h: the parts of rump_server and rump_allserver (one source,
 * two link sets) shared between its files.
 *
 *	rump_server.c	options, the startup sequence, halting on signals
 *	libload.c	-l: loading component libraries until no more load
 *	module.c	-m: kernel modules; the kernel's module directory
 *	drivespec.c	-d: the drivespec grammar
 *	drive.c		-d: registering a drive after the boot
 *	disklabel.c	-d ...,disklabel=P: finding a partition
 *	size.c		numbers with size suffixes (-d size/offset, -r)
 *
 * Parsers here print nothing: they return an error and a message in a
 * caller's buffer, and the caller prefixes the program's name.
 */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRV_MSGLEN	512

/* The program's name for messages ("rump_server", "rump_allserver"). */
extern const char *srv_prog;

/*
 * Sizes.  srv_parse_suffixed follows NetBSD's strsuftoll(3): decimal,
 * an optional suffix b (512), k, m, g, t (powers of 1024) or w (4),
 * either case, and products with x or *, e.g. 2x512, 16bx2.  The value
 * must lie in [min, max].  srv_parse_memlimit takes the kernel's
 * RUMP_MEMLIMIT grammar: decimal with one optional k, m or g.
 * Both return 0, or -1 with a message in msg (desc names the value).
 */
int	srv_parse_suffixed(const char *desc, const char *s, long long min,
	    long long max, long long *out, char *msg, size_t msglen);
int	srv_parse_memlimit(const char *s, uint64_t *out, char *msg,
	    size_t msglen);
/* The smallest memory limit the kernel takes is anything above this. */
#define SRV_MEMLIMIT_MIN	131072

/* -d key=/dev/dk,hostpath=dk.img,size=1g[,offset=N][,type=blk|chr|reg]
 * or ...,disklabel=a in place of size/offset. */
enum srv_dtype { SRV_DT_REG, SRV_DT_BLK, SRV_DT_CHR };	/* RUMP_ETFS_* */
struct srv_drive {
	const char *key;	/* points into the (modified) argument */
	const char *hostpath;
	long long size;		/* 0: not given */
	long long offset;
	bool	size_host;	/* size=host: the host file's current size */
	char	label;		/* disklabel partition 'a'..'z', or 0 */
	enum srv_dtype type;
};
/* Parses (and cuts up) spec.  0, or -1 with the reason in msg; *usage
 * says whether the usage line should follow (grammar errors) or not
 * (bad numbers, as strsuftoll reports them). */
int	srv_parse_drive(char *spec, struct srv_drive *d, bool *usage,
	    char *msg, size_t msglen);

/* The partition's window from the NetBSD disklabel in the first 64
 * KiB of the open image fd (disklabel.c).  0, or a host errno with the
 * stage in *whyp. */
int	srv_disklabel(int fd, char part, uint64_t *offp, uint64_t *sizep,
	    const char **whyp);
/* Make d an etfs key in the booted kernel (drive.c).  0, or a NetBSD
 * errno with the failing stage in *whyp. */
int	srv_attach_drive(const struct srv_drive *d, const char **whyp);

/* -l: load every library, retrying until a pass loads nothing.
 * Reports each failure on stderr; 0 or -1. */
int	srv_load_libraries(const char *const *libs, int nlibs);

/* The host's module directory at the kernel's module path (module.c;
 * after the boot, silently nothing if there is none). */
void	srv_map_moddir(void);
/* -m: load the module in host file path (after the boot).  0, or a
 * NetBSD errno with the failing stage in *whyp. */
int	srv_load_module(const char *path, const char **whyp);

#endif
