// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * AdBlock-style rules in domain lists. Only domain rules mean anything to a
 * DNS guard: "||name^" blocks the name and every name below it, "@@||name^"
 * allows them, with any options after '^' ignored. Rules on paths, wildcards
 * and the like match URLs, which DNS never sees: they are unsupported, except
 * that in a urls list a URL rule stands for its host (name only), as a URL
 * line does. Allow rules stay strict: allowing a whole host because one of
 * its URLs is allowed would let everything else on it through.
 */
#include <string.h>

#include "lib/domlist_priv.h"

/* Where the name of "||name..." ends. */
static int ends_host(char c)
{
	return c == '^' || c == '/' || c == '$' || c == '|' || c == '*' || c == ':' || c == '?' ||
	       c == '\0';
}

/*
 * "$opt1,opt2=x,...": only $badfilter matters, because it cancels the
 * rule it repeats; the others refine where a URL rule applies.
 */
static int has_badfilter(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t e = i;

		while (e < n && s[e] != ',')
			e++;
		if (e - i == 9 && strncasecmp(s + i, "badfilter", 9) == 0)
			return 1;
		i = e + 1;
	}
	return 0;
}

/* What follows the name: "", "^", "^|", optionally then "$options". NULL if fine. */
static const char *after_name(const char *p, const char *end)
{
	if (p < end && *p == '^') {
		p++;
		if (p < end && *p == '|')
			p++;
	}
	if (p == end)
		return NULL;
	if (*p != '$')
		return "AdBlock rule that is not a domain rule";
	if (has_badfilter(p + 1, (size_t)(end - p - 1)))
		return "AdBlock $badfilter rule";
	return NULL;
}

/* "||host/path..." or "||host:port...": a URL rule. */
static void url_rule(struct dl_parser *ps, const char *tok, size_t n, const char *host, size_t hn,
		     int allow)
{
	if ((ps->flags & DOMLIST_URLS_AS_HOSTS) && !allow)
		dl_emit(ps, host, hn, DL_NAME);
	else
		dl_unsupported(ps, "AdBlock rule with a path or port", tok, n);
}

void dl_adblock_line(struct dl_parser *ps, const char *s, size_t n)
{
	struct dl_field f[2];
	const char *p, *end, *host, *why;
	int allow;

	/* A blank can only start a trailing comment ("||x^ # why"). */
	if (dl_split(s, n, f, 2) != 1) {
		dl_unsupported(ps, "AdBlock rule with blanks", s, n);
		return;
	}
	p = f[0].s;
	end = p + f[0].n;
	allow = end - p >= 2 && p[0] == '@' && p[1] == '@';
	if (allow)
		p += 2;
	if (end - p < 2 || p[0] != '|' || p[1] != '|') {
		dl_unsupported(ps, "AdBlock rule that is not a domain rule", f[0].s, f[0].n);
		return;
	}
	host = p += 2;
	while (p < end && !ends_host(*p))
		p++;
	if (p < end && (*p == '/' || *p == ':')) {
		url_rule(ps, f[0].s, f[0].n, host, (size_t)(p - host), allow);
		return;
	}
	why = p < end && *p == '*' ? "AdBlock rule with a wildcard" : after_name(p, end);
	if (why)
		dl_unsupported(ps, why, f[0].s, f[0].n);
	else
		dl_emit(ps, host, (size_t)(p - host), DL_NAME | DL_SUB | (allow ? DL_ALLOW : 0));
}
