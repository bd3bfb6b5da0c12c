// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The event store's SQLite backend (lib/evstore.h). Everything SQLite-only
 * is here: the rowid primary key, the pragmas (WAL, synchronous=NORMAL,
 * incremental auto-vacuum, busy timeout) and the page-count size.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "evstore.h"
#include "evstore_sql.h"

/* A writer (utm-eventd) and readers (utm-ctl, the portal) wait this long for each other. */
#define BUSY_TIMEOUT_MS 5000
/* Rows deleted per step when the store is over its size. */
#define PRUNE_STEP_MIN 256

struct evstore {
	sqlite3 *db;
	sqlite3_stmt *insert, *cursor_set;
	char err[256];
};

static int fail(struct evstore *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

const char *evstore_errmsg(struct evstore *s)
{
	return s->err;
}

static int exec(struct evstore *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(s->err, sizeof(s->err), "%s: %s", sql, msg ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
	return -1;
}

static int create_schema(struct evstore *s)
{
	char sql[1024];
	size_t i;

	if (exec(s, "BEGIN IMMEDIATE"))
		return -1;
	for (i = 0; evstore_sql_schema[i]; i++) {
		snprintf(sql, sizeof(sql), evstore_sql_schema[i], "INTEGER PRIMARY KEY");
		if (exec(s, sql)) {
			exec(s, "ROLLBACK");
			return -1;
		}
	}
	return exec(s, "COMMIT");
}

struct evstore *evstore_open(const char *path, int flags, char *err, size_t errlen)
{
	int ro = flags & EVSTORE_RDONLY;
	struct evstore *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (sqlite3_open_v2(path, &s->db,
			    ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "cannot open the database");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/*
	 * WAL: readers never block the writer. synchronous=NORMAL: a commit
	 * may be lost to a power cut, never corrupt the store, and the cursor
	 * is in the same transaction, so utm-eventd then reads those lines again.
	 * auto_vacuum first: only a new, empty file takes it (prune gives space back).
	 */
	if (!ro &&
	    (exec(s, "PRAGMA auto_vacuum = INCREMENTAL") || exec(s, "PRAGMA journal_mode = WAL") ||
	     exec(s, "PRAGMA synchronous = NORMAL") || create_schema(s)))
		goto fail_msg;
	if (sqlite3_prepare_v2(s->db, evstore_sql_insert, -1, &s->insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, evstore_sql_cursor_set, -1, &s->cursor_set, NULL) !=
		    SQLITE_OK) {
		/* Read-only on a file that is not a store (or no store yet) ends here. */
		fail(s, "preparing");
		goto fail_msg;
	}
	return s;
fail_msg:
	snprintf(err, errlen, "%s: %s", path, s->err[0] ? s->err : sqlite3_errmsg(s->db));
fail:
	evstore_close(s);
	return NULL;
}

void evstore_close(struct evstore *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->insert);
	sqlite3_finalize(s->cursor_set);
	sqlite3_close(s->db);
	free(s);
}

static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (!v || !v[0])
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int insert_row(struct evstore *s, const struct evstore_row *r)
{
	sqlite3_stmt *st = s->insert;

	bind_text(st, 1, r->ts);
	sqlite3_bind_int64(st, 2, r->ts_us);
	bind_text(st, 3, r->event_type);
	bind_text(st, 4, r->function);
	if (r->severity)
		sqlite3_bind_int(st, 5, r->severity);
	bind_text(st, 6, r->src_ip);
	bind_text(st, 7, r->dest_ip);
	bind_text(st, 8, r->device_mac);
	bind_text(st, 9, r->device_ip);
	if (r->has_flow_id)
		sqlite3_bind_int64(st, 10, r->flow_id);
	bind_text(st, 11, r->summary);
	sqlite3_bind_text(st, 12, r->raw ? r->raw : "", (int)r->raw_len, SQLITE_STATIC);
	return step_done(st) ? fail(s, "inserting an event") : 0;
}

static int64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int evstore_insert(struct evstore *s, const struct evstore_row *rows, size_t n,
		   const struct evstore_cursor *cur)
{
	sqlite3_stmt *st = s->cursor_set;
	size_t i;

	if (exec(s, "BEGIN IMMEDIATE"))
		return -1;
	for (i = 0; i < n; i++)
		if (insert_row(s, &rows[i]))
			goto rollback;
	if (cur) {
		bind_text(st, 1, cur->name);
		sqlite3_bind_int64(st, 2, (int64_t)cur->inode);
		sqlite3_bind_int64(st, 3, (int64_t)cur->offset);
		sqlite3_bind_int64(st, 4, now_us());
		if (step_done(st)) {
			fail(s, "setting the cursor");
			goto rollback;
		}
	}
	if (exec(s, "COMMIT") == 0)
		return 0;
rollback:
	/* Keep the first error's message; a failed COMMIT may have rolled back already. */
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int evstore_cursor_get(struct evstore *s, struct evstore_cursor *c)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, evstore_sql_cursor_get, -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading the cursor");
	bind_text(st, 1, c->name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->inode = (uint64_t)sqlite3_column_int64(st, 0);
		c->offset = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : fail(s, "reading the cursor");
}

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", v ? (const char *)v : "");
}

static void read_row(sqlite3_stmt *st, struct evstore_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, r->ts, sizeof(r->ts));
	r->ts_us = sqlite3_column_int64(st, 2);
	col_text(st, 3, r->event_type, sizeof(r->event_type));
	col_text(st, 4, r->function, sizeof(r->function));
	r->severity = sqlite3_column_int(st, 5);
	col_text(st, 6, r->src_ip, sizeof(r->src_ip));
	col_text(st, 7, r->dest_ip, sizeof(r->dest_ip));
	col_text(st, 8, r->device_mac, sizeof(r->device_mac));
	col_text(st, 9, r->device_ip, sizeof(r->device_ip));
	r->has_flow_id = sqlite3_column_type(st, 10) != SQLITE_NULL;
	r->flow_id = sqlite3_column_int64(st, 10);
	col_text(st, 11, r->summary, sizeof(r->summary));
	r->raw = (const char *)sqlite3_column_text(st, 12);
	r->raw_len = (size_t)sqlite3_column_bytes(st, 12);
}

/* Prepare head + the filter's clause, with its values bound. */
static sqlite3_stmt *prepare_filtered(struct evstore *s, const char *head,
				      const struct evstore_filter *f, int with_order)
{
	struct evstore_where w;
	sqlite3_stmt *st;
	char sql[1024];
	int i;

	if (evstore_sql_where(f, with_order, &w)) {
		snprintf(s->err, sizeof(s->err), "the search text is too long");
		return NULL;
	}
	snprintf(sql, sizeof(sql), "%s%s", head, w.sql);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(s, "preparing a query");
		return NULL;
	}
	/* TRANSIENT: SQLite copies the texts, w (the LIKE pattern) is ours. */
	for (i = 0; i < w.nargs; i++) {
		const struct evstore_arg *a = &w.args[i];

		if (a->is_text)
			sqlite3_bind_text(st, i + 1, a->s, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(st, i + 1, a->i);
	}
	return st;
}

int evstore_query(struct evstore *s, const struct evstore_filter *f, evstore_cb cb, void *ctx)
{
	sqlite3_stmt *st = prepare_filtered(s, evstore_sql_select, f, 1);
	struct evstore_row r;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &r);
		if (cb(&r, ctx))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		fail(s, "querying events");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

long long evstore_count(struct evstore *s, const struct evstore_filter *f)
{
	sqlite3_stmt *st = prepare_filtered(s, "SELECT COUNT(*) FROM events", f, 0);
	long long n = -1;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		fail(s, "counting events");
	sqlite3_finalize(st);
	return n;
}

static long long pragma_int(struct evstore *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(s, sql);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fail(s, sql);
	sqlite3_finalize(st);
	return v;
}

long long evstore_size(struct evstore *s)
{
	long long pages = pragma_int(s, "PRAGMA page_count");
	long long free_pages = pragma_int(s, "PRAGMA freelist_count");
	long long size = pragma_int(s, "PRAGMA page_size");

	if (pages < 0 || free_pages < 0 || size < 0)
		return -1;
	return (pages - free_pages) * size;
}

static long long delete_int(struct evstore *s, const char *sql, int64_t v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(s, "pruning");
	sqlite3_bind_int64(st, 1, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, "pruning");
	return sqlite3_changes(s->db);
}

long long evstore_prune_at(struct evstore *s, int64_t now, long long max_age_seconds,
			   long long max_bytes)
{
	long long total = 0, n, size, rows;

	if (max_age_seconds > 0) {
		n = delete_int(s, evstore_sql_delete_before, now - max_age_seconds * 1000000);
		if (n < 0)
			return -1;
		total += n;
	}
	while (max_bytes > 0) {
		size = evstore_size(s);
		rows = evstore_count(s, NULL);
		if (size < 0 || rows < 0)
			return -1;
		if (size <= max_bytes || rows == 0)
			break;
		/* The share of the rows that is over, a little more: few rounds. */
		n = (long long)((double)rows * (size - max_bytes) / size * 1.1) + 1;
		if (n < PRUNE_STEP_MIN)
			n = PRUNE_STEP_MIN;
		n = delete_int(s, evstore_sql_delete_oldest, n);
		if (n < 0)
			return -1;
		total += n;
	}
	/* Give the freed pages back to the file system, and empty the WAL. */
	if (total &&
	    (exec(s, "PRAGMA incremental_vacuum") || exec(s, "PRAGMA wal_checkpoint(TRUNCATE)")))
		return -1;
	return total;
}

long long evstore_prune(struct evstore *s, long long max_age_seconds, long long max_bytes)
{
	return evstore_prune_at(s, now_us(), max_age_seconds, max_bytes);
}
