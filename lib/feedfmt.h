/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Threat-feed formats beyond the line formats of iplist.h and domlist.h:
 *
 *   Spamhaus DROP JSON (drop_v4.json, drop_v6.json)  feedfmt_spamhaus.c
 *   Emerging Threats IP reputation CSV + categories   feedfmt_etrep.c
 *   abuse.ch URLhaus CSV dump                         feedfmt_urlhaus.c
 *   CrowdSec LAPI decisions stream, and the set of    feedfmt_crowdsec.c
 *   decisions the loader keeps on disk
 *
 * Every parser is a pure function over a buffer of len bytes that is not
 * NUL-terminated (never read past len); there is no I/O and no global state.
 * Entries are handed to a callback as they are parsed; a non-zero return of
 * the callback stops the parse and is passed back unchanged.
 */
#ifndef UTM_FEEDFMT_H
#define UTM_FEEDFMT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/domlist.h"
#include "lib/iplist.h"

/* ---- Spamhaus DROP JSON ------------------------------------------------ */

/*
 * NDJSON, one object per line:
 *   {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
 *   {"type":"metadata","timestamp":1700000000,"records":1234,...}
 * Same contract as iplist_parse: the number of entries, or -1 with err
 * filled (the list is all or nothing; fn is not called after the first bad
 * line, but every line is still checked and counted in err->bad_lines).
 *
 * Bad lines: not a JSON object, no string "cidr", a cidr that does not
 * parse, a line after the metadata line, a metadata line whose "records" is
 * not a non-negative integer, a line over IPLIST_MAX_LINE. Blank lines are
 * ignored; CRLF is accepted.
 *
 * The metadata line is required and must be the last non-blank line: it is
 * what tells a complete download from a cut one. Without it the list is
 * refused with "no metadata line: truncated download?" at the line after the
 * last one (counted as one more bad line); that reason wins over a bad last
 * line (a download cut mid-line), while an earlier bad line (an HTML page
 * served instead of the list) keeps its own reason. When every line is good
 * but "records" differs from the entries found, the list is refused with
 * "metadata says N records, found M" at the metadata line.
 */
long spamhaus_json_parse(const char *buf, size_t len, iplist_entry_fn fn, void *ctx,
			 struct iplist_error *err);

/* ---- Emerging Threats IP reputation --------------------------------------- */

/* The category file: lines "id,shortname,description". */
struct etrep_categories {
	unsigned int n; /* entries used in cat[], in file order */
	struct {
		uint16_t id;   /* 0..255 */
		char name[48]; /* shortname, cut to 47 bytes, NUL-terminated */
	} cat[256];
};

/*
 * Parse a category file into out. id is 0..255 (each at most once), the
 * shortname any non-empty text without control characters (a Scirius export
 * has a number there); the description may be missing. Fields are trimmed of
 * blanks; '#' comment lines, blank lines and CRLF are accepted. Returns 0,
 * or -1 with err (first bad line, reason, count of bad lines); err may be
 * NULL. out is filled with the good lines either way.
 */
int etrep_categories_parse(const char *buf, size_t len, struct etrep_categories *out,
			   struct iplist_error *err);

/* The shortname of category id, or NULL when the file did not define it. */
const char *etrep_category_name(const struct etrep_categories *c, unsigned int id);

/* Which lines of a reputation list to keep. */
struct etrep_filter {
	uint8_t want[256];	/* want[id] = 1: keep category id; all zero: every category */
	unsigned int min_score; /* keep lines whose score is at least this */
};

/*
 * Parse a reputation list: lines "address,category,score" (exactly three
 * fields, blanks around them allowed), where address is an IP address or a
 * CIDR, category 0..255 and score 0..127 (ET uses 1..127). '#' comment lines,
 * blank lines, CRLF and a UTF-8 BOM are accepted. Same contract as
 * iplist_parse: entries passed to fn, or -1 with err. Lines of a category
 * that f does not want, or with a score below f->min_score, are checked but
 * then skipped silently (not passed to fn, not counted). f may be NULL: keep
 * every line.
 */
long etrep_parse(const char *buf, size_t len, const struct etrep_filter *f, iplist_entry_fn fn,
		 void *ctx, struct iplist_error *err);

/* ---- abuse.ch URLhaus CSV ---------------------------------------------- */

/*
 * One row of the dump
 *   id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
 * with the fields the feed loader uses, unquoted ("" turned into "). The
 * pointers are into a buffer of the parser, valid during the callback only;
 * they are not NUL-terminated. A field the row lacks is empty.
 */
struct urlhaus_row {
	const char *url;
	size_t url_len;
	const char *status; /* url_status: "online", "offline" */
	size_t status_len;
	const char *threat; /* "malware_download", ... */
	size_t threat_len;
};

/* Called for each row; a non-zero return stops parsing and is returned. */
typedef int (*urlhaus_row_fn)(const struct urlhaus_row *row, unsigned int line, void *ctx);

/*
 * The rows of a URLhaus CSV dump. Fields are separated by ',' and either
 * double-quoted (commas allowed inside, "" is a quote) or bare (no quote
 * inside); a field does not span lines. Comment lines ('#'), blank lines, a
 * header row "id,dateadded,url,..." and CRLF are ignored. A row that does not
 * parse (bad quoting, fewer than 3 fields, over DOMLIST_MAX_LINE) is skipped
 * and counted in err->bad_lines, the first described in err->line and
 * err->reason (err may be NULL). Returns the rows passed to fn (fn may be
 * NULL to count), or fn's non-zero return.
 */
long urlhaus_csv_rows(const char *buf, size_t len, urlhaus_row_fn fn, void *ctx,
		      struct domlist_error *err);

/*
 * The hosts of a URLhaus CSV dump as domain entries: for each row the host
 * of the url field (scheme, userinfo, port, path, query and fragment
 * stripped), canonicalised with dnsname_normalize, is passed to fn as
 * {name, covers_name = 1, covers_sub = 0, allow = 0}: a bad URL does not
 * condemn the names below its host. Hosts that are IP addresses ("1.2.3.4",
 * "[2001:db8::1]") are counted in err->ip_entries and skipped, single-label
 * hosts in err->single_label; rows that do not parse or whose host is not a
 * valid name are counted in err->bad_lines (first one described) and skipped,
 * as domlist_parse does with DOMLIST_SKIP_BAD. err is zeroed first and may be
 * NULL. Returns the entries passed to fn (fn may be NULL to count), never -1;
 * a non-zero return of fn stops the parse and is returned.
 */
long urlhaus_csv_parse(const char *buf, size_t len, domlist_entry_fn fn, void *ctx,
		       struct domlist_error *err);

/* ---- CrowdSec LAPI decisions stream -------------------------------------- */

/* One decision of GET /v1/decisions/stream, as the XDP lists need it. */
struct crowdsec_decision {
	struct ip_prefix prefix; /* the value, canonical (iplist.h) */
	int deleted;		 /* 1: from "deleted", 0: from "new" */
	long long id;		 /* 0 when absent */
	char scenario[128];	 /* cut to fit; "" when absent */
	char origin[32];
	char duration[32];
};

/* What a stream held besides the decisions passed on. */
struct crowdsec_stats {
	unsigned int added;	    /* "new" decisions passed to fn */
	unsigned int deleted;	    /* "deleted" decisions passed to fn */
	unsigned int skipped_scope; /* scope other than Ip or Range (Country, AS, ...) */
	unsigned int skipped_type;  /* type other than ban (captcha, ...) */
	unsigned int bad;	    /* not an object, no scope or type, no or bad value */
	char reason[160];	    /* why -1, else the first bad decision; "" if none */
};

/* Called for each decision; a non-zero return stops parsing and is returned. */
typedef int (*crowdsec_fn)(const struct crowdsec_decision *d, void *ctx);

/*
 * Parse a stream answer {"deleted":[...],"new":[...]}; either array may be
 * null or missing. Scope ("Ip", "Range") and type ("ban") are compared
 * ignoring case. Every decision of "deleted" is passed before any of "new",
 * so a value deleted and re-added in the same answer ends up present. Returns
 * 0, or -1 when the body is not a JSON object of that shape (st->reason says
 * why, e.g. "not JSON: ... at line 1" or "\"new\" is not an array"; fn is not
 * called then). A non-zero return of fn stops the parse and is returned. st
 * may be NULL; fn may be NULL to count.
 */
int crowdsec_stream_parse(const char *buf, size_t len, crowdsec_fn fn, void *ctx,
			  struct crowdsec_stats *st);

/*
 * The current decisions, merged from stream answers, kept on disk as a plain
 * list between runs. One entry per prefix (the last decision for it wins);
 * a hash index makes apply O(1), so 100k decisions cost milliseconds.
 */
struct crowdsec_set;

/* An empty set, or NULL when out of memory. Free with crowdsec_set_free. */
struct crowdsec_set *crowdsec_set_new(void);
void crowdsec_set_free(struct crowdsec_set *s);

/*
 * Add (d->deleted == 0) or remove (d->deleted == 1) d's prefix. Blanks and
 * control characters of origin become '_', control characters of scenario
 * '?', and trailing blanks of scenario are dropped, so that a rendered line
 * reads back the same. Returns 0, or -1 when out of memory (set unchanged).
 */
int crowdsec_set_apply(struct crowdsec_set *s, const struct crowdsec_decision *d);

/*
 * crowdsec_set_apply as a crowdsec_fn, ctx being the set: 0, or -ENOMEM, which
 * stops crowdsec_stream_parse and comes back from it (not -1, its own refusal).
 */
int crowdsec_set_apply_cb(const struct crowdsec_decision *d, void *ctx);

size_t crowdsec_set_count(const struct crowdsec_set *s);

/*
 * Render the set as lines "VALUE # crowdsec id=ID origin=O scenario=S"
 * (parseable by iplist_parse), sorted by value: IPv4 before IPv6, then by
 * address, then by prefix length. Returns a malloc'd buffer (NUL-terminated
 * for convenience; *len excludes the NUL) that the caller frees, or NULL
 * when out of memory.
 */
char *crowdsec_set_render(const struct crowdsec_set *s, size_t *len);

/*
 * Replace the set's contents with a buffer crowdsec_set_render made. A line
 * may be only an address or CIDR (no annotation: id 0, empty origin and
 * scenario); '#' comment lines and blank lines are ignored. Returns the
 * number of entries, or -1 with err (first bad line, reason, count) and the
 * set unchanged; -1 with err->bad_lines == 0 means out of memory. err may be
 * NULL.
 */
long crowdsec_set_load(struct crowdsec_set *s, const char *buf, size_t len,
		       struct iplist_error *err);

/* ---- Helpers shared by the parsers above (feedfmt_etrep.c) --------------- */

/*
 * The next line of buf at *pos, without its line ending and the blanks
 * around it (a UTF-8 BOM at the start of buf is skipped). *no counts lines
 * from 1. Returns 0 when buf is used up.
 */
int feedfmt_next_line(const char *buf, size_t len, size_t *pos, unsigned int *no, const char **s,
		      size_t *n);

/* Count a bad line in err; the first is described as "why: \"tok\"". */
void feedfmt_bad_line(struct iplist_error *err, unsigned int line, const char *why, const char *tok,
		      size_t n);

/* ip_prefix_parse of n bytes (not NUL-terminated): 0, or -1 when not an address or CIDR. */
int feedfmt_prefix_parse(const char *s, size_t n, struct ip_prefix *out);

#endif /* UTM_FEEDFMT_H */
