/*
 * t_server_opts.c: rump_server's command line (rump-server.md §2-§5):
 * usage errors, -c, -r, -d, -m and -l failures, each exiting 1 before
 * anything starts.
 */
#include "t_server_util.h"

static const char *usage_server = "usage: rump_server" SRV_USAGE_TAIL;

/* Ran to the end with exit 1 and the usage line as the last line. */
static void
check_usage(struct srv *s, const char *usage)
{
	size_t le = strlen(s->err), lu = strlen(usage);

	CHECK_EQ(s->status, 1);
	CHECK(le >= lu && strcmp(s->err + le - lu, usage) == 0);
	CHECK_STR(s->out, "");
	srv_cleanup_files(s);
	srv_reap();
}

/* Exit 1 with exactly this message on stderr, no usage line. */
static void
check_message(struct srv *s, const char *msg)
{
	CHECK_EQ(s->status, 1);
	CHECK_STR(s->err, msg);
	srv_cleanup_files(s);
	srv_reap();
}

TEST(usage_without_url)
{
	struct srv s;

	srv_start(&s, "rump_server", (const char *)NULL);
	srv_wait(&s, 10);
	CHECK_STR(s.err, usage_server);
	check_usage(&s, usage_server);
}

TEST(usage_two_urls)
{
	struct srv s;

	srv_run(&s, "rump_server", "-s", "unix:///tmp/rs-a", "unix:///tmp/rs-b");
	CHECK_STR(s.err, usage_server);
	check_usage(&s, usage_server);
	CHECK(!srv_exists("/tmp/rs-a"));
}

TEST(usage_unknown_option)
{
	struct srv s;

	srv_run(&s, "rump_server", "-x", "unix:///tmp/rs-x");
	CHECK(srv_has(s.err, "rump_server: unknown option -x\n"));
	check_usage(&s, usage_server);
}

TEST(usage_missing_argument)
{
	struct srv s;

	srv_run(&s, "rump_server", "-s", "-c");
	CHECK(srv_has(s.err, "rump_server: option -c needs an argument\n"));
	check_usage(&s, usage_server);
}

TEST(usage_names_rump_allserver)
{
	struct srv s;

	srv_start(&s, "rump_allserver", (const char *)NULL);
	srv_wait(&s, 10);
	CHECK_STR(s.err, "usage: rump_allserver" SRV_USAGE_TAIL);
	check_usage(&s, "usage: rump_allserver" SRV_USAGE_TAIL);
}

/* As on NetBSD, options come before the url. */
TEST(usage_options_end_at_url)
{
	struct srv s;

	srv_run(&s, "rump_server", "unix:///tmp/rs-late", "-s");
	check_usage(&s, usage_server);
}

TEST(ncpu_zero_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-s", "-c", "0", "unix:///tmp/rs-c0");
	check_message(&s, "rump_server: -c 0: invalid number of CPUs "
	    "(a positive number, or \"host\")\n");
}

TEST(ncpu_negative_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-c", "-2", "unix:///tmp/rs-cn");
	check_message(&s, "rump_server: -c -2: invalid number of CPUs "
	    "(a positive number, or \"host\")\n");
}

TEST(ncpu_junk_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-c", "2x", "unix:///tmp/rs-cj");
	CHECK(srv_has(s.err, "-c 2x: invalid number of CPUs"));
	check_message(&s, s.err);
}

TEST(ncpu_empty_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-c", "", "unix:///tmp/rs-ce");
	CHECK(srv_has(s.err, "rump_server: -c : invalid number of CPUs"));
	check_message(&s, s.err);
}

/* Without -s the check still comes first: no detaching, exit 1. */
TEST(ncpu_refused_before_detaching)
{
	struct srv s;

	srv_run(&s, "rump_server", "-c", "0", "unix:///tmp/rs-cd");
	CHECK_EQ(srv_find_child(-1), -1);
	check_message(&s, "rump_server: -c 0: invalid number of CPUs "
	    "(a positive number, or \"host\")\n");
}

TEST(memlimit_bad_suffix_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-r", "1x", "unix:///tmp/rs-r1");
	check_message(&s, "rump_server: -r 1x: invalid size (a number of "
	    "bytes with an optional k, m or g suffix)\n");
}

TEST(memlimit_two_suffixes_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-r", "16mk", "unix:///tmp/rs-r2");
	CHECK(srv_has(s.err, "rump_server: -r 16mk: invalid size"));
	check_message(&s, s.err);
}

TEST(memlimit_empty_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-r", "", "unix:///tmp/rs-r3");
	CHECK(srv_has(s.err, "rump_server: -r : invalid size"));
	check_message(&s, s.err);
}

/* The kernel needs more than 128 KiB; exactly 128k is too little. */
TEST(memlimit_too_small_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-r", "128k", "unix:///tmp/rs-r4");
	check_message(&s, "rump_server: -r 128k: too small: the kernel needs "
	    "more than 131072 bytes\n");
}

TEST(memlimit_overflow_refused)
{
	struct srv s;

	srv_run(&s, "rump_server", "-r", "99999999999999999999",
	    "unix:///tmp/rs-r5");
	check_message(&s, "rump_server: -r 99999999999999999999: size too "
	    "large\n");
	srv_run(&s, "rump_server", "-r", "17179869184g", "unix:///tmp/rs-r5");
	check_message(&s, "rump_server: -r 17179869184g: size too large\n");
}

/* -m itself: t_mod_server.c; here a module file that is not there. */
TEST(module_file_missing)
{
	struct srv s;

	srv_run(&s, "rump_server", "-s", "-l", "rumpvfs", "-m",
	    "/tmp/no-such.kmod", "unix:///tmp/rs-m");
	check_message(&s, "rump_server: module etfs register failed: No such "
	    "file or directory (-m /tmp/no-such.kmod)\n");
}

/* Well-formed drivespecs are registered: t_server_drive.c. */

/* A grammar error: the message, then the usage line, exit 1. */
static void
check_drive_usage(const char *spec, const char *why)
{
	struct srv s;
	char want[512];

	srv_run(&s, "rump_server", "-d", spec, "unix:///tmp/rs-d");
	snprintf(want, sizeof(want), "rump_server: -d %s: %s\n%s", spec, why,
	    usage_server);
	if (strcmp(s.err, want) != 0)
		t_fail(__FILE__, __LINE__, "-d %s: got \"%s\", want \"%s\"",
		    spec, s.err, want);
	check_usage(&s, usage_server);
}

TEST(drive_incomplete)
{
	check_drive_usage("key=/dk", "incomplete drivespec");
	check_drive_usage("hostpath=dk.img,size=1m", "incomplete drivespec");
	check_drive_usage("key=/dk,hostpath=dk.img", "incomplete drivespec");
	check_drive_usage("key=/dk,hostpath=dk.img,size=0",
	    "incomplete drivespec");
	check_drive_usage("", "incomplete drivespec");
}

TEST(drive_key_twice)
{
	check_drive_usage("key=/a,key=/b,hostpath=x,size=1", "key already given");
}

TEST(drive_hostpath_twice)
{
	check_drive_usage("key=/a,hostpath=x,hostpath=y,size=1",
	    "hostpath already given");
}

TEST(drive_size_twice)
{
	check_drive_usage("key=/a,hostpath=x,size=1,size=2",
	    "size already given");
	check_drive_usage("key=/a,hostpath=x,size=host,size=2",
	    "size already given");
}

TEST(drive_offset_twice)
{
	check_drive_usage("key=/a,hostpath=x,offset=1,offset=2,size=1",
	    "offset already given");
}

TEST(drive_offset_with_size_host)
{
	check_drive_usage("key=/a,hostpath=x,size=host,offset=512",
	    "cannot specify offset with size=host");
	check_drive_usage("key=/a,hostpath=x,offset=512,size=host",
	    "cannot specify offset with size=host");
}

TEST(drive_disklabel_not_alone)
{
	check_drive_usage("key=/a,hostpath=x,size=1m,disklabel=a",
	    "disklabel needs to be used alone");
	check_drive_usage("key=/a,hostpath=x,offset=1k,disklabel=a",
	    "disklabel needs to be used alone");
}

TEST(drive_bad_partition_letter)
{
	check_drive_usage("key=/a,hostpath=x,disklabel=A", "invalid label part");
	check_drive_usage("key=/a,hostpath=x,disklabel=ab",
	    "invalid label part");
	check_drive_usage("key=/a,hostpath=x,disklabel=1", "invalid label part");
}

TEST(drive_bad_type)
{
	check_drive_usage("key=/a,hostpath=x,size=1,type=fifo",
	    "invalid type fifo");
	check_drive_usage("key=/a,hostpath=x,size=1,type=blk,type=chr",
	    "type already specified");
}

TEST(drive_unknown_token)
{
	check_drive_usage("key=/a,hostpath=x,size=1,speed=9",
	    "invalid dtoken speed");
}

/* NetBSD crashes on these; we say what is missing. */
TEST(drive_token_without_value)
{
	check_drive_usage("key=/a,hostpath=x,size", "size needs a value (size=...)");
	check_drive_usage("key=/a,hostpath=x,size=1,offset=",
	    "offset needs a value (offset=...)");
	check_drive_usage("key,hostpath=x,size=1", "key needs a value (key=...)");
}

/* Numbers are reported as strsuftoll does, without the usage line. */
TEST(drive_bad_numbers)
{
	struct srv s;

	srv_run(&s, "rump_server", "-d", "key=/a,hostpath=x,size=1q",
	    "unix:///tmp/rs-d");
	check_message(&s, "rump_server: -d size `1q': illegal number\n");
	srv_run(&s, "rump_server", "-d", "key=/a,hostpath=x,size=1,offset=k",
	    "unix:///tmp/rs-d");
	check_message(&s, "rump_server: -d offset `k': illegal number\n");
	srv_run(&s, "rump_server", "-d", "key=/a,hostpath=x,size=-1",
	    "unix:///tmp/rs-d");
	check_message(&s, "rump_server: -d size -1 is less than 0.\n");
	srv_run(&s, "rump_server", "-d", "key=/a,hostpath=x,size=2x",
	    "unix:///tmp/rs-d");
	check_message(&s, "rump_server: -d size `2x': illegal number\n");
}

TEST(drive_number_overflow)
{
	struct srv s;
	char want[256];

	snprintf(want, sizeof(want), "rump_server: -d size `%s': %s\n",
	    "16777216tx2", strerror(ERANGE));
	srv_run(&s, "rump_server", "-d", "key=/a,hostpath=x,size=16777216tx2",
	    "unix:///tmp/rs-d");
	check_message(&s, want);
	snprintf(want, sizeof(want), "rump_server: -d size `%s': %s\n",
	    "99999999999999999999", strerror(ERANGE));
	srv_run(&s, "rump_server", "-d",
	    "key=/a,hostpath=x,size=99999999999999999999", "unix:///tmp/rs-d");
	check_message(&s, want);
}

TEST(library_missing)
{
	struct srv s;
	char want[PATH_MAX + 256];

	srv_run(&s, "rump_server", "-s", "-l", "rumpnosuch",
	    "unix:///tmp/rs-l1");
	snprintf(want, sizeof(want), "rump_server: -l rumpnosuch: no such "
	    "library: looked for rumpnosuch, librumpnosuch.so and "
	    "librumpnosuch.so.0 in %s and the library search path\n",
	    srv_libdir());
	check_message(&s, want);
	CHECK(!srv_exists("/tmp/rs-l1"));
}

TEST(library_missing_path)
{
	struct srv s;

	srv_run(&s, "rump_server", "-s", "-l", "/nonexistent/librumpx.so",
	    "unix:///tmp/rs-l2");
	CHECK(srv_has(s.err, "rump_server: -l /nonexistent/librumpx.so: no "
	    "such library ("));
	check_message(&s, s.err);
}

/* A file that is there but is no library: dlopen's own reason. */
TEST(library_not_a_library)
{
	struct srv s;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/rs-%d-notlib.so", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd != -1);
	CHECK_EQ(write(fd, "not an ELF file, just text\n", 27), 27);
	close(fd);
	srv_run(&s, "rump_server", "-s", "-l", path, "unix:///tmp/rs-l3");
	CHECK(srv_has(s.err, "rump_server: -l "));
	CHECK(srv_has(s.err, "invalid ELF header") ||
	    srv_has(s.err, "file too short"));
	CHECK(!srv_has(s.err, "no such library"));
	check_message(&s, s.err);
	unlink(path);
}

/* Every library that fails is named, each on its own line. */
TEST(library_each_failure_reported)
{
	struct srv s;

	srv_run(&s, "rump_server", "-l", "rumpvfs", "-l", "nosuch1", "-l",
	    "nosuch2", "unix:///tmp/rs-l4");
	CHECK(srv_has(s.err, "rump_server: -l nosuch1: no such library"));
	CHECK(srv_has_in_order(s.err, "-l nosuch1:", "\nrump_server: -l "
	    "nosuch2: no such library"));
	CHECK(!srv_has(s.err, "-l rumpvfs"));
	check_message(&s, s.err);
}

/* Without -s, a library failure exits 1 before detaching. */
TEST(library_failure_before_detaching)
{
	struct srv s;

	srv_run(&s, "rump_server", "-l", "nosuch", "unix:///tmp/rs-l5");
	CHECK_EQ(srv_find_child(-1), -1);
	CHECK(!srv_exists("/tmp/rs-l5"));
	check_message(&s, s.err);
}
