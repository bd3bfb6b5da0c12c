// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Acceptance of a feed update (lib/feedcheck.h). */
#include <stdio.h>

#include "lib/config.h"
#include "lib/feedcheck.h"
#include "lib/listparse.h"

struct check_ctx {
	const struct feed_check *c;
	size_t n;
	unsigned int line; /* the entry a guard refused, 0: none */
	char why[FEED_GUARD_WHY_MAX];
};

static const struct feed_guard *active_guard(const struct feed_check *c)
{
	return c->allow ? NULL : c->guard;
}

int feed_check_ip_entry(const struct feed_check *c, const struct ip_prefix *p, char *why,
			size_t whylen)
{
	const struct feed_guard *g = active_guard(c);

	if (!g || !feed_guard_ip(g, p, why, whylen))
		return 0;
	/*
	 * CrowdSec decisions are the office's own verdicts, one by one (a
	 * local ban of a LAN host is normal): a decision the bridge must not
	 * apply is left out, not a reason to drop every other decision.
	 */
	return c->format == UTM_FMT_CROWDSEC ? 1 : -1;
}

static int check_ip(const struct ip_prefix *p, unsigned int line, void *arg)
{
	struct check_ctx *x = arg;
	int rc = feed_check_ip_entry(x->c, p, x->why, sizeof(x->why));

	if (rc < 0) {
		x->line = line;
		return -1;
	}
	x->n += rc == 0;
	return 0;
}

int feed_check_domain_entry(const struct feed_check *c, const struct dom_entry *e, char *why,
			    size_t whylen)
{
	const struct feed_guard *g = active_guard(c);

	if (!g || e->allow)
		return 0;
	if (c->kind == UTM_LIST_KIND_URLS || c->format == UTM_FMT_URLHAUS_CSV)
		return feed_guard_name_protected(g, e->name) ? 1 : 0;
	return feed_guard_domain(g, e, why, whylen) ? -1 : 0;
}

static int check_domain(const struct dom_entry *e, unsigned int line, void *arg)
{
	struct check_ctx *x = arg;
	int rc = feed_check_domain_entry(x->c, e, x->why, sizeof(x->why));

	if (rc < 0) {
		x->line = line;
		return -1;
	}
	x->n += rc == 0;
	return 0;
}

static long parse(const char *buf, size_t len, const struct feed_check *c, struct check_ctx *x,
		  char *why, size_t whylen)
{
	long rc;

	if (c->kind == UTM_LIST_KIND_IP) {
		struct iplist_error err = { 0 };

		rc = listparse_ip(buf, len, c->format, c->etrep, check_ip, x, &err);
		if (rc < 0 && !x->line)
			snprintf(why, whylen, "%u: %s (%u bad line%s)", err.line, err.reason,
				 err.bad_lines, err.bad_lines == 1 ? "" : "s");
	} else {
		struct domlist_error err = { 0 };
		enum domlist_policy policy =
			c->refuse_invalid ? DOMLIST_REFUSE_BAD : DOMLIST_SKIP_BAD;

		rc = listparse_domains(buf, len, c->format, policy, c->kind == UTM_LIST_KIND_URLS,
				       check_domain, x, &err);
		if (rc < 0 && !x->line)
			snprintf(why, whylen, "%u: %s (%u bad line%s)", err.line, err.reason,
				 err.bad_lines + err.unsupported,
				 err.bad_lines + err.unsupported == 1 ? "" : "s");
	}
	if (x->line)
		snprintf(why, whylen, "%u: %s", x->line, x->why);
	return x->line ? -1 : rc;
}

static int check_count(const struct feed_check *c, size_t n, char *why, size_t whylen)
{
	if (!n && !c->allow_empty) {
		snprintf(why, whylen, "the feed has no entry (an empty or garbled download?)");
		return -1;
	}
	if (c->prev < 0 || c->allow_empty)
		return 0;
	return feed_guard_size((size_t)c->prev, n, c->max_change_pct / 100.0, why, whylen);
}

int feed_check(const char *buf, size_t len, const struct feed_check *c, size_t *entries,
	       char *why, size_t whylen)
{
	struct check_ctx x = { .c = c };

	if (parse(buf, len, c, &x, why, whylen) < 0)
		return -1;
	*entries = x.n;
	return check_count(c, x.n, why, whylen);
}
