/*
 * drivespec.c: the -d grammar.
 *
 * A drivespec is a list of name=value items separated by commas (or
 * blanks; empty items are skipped): key, hostpath, size, offset,
 * disklabel, type.  key and hostpath are required, and unless the type
 * is reg, a size or a disklabel partition.  As in NetBSD, a zero size
 * or offset counts as not given.  Unlike NetBSD, an item without a
 * value is an error, not a crash.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "server/server.h"

enum dtoken { DT_KEY, DT_HOSTPATH, DT_SIZE, DT_OFFSET, DT_LABEL, DT_TYPE,
	DT_NTOKENS };
static const char *const dtokens[DT_NTOKENS] = {
	[DT_KEY] = "key", [DT_HOSTPATH] = "hostpath", [DT_SIZE] = "size",
	[DT_OFFSET] = "offset", [DT_LABEL] = "disklabel", [DT_TYPE] = "type",
};
static const struct {
	const char *name;
	enum srv_dtype type;
} dtypes[] = {
	{ "blk", SRV_DT_BLK }, { "chr", SRV_DT_CHR }, { "reg", SRV_DT_REG },
};

/* Cut the next item off *sp (separators: comma, blank, tab). */
static char *
next_item(char **sp)
{
	char *s = *sp, *item;

	while (*s == ',' || *s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*sp = s;
		return NULL;
	}
	item = s;
	while (*s != '\0' && *s != ',' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*sp = s;
	return item;
}

static int
lookup_token(const char *name)
{
	for (int i = 0; i < DT_NTOKENS; i++)
		if (strcmp(dtokens[i], name) == 0)
			return i;
	return -1;
}

#define FAIL(...) do {							\
	snprintf(msg, msglen, __VA_ARGS__);				\
	return -1;							\
} while (0)

/* One name=value item into d; *typegiven tracks type=. */
static int
parse_item(int tok, const char *value, struct srv_drive *d,
    bool *typegiven, bool *usage, char *msg, size_t msglen)
{
	size_t i;

	switch (tok) {
	case DT_KEY:
		if (d->key != NULL)
			FAIL("key already given");
		d->key = value;
		return 0;
	case DT_HOSTPATH:
		if (d->hostpath != NULL)
			FAIL("hostpath already given");
		d->hostpath = value;
		return 0;
	case DT_SIZE:
		if (d->size != 0 || d->size_host)
			FAIL("size already given");
		if (strcmp(value, "host") == 0) {
			if (d->offset != 0)
				FAIL("cannot specify offset with size=host");
			d->size_host = true;
			return 0;
		}
		*usage = false;
		return srv_parse_suffixed("-d size", value, 0, LLONG_MAX,
		    &d->size, msg, msglen);
	case DT_OFFSET:
		if (d->offset != 0)
			FAIL("offset already given");
		if (d->size_host)
			FAIL("cannot specify offset with size=host");
		*usage = false;
		return srv_parse_suffixed("-d offset", value, 0, LLONG_MAX,
		    &d->offset, msg, msglen);
	case DT_LABEL:
		if (d->offset != 0 || d->size != 0 || d->size_host)
			FAIL("disklabel needs to be used alone");
		if (strlen(value) != 1 || *value < 'a' || *value > 'z')
			FAIL("invalid label part");
		d->label = *value;
		return 0;
	case DT_TYPE:
		if (*typegiven)
			FAIL("type already specified");
		for (i = 0; i < sizeof(dtypes) / sizeof(dtypes[0]); i++)
			if (strcmp(dtypes[i].name, value) == 0)
				break;
		if (i == sizeof(dtypes) / sizeof(dtypes[0]))
			FAIL("invalid type %s", value);
		d->type = dtypes[i].type;
		*typegiven = true;
		return 0;
	}
	FAIL("invalid dtoken");
}

int
srv_parse_drive(char *spec, struct srv_drive *d, bool *usage, char *msg,
    size_t msglen)
{
	bool typegiven = false;
	char *item, *value;
	int tok;

	memset(d, 0, sizeof(*d));
	d->type = SRV_DT_BLK;
	while ((item = next_item(&spec)) != NULL) {
		*usage = true;
		if ((value = strchr(item, '=')) != NULL)
			*value++ = '\0';
		if ((tok = lookup_token(item)) == -1)
			FAIL("invalid dtoken %s", item);
		if (value == NULL || *value == '\0')
			FAIL("%s needs a value (%s=...)", item, item);
		if (parse_item(tok, value, d, &typegiven, usage, msg,
		    msglen) != 0)
			return -1;
	}
	*usage = true;
	if (d->key == NULL || d->hostpath == NULL || (d->size == 0 &&
	    !d->size_host && d->label == 0 && d->type != SRV_DT_REG))
		FAIL("incomplete drivespec");
	return 0;
}
