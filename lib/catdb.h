/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Web categories: which category (UT1's "adult", "games", ...) a host name,
 * or a host and URL path, belongs to. utm-inspect asks it for every HTTP
 * Host, TLS SNI and DNS query name; lib/ut1.h fills it from a UT1 tree.
 *
 * Names are not stored: each domain is a 64-bit hash (the DNS guard's hash
 * of bpf/dnshash.h over the text, backwards, with a per-database random
 * seed) in an open-addressing table of 12-byte slots, so 1M domains take
 * 24 MB. A lookup hashes the host once, backwards, and probes the table at
 * each label boundary: one probe per label, longest suffix first.
 *
 * Host names are matched case-insensitively (ASCII), with one trailing dot
 * ignored. A host that is an IP address matches only an entry of the same
 * address (no "suffix" of an address is looked up). URL paths are folded to
 * lower case too, as squidGuard (UT1's consumer) compares them.
 *
 * A name listed in several categories keeps up to CATDB_CATS_PER_NAME of
 * them, in the order they were added (more are counted in `dropped`): a
 * lookup reports the first as the category and all of them in the match.
 */
#ifndef UTM_CATDB_H
#define UTM_CATDB_H

#include <stddef.h>
#include <stdint.h>

/* Category ids are 0..CATDB_MAX_CATS-1; 255 marks "none" inside a slot. */
#define CATDB_MAX_CATS	    255
#define CATDB_CATS_PER_NAME 4
/* Longest UT1 short name / English name / description kept (with the NUL). */
#define CATDB_NAME_MAX 48
#define CATDB_TEXT_MAX 160
/* Most segments ('/', '?' or '#' separated) of a URL entry's path. */
#define CATDB_URL_MAX_SEGMENTS 32

struct catdb;

struct catdb_category {
	char name[CATDB_NAME_MAX];    /* UT1 short name: "adult" */
	char name_en[CATDB_TEXT_MAX]; /* "Adult (X)"; the short name when unknown */
	char name_ja[CATDB_TEXT_MAX]; /* built-in table; name_en when it has none */
	char desc_en[CATDB_TEXT_MAX];
	char desc_fr[CATDB_TEXT_MAX];
	char default_type[16];	     /* DEFAULT_TYPE: "black", "white" or "" */
	unsigned long domains, urls; /* entries added (a duplicate counts once) */
};

/* What a lookup matched. */
struct catdb_match {
	int cat;   /* the first category, or -1 */
	int ncats; /* how many categories the entry carries */
	uint8_t cats[CATDB_CATS_PER_NAME];
	size_t host_off; /* the matching entry is host + host_off ... */
	size_t path_len; /* ... plus, for a URL entry, path[0..path_len) as given */
	int is_url;	 /* 1: a URL entry matched; 0: a domain entry */
};

struct catdb_stats {
	unsigned long domains; /* distinct domain entries */
	unsigned long urls;    /* distinct URL entries */
	unsigned long dropped; /* a name's categories beyond CATDB_CATS_PER_NAME */
	unsigned int categories;
};

struct catdb *catdb_new(void);
void catdb_free(struct catdb *db);

/*
 * Add a category, or find the one of that short name. The texts may be NULL
 * (or "") when unknown: a later call with texts fills in the missing ones,
 * so a tree's categories can be added before or after global_usage is read.
 * Returns the id, or -1 (no room: CATDB_MAX_CATS, or out of memory).
 */
int catdb_add_category(struct catdb *db, const char *name, const char *name_en, const char *desc_en,
		       const char *desc_fr, const char *default_type);

/* The category with that short name, or -1. */
int catdb_find_category(const struct catdb *db, const char *name);

/* The category of id, or NULL. */
const struct catdb_category *catdb_category(const struct catdb *db, int id);

unsigned int catdb_ncategories(const struct catdb *db);

/* A Japanese display name from the built-in table, or NULL. */
const char *catdb_ja_name(const char *name);

/*
 * Add a domain (and its subdomains) to category cat. The name is taken as
 * given apart from case and one trailing dot (lib/ut1.c validates list
 * lines). 0, or -1 when cat is unknown, the name empty, or out of memory.
 */
int catdb_add_domain(struct catdb *db, const char *name, size_t len, uint8_t cat);

/*
 * Add a URL entry "host/path" (host only: the whole host; a leading or
 * trailing '/' of the path is ignored). Matches requests to host or a
 * subdomain whose path starts with path on a segment boundary. 0, or -1
 * (unknown cat, empty host, over CATDB_URL_MAX_SEGMENTS, out of memory).
 */
int catdb_add_url(struct catdb *db, const char *url, size_t len, uint8_t cat);

/*
 * The category of host (len bytes, not NUL-terminated): the longest
 * listed suffix on a label boundary, or -1. m (may be NULL) says which.
 */
int catdb_lookup_host(const struct catdb *db, const char *host, size_t len);
int catdb_match_host(const struct catdb *db, const char *host, size_t len, struct catdb_match *m);

/*
 * The category of a request: the longest URL entry whose host is host or
 * a parent of it and whose path is a prefix of path ending on a boundary
 * ('/', '?', '#' or the end; path may start with '/'; host has no ":port",
 * which the caller strips); when none matches,
 * catdb_lookup_host(). Longest means the most specific host first, then the
 * longest path.
 */
int catdb_lookup_url(const struct catdb *db, const char *host, size_t hostlen, const char *path,
		     size_t pathlen);
int catdb_match_url(const struct catdb *db, const char *host, size_t hostlen, const char *path,
		    size_t pathlen, struct catdb_match *m);

/* Bytes the database holds (tables and category records). */
size_t catdb_memory(const struct catdb *db);

void catdb_get_stats(const struct catdb *db, struct catdb_stats *st);

#endif /* UTM_CATDB_H */
