// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Domain lists for the DNS guard. Real-world lists are messy, so by default
 * bad lines are skipped and reported (first file:line and a count); a list
 * configured with `invalid: refuse` is refused whole instead, like an IP list.
 */
#include <stdio.h>

#include "domains.h"
#include "lib/dnsname.h"
#include "lib/domlist.h"
#include "loader.h"

struct dom_ctx {
	const struct domain_src *s;
	struct domtable *t;
	__u64 seed;
	size_t n;
};

static int add_name(const struct dom_entry *e, unsigned int line, void *arg)
{
	struct dom_ctx *c = arg;

	c->n++;
	if (!c->t)
		return 0; /* validating only */
	/* An exception (@@||name^, rpz-passthru) allows, whatever list holds it. */
	return domtable_add(c->t, dnsname_key(e->name, c->seed), c->s->id, c->s->allow || e->allow,
			    e->covers_name, e->covers_sub);
}

static void report_skipped(const struct domain_src *s, const struct domlist_error *err)
{
	if (err->bad_lines || err->unsupported)
		log_warn("%s:%u: %s; %u bad and %u unsupported line%s of list %s skipped",
			 s->path, err->line, err->reason, err->bad_lines, err->unsupported,
			 err->bad_lines + err->unsupported == 1 ? "" : "s", s->name);
	if (err->ip_entries || err->single_label)
		log_info("list %s: %u IP address%s and %u single-label name%s skipped (IP "
			 "addresses belong in IP lists; a top-level domain is never blocked)",
			 s->name, err->ip_entries, err->ip_entries == 1 ? "" : "es",
			 err->single_label, err->single_label == 1 ? "" : "s");
}

int domains_parse(const char *buf, size_t len, const struct domain_src *s, __u64 seed,
		  struct domtable *t, size_t *entries, char *why, size_t whylen)
{
	unsigned int flags = s->urls ? DOMLIST_URLS_AS_HOSTS : 0;
	enum domlist_policy policy = s->refuse_invalid ? DOMLIST_REFUSE_BAD : DOMLIST_SKIP_BAD;
	struct dom_ctx c = { .s = s, .seed = seed };
	struct domlist_error err = { 0 };

	/* Refusing: check the whole list first, so a refused list adds nothing. */
	if (policy == DOMLIST_REFUSE_BAD && domlist_parse(buf, len, policy, flags, add_name, &c,
							  &err) < 0) {
		snprintf(why, whylen, "%u: %s (%u bad line%s)", err.line, err.reason,
			 err.bad_lines + err.unsupported,
			 err.bad_lines + err.unsupported == 1 ? "" : "s");
		return -1;
	}
	c.t = t;
	c.n = 0;
	if (domlist_parse(buf, len, policy, flags, add_name, &c, &err) < 0) {
		snprintf(why, whylen, "%u: %s", err.line, err.reason);
		return -1;
	}
	report_skipped(s, &err);
	*entries = c.n;
	return 0;
}
