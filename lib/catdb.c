// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The web category database (see catdb.h).
 *
 * Three open-addressing tables of 12-byte slots (a 64-bit key and up to
 * four category ids), linear probing, key 0 = empty, grown by doubling at
 * 60% load so that a miss (most suffixes of most hosts) stays a short scan:
 *   dom    key of a domain name -> categories
 *   url    key of (host, path) -> categories
 *   uhost  key of a host that has URL entries: a host without any costs a
 *          URL lookup one probe per label, not one per label and segment
 * Only hashes are kept. Two different names share a key with probability
 * 2^-64 per pair: with N entries a lookup of an unlisted name finds a false
 * match with probability about N / 2^64 per probe (5e-14 at 1M entries), so
 * a wrong category is not expected in the box's lifetime. The seed is random
 * per database, so nobody can craft a colliding name offline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <linux/types.h>

#include "bpf/dnshash.h"
#include "lib/catdb.h"
#include "lib/dnsname.h"

#define NO_CAT	  0xff
#define MIN_SLOTS 1024
/* Path prefixes probed per lookup: the empty one and one per segment. */
#define MAX_BOUNDS (CATDB_URL_MAX_SEGMENTS + 1)

struct slot {
	uint64_t key;
	uint8_t cats[CATDB_CATS_PER_NAME];
} __attribute__((packed));

struct table {
	struct slot *s;
	size_t mask; /* slots - 1; 0 when not allocated */
	size_t used;
};

struct catdb {
	uint64_t seed;
	struct table dom, url, uhost;
	struct catdb_category *cats;
	unsigned int ncats, capcats;
	unsigned int max_depth; /* most path segments of any URL entry */
	unsigned long dropped;
};

/* ---- Tables ------------------------------------------------------------ */

static struct slot *probe(const struct table *t, uint64_t key)
{
	size_t i;

	if (!t->mask)
		return NULL;
	for (i = key & t->mask;; i = (i + 1) & t->mask) {
		if (t->s[i].key == key || t->s[i].key == 0)
			return &t->s[i];
	}
}

static const struct slot *find(const struct table *t, uint64_t key)
{
	const struct slot *s = probe(t, key);

	return s && s->key ? s : NULL;
}

static int grow(struct table *t)
{
	size_t n = t->mask ? (t->mask + 1) * 2 : MIN_SLOTS, i;
	struct table nt = {.mask = n - 1, .used = t->used};

	nt.s = calloc(n, sizeof(*nt.s));
	if (!nt.s)
		return -1;
	for (i = 0; t->mask && i <= t->mask; i++)
		if (t->s[i].key)
			*probe(&nt, t->s[i].key) = t->s[i];
	free(t->s);
	*t = nt;
	return 0;
}

/*
 * Add cat to key's slot. Returns 1 when the key is new, 0 when it existed
 * (cat added to its list, or already there, or dropped), -1 out of memory.
 */
static int table_add(struct catdb *db, struct table *t, uint64_t key, uint8_t cat)
{
	struct slot *s;
	int i;

	if ((t->used + 1) * 5 > (t->mask + 1) * 3 && grow(t))
		return -1;
	s = probe(t, key);
	if (!s->key) {
		s->key = key;
		memset(s->cats, NO_CAT, sizeof(s->cats));
		s->cats[0] = cat;
		t->used++;
		return 1;
	}
	for (i = 0; i < CATDB_CATS_PER_NAME; i++) {
		if (s->cats[i] == cat)
			return 0;
		if (s->cats[i] == NO_CAT) {
			s->cats[i] = cat;
			return 0;
		}
	}
	db->dropped++;
	return 0;
}

static size_t table_bytes(const struct table *t)
{
	return t->mask ? (t->mask + 1) * sizeof(struct slot) : 0;
}

/* ---- Keys -------------------------------------------------------------- */

static uint64_t nonzero(uint64_t k)
{
	return k ? k : 1;
}

static uint64_t suffix_key(uint64_t h)
{
	return nonzero(dnshash_finish(h));
}

/* A (host, path prefix) pair: the host's key mixed with the path's running hash. */
static uint64_t url_key(uint64_t hostkey, uint64_t pathhash)
{
	return nonzero(dnshash_finish(hostkey * 0x9e3779b97f4a7c15ULL ^ dnshash_finish(pathhash)));
}

/* Trim one trailing dot; an IP address (only it) matches as a whole. */
static size_t host_len(const char *host, size_t len)
{
	if (len && host[len - 1] == '.')
		len--;
	return len;
}

/*
 * Last byte a digit or any ':': maybe an address (no top-level domain is
 * numeric), so ask dnsname_is_ip; names skip its copy and inet_pton.
 */
static int host_is_ip(const char *host, size_t len)
{
	if (!len)
		return 0;
	if ((host[len - 1] < '0' || host[len - 1] > '9') && !memchr(host, ':', len))
		return 0;
	return dnsname_is_ip(host, len);
}

static uint64_t name_key(const struct catdb *db, const char *name, size_t len)
{
	uint64_t h = db->seed;

	while (len)
		h = dnshash_step(h, (__u8)name[--len]);
	return suffix_key(h);
}

/*
 * Keys of host and each parent, longest first: keys[i] for the suffix at
 * offs[i]. An address gives only itself. Returns how many.
 */
static int host_suffixes(const struct catdb *db, const char *host, size_t len, uint64_t *keys,
			 size_t *offs)
{
	uint64_t h = db->seed, tmp[DNSNAME_MAX_LABELS + 1];
	size_t toff[DNSNAME_MAX_LABELS + 1], i = len;
	int n = 0, k;

	if (!len)
		return 0;
	if (host_is_ip(host, len)) {
		keys[0] = name_key(db, host, len);
		offs[0] = 0;
		return 1;
	}
	/* Backwards: each label start gives a parent's key, shortest first. */
	while (i) {
		h = dnshash_step(h, (__u8)host[--i]);
		if ((i == 0 || host[i - 1] == '.') && n < DNSNAME_MAX_LABELS + 1) {
			tmp[n] = suffix_key(h);
			toff[n++] = i;
		}
	}
	for (k = 0; k < n; k++) {
		keys[k] = tmp[n - 1 - k];
		offs[k] = toff[n - 1 - k];
	}
	return n;
}

/* ---- Categories -------------------------------------------------------- */

struct catdb *catdb_new(void)
{
	struct catdb *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	if (getrandom(&db->seed, sizeof(db->seed), GRND_NONBLOCK) != sizeof(db->seed))
		db->seed = 0x5be9c3b2a1d0f7e5ULL; /* early boot: keys still work, only guessable */
	return db;
}

void catdb_free(struct catdb *db)
{
	if (!db)
		return;
	free(db->dom.s);
	free(db->url.s);
	free(db->uhost.s);
	free(db->cats);
	free(db);
}

/* Copy src into an empty dst, cut on a UTF-8 character boundary when too long. */
static void set_text(char *dst, size_t size, const char *src)
{
	size_t n;

	if (!src || !*src || *dst)
		return;
	n = strlen(src);
	if (n >= size) {
		n = size - 1;
		while (n && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int catdb_find_category(const struct catdb *db, const char *name)
{
	unsigned int i;

	for (i = 0; i < db->ncats; i++)
		if (!strcmp(db->cats[i].name, name))
			return (int)i;
	return -1;
}

int catdb_add_category(struct catdb *db, const char *name, const char *name_en, const char *desc_en,
		       const char *desc_fr, const char *default_type)
{
	struct catdb_category *c;
	const char *ja;
	int id;

	if (!name || !*name || strlen(name) >= CATDB_NAME_MAX)
		return -1;
	id = catdb_find_category(db, name);
	if (id < 0) {
		if (db->ncats >= CATDB_MAX_CATS)
			return -1;
		if (db->ncats == db->capcats) {
			unsigned int n = db->capcats ? db->capcats * 2 : 16;

			c = realloc(db->cats, n * sizeof(*c));
			if (!c)
				return -1;
			db->cats = c;
			db->capcats = n;
		}
		id = (int)db->ncats++;
		memset(&db->cats[id], 0, sizeof(db->cats[id]));
		snprintf(db->cats[id].name, sizeof(db->cats[id].name), "%s", name);
	}
	c = &db->cats[id];
	/* A placeholder English name (the short name) gives way to a real one. */
	if (name_en && *name_en && !strcmp(c->name_en, c->name))
		c->name_en[0] = '\0';
	set_text(c->name_en, sizeof(c->name_en), name_en);
	set_text(c->name_en, sizeof(c->name_en), name);
	set_text(c->desc_en, sizeof(c->desc_en), desc_en);
	set_text(c->desc_fr, sizeof(c->desc_fr), desc_fr);
	set_text(c->default_type, sizeof(c->default_type), default_type);
	ja = catdb_ja_name(name);
	c->name_ja[0] = '\0';
	set_text(c->name_ja, sizeof(c->name_ja), ja ? ja : c->name_en);
	return id;
}

const struct catdb_category *catdb_category(const struct catdb *db, int id)
{
	return id >= 0 && (unsigned int)id < db->ncats ? &db->cats[id] : NULL;
}

unsigned int catdb_ncategories(const struct catdb *db)
{
	return db->ncats;
}

/* ---- Entries ----------------------------------------------------------- */

int catdb_add_domain(struct catdb *db, const char *name, size_t len, uint8_t cat)
{
	int rc;

	len = host_len(name, len);
	if (!len || cat >= db->ncats)
		return -1;
	rc = table_add(db, &db->dom, name_key(db, name, len), cat);
	if (rc > 0)
		db->cats[cat].domains++;
	return rc < 0 ? -1 : 0;
}

static int is_bound(char c)
{
	return c == '/' || c == '?' || c == '#';
}

static uint64_t path_step(uint64_t h, char c)
{
	return dnshash_step(h, (__u8)c);
}

int catdb_add_url(struct catdb *db, const char *url, size_t len, uint8_t cat)
{
	const char *slash = memchr(url, '/', len), *path;
	size_t hlen = slash ? (size_t)(slash - url) : len, plen, i;
	unsigned int depth = 0;
	uint64_t hk, ph = db->seed;
	int rc;

	if (cat >= db->ncats)
		return -1;
	path = slash ? slash : url + len;
	plen = (size_t)(url + len - path);
	while (plen && *path == '/')
		path++, plen--;
	while (plen && path[plen - 1] == '/')
		plen--;
	hlen = host_len(url, hlen);
	if (!hlen)
		return -1;
	for (i = 0; i < plen; i++) {
		ph = path_step(ph, path[i]);
		depth += is_bound(path[i]);
	}
	depth += plen > 0;
	if (depth > CATDB_URL_MAX_SEGMENTS)
		return -1;
	hk = name_key(db, url, hlen);
	if (table_add(db, &db->uhost, hk, 0) < 0)
		return -1;
	rc = table_add(db, &db->url, url_key(hk, ph), cat);
	if (rc < 0)
		return -1;
	if (rc > 0)
		db->cats[cat].urls++;
	if (depth > db->max_depth)
		db->max_depth = depth;
	return 0;
}

static void fill_match(struct catdb_match *m, const struct slot *s, size_t off, size_t plen,
		       int is_url)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->cat = -1;
	if (!s)
		return;
	for (i = 0; i < CATDB_CATS_PER_NAME && s->cats[i] != NO_CAT; i++)
		m->cats[m->ncats++] = s->cats[i];
	m->cat = m->cats[0];
	m->host_off = off;
	m->path_len = plen;
	m->is_url = is_url;
}

int catdb_match_host(const struct catdb *db, const char *host, size_t len, struct catdb_match *m)
{
	uint64_t keys[DNSNAME_MAX_LABELS + 1];
	size_t offs[DNSNAME_MAX_LABELS + 1];
	const struct slot *s = NULL;
	struct catdb_match tmp;
	int n, i;

	if (!m)
		m = &tmp;
	len = host_len(host, len);
	n = db->dom.used ? host_suffixes(db, host, len, keys, offs) : 0;
	for (i = 0; i < n && !(s = find(&db->dom, keys[i])); i++)
		;
	fill_match(m, s, s ? offs[i] : 0, 0, 0);
	return m->cat;
}

int catdb_lookup_host(const struct catdb *db, const char *host, size_t len)
{
	return catdb_match_host(db, host, len, NULL);
}

/*
 * Running hashes of the path's prefixes that end on a boundary, shortest
 * (the empty path) first, at most max_depth + 1 of them.
 */
static int path_prefixes(const struct catdb *db, const char *path, size_t len, uint64_t *ph,
			 size_t *plen)
{
	uint64_t h = db->seed;
	unsigned int limit = db->max_depth + 1 < MAX_BOUNDS ? db->max_depth + 1 : MAX_BOUNDS;
	unsigned int n = 0;
	size_t i;

	ph[n] = h;
	plen[n++] = 0;
	for (i = 0; i < len && n < limit; i++) {
		if (is_bound(path[i]) && i > 0) {
			ph[n] = h;
			plen[n++] = i;
			if (n == limit)
				break;
		}
		h = path_step(h, path[i]);
	}
	if (i == len && len && n < limit) {
		ph[n] = h;
		plen[n++] = len;
	}
	return (int)n;
}

int catdb_match_url(const struct catdb *db, const char *host, size_t hostlen, const char *path,
		    size_t pathlen, struct catdb_match *m)
{
	uint64_t keys[DNSNAME_MAX_LABELS + 1], ph[MAX_BOUNDS];
	size_t offs[DNSNAME_MAX_LABELS + 1], plen[MAX_BOUNDS];
	struct catdb_match tmp;
	const struct slot *s;
	size_t skip = 0;
	int n, np, i, j;

	if (!m)
		m = &tmp;
	hostlen = host_len(host, hostlen);
	n = db->url.used ? host_suffixes(db, host, hostlen, keys, offs) : 0;
	while (skip < pathlen && path[skip] == '/')
		skip++;
	path += skip;
	pathlen -= skip;
	np = n ? path_prefixes(db, path, pathlen, ph, plen) : 0;
	for (i = 0; i < n; i++) {
		if (!find(&db->uhost, keys[i]))
			continue;
		for (j = np - 1; j >= 0; j--) {
			s = find(&db->url, url_key(keys[i], ph[j]));
			if (s) {
				fill_match(m, s, offs[i], skip + plen[j], 1);
				return m->cat;
			}
		}
	}
	return catdb_match_host(db, host, hostlen, m);
}

int catdb_lookup_url(const struct catdb *db, const char *host, size_t hostlen, const char *path,
		     size_t pathlen)
{
	return catdb_match_url(db, host, hostlen, path, pathlen, NULL);
}

size_t catdb_memory(const struct catdb *db)
{
	return sizeof(*db) + table_bytes(&db->dom) + table_bytes(&db->url) +
	       table_bytes(&db->uhost) + db->capcats * sizeof(*db->cats);
}

void catdb_get_stats(const struct catdb *db, struct catdb_stats *st)
{
	st->domains = db->dom.used;
	st->urls = db->url.used;
	st->dropped = db->dropped;
	st->categories = db->ncats;
}
