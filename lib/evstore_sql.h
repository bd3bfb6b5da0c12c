/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The event store's SQL, shared by its backends: standard SQL (with the
 * ON CONFLICT upsert and LIMIT/OFFSET that SQLite and PostgreSQL both
 * have) and "?" placeholders numbered in order (a PostgreSQL backend
 * rewrites them as $1, $2...). What is dialect-specific (the id column,
 * pragmas, sizes, vacuum) stays in the backend. Internal to lib/.
 */
#ifndef UTM_EVSTORE_SQL_H
#define UTM_EVSTORE_SQL_H

#include <stddef.h>
#include <stdint.h>

#include "evstore.h"

#define EVSTORE_SCHEMA_VERSION 1

/*
 * The schema, one statement an entry, NULL-terminated. "%s" in the first
 * is the id column's type: the dialect's auto-numbered 64-bit primary key.
 */
extern const char *const evstore_sql_schema[];

/* The 12 columns a row is inserted with, in struct evstore_row's order. */
extern const char evstore_sql_insert[];
/* name, inode, byte_offset, updated_us */
extern const char evstore_sql_cursor_set[];
/* name -> inode, byte_offset */
extern const char evstore_sql_cursor_get[];
/* The 13 columns a query returns (id first), before its WHERE. */
extern const char evstore_sql_select[];
/* ts_us < ? */
extern const char evstore_sql_delete_before[];
/* the ? oldest rows */
extern const char evstore_sql_delete_oldest[];

#define EVSTORE_MAX_ARGS 10

/* One bound value: an integer or a text (NULL: SQL NULL). */
struct evstore_arg {
	int is_text;
	int64_t i;
	const char *s;
};

/* A WHERE clause and its values, for query and count. */
struct evstore_where {
	char sql[768];
	struct evstore_arg args[EVSTORE_MAX_ARGS];
	int nargs;
	char like[2 * 256 + 3]; /* the LIKE pattern: "%TEXT%", with \ escapes */
};

/*
 * The WHERE ... ORDER BY ... [LIMIT ? OFFSET ?] tail of a query over f
 * (with_order 0: only the WHERE, for counts). -1 when the text is too long.
 */
int evstore_sql_where(const struct evstore_filter *f, int with_order, struct evstore_where *w);

#endif /* UTM_EVSTORE_SQL_H */
