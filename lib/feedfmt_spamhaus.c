// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Spamhaus DROP JSON (see feedfmt.h): one JSON object per line, each parsed
 * on its own with jansson, and a metadata line at the end that proves the
 * download is complete. Lines are handed to jansson with their length, so
 * nothing is read past the buffer.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lib/feedfmt.h"

#define STR_(x) #x
#define STR(x)	STR_(x)
/* Room for a short "why" (jansson's message cut to fit) before the quote. */
#define WHY_MAX 80

struct drop_parser {
	iplist_entry_fn fn;
	void *ctx;
	struct iplist_error e;
	long entries;
	unsigned int line;
	unsigned int meta_line; /* 0: no metadata line yet */
	long long meta_records; /* -1: the metadata line has no "records" */
	unsigned int last_line; /* the last non-blank line */
	int last_bad_looks_cut; /* that line was bad and starts like an object */
	int stop;		/* fn's non-zero return, which ends the parse */
};

static void bad(struct drop_parser *ps, const char *why, const char *tok, size_t n)
{
	feedfmt_bad_line(&ps->e, ps->line, why, tok, n);
}

static void emit(struct drop_parser *ps, const struct ip_prefix *p)
{
	ps->entries++;
	/* Once a line is bad the list is refused: spare the caller the work. */
	if (ps->fn && !ps->e.bad_lines)
		ps->stop = ps->fn(p, ps->line, ps->ctx);
}

/* {"type":"metadata","records":N,...}: remember where it is and what it says. */
static void metadata(struct drop_parser *ps, json_t *obj, const char *s, size_t n)
{
	json_t *records = json_object_get(obj, "records");

	ps->meta_line = ps->line;
	ps->meta_records = -1;
	if (!records)
		return;
	if (!json_is_integer(records) || json_integer_value(records) < 0) {
		bad(ps, "metadata \"records\" is not a count", s, n);
		return;
	}
	ps->meta_records = json_integer_value(records);
}

/* {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"} */
static void record(struct drop_parser *ps, json_t *obj, const char *s, size_t n)
{
	json_t *cidr = json_object_get(obj, "cidr");
	struct ip_prefix p;

	if (!json_is_string(cidr)) {
		bad(ps, "no \"cidr\" string", s, n);
		return;
	}
	if (feedfmt_prefix_parse(json_string_value(cidr), json_string_length(cidr), &p)) {
		bad(ps, "cidr is not an IP address or CIDR", json_string_value(cidr),
		    json_string_length(cidr));
		return;
	}
	emit(ps, &p);
}

static int is_metadata(json_t *obj)
{
	json_t *type = json_object_get(obj, "type");

	return json_is_string(type) && strcmp(json_string_value(type), "metadata") == 0;
}

/* jansson's message without its " near '...'" part: the line is quoted anyway. */
static int jansson_why_len(const char *text)
{
	const char *near = strstr(text, " near ");
	size_t n = near ? (size_t)(near - text) : strlen(text);

	return n > WHY_MAX - 12 ? WHY_MAX - 12 : (int)n;
}

/* One non-blank line, trimmed. */
static void handle_line(struct drop_parser *ps, const char *s, size_t n)
{
	char why[WHY_MAX];
	json_error_t jerr;
	json_t *obj;
	unsigned int bad_before = ps->e.bad_lines;

	ps->last_line = ps->line;
	if (ps->meta_line) {
		bad(ps, "line after the metadata line", s, n);
	} else if (n > IPLIST_MAX_LINE) {
		bad(ps, "line longer than " STR(IPLIST_MAX_LINE) " characters", s, n);
	} else if (!(obj = json_loadb(s, n, 0, &jerr))) {
		snprintf(why, sizeof(why), "not JSON (%.*s)", jansson_why_len(jerr.text),
			 jerr.text);
		bad(ps, why, s, n);
	} else {
		if (!json_is_object(obj))
			bad(ps, "not a JSON object", s, n);
		else if (is_metadata(obj))
			metadata(ps, obj, s, n);
		else
			record(ps, obj, s, n);
		json_decref(obj);
	}
	ps->last_bad_looks_cut = ps->e.bad_lines != bad_before && s[0] == '{';
}

/*
 * No metadata line: the download was cut. Say so, unless an earlier line
 * was bad (then the file is something else, say an HTML page, and its first
 * bad line says more); a cut last line is what truncation looks like.
 */
static void missing_metadata(struct drop_parser *ps)
{
	int cut_only =
		ps->e.bad_lines == 0 ||
		(ps->e.bad_lines == 1 && ps->e.line == ps->last_line && ps->last_bad_looks_cut);

	if (cut_only) {
		ps->e.line = ps->line + 1;
		snprintf(ps->e.reason, sizeof(ps->e.reason),
			 "no metadata line: truncated download?");
	}
	if (ps->e.bad_lines < ~0u)
		ps->e.bad_lines++;
}

/* Every line is good: the entries must be as many as the metadata says. */
static void check_count(struct drop_parser *ps)
{
	if (ps->e.bad_lines || ps->meta_records < 0 || ps->meta_records == ps->entries)
		return;
	ps->e.bad_lines = 1;
	ps->e.line = ps->meta_line;
	snprintf(ps->e.reason, sizeof(ps->e.reason), "metadata says %lld records, found %ld",
		 ps->meta_records, ps->entries);
}

long spamhaus_json_parse(const char *buf, size_t len, iplist_entry_fn fn, void *ctx,
			 struct iplist_error *err)
{
	struct drop_parser ps = {.fn = fn, .ctx = ctx};
	size_t pos = 0, n;
	const char *s;

	if (err)
		memset(err, 0, sizeof(*err));
	while (feedfmt_next_line(buf, len, &pos, &ps.line, &s, &n)) {
		if (n == 0)
			continue;
		handle_line(&ps, s, n);
		if (ps.stop)
			return ps.stop;
	}
	if (!ps.meta_line)
		missing_metadata(&ps);
	else
		check_count(&ps);
	if (err)
		*err = ps.e;
	return ps.e.bad_lines ? -1 : ps.entries;
}
