// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The event store's SQL (lib/evstore_sql.h): standard, shared by the backends. */
#include <stdio.h>
#include <string.h>

#include "evstore_sql.h"

/*
 * ts is kept twice: the text for people and tools, the microseconds for
 * range queries and ordering. The indexes end with ts_us so that "this
 * device's newest events" is one index range read backwards.
 */
const char *const evstore_sql_schema[] = {
	"CREATE TABLE IF NOT EXISTS events ("
	"id %s, "
	"ts VARCHAR(32) NOT NULL, "
	"ts_us BIGINT NOT NULL, "
	"event_type VARCHAR(32) NOT NULL, "
	"function VARCHAR(32), "
	"severity SMALLINT, "
	"src_ip VARCHAR(64), "
	"dest_ip VARCHAR(64), "
	"device_mac VARCHAR(24), "
	"device_ip VARCHAR(64), "
	"flow_id BIGINT, "
	"summary VARCHAR(256), "
	"raw TEXT NOT NULL)",
	"CREATE INDEX IF NOT EXISTS events_ts ON events (ts_us)",
	"CREATE INDEX IF NOT EXISTS events_device_mac ON events (device_mac, ts_us)",
	"CREATE INDEX IF NOT EXISTS events_device_ip ON events (device_ip, ts_us)",
	"CREATE INDEX IF NOT EXISTS events_function ON events (function, ts_us)",
	"CREATE INDEX IF NOT EXISTS events_severity ON events (severity, ts_us)",
	/* Where each follower of a log is; "offset" is a reserved word. */
	"CREATE TABLE IF NOT EXISTS cursor ("
	"name VARCHAR(4096) PRIMARY KEY, "
	"inode BIGINT NOT NULL, "
	"byte_offset BIGINT NOT NULL, "
	"updated_us BIGINT NOT NULL)",
	"CREATE TABLE IF NOT EXISTS evstore_meta (name VARCHAR(64) PRIMARY KEY, value TEXT)",
	"INSERT INTO evstore_meta (name, value) VALUES ('schema_version', '1') "
	"ON CONFLICT (name) DO NOTHING",
	NULL,
};

const char evstore_sql_insert[] =
	"INSERT INTO events (ts, ts_us, event_type, function, severity, src_ip, dest_ip, "
	"device_mac, device_ip, flow_id, summary, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

const char evstore_sql_cursor_set[] =
	"INSERT INTO cursor (name, inode, byte_offset, updated_us) VALUES (?, ?, ?, ?) "
	"ON CONFLICT (name) DO UPDATE SET inode = excluded.inode, "
	"byte_offset = excluded.byte_offset, updated_us = excluded.updated_us";

const char evstore_sql_cursor_get[] = "SELECT inode, byte_offset FROM cursor WHERE name = ?";

const char evstore_sql_select[] =
	"SELECT id, ts, ts_us, event_type, function, severity, src_ip, dest_ip, device_mac, "
	"device_ip, flow_id, summary, raw FROM events";

const char evstore_sql_delete_before[] = "DELETE FROM events WHERE ts_us < ?";

const char evstore_sql_delete_oldest[] =
	"DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?)";

static void add(struct evstore_where *w, const char *cond)
{
	size_t n = strlen(w->sql);

	snprintf(w->sql + n, sizeof(w->sql) - n, "%s%s", w->nargs ? " AND " : " WHERE ", cond);
}

static void arg_int(struct evstore_where *w, int64_t v)
{
	w->args[w->nargs++] = (struct evstore_arg){.i = v};
}

static void arg_text(struct evstore_where *w, const char *s)
{
	w->args[w->nargs++] = (struct evstore_arg){.is_text = 1, .s = s};
}

/* "%TEXT%" with the wildcards of TEXT escaped: the user's text is literal. */
static int like_pattern(const char *text, char *out, size_t len)
{
	size_t o = 0;

	if (strlen(text) > (len - 3) / 2)
		return -1;
	out[o++] = '%';
	for (; *text; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			out[o++] = '\\';
		out[o++] = *text;
	}
	out[o++] = '%';
	out[o] = '\0';
	return 0;
}

int evstore_sql_where(const struct evstore_filter *f, int with_order, struct evstore_where *w)
{
	size_t n;

	memset(w, 0, sizeof(*w));
	if (f && f->from_us) {
		add(w, "ts_us >= ?");
		arg_int(w, f->from_us);
	}
	if (f && f->to_us) {
		add(w, "ts_us < ?");
		arg_int(w, f->to_us);
	}
	if (f && f->device && f->device[0]) {
		add(w, "(device_mac = ? OR device_ip = ?)");
		arg_text(w, f->device);
		arg_text(w, f->device);
	}
	if (f && f->function && f->function[0]) {
		add(w, "function = ?");
		arg_text(w, f->function);
	}
	if (f && f->min_severity > 0) {
		add(w, "severity >= ?");
		arg_int(w, f->min_severity);
	}
	if (f && f->text && f->text[0]) {
		if (like_pattern(f->text, w->like, sizeof(w->like)))
			return -1;
		add(w, "summary LIKE ? ESCAPE '\\'");
		arg_text(w, w->like);
	}
	if (!with_order)
		return 0;
	n = strlen(w->sql);
	snprintf(w->sql + n, sizeof(w->sql) - n, " ORDER BY ts_us DESC, id DESC");
	if (f && (f->limit > 0 || f->offset > 0)) {
		n = strlen(w->sql);
		snprintf(w->sql + n, sizeof(w->sql) - n, " LIMIT ? OFFSET ?");
		arg_int(w, f->limit > 0 ? f->limit : INT64_MAX);
		arg_int(w, f->offset > 0 ? f->offset : 0);
	}
	return 0;
}
