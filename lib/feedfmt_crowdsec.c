// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * CrowdSec LAPI decisions stream (see feedfmt.h), and the set of current
 * decisions that the loader merges the stream answers into and keeps on disk
 * as a plain IP list. The body is handed to jansson with its length, so
 * nothing is read past it.
 *
 * The set is a dense array of items plus an open-addressing index (linear
 * probing, backward-shift deletion) keyed by the binary prefix: apply is
 * O(1), render sorts once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "lib/feedfmt.h"
#include "fnv.h"

#define STR_(x) #x
#define STR(x)	STR_(x)

/* ---- The stream -------------------------------------------------------- */

enum verdict { DEC_OK, DEC_SCOPE, DEC_TYPE, DEC_BAD };

struct stream {
	crowdsec_fn fn;
	void *ctx;
	struct crowdsec_stats st;
	int stop; /* fn's non-zero return, which ends the parse */
};

static void copy_string(char *dst, size_t size, json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";

	snprintf(dst, size, "%s", s);
}

static int string_is(json_t *v, const char *word)
{
	return json_is_string(v) && strcasecmp(json_string_value(v), word) == 0;
}

/* Fill d from one element of an array: DEC_OK or why it is not passed on (*why for DEC_BAD). */
static enum verdict read_decision(json_t *o, struct crowdsec_decision *d, const char **why)
{
	json_t *scope = json_object_get(o, "scope"), *type = json_object_get(o, "type");
	json_t *value = json_object_get(o, "value"), *id = json_object_get(o, "id");

	*why = NULL;
	if (!json_is_object(o))
		*why = "not an object";
	else if (!json_is_string(scope))
		*why = "no \"scope\" string";
	else if (!json_is_string(type))
		*why = "no \"type\" string";
	if (*why)
		return DEC_BAD;
	if (!string_is(scope, "ip") && !string_is(scope, "range"))
		return DEC_SCOPE;
	if (!string_is(type, "ban"))
		return DEC_TYPE;
	if (!json_is_string(value)) {
		*why = "no \"value\" string";
		return DEC_BAD;
	}
	if (feedfmt_prefix_parse(json_string_value(value), json_string_length(value), &d->prefix)) {
		*why = "value is not an IP address or CIDR";
		return DEC_BAD;
	}
	d->id = json_is_integer(id) ? json_integer_value(id) : 0;
	copy_string(d->scenario, sizeof(d->scenario), json_object_get(o, "scenario"));
	copy_string(d->origin, sizeof(d->origin), json_object_get(o, "origin"));
	copy_string(d->duration, sizeof(d->duration), json_object_get(o, "duration"));
	return DEC_OK;
}

static void count(unsigned int *v)
{
	if (*v < ~0u)
		(*v)++;
}

/* A decision that cannot be used: counted, the first one described. */
static void bad_decision(struct stream *sp, const char *array, size_t i, const char *why, json_t *o)
{
	json_t *value = json_object_get(o, "value");

	count(&sp->st.bad);
	if (sp->st.bad > 1)
		return;
	if (json_is_string(value))
		snprintf(sp->st.reason, sizeof(sp->st.reason), "%s[%zu]: %s: \"%.64s\"", array, i,
			 why, json_string_value(value));
	else
		snprintf(sp->st.reason, sizeof(sp->st.reason), "%s[%zu]: %s", array, i, why);
}

static void decision(struct stream *sp, const char *array, size_t i, json_t *o, int deleted)
{
	struct crowdsec_decision d;
	const char *why;

	memset(&d, 0, sizeof(d));
	d.deleted = deleted;
	switch (read_decision(o, &d, &why)) {
	case DEC_SCOPE:
		count(&sp->st.skipped_scope);
		return;
	case DEC_TYPE:
		count(&sp->st.skipped_type);
		return;
	case DEC_BAD:
		bad_decision(sp, array, i, why, o);
		return;
	case DEC_OK:
		break;
	}
	count(deleted ? &sp->st.deleted : &sp->st.added);
	if (sp->fn)
		sp->stop = sp->fn(&d, sp->ctx);
}

/* Missing and null mean "none"; anything else but an array is refused. */
static int check_array(struct stream *sp, json_t *root, const char *name)
{
	json_t *a = json_object_get(root, name);

	if (!a || json_is_null(a) || json_is_array(a))
		return 0;
	snprintf(sp->st.reason, sizeof(sp->st.reason), "\"%s\" is not an array", name);
	return -1;
}

static void walk_array(struct stream *sp, json_t *root, const char *name, int deleted)
{
	json_t *a = json_object_get(root, name);
	size_t i;

	for (i = 0; i < json_array_size(a) && !sp->stop; i++)
		decision(sp, name, i, json_array_get(a, i), deleted);
}

/* The parsed body: 0, -1 (shape refused) or fn's non-zero return. */
static int walk_body(struct stream *sp, json_t *root)
{
	if (!json_is_object(root)) {
		snprintf(sp->st.reason, sizeof(sp->st.reason), "not a JSON object");
		return -1;
	}
	if (check_array(sp, root, "deleted") || check_array(sp, root, "new"))
		return -1;
	/* Deletions first: a value deleted and re-added in one answer stays. */
	walk_array(sp, root, "deleted", 1);
	walk_array(sp, root, "new", 0);
	return sp->stop;
}

int crowdsec_stream_parse(const char *buf, size_t len, crowdsec_fn fn, void *ctx,
			  struct crowdsec_stats *st)
{
	struct stream sp = {.fn = fn, .ctx = ctx};
	json_error_t jerr;
	json_t *root;
	int ret;

	if (!buf && len) {
		snprintf(sp.st.reason, sizeof(sp.st.reason), "no buffer");
		ret = -1;
	} else if (!(root = json_loadb(buf ? buf : "", len, 0, &jerr))) {
		snprintf(sp.st.reason, sizeof(sp.st.reason), "not JSON: %.100s at line %d",
			 jerr.text, jerr.line);
		ret = -1;
	} else {
		ret = walk_body(&sp, root);
		json_decref(root);
	}
	if (st)
		*st = sp.st;
	return ret;
}

/* ---- The set ----------------------------------------------------------- */

struct cs_item {
	struct ip_prefix prefix;
	long long id;
	char origin[32];
	char scenario[128];
};

struct crowdsec_set {
	struct cs_item *items; /* dense: items[0..n) */
	size_t n, cap;
	uint32_t *slots; /* index + 1 of an item, 0 when free */
	size_t nslots;	 /* a power of two, kept at most 3/4 full */
};

#define MIN_SLOTS 64

struct crowdsec_set *crowdsec_set_new(void)
{
	struct crowdsec_set *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->slots = calloc(MIN_SLOTS, sizeof(*s->slots));
	if (!s->slots) {
		free(s);
		return NULL;
	}
	s->nslots = MIN_SLOTS;
	return s;
}

void crowdsec_set_free(struct crowdsec_set *s)
{
	if (!s)
		return;
	free(s->items);
	free(s->slots);
	free(s);
}

size_t crowdsec_set_count(const struct crowdsec_set *s)
{
	return s ? s->n : 0;
}

/* FNV-1a over the prefix, then mixed so the low bits (the slot) are spread. */
static size_t prefix_hash(const struct ip_prefix *p)
{
	uint64_t h = fnv1a64(FNV1A64_INIT, p, sizeof(*p));

	h ^= h >> 29;
	return (size_t)h;
}

static int same_prefix(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* The slot holding p, or the free slot where it would go. */
static size_t find_slot(const struct crowdsec_set *s, const struct ip_prefix *p)
{
	size_t mask = s->nslots - 1, i = prefix_hash(p) & mask;

	while (s->slots[i] && !same_prefix(&s->items[s->slots[i] - 1].prefix, p))
		i = (i + 1) & mask;
	return i;
}

/* Room for one more item: 0, or -1 when out of memory (nothing changed). */
static int reserve(struct crowdsec_set *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct cs_item *items = realloc(s->items, cap * sizeof(*items));

		if (!items)
			return -1;
		s->items = items;
		s->cap = cap;
	}
	if ((s->n + 1) * 4 > s->nslots * 3) {
		size_t nslots = s->nslots * 2, i;
		uint32_t *old = s->slots;

		if (s->n + 1 > UINT32_MAX - 1)
			return -1;
		s->slots = calloc(nslots, sizeof(*s->slots));
		if (!s->slots) {
			s->slots = old;
			return -1;
		}
		s->nslots = nslots;
		for (i = 0; i < s->n; i++)
			s->slots[find_slot(s, &s->items[i].prefix)] = (uint32_t)(i + 1);
		free(old);
	}
	return 0;
}

/* Clear slot i, moving later entries of its probe run back into the hole. */
static void clear_slot(struct crowdsec_set *s, size_t i)
{
	size_t mask = s->nslots - 1, j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!s->slots[j])
			break;
		home = prefix_hash(&s->items[s->slots[j] - 1].prefix) & mask;
		/* Leave entries whose home lies cyclically in (i, j]: they are reachable. */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		s->slots[i] = s->slots[j];
		i = j;
	}
	s->slots[i] = 0;
}

static void remove_prefix(struct crowdsec_set *s, const struct ip_prefix *p)
{
	size_t slot = find_slot(s, p), idx, last;

	if (!s->slots[slot])
		return;
	idx = s->slots[slot] - 1;
	clear_slot(s, slot);
	last = s->n - 1;
	/* Keep the items dense: the last one takes the freed place. */
	if (idx != last) {
		s->slots[find_slot(s, &s->items[last].prefix)] = (uint32_t)(idx + 1);
		s->items[idx] = s->items[last];
	}
	s->n--;
}

/* Blanks would end the origin field of a rendered line: make them '_'. */
static void clean_origin(char *dst, size_t size, const char *src)
{
	size_t i;

	snprintf(dst, size, "%s", src);
	for (i = 0; dst[i]; i++) {
		if ((unsigned char)dst[i] <= ' ' || dst[i] == 0x7f)
			dst[i] = '_';
	}
}

/* The scenario ends a rendered line: no line breaks, no trailing blanks. */
static void clean_scenario(char *dst, size_t size, const char *src)
{
	size_t i, n;

	snprintf(dst, size, "%s", src);
	for (i = 0; dst[i]; i++) {
		if ((unsigned char)dst[i] < ' ' || dst[i] == 0x7f)
			dst[i] = '?';
	}
	for (n = i; n > 0 && dst[n - 1] == ' '; n--)
		dst[n - 1] = '\0';
}

/* Add or replace the item for prefix. */
static int put(struct crowdsec_set *s, const struct ip_prefix *prefix, long long id,
	       const char *origin, const char *scenario)
{
	struct cs_item *it;
	size_t slot;

	slot = find_slot(s, prefix);
	if (!s->slots[slot]) {
		if (reserve(s))
			return -1;
		/* reserve() may have grown the index: look again. */
		slot = find_slot(s, prefix);
		s->slots[slot] = (uint32_t)(++s->n);
	}
	it = &s->items[s->slots[slot] - 1];
	it->prefix = *prefix;
	it->id = id;
	clean_origin(it->origin, sizeof(it->origin), origin);
	clean_scenario(it->scenario, sizeof(it->scenario), scenario);
	return 0;
}

int crowdsec_set_apply(struct crowdsec_set *s, const struct crowdsec_decision *d)
{
	if (d->deleted) {
		remove_prefix(s, &d->prefix);
		return 0;
	}
	return put(s, &d->prefix, d->id, d->origin, d->scenario);
}

int crowdsec_set_apply_cb(const struct crowdsec_decision *d, void *ctx)
{
	return crowdsec_set_apply(ctx, d) ? -ENOMEM : 0;
}

/* IPv4 before IPv6, then by address, then the shorter prefix first. */
static int compare_items(const void *a, const void *b)
{
	const struct cs_item *x = *(const struct cs_item *const *)a;
	const struct cs_item *y = *(const struct cs_item *const *)b;
	int c;

	if (x->prefix.family != y->prefix.family)
		return x->prefix.family < y->prefix.family ? -1 : 1;
	c = memcmp(x->prefix.addr, y->prefix.addr, sizeof(x->prefix.addr));
	if (c)
		return c;
	return (int)x->prefix.prefixlen - (int)y->prefix.prefixlen;
}

/* Longest rendered line of an item, without origin and scenario. */
#define LINE_FIXED (64 + sizeof(" # crowdsec id= origin= scenario=\n") + 24)

char *crowdsec_set_render(const struct crowdsec_set *s, size_t *len)
{
	const struct cs_item **order;
	size_t i, size = 1, used = 0;
	char *out;

	order = malloc((s->n ? s->n : 1) * sizeof(*order));
	if (!order)
		return NULL;
	for (i = 0; i < s->n; i++) {
		order[i] = &s->items[i];
		size += LINE_FIXED + strlen(s->items[i].origin) + strlen(s->items[i].scenario);
	}
	qsort(order, s->n, sizeof(*order), compare_items);
	out = malloc(size);
	if (!out) {
		free(order);
		return NULL;
	}
	out[0] = '\0';
	for (i = 0; i < s->n; i++) {
		char value[64];

		ip_prefix_format(&order[i]->prefix, value, sizeof(value));
		used += (size_t)snprintf(out + used, size - used,
					 "%s # crowdsec id=%lld origin=%s scenario=%s\n", value,
					 order[i]->id, order[i]->origin, order[i]->scenario);
	}
	free(order);
	if (len)
		*len = used;
	return out;
}

/* ---- Reading a rendered set back --------------------------------------- */

/* "key=" at s[*i]: its value runs to the next blank (last: to the end). */
static int take_value(const char *s, size_t n, size_t *i, const char *key, int last, const char **v,
		      size_t *vn)
{
	size_t k = strlen(key), b;

	if (n - *i < k || memcmp(s + *i, key, k) != 0)
		return -1;
	b = *i + k;
	*i = b;
	while (!last && *i < n && s[*i] != ' ')
		(*i)++;
	if (last)
		*i = n;
	*v = s + b;
	*vn = *i - b;
	if (!last && *i < n)
		(*i)++; /* the blank */
	return 0;
}

/* A decimal id, maybe negative: 0 or -1. */
static int parse_id(const char *s, size_t n, long long *out)
{
	unsigned long long v = 0;
	size_t i = n && s[0] == '-';

	if (i == n || n - i > 18)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	*out = s[0] == '-' ? -(long long)v : (long long)v;
	return 0;
}

/* What a rendered line says after its value. */
struct annotation {
	long long id;
	char origin[32];
	char scenario[128];
};

static void copy_cut(char *dst, size_t size, const char *s, size_t n)
{
	size_t cut = n < size ? n : size - 1;

	memcpy(dst, s, cut);
	dst[cut] = '\0';
}

/* "# crowdsec id=ID origin=O scenario=S" (s[0..n) trimmed): 0 or -1. */
static int parse_annotation(const char *s, size_t n, struct annotation *a)
{
	static const char tag[] = "# crowdsec ";
	const char *v;
	size_t i = sizeof(tag) - 1, vn;

	memset(a, 0, sizeof(*a));
	if (n < i || memcmp(s, tag, i) != 0)
		return 1; /* some other comment: no annotation */
	if (take_value(s, n, &i, "id=", 0, &v, &vn) || parse_id(v, vn, &a->id))
		return -1;
	if (take_value(s, n, &i, "origin=", 0, &v, &vn))
		return -1;
	copy_cut(a->origin, sizeof(a->origin), v, vn);
	if (take_value(s, n, &i, "scenario=", 1, &v, &vn))
		return -1;
	copy_cut(a->scenario, sizeof(a->scenario), v, vn);
	return 0;
}

static int ends_value(char c)
{
	return c == ' ' || c == '\t' || c == '#';
}

/* One trimmed, non-blank, non-comment line into s: NULL, or why it is bad. */
static const char *load_line(struct crowdsec_set *s, const char *l, size_t n, int *oom)
{
	struct annotation a;
	struct ip_prefix p;
	size_t e = 0, b;

	if (n > IPLIST_MAX_LINE)
		return "line longer than " STR(IPLIST_MAX_LINE) " characters";
	while (e < n && !ends_value(l[e]))
		e++;
	if (feedfmt_prefix_parse(l, e, &p))
		return "not an IP address or CIDR";
	for (b = e; b < n && (l[b] == ' ' || l[b] == '\t'); b++)
		;
	if (b < n && l[b] != '#')
		return "text after the address is not a comment";
	if (parse_annotation(l + b, n - b, &a) < 0)
		return "bad crowdsec annotation (want id=ID origin=O scenario=S)";
	*oom = put(s, &p, a.id, a.origin, a.scenario) != 0;
	return NULL;
}

/* Swap the contents of two sets. */
static void swap_sets(struct crowdsec_set *a, struct crowdsec_set *b)
{
	struct crowdsec_set t = *a;

	*a = *b;
	*b = t;
}

long crowdsec_set_load(struct crowdsec_set *s, const char *buf, size_t len,
		       struct iplist_error *err)
{
	struct crowdsec_set *fresh = crowdsec_set_new();
	struct iplist_error e = {0};
	unsigned int no = 0;
	size_t pos = 0, n;
	const char *l;
	int oom = !fresh;
	long ret;

	while (!oom && feedfmt_next_line(buf, len, &pos, &no, &l, &n)) {
		const char *why;

		if (n == 0 || l[0] == '#')
			continue;
		why = load_line(fresh, l, n, &oom);
		if (why)
			feedfmt_bad_line(&e, no, why, l, n);
	}
	if (oom) {
		memset(&e, 0, sizeof(e));
		snprintf(e.reason, sizeof(e.reason), "out of memory");
	} else if (!e.bad_lines) {
		swap_sets(s, fresh);
	}
	ret = oom || e.bad_lines ? -1 : (long)s->n;
	crowdsec_set_free(fresh);
	if (err)
		*err = e;
	return ret;
}
