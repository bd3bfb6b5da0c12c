/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * UT1 web category lists (Université Toulouse Capitole, CC BY-SA), the
 * squidGuard layout: a directory per category holding `domains` (one name a
 * line), `urls` ("host/path" a line) and `usage`, and at the top a catalogue
 * `global_usage` of blocks "NAME:\tadult", "DEFAULT_TYPE: black",
 * "DESC EN: ...", "NAME EN: ..." separated by blank lines.
 *
 * The parsers are pure functions over buffers (ut1.c); ut1_load.c is the
 * I/O edge that walks a tree into a struct catdb.
 */
#ifndef UTM_UT1_H
#define UTM_UT1_H

#include <stddef.h>

#include "lib/catdb.h"

/* Room for a reason given for a bad line. */
#define UT1_WHY_MAX 112
/* Longest URL line kept (host + path); a longer one is a bad line. */
#define UT1_URL_MAX 2048

/* ---- global_usage ------------------------------------------------------ */

struct ut1_catinfo {
	char name[CATDB_NAME_MAX];    /* NAME: the directory name */
	char name_en[CATDB_TEXT_MAX]; /* NAME EN, or "" */
	char desc_en[CATDB_TEXT_MAX]; /* DESC EN, or "" */
	char desc_fr[CATDB_TEXT_MAX]; /* DESC FR, or "" */
	char default_type[16];	      /* DEFAULT_TYPE, or "" */
	unsigned int line;	      /* of the NAME: line */
};

/* A block; non-zero stops the parse and is returned. */
typedef int (*ut1_catinfo_fn)(const struct ut1_catinfo *c, void *ctx);
/* A line that was skipped, and why. */
typedef void (*ut1_bad_fn)(unsigned int line, const char *why, void *ctx);

/*
 * Parse a global_usage catalogue: fn for each block with a valid NAME, in
 * file order. Keys are matched case-insensitively, the separator after the
 * colon may be a tab or spaces (both occur), '#' lines are comments, a
 * block ends at a blank line or the next NAME:, values too long for their
 * field are cut on a UTF-8 boundary. A line that is no "KEY: value", a field
 * before any NAME: and a NAME that is no directory name are reported to bad
 * (may be NULL) and skipped. Returns 0, or fn's non-zero value.
 */
int ut1_parse_global_usage(const char *buf, size_t len, ut1_catinfo_fn fn, ut1_bad_fn bad,
			   void *ctx);

/* ---- domains and urls -------------------------------------------------- */

enum ut1_kind {
	UT1_DOMAINS, /* "example.com" */
	UT1_URLS,    /* "example.com/path/page" */
};

struct ut1_entry {
	const char *host; /* canonical name (lower case, punycode) or IP address */
	size_t hostlen;
	const char *path; /* UT1_URLS: the path without leading/trailing '/'; may be "" */
	size_t pathlen;
	const char *text; /* host, or host "/" path: what catdb_add_url takes */
	size_t len;
};

typedef int (*ut1_entry_fn)(const struct ut1_entry *e, unsigned int line, void *ctx);

struct ut1_list_stats {
	unsigned long entries;
	unsigned long bad;
	unsigned int first_bad_line; /* 0: none */
	char first_bad_why[UT1_WHY_MAX];
};

/*
 * Parse a domains or urls list (len bytes, no NUL needed): each entry to fn
 * (non-zero stops the parse and is returned), each bad line to bad (may be
 * NULL) with its 1-based line number; stats (may be NULL) counts both.
 * Lines may end in CRLF and carry blanks around the entry; blank lines and
 * '#' comments (whole-line, or after a blank) are skipped. A domain is
 * canonicalised as lib/dnsname.h does (case, trailing dot, IDN); an IP
 * address is kept as an entry. Refused: single labels (a whole top-level
 * domain), bad names and addresses, a second field, in a domains file a
 * '/', in a urls file a control byte or a line over UT1_URL_MAX. A URL
 * may start with http:// or https://, which is dropped.
 */
int ut1_parse_list(const char *buf, size_t len, enum ut1_kind kind, ut1_entry_fn fn, ut1_bad_fn bad,
		   void *ctx, struct ut1_list_stats *stats);

/* ---- Loading a tree (ut1_load.c) --------------------------------------- */

struct ut1_cat_report {
	char name[CATDB_NAME_MAX];
	int id;		       /* catdb id; -1: the category was skipped */
	unsigned long domains; /* entries parsed (a name listed twice counts twice) */
	unsigned long urls;
	unsigned long bad;   /* lines skipped */
	char first_bad[256]; /* "FILE:LINE: why" of the first, or "" */
	char skipped[256];   /* why the category was skipped, or "" */
};

struct ut1_report {
	char root[4096];	     /* the directory the categories were read from */
	int global_usage;	     /* 1: global_usage was read */
	unsigned long global_bad;    /* its skipped lines */
	struct ut1_cat_report *cats; /* one per subdirectory, in name order */
	unsigned int ncats;
	unsigned int skipped;		  /* categories skipped */
	unsigned long domains, urls, bad; /* totals */
};

/*
 * Load the UT1 tree at dir into db: each subdirectory holding a file named
 * `domains` (or ending in "domains.list") or `urls` is a category; texts
 * come from global_usage when there is one. When dir holds `blacklists/`
 * (the UT1 tarball's top directory, as the feeds subsystem unpacks it into
 * STATE_DIR/feeds/NAME.d/), that is the root. A category whose files cannot
 * be read is skipped whole, with the reason in its report; bad lines are
 * skipped and counted. Returns 0; -1 with err when dir cannot be read or
 * memory runs out. rep (required) is filled; free it with ut1_report_free.
 */
int ut1_load_dir(struct catdb *db, const char *dir, struct ut1_report *rep, char *err,
		 size_t errlen);

void ut1_report_free(struct ut1_report *rep);

#endif /* UTM_UT1_H */
