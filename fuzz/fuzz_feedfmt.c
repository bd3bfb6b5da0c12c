// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for lib/feedfmt*.c. The first input byte selects the
 * parser (modulo 6), the rest is its buffer. Besides "never crash, never
 * read past len" (ASan), it checks what the parsers promise: return values
 * count what the callback saw, a refusal says where and why, entries are
 * canonical, and a CrowdSec set renders to a list that iplist_parse accepts
 * and that loads back to the same rendering.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/feedfmt.h"

enum target {
	T_SPAMHAUS,
	T_ETREP_CATEGORIES,
	T_ETREP,
	T_URLHAUS,
	T_CROWDSEC_STREAM,
	T_CROWDSEC_LOAD,
	T_COUNT,
};

static int count_ip(const struct ip_prefix *p, unsigned int line, void *ctx)
{
	unsigned long *seen = ctx;
	struct ip_prefix back;
	char text[64];

	if (line == 0 || (p->family != 4 && p->family != 6))
		abort();
	ip_prefix_format(p, text, sizeof(text));
	if (ip_prefix_parse(text, &back) != 0 || memcmp(&back, p, sizeof(back)) != 0)
		abort();
	(*seen)++;
	return 0;
}

static void check_refusal(const struct iplist_error *err)
{
	if (err->line == 0 || err->bad_lines == 0 || err->reason[0] == '\0' ||
	    !memchr(err->reason, '\0', sizeof(err->reason)))
		abort();
}

/* A list parser with the iplist_parse contract. */
static void check_ip_result(long ret, unsigned long seen, const struct iplist_error *err)
{
	if (ret >= 0 && ((unsigned long)ret != seen || err->bad_lines != 0))
		abort();
	if (ret < 0) {
		if (ret != -1)
			abort();
		check_refusal(err);
	}
}

static void fuzz_spamhaus(const char *buf, size_t len)
{
	struct iplist_error err;
	unsigned long seen = 0;
	long ret = spamhaus_json_parse(buf, len, count_ip, &seen, &err);

	check_ip_result(ret, seen, &err);
	if (spamhaus_json_parse(buf, len, NULL, NULL, NULL) != ret)
		abort();
}

static void fuzz_categories(const char *buf, size_t len)
{
	static struct etrep_categories c;
	struct iplist_error err;
	unsigned int i;
	int ret = etrep_categories_parse(buf, len, &c, &err);

	if (ret == -1)
		check_refusal(&err);
	else if (ret != 0 || err.bad_lines)
		abort();
	if (c.n > 256)
		abort();
	for (i = 0; i < c.n; i++) {
		if (c.cat[i].id > 255 || c.cat[i].name[0] == '\0' ||
		    !memchr(c.cat[i].name, '\0', sizeof(c.cat[i].name)))
			abort();
		/* Ids are unique: the name found is this entry's. */
		if (etrep_category_name(&c, c.cat[i].id) != c.cat[i].name)
			abort();
	}
}

static void fuzz_etrep(const char *buf, size_t len, uint8_t knob)
{
	struct etrep_filter f;
	struct iplist_error err;
	unsigned long seen = 0, seen_f = 0;
	long all, some;

	all = etrep_parse(buf, len, NULL, count_ip, &seen, &err);
	check_ip_result(all, seen, &err);
	memset(&f, 0, sizeof(f));
	f.want[knob] = 1;
	f.min_score = knob & 0x7f;
	some = etrep_parse(buf, len, &f, count_ip, &seen_f, &err);
	check_ip_result(some, seen_f, &err);
	/* A filter only takes away, and never changes the verdict. */
	if ((all < 0) != (some < 0) || (all >= 0 && some > all))
		abort();
}

static int check_dom(const struct dom_entry *e, unsigned int line, void *ctx)
{
	unsigned long *seen = ctx;
	char canon[DNSNAME_BUF];
	size_t n = strnlen(e->name, sizeof(e->name));

	if (line == 0 || n == sizeof(e->name) || !e->covers_name || e->covers_sub || e->allow)
		abort();
	if (dnsname_normalize(e->name, n, canon, sizeof(canon), NULL, 0) != DNSNAME_OK ||
	    strcmp(canon, e->name) != 0)
		abort();
	(*seen)++;
	return 0;
}

static void fuzz_urlhaus(const char *buf, size_t len)
{
	struct domlist_error err, rerr;
	unsigned long seen = 0;
	long ret = urlhaus_csv_parse(buf, len, check_dom, &seen, &err);
	long rows = urlhaus_csv_rows(buf, len, NULL, NULL, &rerr);

	if (ret < 0 || (unsigned long)ret != seen)
		abort();
	/* Every row gives one entry, or is counted as an IP, a single label or bad. */
	if ((unsigned long)rows !=
	    seen + err.ip_entries + err.single_label + (err.bad_lines - rerr.bad_lines))
		abort();
	if (err.bad_lines && (err.line == 0 || err.reason[0] == '\0'))
		abort();
}

/* Render, check it is an IP list, load it back: the same rendering. */
static void check_roundtrip(const struct crowdsec_set *set)
{
	struct crowdsec_set *back = crowdsec_set_new();
	char *out, *again;
	size_t len, len2;
	struct iplist_error err;

	out = crowdsec_set_render(set, &len);
	if (!back || !out)
		abort();
	if (iplist_parse(out, len, NULL, NULL, &err) != (long)crowdsec_set_count(set))
		abort();
	if (crowdsec_set_load(back, out, len, &err) != (long)crowdsec_set_count(set))
		abort();
	again = crowdsec_set_render(back, &len2);
	if (!again || len2 != len || memcmp(again, out, len) != 0)
		abort();
	free(again);
	free(out);
	crowdsec_set_free(back);
}

static void fuzz_crowdsec_stream(const char *buf, size_t len)
{
	struct crowdsec_set *set = crowdsec_set_new();
	struct crowdsec_stats st;
	int ret;

	if (!set)
		abort();
	ret = crowdsec_stream_parse(buf, len, crowdsec_set_apply_cb, set, &st);
	if (ret != 0 && ret != -1)
		abort();
	if (ret == -1 && (st.reason[0] == '\0' || st.added || st.deleted))
		abort();
	if (st.bad && st.reason[0] == '\0')
		abort();
	if (crowdsec_set_count(set) > st.added)
		abort();
	check_roundtrip(set);
	crowdsec_set_free(set);
}

static void fuzz_crowdsec_load(const char *buf, size_t len)
{
	struct crowdsec_set *set = crowdsec_set_new();
	struct iplist_error err;
	long ret;

	if (!set)
		abort();
	ret = crowdsec_set_load(set, buf, len, &err);
	if (ret == -1)
		check_refusal(&err);
	else if (ret < 0 || (size_t)ret != crowdsec_set_count(set))
		abort();
	check_roundtrip(set);
	crowdsec_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data + 1;
	size_t len;

	if (size == 0)
		return 0;
	len = size - 1;
	switch (data[0] % T_COUNT) {
	case T_SPAMHAUS:
		fuzz_spamhaus(buf, len);
		break;
	case T_ETREP_CATEGORIES:
		fuzz_categories(buf, len);
		break;
	case T_ETREP:
		fuzz_etrep(buf, len, data[0]);
		break;
	case T_URLHAUS:
		fuzz_urlhaus(buf, len);
		break;
	case T_CROWDSEC_STREAM:
		fuzz_crowdsec_stream(buf, len);
		break;
	case T_CROWDSEC_LOAD:
		fuzz_crowdsec_load(buf, len);
		break;
	}
	return 0;
}
