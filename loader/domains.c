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
#include "lib/listparse.h"
#include "loader.h"

struct dom_ctx {
	const struct domain_src *s;
	struct domtable *t;
	__u64 seed;
	size_t n;
	size_t protected_hosts; /* URL hosts under a protected name: left out */
};

static int add_name(const struct dom_entry *e, unsigned int line, void *arg)
{
	struct dom_ctx *c = arg;

	if (c->s->check && feed_check_domain_entry(c->s->check, e, NULL, 0)) {
		c->protected_hosts++; /* feed_check refused the others before */
		return 0;
	}
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
	enum domlist_policy policy = s->refuse_invalid ? DOMLIST_REFUSE_BAD : DOMLIST_SKIP_BAD;
	struct dom_ctx c = { .s = s, .seed = seed };
	struct domlist_error err = { 0 };
	long rc;

	/* Refusing: check the whole list first, so a refused list adds nothing. */
	if (policy == DOMLIST_REFUSE_BAD &&
	    listparse_domains(buf, len, s->format, policy, s->urls, add_name, &c, &err) < 0) {
		snprintf(why, whylen, "%u: %s (%u bad line%s)", err.line, err.reason,
			 err.bad_lines + err.unsupported,
			 err.bad_lines + err.unsupported == 1 ? "" : "s");
		return -1;
	}
	c.t = t;
	c.n = 0;
	c.protected_hosts = 0;
	rc = listparse_domains(buf, len, s->format, policy, s->urls, add_name, &c, &err);
	if (rc < 0) {
		snprintf(why, whylen, "%u: %s", err.line, err.reason);
		return -1;
	}
	report_skipped(s, &err);
	if (c.protected_hosts)
		log_info("list %s: %zu URL host%s under protected names left to URL matching (a "
			 "malicious URL on a big site must not block the site)",
			 s->name, c.protected_hosts, c.protected_hosts == 1 ? "" : "s");
	*entries = c.n;
	return 0;
}
