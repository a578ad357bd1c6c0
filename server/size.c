/*
 * size.c: numbers with size suffixes.
 *
 * -d size= and offset= take dd(1)-style numbers as NetBSD's strsuftoll
 * reads them (NetBSD's own Linux build ignores the suffixes, turning
 * size=1g into one byte; we do not).  -r takes the kernel's
 * RUMP_MEMLIMIT grammar, checked here so that a mistake is reported as
 * an option error instead of a failed boot.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

#define SUF_MAXDEPTH	16	/* products nest at most this deep */

/* The multiplier of suffix c, or 0 if c is not one. */
static long long
suffix_mult(char c)
{
	switch (tolower((unsigned char)c)) {
	case 'b': return 512;
	case 'k': return 1LL << 10;
	case 'm': return 1LL << 20;
	case 'g': return 1LL << 30;
	case 't': return 1LL << 40;
	case 'w': return (long long)sizeof(int);
	default:  return 0;
	}
}

/* One product term: number, suffix, then end or x/\* and more terms.
 * 0, EINVAL (not a number) or ERANGE; *depth counts the terms. */
static int
suf_expr(const char *s, long long *out, int depth)
{
	long long v, mult, rest;
	char *end;

	if (depth > SUF_MAXDEPTH)
		return EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return ERANGE;
	if (end == s || !isdigit((unsigned char)end[-1]))
		return EINVAL;
	if ((mult = suffix_mult(*end)) != 0) {
		if (__builtin_mul_overflow(v, mult, &v))
			return ERANGE;
		end++;
	}
	if (*end == '\0') {
		*out = v;
		return 0;
	}
	if (*end != 'x' && *end != 'X' && *end != '*')
		return EINVAL;
	int error = suf_expr(end + 1, &rest, depth + 1);
	if (error != 0)
		return error;
	if (__builtin_mul_overflow(v, rest, &v))
		return ERANGE;
	*out = v;
	return 0;
}

int
srv_parse_suffixed(const char *desc, const char *s, long long min,
    long long max, long long *out, char *msg, size_t msglen)
{
	const char *p = s;
	long long v;
	int error;

	while (isspace((unsigned char)*p))
		p++;
	if ((error = suf_expr(p, &v, 1)) == ERANGE) {
		snprintf(msg, msglen, "%s `%s': %s", desc, s, strerror(ERANGE));
		return -1;
	}
	if (error != 0) {
		snprintf(msg, msglen, "%s `%s': illegal number", desc, s);
		return -1;
	}
	if (v < min) {
		snprintf(msg, msglen, "%s %lld is less than %lld.", desc, v,
		    min);
		return -1;
	}
	if (v > max) {
		snprintf(msg, msglen, "%s %lld is greater than %lld.", desc, v,
		    max);
		return -1;
	}
	*out = v;
	return 0;
}

int
srv_parse_memlimit(const char *s, uint64_t *out, char *msg, size_t msglen)
{
	const char *p = s;
	uint64_t v = 0, mult = 1;

	if (*p < '0' || *p > '9')
		goto invalid;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			goto toolarge;
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': mult = 1ULL << 10; p++; break;
	case 'm': case 'M': mult = 1ULL << 20; p++; break;
	case 'g': case 'G': mult = 1ULL << 30; p++; break;
	default: goto invalid;
	}
	if (*p != '\0')
		goto invalid;
	if (__builtin_mul_overflow(v, mult, &v))
		goto toolarge;
	if (v <= SRV_MEMLIMIT_MIN) {
		snprintf(msg, msglen, "-r %s: too small: the kernel needs more "
		    "than %d bytes", s, SRV_MEMLIMIT_MIN);
		return -1;
	}
	*out = v;
	return 0;

invalid:
	snprintf(msg, msglen, "-r %s: invalid size (a number of bytes with "
	    "an optional k, m or g suffix)", s);
	return -1;
toolarge:
	snprintf(msg, msglen, "-r %s: size too large", s);
	return -1;
}
