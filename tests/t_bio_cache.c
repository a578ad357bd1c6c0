/*
 * t_bio_cache: the buffer cache's own interface (vfs/bio.c), called
 * directly as a file system would: getblk, bread, bwrite, bdwrite,
 * bawrite, brelse, bflush, binval, on units of the RAM disk in
 * t_bio_util.h.  Each call runs on a virtual CPU (KCALL/KDO).
 */
#include "t_bio_util.h"

#define KB	1024

static struct bio_stats
stats(void)
{
	struct bio_stats st;

	KDO(bio_getstats(&st));
	return st;
}

int
t_boot(void)
{
	int error;

	if ((error = rump_init()) != 0)
		return error;
	if ((error = rd_attach()) != 0)
		return error;
	KDO(bio_setsyncdelay(3600 * T_NSEC));
	return 0;
}

TEST(getblk_gives_a_busy_buffer_without_data)
{
	int unit = rd_new(64 * KB, 512);
	uint64_t nbuf = stats().bs_nbuf;
	struct buf *bp = NULL;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 8, 4096, &bp)), 0);
	CHECK(bp != NULL);
	CHECK(bp->b_flags & B_BUSY);
	CHECK(!(bp->b_flags & B_DONE));
	CHECK_EQ(bp->b_bcount, 4096);
	CHECK_EQ(bp->b_blkno, 8);
	CHECK_EQ(bp->b_dev, rd_dev(unit));
	CHECK_EQ(stats().bs_nbuf, nbuf + 1);
	KDO(brelse(bp));			/* nothing valid: dropped */
	CHECK_EQ(stats().bs_nbuf, nbuf);
	CHECK_EQ(RD_GET(unit, reads), 0);
}

TEST(bread_reads_the_disk_once)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp = NULL;
	struct bio_stats a, b;

	pattern(t_rd[unit].data, 64 * KB, 0, 1);
	a = stats();
	CHECK_EQ(KCALL(bread(rd_dev(unit), 16, 8192, &bp)), 0);
	CHECK(bp->b_flags & B_DONE);
	CHECK(memcmp(bp->b_data, t_rd[unit].data + 8192, 8192) == 0);
	KDO(brelse(bp));
	CHECK_EQ(RD_GET(unit, reads), 1);
	CHECK_EQ(KCALL(bread(rd_dev(unit), 16, 8192, &bp)), 0);
	CHECK(memcmp(bp->b_data, t_rd[unit].data + 8192, 8192) == 0);
	KDO(brelse(bp));
	CHECK_EQ(RD_GET(unit, reads), 1);
	b = stats();
	CHECK_EQ(b.bs_misses - a.bs_misses, 1);
	CHECK_EQ(b.bs_hits - a.bs_hits, 1);
}

TEST(bwrite_writes_before_returning)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 2, 1024, &bp)), 0);
	memset(bp->b_data, 'w', 1024);
	CHECK_EQ(KCALL(bwrite(bp)), 0);
	CHECK_EQ(RD_GET(unit, writes), 1);
	CHECK_EQ(t_rd[unit].data[1024], 'w');
	CHECK_EQ(t_rd[unit].data[2047], 'w');
	CHECK_EQ(t_rd[unit].data[2048], 0);
	/* and it stays cached, clean */
	CHECK_EQ(KCALL(bread(rd_dev(unit), 2, 1024, &bp)), 0);
	CHECK_EQ(RD_GET(unit, reads), 0);
	CHECK(!(bp->b_flags & B_DELWRI));
	KDO(brelse(bp));
}

TEST(bwrite_error_is_returned_and_the_buffer_stays_dirty)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 512, &bp)), 0);
	memset(bp->b_data, 'e', 512);
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK_EQ(KCALL(bwrite(bp)), RUMP_EIO);
	CHECK_EQ(stats().bs_dirty >= 512, 1);
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 512, &bp)), 0);
	CHECK_EQ(bp->b_flags & (B_DELWRI | B_ERROR | B_DONE),
	    B_DELWRI | B_ERROR | B_DONE);
	CHECK_EQ(bp->b_error, RUMP_EIO);
	CHECK_EQ(bp->b_data[0], 'e');
	KDO(brelse(bp));
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), RUMP_EIO);
	RD_SET(unit, fail_write, 0);
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK_EQ(t_rd[unit].data[511], 'e');
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 512, &bp)), 0);
	CHECK_EQ(bp->b_flags & (B_DELWRI | B_ERROR), 0);
	KDO(brelse(bp));
}

TEST(bdwrite_waits_for_bflush)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 4, 2048, &bp)), 0);
	memset(bp->b_data, 'd', 2048);
	KDO(bdwrite(bp));
	CHECK_EQ(RD_GET(unit, writes), 0);
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK_EQ(RD_GET(unit, writes), 1);
	CHECK_EQ(RD_GET(unit, syncs), 1);
	CHECK_EQ(t_rd[unit].data[2048], 'd');
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);	/* nothing left */
	CHECK_EQ(RD_GET(unit, writes), 1);
}

TEST(bawrite_writes_now_and_keeps_a_failure_for_bflush)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 512, &bp)), 0);
	memset(bp->b_data, 'a', 512);
	KDO(bawrite(bp));
	CHECK_EQ(t_rd[unit].data[0], 'a');
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 1, 512, &bp)), 0);
	memset(bp->b_data, 'b', 512);
	RD_SET(unit, fail_write, RUMP_EIO);
	KDO(bawrite(bp));
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), RUMP_EIO);
	RD_SET(unit, fail_write, 0);
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK_EQ(t_rd[unit].data[512], 'b');
}

TEST(brelse_of_an_invalidated_buffer_forgets_it)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 512, &bp)), 0);
	memset(bp->b_data, 'x', 512);
	KDO(bdwrite(bp));
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 512, &bp)), 0);
	bp->b_flags |= B_INVAL;			/* the block was freed */
	KDO(brelse(bp));
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK_EQ(RD_GET(unit, writes), 0);
	CHECK_EQ(t_rd[unit].data[0], 0);
}

TEST(getblk_larger_writes_dirty_data_back_first)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 4096, &bp)), 0);
	memset(bp->b_data, 'g', 4096);
	KDO(bdwrite(bp));
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 8192, &bp)), 0);
	CHECK_EQ(RD_GET(unit, writes), 1);
	CHECK_EQ(t_rd[unit].data[4095], 'g');
	CHECK_EQ(bp->b_bcount, 8192);
	CHECK(!(bp->b_flags & B_DONE));		/* must be read again */
	KDO(brelse(bp));
	CHECK_EQ(KCALL(bread(rd_dev(unit), 0, 8192, &bp)), 0);
	CHECK_EQ(bp->b_data[0], 'g');
	CHECK_EQ(bp->b_data[4096], 0);
	KDO(brelse(bp));
}

TEST(getblk_smaller_keeps_the_first_bytes)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	pattern(t_rd[unit].data, 64 * KB, 0, 2);
	CHECK_EQ(KCALL(bread(rd_dev(unit), 0, 8192, &bp)), 0);
	KDO(brelse(bp));
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 2048, &bp)), 0);
	CHECK_EQ(bp->b_bcount, 2048);
	CHECK(bp->b_flags & B_DONE);
	CHECK(memcmp(bp->b_data, t_rd[unit].data, 2048) == 0);
	KDO(brelse(bp));
	CHECK_EQ(RD_GET(unit, reads), 1);
}

TEST(getblk_resize_write_failure_is_getblks)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 1024, &bp)), 0);
	memset(bp->b_data, 'r', 1024);
	KDO(bdwrite(bp));
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 4096, &bp)), RUMP_EIO);
	RD_SET(unit, fail_write, 0);
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK_EQ(t_rd[unit].data[1023], 'r');
}

TEST(binval_forgets_clean_buffers_and_keeps_dirty_ones)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(bread(rd_dev(unit), 0, 4096, &bp)), 0);
	KDO(brelse(bp));
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 8, 4096, &bp)), 0);
	memset(bp->b_data, 'k', 4096);
	KDO(bdwrite(bp));
	KDO(binval(rd_dev(unit)));
	CHECK_EQ(KCALL(bread(rd_dev(unit), 0, 4096, &bp)), 0);
	KDO(brelse(bp));
	CHECK_EQ(RD_GET(unit, reads), 2);	/* the clean one was gone */
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK_EQ(t_rd[unit].data[4096], 'k');	/* the dirty one was not */
}

TEST(bflush_of_one_device_leaves_the_others)
{
	int u1 = rd_new(64 * KB, 512), u2 = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(u1), 0, 512, &bp)), 0);
	KDO(bdwrite(bp));
	CHECK_EQ(KCALL(getblk(rd_dev(u2), 0, 512, &bp)), 0);
	KDO(bdwrite(bp));
	CHECK_EQ(KCALL(bflush(rd_dev(u1))), 0);
	CHECK_EQ(RD_GET(u1, writes), 1);
	CHECK_EQ(RD_GET(u2, writes), 0);
	CHECK_EQ(KCALL(bflush(NODEV)), 0);
	CHECK_EQ(RD_GET(u2, writes), 1);
	CHECK_EQ(RD_GET(u2, syncs), 1);
}

TEST(bflush_reports_the_first_error_and_writes_the_rest)
{
	int u1 = rd_new(64 * KB, 512), u2 = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(u1), 0, 512, &bp)), 0);
	memset(bp->b_data, '1', 512);
	KDO(bdwrite(bp));
	CHECK_EQ(KCALL(getblk(rd_dev(u2), 0, 512, &bp)), 0);
	memset(bp->b_data, '2', 512);
	KDO(bdwrite(bp));
	RD_SET(u1, fail_write, RUMP_ENOSPC);
	CHECK_EQ(KCALL(bflush(NODEV)), RUMP_ENOSPC);
	CHECK_EQ(t_rd[u2].data[0], '2');
	CHECK_EQ(t_rd[u1].data[0], 0);
	RD_SET(u1, fail_write, 0);
	CHECK_EQ(KCALL(bflush(NODEV)), 0);
	CHECK_EQ(t_rd[u1].data[0], '1');
}

TEST(bflush_reports_a_d_sync_failure)
{
	int unit = rd_new(64 * KB, 512);

	RD_SET(unit, fail_sync, RUMP_EIO);
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), RUMP_EIO);
	RD_SET(unit, fail_sync, 0);
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
}

TEST(bread_of_a_block_the_device_ends_inside_is_eio)
{
	int unit = rd_new(8 * KB, 512);
	struct buf *bp = (void *)1;

	CHECK_EQ(KCALL(bread(rd_dev(unit), 14, 2048, &bp)), RUMP_EIO);
	CHECK(bp == NULL);
	CHECK_EQ(KCALL(bread(rd_dev(unit), 16, 512, &bp)), RUMP_EIO);
	CHECK_EQ(KCALL(bread(rd_dev(unit), 15, 512, &bp)), 0);
	KDO(brelse(bp));
}

TEST(bread_without_a_driver_enxio)
{
	struct buf *bp;

	CHECK_EQ(KCALL(bread(RUMP_MAKEDEV(T_RD_NONE_MAJOR, 0), 0, 512, &bp)),
	    RUMP_ENXIO);
}

TEST(bread_error_from_the_driver_is_returned)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;
	uint64_t nbuf = stats().bs_nbuf;

	RD_SET(unit, fail_read, RUMP_EIO);
	CHECK_EQ(KCALL(bread(rd_dev(unit), 0, 512, &bp)), RUMP_EIO);
	CHECK_EQ(stats().bs_nbuf, nbuf);	/* nothing kept */
	RD_SET(unit, fail_read, 0);
	CHECK_EQ(KCALL(bread(rd_dev(unit), 0, 512, &bp)), 0);
	KDO(brelse(bp));
}

TEST(getblk_bad_arguments_einval)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 0, &bp)), RUMP_EINVAL);
	CHECK_EQ(KCALL(getblk(rd_dev(unit), -1, 512, &bp)), RUMP_EINVAL);
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 2 * 1024 * KB, &bp)),
	    RUMP_EINVAL);
	CHECK_EQ(KCALL(getblk(NODEV, 0, 512, &bp)), RUMP_EINVAL);
}

struct holder {
	uint64_t dev;
	struct buf *bp;
	_Atomic int state;	/* 1 holding, 2 released */
	pid_t	pid;
};

static void *
hold_then_dirty(void *arg)
{
	struct holder *h = arg;

	rump_pub_lwproc_newlwp(h->pid);
	if (KCALL(getblk(h->dev, 0, 512, &h->bp)) != 0)
		return NULL;
	h->state = 1;
	t_sleep_ms(200);
	memset(h->bp->b_data, 'h', 512);
	h->state = 2;
	KDO(bdwrite(h->bp));
	rump_pub_lwproc_releaselwp();
	return NULL;
}

TEST(a_busy_buffer_makes_getblk_wait)
{
	struct holder h = { 0 };
	struct buf *bp;
	pthread_t t;

	h.dev = rd_dev(rd_new(64 * KB, 512));
	h.pid = rump_sys_getpid();
	pthread_create(&t, NULL, hold_then_dirty, &h);
	while (h.state == 0)
		t_sleep_ms(1);
	CHECK_EQ(KCALL(getblk(h.dev, 0, 512, &bp)), 0);
	CHECK_EQ(h.state, 2);
	CHECK_EQ(bp->b_data[0], 'h');
	KDO(brelse(bp));
	pthread_join(t, NULL);
}

TEST(bflush_waits_for_a_busy_buffer_and_writes_it)
{
	struct holder h = { 0 };
	int unit = rd_new(64 * KB, 512);
	pthread_t t;

	h.dev = rd_dev(unit);
	h.pid = rump_sys_getpid();
	pthread_create(&t, NULL, hold_then_dirty, &h);
	while (h.state == 0)
		t_sleep_ms(1);
	CHECK_EQ(KCALL(bflush(h.dev)), 0);
	CHECK_EQ(h.state, 2);
	CHECK_EQ(t_rd[unit].data[0], 'h');
	pthread_join(t, NULL);
}

TEST(neighbouring_dirty_buffers_go_out_in_one_transfer)
{
	int unit = rd_new(256 * KB, 512), i;
	struct buf *bp;

	for (i = 7; i >= 0; i--) {		/* any order */
		CHECK_EQ(KCALL(getblk(rd_dev(unit), i * 8, 4096, &bp)), 0);
		memset(bp->b_data, 'a' + i, 4096);
		KDO(bdwrite(bp));
	}
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK(RD_GET(unit, writes) <= 2);
	CHECK_EQ(RD_GET(unit, wbytes), 8 * 4096);
	for (i = 0; i < 8; i++)
		CHECK_EQ(t_rd[unit].data[i * 4096 + 100], 'a' + i);
}

TEST(a_failed_transfer_leaves_every_buffer_in_it_dirty)
{
	int unit = rd_new(256 * KB, 512), i;
	struct buf *bp;

	for (i = 0; i < 4; i++) {
		CHECK_EQ(KCALL(getblk(rd_dev(unit), i * 8, 4096, &bp)), 0);
		memset(bp->b_data, 'p', 4096);
		KDO(bdwrite(bp));
	}
	RD_SET(unit, fail_write, RUMP_EIO);
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), RUMP_EIO);
	CHECK(stats().bs_dirty >= 4 * 4096);
	RD_SET(unit, fail_write, 0);
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(t_rd[unit].data[i * 4096], 'p');
}

TEST(read_ahead_follows_a_sequential_stream)
{
	int unit = rd_new(2048 * KB, 512), i;
	struct buf *bp;
	struct bio_stats a = stats(), b;

	for (i = 0; i < 64; i++) {
		CHECK_EQ(KCALL(bread(rd_dev(unit), i * 32, 16 * KB, &bp)), 0);
		KDO(brelse(bp));
	}
	b = stats();
	CHECK(b.bs_rablocks - a.bs_rablocks >= 50);
	CHECK(RD_GET(unit, reads) <= 10);
	/* what was asked for, and at most one window more */
	CHECK(RD_GET(unit, rbytes) >= 64 * 16 * KB);
	CHECK(RD_GET(unit, rbytes) <= 64 * 16 * KB + 256 * KB);
}

TEST(read_ahead_stops_at_the_end_of_the_device)
{
	int unit = rd_new(64 * KB, 512), i;
	struct buf *bp;

	for (i = 0; i < 16; i++) {
		CHECK_EQ(KCALL(bread(rd_dev(unit), i * 8, 4096, &bp)), 0);
		KDO(brelse(bp));
	}
	CHECK_EQ(KCALL(bread(rd_dev(unit), 128, 4096, &bp)), RUMP_EIO);
}

TEST(the_cache_stays_under_its_cap)
{
	int unit = rd_new(0, 512), i;	/* never read or written */
	struct bio_stats st = stats();
	size_t n = (size_t)(st.bs_cap / (64 * KB)) * 2 + 8;
	struct buf *bp;

	for (i = 0; i < (int)n; i++) {
		CHECK_EQ(KCALL(getblk(rd_dev(unit), (int64_t)i * 128, 64 * KB,
		    &bp)), 0);
		bp->b_flags |= B_DONE;		/* pretend it was read */
		KDO(brelse(bp));
		if (i % 64 == 0)
			CHECK(stats().bs_bytes <= st.bs_cap);
	}
	CHECK(stats().bs_bytes <= st.bs_cap);
	KDO(binval(rd_dev(unit)));
}

TEST(bget_overwrite_holds_just_the_sectors_written)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	pattern(t_rd[unit].data, 64 * KB, 0, 50);
	CHECK_EQ(KCALL(bget_overwrite(rd_dev(unit), 0, 8192, 1024, 512, &bp)),
	    0);
	CHECK(!(bp->b_flags & B_DONE));
	memset(bp->b_data + 1024, 'o', 512);
	KDO(bmark_written(bp, 1024, 512));
	CHECK(!(bp->b_flags & B_DONE));
	KDO(bdwrite(bp));
	CHECK_EQ(RD_GET(unit, reads), 0);
	/* any other use reads the rest in and keeps the sectors */
	CHECK_EQ(KCALL(getblk(rd_dev(unit), 0, 8192, &bp)), 0);
	CHECK(bp->b_flags & B_DONE);
	CHECK(bp->b_flags & B_DELWRI);
	CHECK_EQ(RD_GET(unit, reads), 1);
	CHECK(memcmp(bp->b_data, t_rd[unit].data, 1024) == 0);
	CHECK_EQ(bp->b_data[1024], 'o');
	CHECK_EQ(bp->b_data[1535], 'o');
	CHECK(memcmp(bp->b_data + 1536, t_rd[unit].data + 1536, 8192 - 1536)
	    == 0);
	KDO(brelse(bp));
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK_EQ(t_rd[unit].data[1024], 'o');
}

TEST(bget_overwrite_whole_block_becomes_done)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(bget_overwrite(rd_dev(unit), 0, 4096, 0, 2048, &bp)),
	    0);
	memset(bp->b_data, '1', 2048);
	KDO(bmark_written(bp, 0, 2048));
	KDO(bdwrite(bp));
	CHECK_EQ(KCALL(bget_overwrite(rd_dev(unit), 0, 4096, 2048, 2048, &bp)),
	    0);
	CHECK(!(bp->b_flags & B_DONE));
	memset(bp->b_data + 2048, '2', 2048);
	KDO(bmark_written(bp, 2048, 2048));
	CHECK(bp->b_flags & B_DONE);
	KDO(bdwrite(bp));
	CHECK_EQ(KCALL(bflush(rd_dev(unit))), 0);
	CHECK_EQ(RD_GET(unit, reads), 0);
	CHECK_EQ(RD_GET(unit, wbytes), 4096);
	CHECK_EQ(t_rd[unit].data[0], '1');
	CHECK_EQ(t_rd[unit].data[4095], '2');
}

TEST(bget_overwrite_bad_range_einval)
{
	int unit = rd_new(64 * KB, 512);
	struct buf *bp;

	CHECK_EQ(KCALL(bget_overwrite(rd_dev(unit), 0, 4096, 4096, 512, &bp)),
	    RUMP_EINVAL);
	CHECK_EQ(KCALL(bget_overwrite(rd_dev(unit), 0, 4096, 8192, 0, &bp)),
	    RUMP_EINVAL);
}
