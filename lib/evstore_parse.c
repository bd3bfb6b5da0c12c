// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One EVE line to the event store's columns (lib/evstore.h): pure, no backend. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "evstore.h"

static int digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int evstore_parse_time(const char *s, int64_t *us)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, frac = 0, scale = 1000000;
	const char *p = s;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != ' ') || !*p++ || digits(&p, 2, &h) ||
	    *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*p == '.') {
		/* Microseconds; further digits are cut. */
		for (p++; isdigit((unsigned char)*p); p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		if (scale == 1000000)
			return -1;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*us = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) -
	       sign * (oh * 3600 + om * 60)) *
		      1000000 +
	      frac;
	return 0;
}

void evstore_format_time(int64_t us, char *buf, size_t len)
{
	int64_t s = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400, sod = s - days * 86400;
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, m, d, (int)(sod / 3600),
		 (int)(sod / 60 % 60), (int)(sod % 60), (int)(us - s * 1000000));
}

/* o.a.b... as a string, or NULL. */
static const char *str_at(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b)
		v = json_is_object(v) ? json_object_get(v, b) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Copy s when it fits (identifiers, addresses: a cut one would be wrong), else "". */
static void copy_whole(char *dst, size_t len, const char *s)
{
	dst[0] = '\0';
	if (s && strlen(s) < len)
		memcpy(dst, s, strlen(s) + 1);
}

/* Append s to the summary, cut at a whole UTF-8 character. */
static void add_text(struct evstore_row *r, const char *s)
{
	size_t have = strlen(r->summary), room = sizeof(r->summary) - 1 - have, n;

	if (!s)
		return;
	n = strlen(s);
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(r->summary + have, s, n);
	r->summary[have + n] = '\0';
}

static void add_parts(struct evstore_row *r, const char *a, const char *sep, const char *b)
{
	add_text(r, a);
	if (a && b)
		add_text(r, sep);
	add_text(r, b);
}

/*
 * The summary: what a person wants to read first in a list of events, per
 * type: the signature of an alert, the site of web/http/tls, the name of
 * dns/app, the feed's message... and the list that acted, when there is one.
 */
static void summarize(json_t *o, struct evstore_row *r)
{
	const char *t = r->event_type, *list = str_at(o, "utm", "list");
	char num[32];
	json_t *v;

	if (!strcmp(t, "alert")) {
		add_text(r, str_at(o, "alert", "signature"));
		if (!r->summary[0])
			add_parts(r, list, ": ", str_at(o, "dest_ip", NULL));
	} else if (!strcmp(t, "drop")) {
		v = json_object_get(json_object_get(o, "drop"), "signature_id");
		if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "rule %lld: ", (long long)json_integer_value(v));
			add_text(r, num);
		} else if (list) {
			add_parts(r, list, ": ", "");
		}
		add_parts(r, str_at(o, "src_ip", NULL), " -> ", str_at(o, "dest_ip", NULL));
	} else if (!strcmp(t, "dns")) {
		add_text(r, str_at(o, "dns", "rrname"));
		if (list)
			add_parts(r, " (", "", list), add_text(r, ")");
	} else if (!strcmp(t, "web")) {
		add_parts(r, str_at(o, "web", "hostname"), "", str_at(o, "web", "url"));
		if (str_at(o, "web", "list"))
			add_parts(r, " (", "", str_at(o, "web", "list")), add_text(r, ")");
		else if (str_at(o, "web", "category"))
			add_parts(r, " (", "", str_at(o, "web", "category")), add_text(r, ")");
	} else if (!strcmp(t, "http")) {
		add_parts(r, str_at(o, "http", "hostname"), "", str_at(o, "http", "url"));
	} else if (!strcmp(t, "tls")) {
		add_text(r, str_at(o, "tls", "sni"));
	} else if (!strcmp(t, "app")) {
		add_parts(r, str_at(o, "app", "name"), " / ", str_at(o, "app", "category"));
	} else if (!strcmp(t, "smtp")) {
		add_parts(r, str_at(o, "smtp", "mail_from"), ": ", str_at(o, "email", "subject"));
	} else if (!strcmp(t, "feed")) {
		v = json_object_get(json_object_get(o, "utm"), "message");
		if (str_at(v, "en", NULL))
			add_text(r, str_at(v, "en", NULL));
		else
			add_parts(r, str_at(o, "feed", "name"), " ", str_at(o, "feed", "action"));
	} else if (!strcmp(t, "anomaly")) {
		add_parts(r, str_at(o, "anomaly", "type"), ": ", str_at(o, "anomaly", "event"));
	} else if (!strcmp(t, "fileinfo")) {
		add_text(r, str_at(o, "fileinfo", "filename"));
	}
	if (!r->summary[0] && (r->src_ip[0] || r->dest_ip[0]))
		add_parts(r, r->src_ip[0] ? r->src_ip : NULL, " -> ",
			  r->dest_ip[0] ? r->dest_ip : NULL);
	if (!r->summary[0])
		add_text(r, t);
}

int evstore_parse_line(const char *line, size_t len, struct evstore_row *r)
{
	json_error_t je;
	json_t *o, *u, *v;
	const char *ts, *t;

	memset(r, 0, sizeof(*r));
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	r->raw = line;
	r->raw_len = len;
	o = json_loadb(line, len, 0, &je);
	if (!o) {
		snprintf(r->why, sizeof(r->why), "not JSON: %s (column %d)", je.text, je.column);
		return -1;
	}
	if (!json_is_object(o)) {
		snprintf(r->why, sizeof(r->why), "not a JSON object");
		goto bad;
	}
	t = str_at(o, "event_type", NULL);
	if (!t || !t[0] || strlen(t) >= sizeof(r->event_type)) {
		snprintf(r->why, sizeof(r->why), "no event_type (a string of 1..%zu bytes)",
			 sizeof(r->event_type) - 1);
		goto bad;
	}
	ts = str_at(o, "timestamp", NULL);
	if (!ts || evstore_parse_time(ts, &r->ts_us)) {
		snprintf(r->why, sizeof(r->why), "no timestamp (ISO 8601 with a time zone)");
		goto bad;
	}
	evstore_format_time(r->ts_us, r->ts, sizeof(r->ts));
	strcpy(r->event_type, t);
	copy_whole(r->src_ip, sizeof(r->src_ip), str_at(o, "src_ip", NULL));
	copy_whole(r->dest_ip, sizeof(r->dest_ip), str_at(o, "dest_ip", NULL));
	v = json_object_get(o, "flow_id");
	if (json_is_integer(v)) {
		r->flow_id = json_integer_value(v);
		r->has_flow_id = 1;
	}
	u = json_object_get(o, "utm");
	if (json_is_object(u)) {
		copy_whole(r->function, sizeof(r->function), str_at(u, "function", NULL));
		v = json_object_get(u, "severity");
		if (json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= 3)
			r->severity = (int)json_integer_value(v);
		copy_whole(r->device_mac, sizeof(r->device_mac), str_at(u, "device", "mac"));
		copy_whole(r->device_ip, sizeof(r->device_ip), str_at(u, "device", "ip"));
	}
	summarize(o, r);
	json_decref(o);
	return 0;
bad:
	json_decref(o);
	return -1;
}
