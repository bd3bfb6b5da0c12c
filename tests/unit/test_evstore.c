// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the event store (lib/evstore.h): EVE lines of every type
 * to columns, bad lines refused with a reason, and the SQLite backend:
 * insert, every filter, prune by age and by size, cursor, reopening.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "evstore_samples.h"
#include "lib/evstore.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct evstore_row parse_ok(const char *line)
{
	struct evstore_row r;

	if (evstore_parse_line(line, strlen(line), &r))
		fail_msg("refused: %s: %s", r.why, line);
	return r;
}

static void test_parse_xdp_drop(void **state)
{
	struct evstore_row r = parse_ok(EV_XDP_DROP "\n");

	assert_string_equal(r.ts, "2026-11-29T20:13:18.499518Z");
	assert_int_equal(r.ts_us, 1795983198499518LL);
	assert_string_equal(r.event_type, "drop");
	assert_string_equal(r.function, "ips_outbound");
	assert_int_equal(r.severity, 2);
	assert_string_equal(r.src_ip, "10.99.0.10");
	assert_string_equal(r.dest_ip, "203.0.113.66");
	assert_string_equal(r.device_mac, "02:99:00:00:00:10");
	assert_string_equal(r.device_ip, "10.99.0.10");
	assert_true(r.has_flow_id);
	assert_int_equal(r.flow_id, 8715776187441085LL);
	assert_string_equal(r.summary, "demo: 10.99.0.10 -> 203.0.113.66");
	/* raw is the line without its newline */
	assert_int_equal(r.raw_len, strlen(EV_XDP_DROP));
	assert_memory_equal(r.raw, EV_XDP_DROP, r.raw_len);
}

static void test_parse_xdp_dns_local_time(void **state)
{
	struct evstore_row r = parse_ok(EV_XDP_DNS);

	/* +0900: the stored time is UTC */
	assert_string_equal(r.ts, "2026-11-29T20:13:19.000001Z");
	assert_string_equal(r.function, "site_blocking");
	assert_string_equal(r.summary, "x.bad.example (web-block)");
	assert_string_equal(r.device_ip, "10.99.0.11");
}

struct expect {
	const char *line, *type, *function, *summary;
	int severity;
	const char *mac;
};

static void test_parse_every_type(void **state)
{
	static const struct expect want[] = {
		{EV_FEED, "feed", "feeds", "Threat feed et-open cannot be fetched", 1, ""},
		{EV_ALERT, "alert", "ips_outbound", "ET MALWARE beacon", 3, "02:99:00:00:00:10"},
		{EV_HTTP, "http", "", "www.example.test/a.html", 0, ""},
		{EV_TLS, "tls", "", "secure.example.test", 0, ""},
		{EV_DNS_QUERY, "dns", "", "www.example.test", 0, ""},
		{EV_FLOW, "flow", "", "10.99.0.10 -> 198.51.100.10", 0, ""},
		{EV_INSPECT_DROP, "drop", "", "rule 2000001: 10.99.0.10 -> 198.51.100.10", 0, ""},
		{EV_ANOMALY, "anomaly", "", "stream: reassembly_overlap", 0, ""},
		{EV_STATS, "stats", "", "stats", 0, ""},
		{EV_WEB, "web", "site_blocking", "blocked.example.test/index.html (web-block)", 2,
		 "02:99:00:00:00:10"},
		{EV_APP, "app", "app_detection", "BitTorrent / Download", 1, "02:99:00:00:00:10"},
		{EV_SMTP, "smtp", "", "<a@office.example>: Invoice", 0, ""},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct evstore_row r = parse_ok(want[i].line);

		assert_string_equal(r.event_type, want[i].type);
		assert_string_equal(r.function, want[i].function);
		assert_string_equal(r.summary, want[i].summary);
		assert_int_equal(r.severity, want[i].severity);
		assert_string_equal(r.device_mac, want[i].mac);
		assert_string_equal(r.device_ip, "");
	}
}

static void test_parse_bad_lines(void **state)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{"", "not JSON"},
		{"{\"timestamp\":\"2026-11-29T20:13:18.1Z\",\"event_type\":\"drop\"", "not JSON"},
		{"[1,2]", "not a JSON object"},
		{"{\"timestamp\":\"2026-11-29T20:13:18Z\"}", "no event_type"},
		{"{\"timestamp\":\"2026-11-29T20:13:18Z\",\"event_type\":7}", "no event_type"},
		{"{\"timestamp\":\"2026-11-29T20:13:18Z\",\"event_type\":\"\"}", "no event_type"},
		{"{\"event_type\":\"drop\"}", "no timestamp"},
		{"{\"event_type\":\"drop\",\"timestamp\":\"yesterday\"}", "no timestamp"},
		{"{\"event_type\":\"drop\",\"timestamp\":\"2026-13-29T20:13:18Z\"}",
		 "no timestamp"},
		{"{\"event_type\":\"drop\",\"timestamp\":\"2026-11-29T20:13:18\"}", "no timestamp"},
		{"{\"event_type\":\"drop\",\"timestamp\":\"2026-11-29T20:13:18.Z\"}",
		 "no timestamp"},
		{"{\"event_type\":\"drop\",\"timestamp\":\"2026-11-29T20:13:18+09\"}",
		 "no timestamp"},
		{"{\"a\":1}{\"b\":2}", "not JSON"},
	};
	struct evstore_row r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(evstore_parse_line(bad[i].line, strlen(bad[i].line), &r), -1);
		if (strncmp(r.why, bad[i].why, strlen(bad[i].why)))
			fail_msg("%s: got '%s', want '%s'", bad[i].line, r.why, bad[i].why);
	}
	/* A NUL inside the line is not JSON either. */
	assert_int_equal(evstore_parse_line("{\"a\"\0:1}", 8, &r), -1);
}

static void test_times(void **state)
{
	int64_t us;
	char buf[EVSTORE_TS_LEN];

	assert_int_equal(evstore_parse_time("1970-01-01T00:00:00Z", &us), 0);
	assert_int_equal(us, 0);
	assert_int_equal(evstore_parse_time("1970-01-01T09:00:00.5+09:00", &us), 0);
	assert_int_equal(us, 500000);
	assert_int_equal(evstore_parse_time("2000-02-29T23:59:59.1234567-0130", &us), 0);
	evstore_format_time(us, buf, sizeof(buf));
	assert_string_equal(buf, "2000-03-01T01:29:59.123456Z");
	evstore_format_time(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
}

/* ------------------------------------------------------------ the store */

static char dir[64], db[128];

static int setup(void **state)
{
	strcpy(dir, "/tmp/test_evstore.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof(db), "%s/events.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct evstore *open_rw(void)
{
	char err[256];
	struct evstore *s = evstore_open(db, 0, err, sizeof(err));

	if (!s)
		fail_msg("%s", err);
	return s;
}

static const char *const all_lines[] = {
	EV_XDP_DROP, EV_XDP_DNS, EV_FEED, EV_ALERT, EV_HTTP, EV_TLS,	 EV_DNS_QUERY,
	EV_FLOW,     EV_STATS,	 EV_WEB,  EV_APP,   EV_SMTP, EV_ANOMALY, EV_INSPECT_DROP,
};

static void insert_all(struct evstore *s, const struct evstore_cursor *cur)
{
	struct evstore_row rows[ARRAY_SIZE(all_lines)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all_lines); i++)
		rows[i] = parse_ok(all_lines[i]);
	assert_int_equal(evstore_insert(s, rows, ARRAY_SIZE(rows), cur), 0);
}

struct seen {
	char types[32][EVSTORE_TYPE_LEN];
	int64_t ts[32];
	int n;
};

static int collect(const struct evstore_row *r, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 32) {
		snprintf(s->types[s->n], sizeof(s->types[0]), "%s", r->event_type);
		s->ts[s->n] = r->ts_us;
	}
	s->n++;
	return 0;
}

static struct seen query(struct evstore *s, const struct evstore_filter *f)
{
	struct seen seen = {0};

	assert_int_equal(evstore_query(s, f, collect, &seen), 0);
	assert_int_equal(evstore_count(s, f), f->limit || f->offset ? evstore_count(s, f) : seen.n);
	return seen;
}

static void test_insert_and_filters(void **state)
{
	struct evstore *s = open_rw();
	struct evstore_filter f = {0};
	struct seen seen;
	int64_t t0;
	int i;

	insert_all(s, NULL);
	assert_int_equal(evstore_count(s, &f), ARRAY_SIZE(all_lines));
	seen = query(s, &f);
	assert_int_equal(seen.n, ARRAY_SIZE(all_lines));
	for (i = 1; i < seen.n; i++)
		assert_true(seen.ts[i - 1] >= seen.ts[i]); /* newest first */
	assert_string_equal(seen.types[0], "feed");

	/* device: by MAC, by address */
	f = (struct evstore_filter){.device = "02:99:00:00:00:10"};
	assert_int_equal(query(s, &f).n, 4); /* xdp drop, alert, web, app */
	f = (struct evstore_filter){.device = "10.99.0.11"};
	seen = query(s, &f);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.types[0], "dns");

	/* dangerous-site blocking: the DNS guard's answer and the inspector's block, one function
	 */
	f = (struct evstore_filter){.function = "site_blocking"};
	seen = query(s, &f);
	assert_int_equal(seen.n, 2);

	f = (struct evstore_filter){.min_severity = 2};
	assert_int_equal(query(s, &f).n, 4); /* drop, dns, alert, web */
	f = (struct evstore_filter){.min_severity = 3};
	assert_int_equal(query(s, &f).n, 1);

	/* text: a substring, case-insensitive, wildcards literal */
	f = (struct evstore_filter){.text = "MALWARE"};
	assert_int_equal(query(s, &f).n, 1);
	f = (struct evstore_filter){.text = "example.test"};
	assert_int_equal(query(s, &f).n, 4); /* http, tls, dns query, web */
	f = (struct evstore_filter){.text = "%"};
	assert_int_equal(query(s, &f).n, 0);
	f = (struct evstore_filter){.text = "x_bad"};
	assert_int_equal(query(s, &f).n, 0);

	/* time range: [from, to) */
	assert_int_equal(evstore_parse_time("2026-11-29T20:20:00Z", &t0), 0);
	f = (struct evstore_filter){.from_us = t0, .to_us = t0 + 3 * 60 * 1000000LL};
	seen = query(s, &f);
	assert_int_equal(seen.n, 3); /* alert, http, tls */
	assert_string_equal(seen.types[0], "tls");
	assert_string_equal(seen.types[2], "alert");

	/* limit and offset; count ignores them */
	f = (struct evstore_filter){.limit = 2, .offset = 1};
	seen = query(s, &f);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.types[0], "smtp");
	assert_int_equal(evstore_count(s, &f), ARRAY_SIZE(all_lines));
	f = (struct evstore_filter){.offset = 13};
	assert_int_equal(query(s, &f).n, 1);

	/* conditions combine */
	f = (struct evstore_filter){.device = "02:99:00:00:00:10", .min_severity = 2};
	assert_int_equal(query(s, &f).n, 3);
	evstore_close(s);
}

static int stop_after_one(const struct evstore_row *r, void *ctx)
{
	struct evstore_row *out = ctx;

	*out = *r;
	out->raw = NULL;
	/* the raw line comes back whole */
	assert_int_equal(r->raw_len, strlen(EV_ALERT));
	assert_memory_equal(r->raw, EV_ALERT, r->raw_len);
	return 1;
}

static void test_row_round_trip(void **state)
{
	struct evstore *s = open_rw();
	struct evstore_row in = parse_ok(EV_ALERT), out;
	struct evstore_filter f = {0};

	assert_int_equal(evstore_insert(s, &in, 1, NULL), 0);
	assert_int_equal(evstore_query(s, &f, stop_after_one, &out), 0);
	assert_true(out.id > 0);
	assert_string_equal(out.ts, in.ts);
	assert_int_equal(out.ts_us, in.ts_us);
	assert_string_equal(out.function, "ips_outbound");
	assert_int_equal(out.severity, 3);
	assert_string_equal(out.device_mac, "02:99:00:00:00:10");
	assert_string_equal(out.device_ip, "");
	assert_int_equal(out.flow_id, 42);
	assert_string_equal(out.summary, "ET MALWARE beacon");
	evstore_close(s);
}

static void test_reopen_keeps_rows_and_cursor(void **state)
{
	struct evstore_cursor cur = {
		.name = "/var/log/utm/eve.json", .inode = 1234, .offset = 5678};
	struct evstore_cursor got = {.name = "/var/log/utm/eve.json"};
	struct evstore_cursor other = {.name = "/other"};
	struct evstore *s = open_rw();
	char err[256];

	assert_int_equal(evstore_cursor_get(s, &got), 0);
	insert_all(s, &cur);
	cur.offset = 9999;
	assert_int_equal(evstore_insert(s, NULL, 0, &cur), 0); /* moves without rows */
	evstore_close(s);

	s = evstore_open(db, EVSTORE_RDONLY, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(evstore_count(s, NULL), ARRAY_SIZE(all_lines));
	assert_int_equal(evstore_cursor_get(s, &got), 1);
	assert_int_equal(got.inode, 1234);
	assert_int_equal(got.offset, 9999);
	assert_int_equal(evstore_cursor_get(s, &other), 0);
	/* read-only: nothing can be written */
	assert_int_equal(evstore_insert(s, NULL, 0, &cur), -1);
	assert_non_null(strstr(evstore_errmsg(s), "readonly"));
	evstore_close(s);
}

static void test_open_errors(void **state)
{
	char err[256], path[160];

	snprintf(path, sizeof(path), "%s/none.db", dir);
	assert_null(evstore_open(path, EVSTORE_RDONLY, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	snprintf(path, sizeof(path), "%s/no-such-dir/x.db", dir);
	assert_null(evstore_open(path, 0, err, sizeof(err)));
	assert_non_null(strstr(err, path));
}

static void test_failed_insert_changes_nothing(void **state)
{
	struct evstore_cursor cur = {.name = "log", .inode = 1, .offset = 100};
	struct evstore_row rows[2] = {parse_ok(EV_HTTP), parse_ok(EV_TLS)};
	struct evstore *s = open_rw();

	assert_int_equal(evstore_insert(s, rows, 1, &cur), 0);
	/* NOT NULL event_type: the second row fails, the first is rolled back */
	rows[1].event_type[0] = '\0';
	cur.offset = 200;
	assert_int_equal(evstore_insert(s, rows, 2, &cur), -1);
	assert_non_null(strstr(evstore_errmsg(s), "NOT NULL"));
	assert_int_equal(evstore_count(s, NULL), 1);
	cur.offset = 0;
	assert_int_equal(evstore_cursor_get(s, &cur), 1);
	assert_int_equal(cur.offset, 100);
	evstore_close(s);
}

/* n events one second apart from start (seconds), each with a long summary. */
static void insert_series(struct evstore *s, int64_t start, int n)
{
	struct evstore_row *rows = calloc((size_t)n, sizeof(*rows));
	static char raw[1000];
	int i;

	memset(raw, 'x', sizeof(raw) - 1);
	for (i = 0; i < n; i++) {
		rows[i] = parse_ok(EV_HTTP);
		rows[i].ts_us = (start + i) * 1000000;
		evstore_format_time(rows[i].ts_us, rows[i].ts, sizeof(rows[i].ts));
		rows[i].raw = raw;
		rows[i].raw_len = sizeof(raw) - 1;
	}
	assert_int_equal(evstore_insert(s, rows, (size_t)n, NULL), 0);
	free(rows);
}

static void test_prune_by_age(void **state)
{
	struct evstore *s = open_rw();
	struct evstore_filter f = {.limit = 1};
	struct seen seen = {0};
	int64_t now = 1800000000;

	insert_series(s, now - 100, 100); /* ages 100..1 s */
	assert_int_equal(evstore_prune_at(s, now * 1000000, 0, 0), 0);
	assert_int_equal(evstore_prune_at(s, now * 1000000, 30, 0), 70);
	assert_int_equal(evstore_count(s, NULL), 30);
	assert_int_equal(evstore_prune_at(s, now * 1000000, 30, 0), 0);
	/* the newest are kept */
	assert_int_equal(evstore_query(s, &f, collect, &seen), 0);
	assert_int_equal(seen.ts[0], (now - 1) * 1000000);
	evstore_close(s);
}

static void test_prune_by_size(void **state)
{
	struct evstore *s = open_rw();
	long long before, after, n;
	struct evstore_filter f = {.limit = 1};
	struct seen seen = {0};

	insert_series(s, 1000, 3000); /* about 3 MB */
	before = evstore_size(s);
	assert_true(before > 3000 * 1000);
	n = evstore_prune_at(s, 5000 * 1000000LL, 0, 1 << 20);
	assert_true(n > 1500 && n < 3000);
	after = evstore_size(s);
	assert_true(after <= 1 << 20);
	assert_int_equal(evstore_count(s, NULL), 3000 - n);
	/* the oldest went, the newest stayed */
	assert_int_equal(evstore_query(s, &f, collect, &seen), 0);
	assert_int_equal(seen.ts[0], 3999 * 1000000LL);
	/* and the file shrank (incremental vacuum) */
	evstore_close(s);
	assert_int_equal(access(db, F_OK), 0);
	{
		FILE *fp = fopen(db, "rb");

		assert_non_null(fp);
		fseek(fp, 0, SEEK_END);
		assert_true(ftell(fp) < before);
		fclose(fp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_xdp_drop),
		cmocka_unit_test(test_parse_xdp_dns_local_time),
		cmocka_unit_test(test_parse_every_type),
		cmocka_unit_test(test_parse_bad_lines),
		cmocka_unit_test(test_times),
		cmocka_unit_test_setup_teardown(test_insert_and_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_rows_and_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_insert_changes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_prune_by_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_by_size, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
