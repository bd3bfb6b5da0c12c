// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for lib/domlist*.c and lib/dnsname.c. Besides "never
 * crash, never read past len" (ASan), it checks what they promise: every
 * entry is a canonical name (it normalises to itself and has a wire form)
 * that matches something, in both policies and with and without URL mode;
 * the return value counts the entries; the policy changes the verdict but
 * never the counts; a refusal says where and why; a callback's non-zero
 * return stops the parse and comes back unchanged. The raw input is also
 * normalised as one name, whose keys must agree with its suffix keys.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dnsname.h"
#include "lib/domlist.h"

#define STOP_SENTINEL 4242

struct check {
	unsigned long seen;
	unsigned int last_line;
};

/* A canonical name: re-normalises to itself, converts to wire form. */
static void check_canonical(const char *name, size_t n, int want_rc)
{
	char again[DNSNAME_BUF];
	uint8_t wire[DNSNAME_WIRE_MAX];

	if (n == 0 || n > DNSNAME_MAX)
		abort();
	if (dnsname_normalize(name, n, again, sizeof(again), NULL, 0) != want_rc ||
	    strcmp(again, name) != 0)
		abort();
	if (dnsname_to_wire(name, wire, sizeof(wire)) != (int)n + 1)
		abort();
}

static int check_entry(const struct dom_entry *e, unsigned int line, void *ctx)
{
	struct check *c = ctx;
	size_t n = strnlen(e->name, sizeof(e->name));

	if (n == sizeof(e->name) || line == 0 || line < c->last_line)
		abort();
	if (e->covers_name > 1 || e->covers_sub > 1 || e->allow > 1 ||
	    !(e->covers_name || e->covers_sub))
		abort();
	/* Single labels and addresses are skipped, never delivered. */
	check_canonical(e->name, n, DNSNAME_OK);
	c->last_line = line;
	c->seen++;
	return 0;
}

static int stop_at_first(const struct dom_entry *e, unsigned int line, void *ctx)
{
	(void)e;
	(void)line;
	(void)ctx;
	return STOP_SENTINEL;
}

static void check_error(const struct domlist_error *err)
{
	int problems = err->bad_lines || err->unsupported;

	if (!memchr(err->reason, '\0', sizeof(err->reason)))
		abort();
	if (problems != (err->line != 0) || problems != (err->reason[0] != '\0'))
		abort();
}

/* One parse per policy; the counts must not depend on the policy. */
static void fuzz_list(const char *buf, size_t size, unsigned int flags)
{
	struct domlist_error skip_err, refuse_err;
	struct check c = {0};
	long ret;

	ret = domlist_parse(buf, size, DOMLIST_SKIP_BAD, flags, check_entry, &c, &skip_err);
	if (ret < 0 || (unsigned long)ret != c.seen)
		abort();
	check_error(&skip_err);
	if (domlist_parse(buf, size, DOMLIST_SKIP_BAD, flags, NULL, NULL, NULL) != ret)
		abort();
	if (ret > 0 && domlist_parse(buf, size, DOMLIST_SKIP_BAD, flags, stop_at_first, NULL,
				     NULL) != STOP_SENTINEL)
		abort();

	memset(&c, 0, sizeof(c));
	ret = domlist_parse(buf, size, DOMLIST_REFUSE_BAD, flags, check_entry, &c, &refuse_err);
	if (memcmp(&skip_err, &refuse_err, sizeof(skip_err)) != 0)
		abort();
	if (skip_err.bad_lines || skip_err.unsupported) {
		if (ret != -1)
			abort();
	} else if (ret < 0 || (unsigned long)ret != c.seen) {
		abort();
	}
}

/* The input as one name: a valid one is canonical and keyed like its suffixes. */
static void fuzz_name(const char *buf, size_t size)
{
	struct dnsname_suffix sfx[DNSNAME_MAX_LABELS];
	char out[DNSNAME_BUF], why[DNSNAME_WHY_MAX];
	size_t n, labels = 1, i;
	int rc;

	rc = dnsname_normalize(buf, size, out, sizeof(out), why, sizeof(why));
	if (!memchr(why, '\0', sizeof(why)))
		abort();
	if (rc != DNSNAME_OK && rc != DNSNAME_SINGLE_LABEL) {
		if (rc >= 0 || out[0] != '\0' || why[0] == '\0')
			abort();
		return;
	}
	n = strlen(out);
	check_canonical(out, n, rc);
	for (i = 0; i < n; i++)
		labels += out[i] == '.';
	if (dnsname_suffix_keys(out, 42, sfx, DNSNAME_MAX_LABELS) != (int)labels)
		abort();
	for (i = 0; i < labels; i++) {
		if (sfx[i].key != dnsname_key(out + sfx[i].offset, 42))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	fuzz_list(buf, size, 0);
	fuzz_list(buf, size, DOMLIST_URLS_AS_HOSTS);
	if (size <= 2 * DNSNAME_BUF)
		fuzz_name(buf, size);
	return 0;
}
