// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Site lists for the inspector (inspect/sitelists.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/sitelists.h"
#include "lib/domlist.h"
#include "lib/feedfmt.h"
#include "lib/fileutil.h"
#include "lib/log.h"

struct add_ctx {
	struct catdb *db;
	uint8_t cat;
	long n;
};

static int add_domain(const struct dom_entry *e, unsigned int line, void *arg)
{
	struct add_ctx *c = arg;

	/* An exception line inside a block list is the allow list's business: not here. */
	if (e->allow)
		return 0;
	if (catdb_add_domain(c->db, e->name, strlen(e->name), c->cat) == 0)
		c->n++;
	return 0;
}

/* "https://user@host:port/path?q" -> "host/path?q" in out; 0, or -1 when no host. */
static int url_key(const char *u, size_t n, char *out, size_t cap)
{
	const char *end = u + n, *p = u, *host, *host_end, *at;
	size_t hl, rest;

	for (const char *s = u; s + 2 < end; s++)
		if (s[0] == ':' && s[1] == '/' && s[2] == '/') {
			p = s + 3;
			break;
		}
	host = p;
	while (p < end && *p != '/' && *p != '?' && *p != '#')
		p++;
	host_end = p;
	at = memchr(host, '@', (size_t)(host_end - host));
	if (at)
		host = at + 1;
	/* the port goes; an IPv6 literal keeps its colons */
	for (const char *s = host_end; s > host && *host != '['; s--)
		if (s[-1] == ':') {
			host_end = s - 1;
			break;
		}
	hl = (size_t)(host_end - host);
	rest = (size_t)(end - p);
	if (!hl || hl + rest + 1 > cap)
		return -1;
	memcpy(out, host, hl);
	memcpy(out + hl, p, rest);
	out[hl + rest] = '\0';
	return 0;
}

static int add_url_text(struct add_ctx *c, const char *u, size_t n)
{
	char key[2048];

	while (n && (u[n - 1] == '\r' || u[n - 1] == ' ' || u[n - 1] == '\t'))
		n--;
	while (n && (*u == ' ' || *u == '\t')) {
		u++;
		n--;
	}
	if (!n || *u == '#' || url_key(u, n, key, sizeof(key)))
		return 0;
	if (catdb_add_url(c->db, key, strlen(key), c->cat) == 0)
		c->n++;
	return 0;
}

static int add_urlhaus_row(const struct urlhaus_row *row, unsigned int line, void *arg)
{
	return add_url_text(arg, row->url, row->url_len);
}

long sitelists_parse(struct catdb *db, int cat, int kind, int format, const char *buf, size_t len)
{
	struct add_ctx c = {db, (uint8_t)cat, 0};
	struct domlist_error err;
	size_t pos = 0;

	if (kind == UTM_LIST_KIND_DOMAINS) {
		if (domlist_parse(buf, len, DOMLIST_SKIP_BAD, 0, add_domain, &c, &err) < 0)
			return -1;
		return c.n;
	}
	if (format == UTM_FMT_URLHAUS_CSV) {
		if (urlhaus_csv_rows(buf, len, add_urlhaus_row, &c, &err) < 0)
			return -1;
		return c.n;
	}
	/* A plain URL list: one per line. */
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		add_url_text(&c, buf + pos, end - pos);
		pos = end + 1;
	}
	return c.n;
}

static int load_list(struct sitelists *s, const struct utm_list_cfg *l)
{
	struct catdb *db = l->allow ? s->allow : s->block;
	char *buf;
	size_t len;
	long n;
	int cat;

	cat = catdb_add_category(db, l->name, l->name, NULL, NULL, l->allow ? "white" : "black");
	if (cat < 0)
		return -1;
	buf = file_read_all(l->path, &len);
	if (!buf) {
		/* A feed not fetched yet, or a list removed: the others still apply. */
		log_warn("site list %s: %s: %s", l->name, l->path, strerror(errno));
		s->failed++;
		return 0;
	}
	n = sitelists_parse(db, cat, l->kind, l->feed.format, buf, len);
	free(buf);
	if (n < 0) {
		log_warn("site list %s: %s: not a list this inspector reads", l->name, l->path);
		s->failed++;
		return 0;
	}
	s->lists++;
	if (l->kind == UTM_LIST_KIND_DOMAINS)
		s->domains += (unsigned long)n;
	else
		s->urls += (unsigned long)n;
	return 0;
}

int sitelists_load(struct sitelists *s, const struct utm_cfg *cfg)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->block = catdb_new();
	s->allow = catdb_new();
	if (!s->block || !s->allow)
		goto nomem;
	for (i = 0; i < cfg->nlists; i++) {
		const struct utm_list_cfg *l = &cfg->lists[i];

		if (l->kind != UTM_LIST_KIND_DOMAINS && l->kind != UTM_LIST_KIND_URLS)
			continue;
		if (load_list(s, l))
			goto nomem;
	}
	return 0;
nomem:
	sitelists_free(s);
	return -1;
}

void sitelists_free(struct sitelists *s)
{
	catdb_free(s->block);
	catdb_free(s->allow);
	memset(s, 0, sizeof(*s));
}
