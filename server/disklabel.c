/*
 * disklabel.c: -d ...,disklabel=P: a partition's place in a disk image
 * from the NetBSD disklabel in its first 64 KiB.
 *
 * The image is untrusted: every field used is checked here.  A label
 * is 504 bytes (room for 22 partitions) at any 4-byte boundary, with
 * its magic number at offset 0 and again at 132, in either byte order.
 * The first candidate decides: if it has more than 22 partitions or
 * its checksum (the XOR of its 16-bit words up to the end of the
 * partition table) is not zero, there is no label.  Partition offsets
 * and sizes count 512-byte sectors, whatever the label's sector size;
 * they are scaled in 64 bits (NetBSD's server truncates them to 32
 * bits, and for a byte-swapped label swaps after scaling).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "server/server.h"

#define DL_SCAN		65536	/* bytes of the image searched */
#define DL_SIZE		504	/* a label with 22 partitions */
#define DL_MAXPART	22	/* NetBSD's MAXMAXPARTITIONS */
#define DL_MAGIC	0x82564557U
#define DL_OFF_MAGIC2	132
#define DL_OFF_NPART	138
#define DL_OFF_PARTS	148
#define DL_PARTSIZE	16
#define DL_SECTOR_SHIFT	9

static uint32_t
get32(const unsigned char *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t
get16(const unsigned char *p, bool swap)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);

	return swap ? __builtin_bswap16(v) : v;
}

/* Read the first DL_SCAN bytes; a short image reads zeros after its end. */
static int
read_head(int fd, unsigned char *buf)
{
	size_t got = 0;
	ssize_t n;

	memset(buf, 0, DL_SCAN);
	while (got < DL_SCAN) {
		n = pread(fd, buf + got, DL_SCAN - got, (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return 0;
}

/* The first label candidate: its offset, or -1; *swap for the other
 * byte order. */
static long
find_magic(const unsigned char *buf, bool *swap)
{
	for (long i = 0; i <= DL_SCAN - DL_SIZE; i += 4) {
		uint32_t m1 = get32(buf + i, false);
		uint32_t m2 = get32(buf + i + DL_OFF_MAGIC2, false);

		if (m1 == DL_MAGIC && m2 == DL_MAGIC) {
			*swap = false;
			return i;
		}
		if (m1 == __builtin_bswap32(DL_MAGIC) && m2 == m1) {
			*swap = true;
			return i;
		}
	}
	return -1;
}

/* The label at lp is sane: a partition count that fits and a zero
 * checksum over the header and that many partitions. */
static bool
label_sane(const unsigned char *lp, bool swap, unsigned *npartp)
{
	unsigned npart = get16(lp + DL_OFF_NPART, swap);
	uint16_t sum = 0;

	if (npart > DL_MAXPART)
		return false;
	for (size_t i = 0; i < DL_OFF_PARTS + npart * DL_PARTSIZE; i += 2)
		sum ^= get16(lp + i, false);
	*npartp = npart;
	return sum == 0;
}

int
srv_disklabel(int fd, char part, uint64_t *offp, uint64_t *sizep,
    const char **whyp)
{
	unsigned char buf[DL_SCAN];
	const unsigned char *pp;
	unsigned npart, index = (unsigned)(part - 'a');
	bool swap = false;
	long at;
	int error;

	if ((error = read_head(fd, buf)) != 0) {
		*whyp = "could not read disk device";
		return error;
	}
	if ((at = find_magic(buf, &swap)) == -1 ||
	    !label_sane(buf + at, swap, &npart)) {
		*whyp = "disklabel not found";
		return ENOENT;
	}
	if (index >= npart) {
		*whyp = "partition not available";
		return ENOENT;
	}
	pp = buf + at + DL_OFF_PARTS + index * DL_PARTSIZE;
	*sizep = (uint64_t)get32(pp, swap) << DL_SECTOR_SHIFT;
	*offp = (uint64_t)get32(pp + 4, swap) << DL_SECTOR_SHIFT;
	return 0;
}
