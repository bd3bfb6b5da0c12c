/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The event store: every EVE line of the event log as a row of an "events"
 * table, for the portal, utm-ctl events and the reports.
 *
 * The interface is the backend's whole contract: lib/evstore_sqlite.c is
 * the one backend today; a PostgreSQL backend would implement the same
 * functions over the same schema (lib/evstore_sql.c: standard SQL, shared).
 * evstore_parse_line is pure and backend-free (lib/evstore_parse.c).
 */
#ifndef UTM_EVSTORE_H
#define UTM_EVSTORE_H

#include <stddef.h>
#include <stdint.h>

/* Column sizes; longer values are stored as NULL (addresses) or cut (summary). */
#define EVSTORE_TS_LEN	    32 /* "2026-11-29T11:03:16.123456Z" */
#define EVSTORE_TYPE_LEN    32
#define EVSTORE_FUNC_LEN    32
#define EVSTORE_ADDR_LEN    64 /* an IPv6 address with a zone, as text */
#define EVSTORE_MAC_LEN	    24
#define EVSTORE_SUMMARY_LEN 256 /* bytes, cut at a whole UTF-8 character */

/* One event: the columns of a row. Text "" is stored as NULL. */
struct evstore_row {
	int64_t id;			   /* set by queries; 0 before insertion */
	char ts[EVSTORE_TS_LEN];	   /* UTC, ISO 8601, microseconds, "Z" */
	int64_t ts_us;			   /* the same as microseconds since the epoch */
	char event_type[EVSTORE_TYPE_LEN]; /* never empty */
	char function[EVSTORE_FUNC_LEN];   /* utm.function */
	int severity;			   /* utm.severity 1..3; 0: none */
	char src_ip[EVSTORE_ADDR_LEN];
	char dest_ip[EVSTORE_ADDR_LEN];
	char device_mac[EVSTORE_MAC_LEN]; /* utm.device.mac */
	char device_ip[EVSTORE_ADDR_LEN]; /* utm.device.ip */
	int64_t flow_id;		  /* 0: none */
	int has_flow_id;
	char summary[EVSTORE_SUMMARY_LEN]; /* short human text, see evstore_parse.c */
	const char *raw;		   /* the whole line (not owned; no newline) */
	size_t raw_len;
	char why[160]; /* evstore_parse_line's reason when it refuses the line */
};

/*
 * The columns of one EVE line (len bytes; a trailing "\n" or "\r\n" is
 * ignored). row->raw points into line. Returns 0, or -1 with the reason in
 * row->why: not JSON, not an object, no event_type, no or a bad timestamp.
 */
int evstore_parse_line(const char *line, size_t len, struct evstore_row *row);

/*
 * "2026-11-29T20:03:16.123456+0900" (Suricata's format; also "Z",
 * "+09:00", no fraction) as microseconds since the epoch. 0, or -1.
 */
int evstore_parse_time(const char *s, int64_t *us);

/* Microseconds since the epoch as "2026-11-29T11:03:16.123456Z". */
void evstore_format_time(int64_t us, char *buf, size_t len);

struct evstore;

#define EVSTORE_RDONLY 1 /* open an existing store to read (utm-ctl) */

/*
 * Open (and create, with its schema, unless EVSTORE_RDONLY) the store at
 * path. NULL with the reason in err.
 */
struct evstore *evstore_open(const char *path, int flags, char *err, size_t errlen);
void evstore_close(struct evstore *s);

/* The last error of s, for messages. */
const char *evstore_errmsg(struct evstore *s);

/*
 * Where a follower of a log file is: the file's inode and the byte offset
 * just after the last whole line stored. Kept in the store's "cursor"
 * table, one row per name (the log's path).
 */
struct evstore_cursor {
	char name[4096];
	uint64_t inode;
	uint64_t offset;
};

/* 1 with *c filled when there is a cursor named c->name, 0 when none, -1 on error. */
int evstore_cursor_get(struct evstore *s, struct evstore_cursor *c);

/*
 * Insert n rows and (unless cur is NULL) set the cursor, all in one
 * transaction: all or nothing. 0, or -1 (nothing changed: see errmsg).
 */
int evstore_insert(struct evstore *s, const struct evstore_row *rows, size_t n,
		   const struct evstore_cursor *cur);

/* Which events a query returns; zero means no condition. */
struct evstore_filter {
	int64_t from_us, to_us; /* from_us <= ts_us < to_us */
	const char *device;	/* a MAC (device_mac) or an address (device_ip) */
	const char *function;
	int min_severity;
	const char *text; /* a substring of the summary (LIKE, case-insensitive in ASCII) */
	long limit;	  /* 0: all */
	long offset;
};

/* Called per event, newest first; a non-zero return stops the query. */
typedef int (*evstore_cb)(const struct evstore_row *row, void *ctx);

/* 0 (also when cb stopped it), or -1. */
int evstore_query(struct evstore *s, const struct evstore_filter *f, evstore_cb cb, void *ctx);

/* The number of events f matches (its limit and offset ignored), or -1. */
long long evstore_count(struct evstore *s, const struct evstore_filter *f);

/* Bytes the store's data takes (free space inside it not counted), or -1. */
long long evstore_size(struct evstore *s);

/*
 * Retention: delete the events older than max_age_seconds (0: no limit),
 * then the oldest ones until the data takes at most max_bytes (0: no
 * limit), and give the space back. The number of events deleted, or -1.
 */
long long evstore_prune(struct evstore *s, long long max_age_seconds, long long max_bytes);

/* The same, with "now" given (tests). */
long long evstore_prune_at(struct evstore *s, int64_t now_us, long long max_age_seconds,
			   long long max_bytes);

#endif /* UTM_EVSTORE_H */
