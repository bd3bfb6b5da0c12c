// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for lib/iplist.c. Besides "never crash, never read past
 * len" (ASan), it checks what the parser promises: every entry is a
 * canonical prefix that formats and parses back to itself, the return value
 * counts the entries, a refusal says where and why, and a callback's
 * non-zero return stops the parse and comes back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iplist.h"

#define STOP_SENTINEL 4242

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Family 4 or 6, no host bits, IPv4 tail zero, no IPv4-mapped IPv6 left. */
static int canonical(const struct ip_prefix *p)
{
	unsigned int bits = p->family == 4 ? 32 : 128;
	unsigned int i;

	if ((p->family != 4 && p->family != 6) || p->prefixlen > bits)
		return 0;
	for (i = 0; i < 128; i++) {
		int set = p->addr[i / 8] >> (7 - i % 8) & 1;

		if (set && i >= p->prefixlen)
			return 0;
	}
	if (p->family == 6 && p->prefixlen >= 96 &&
	    memcmp(p->addr, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0)
		return 0;
	return 1;
}

static int check_entry(const struct ip_prefix *p, unsigned int line, void *ctx)
{
	unsigned long *seen = ctx;
	struct ip_prefix back;
	char text[64];

	if (line == 0 || !canonical(p))
		abort();
	ip_prefix_format(p, text, sizeof(text));
	if (ip_prefix_parse(text, &back) != 0 || memcmp(&back, p, sizeof(back)) != 0)
		abort();
	(*seen)++;
	return 0;
}

static int stop_at_first(const struct ip_prefix *p, unsigned int line, void *ctx)
{
	(void)p;
	(void)line;
	(void)ctx;
	return STOP_SENTINEL;
}

static void check_refusal(const struct iplist_error *err)
{
	if (err->line == 0 || err->bad_lines == 0 || err->reason[0] == '\0' ||
	    !memchr(err->reason, '\0', sizeof(err->reason)))
		abort();
}

/* The input as one C string for ip_prefix_parse; a success must round-trip. */
static void fuzz_prefix_parse(const uint8_t *data, size_t size)
{
	struct ip_prefix p, back;
	char text[64];
	char *s;

	if (size > 128)
		return;
	s = malloc(size + 1);
	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ip_prefix_parse(s, &p) == 0) {
		if (!canonical(&p))
			abort();
		ip_prefix_format(&p, text, sizeof(text));
		if (ip_prefix_parse(text, &back) != 0 || memcmp(&back, &p, sizeof(p)) != 0)
			abort();
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct iplist_error err;
	unsigned long seen = 0;
	long ret;

	ret = iplist_parse(buf, size, check_entry, &seen, &err);
	if (ret >= 0 && ((unsigned long)ret != seen || err.bad_lines != 0))
		abort();
	if (ret < 0) {
		if (ret != -1)
			abort();
		check_refusal(&err);
	}
	/* Without a callback the verdict and count are the same. */
	if (iplist_parse(buf, size, NULL, NULL, NULL) != ret)
		abort();
	/* A good list with entries stops at the first one when asked to. */
	if (ret > 0 && iplist_parse(buf, size, stop_at_first, NULL, &err) != STOP_SENTINEL)
		abort();
	fuzz_prefix_parse(data, size);
	return 0;
}
