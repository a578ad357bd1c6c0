/*
 * rump.run: run a command with librumphijack preloaded, so that its
 * file system calls under /rump (or RUMPHIJACK's path=) go to the rump
 * kernel named by RUMP_SERVER (rump.run(1)).  The library is found
 * relative to this program, ../lib/librumphijack.so, which holds in
 * the build tree and after make install alike.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: rump.run command [argument ...]\n");
	exit(1);
}

/* <dir of this program>/../lib/librumphijack.so */
static int
find_lib(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	if (snprintf(out, len, "%s/../lib/librumphijack.so", dirname(exe)) >=
	    (int)len)
		return -1;
	return access(out, R_OK);
}

/*
 * A relative unix:// socket is made absolute: each program connects
 * when it first needs the server, maybe after a chdir (a shell's cd).
 */
static int
absolute_server(void)
{
	const char *url = getenv("RUMP_SERVER");
	char cwd[PATH_MAX], *abs;
	size_t len;

	if (strncmp(url, "unix://", 7) != 0 || url[7] == '/' || url[7] == '\0')
		return 0;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	len = strlen(cwd) + strlen(url) + 2;
	if ((abs = malloc(len)) == NULL)
		return -1;
	snprintf(abs, len, "unix://%s/%s", cwd, url + 7);
	if (setenv("RUMP_SERVER", abs, 1) == -1) {
		free(abs);
		return -1;
	}
	free(abs);
	return 0;
}

int
main(int argc, char *argv[])
{
	char lib[PATH_MAX], *pre;
	const char *old;
	size_t len;
	int e;

	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv++;
		argc--;
	}
	if (argc < 2 || argv[1][0] == '-')
		usage();
	if (getenv("RUMP_SERVER") == NULL) {
		fprintf(stderr, "rump.run: RUMP_SERVER is not set\n");
		return 1;
	}
	if (absolute_server() == -1) {
		fprintf(stderr, "rump.run: RUMP_SERVER: %s\n", strerror(errno));
		return 1;
	}
	if (find_lib(lib, sizeof(lib)) == -1) {
		fprintf(stderr, "rump.run: cannot find librumphijack.so "
		    "beside %s\n", "../lib");
		return 1;
	}
	old = getenv("LD_PRELOAD");
	len = strlen(lib) + (old ? strlen(old) + 1 : 0) + 1;
	if ((pre = malloc(len)) == NULL) {
		fprintf(stderr, "rump.run: %s\n", strerror(errno));
		return 1;
	}
	snprintf(pre, len, "%s%s%s", lib, old ? ":" : "", old ? old : "");
	if (setenv("LD_PRELOAD", pre, 1) == -1) {
		fprintf(stderr, "rump.run: %s\n", strerror(errno));
		free(pre);
		return 1;
	}
	execvp(argv[1], argv + 1);
	e = errno;
	free(pre);
	fprintf(stderr, "rump.run: %s: %s\n", argv[1], strerror(e));
	return e == ENOENT ? 127 : 126;
}
