// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RPZ zones (response policy zones, as BIND and Unbound load them) in domain
 * lists. In an RPZ the owner of a record is the trigger, written relative to
 * the zone: "evil.example CNAME ." in zone rpz.local means the query name
 * evil.example. The zone's name is not in the file unless a $ORIGIN gives it,
 * so the first $ORIGIN is taken as the zone (names under it are stripped of
 * it), and a later $ORIGIN below it is appended to relative owners. Any other
 * $ORIGIN cannot be resolved without the zone's name: the names relative to
 * it are bad lines rather than wrong entries.
 *
 * The action is the record's data: CNAME rpz-passthru. allows; everything
 * else (CNAME . for NXDOMAIN, CNAME *. for NODATA, rpz-drop., local data)
 * blocks, since the guard answers blocked names in its own configured way.
 */
#include <stdio.h>
#include <string.h>

#include "lib/domlist_priv.h"

/* "owner ttl class type rdata" and one more. */
#define ZONE_FIELDS 6
/* A relative owner with the $ORIGIN suffix appended, before it is checked. */
#define OWNER_MAX (2 * DNSNAME_BUF + 2)

static const char *const rr_types[] = {
	"A",	 "AAAA",  "CNAME", "DNAME",  "TXT",   "MX",   "PTR",   "SRV",
	"NAPTR", "HINFO", "CAA",   "LOC",    "SSHFP", "TLSA", "SVCB",  "HTTPS",
	"NS",	 "SOA",	  "DS",	   "DNSKEY", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM",
};

/* Records about the zone itself, not policy rules. */
static const char *const zone_types[] = {
	"NS", "SOA", "DS", "DNSKEY", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM",
};

static const char *const classes[] = {"IN", "CH", "HS", "CS"};

#define N_OF(t) (sizeof(t) / sizeof((t)[0]))

static int field_in(const struct dl_field *f, const char *const *table, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (dl_field_is(f, table[i]))
			return 1;
	}
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "3600", "1h30m": a TTL in BIND's syntax. */
static int is_ttl(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_digit(s[0]))
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]) && !memchr("smhdwSMHDW", s[i], 10))
			return 0;
	}
	return 1;
}

/* A known type, or "TYPE65" (RFC 3597). */
static int is_type(const struct dl_field *f)
{
	size_t i;

	if (field_in(f, rr_types, N_OF(rr_types)))
		return 1;
	if (f->n < 5 || strncasecmp(f->s, "TYPE", 4) != 0)
		return 0;
	for (i = 4; i < f->n; i++) {
		if (!is_digit(f->s[i]))
			return 0;
	}
	return 1;
}

/* The type field when a record's fields start at f[i] (TTL and class first). */
static int type_index(const struct dl_field *f, size_t nf, size_t i)
{
	int k;

	for (k = 0; k < 2 && i < nf; k++) {
		if (!is_ttl(f[i].s, f[i].n) && !field_in(&f[i], classes, N_OF(classes)))
			break;
		i++;
	}
	return i < nf && is_type(&f[i]) ? (int)i : -1;
}

/* "(" opened and not closed before the comment: the record goes on. */
static int opens_parens(const char *s, size_t n)
{
	int depth = 0;
	size_t i;

	for (i = 0; i < n && s[i] != ';'; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
	}
	return depth > 0;
}

/*
 * SOA timers or names between parentheses. Anything else means the
 * parentheses were not a record's: the line is parsed as usual.
 */
int dl_zone_continues(struct dl_parser *ps, const char *s, size_t n)
{
	const char *comment = memchr(s, ';', n);
	struct dl_field f;
	size_t pos = 0;

	/* "1h ; refresh (an hour)": parentheses in a comment do not count. */
	if (comment)
		n = (size_t)(comment - s);
	while (dl_next_field(s, n, &pos, &f)) {
		const char *p = f.s, *e = f.s + f.n;

		while (p < e && (*p == '(' || *p == ')'))
			p++;
		while (e > p && (e[-1] == '(' || e[-1] == ')'))
			e--;
		if (p < e && !is_ttl(p, (size_t)(e - p)) && e[-1] != '.') {
			ps->zone.in_parens = 0;
			return 0;
		}
	}
	if (memchr(s, ')', n))
		ps->zone.in_parens = 0;
	return 1;
}

/* If name is the apex or below it, what is left of it ("" for the apex). */
static int under_apex(const struct dl_zone *z, const char *name, char *rest)
{
	size_t n = strlen(name), an = strlen(z->apex);

	if (an == 0 || strcmp(name, z->apex) == 0) {
		strcpy(rest, an == 0 ? name : "");
		return 1;
	}
	if (n <= an + 1 || name[n - an - 1] != '.' || strcmp(name + n - an, z->apex) != 0)
		return 0;
	memcpy(rest, name, n - an - 1);
	rest[n - an - 1] = '\0';
	return 1;
}

/* "$ORIGIN name.": the zone (the first one), or a part of it. */
static void set_origin(struct dl_parser *ps, const struct dl_field *o)
{
	char canon[DNSNAME_BUF], why[DNSNAME_WHY_MAX];
	struct dl_zone *z = &ps->zone;
	int rc;

	z->origin_bad = 1;
	if (o->s[o->n - 1] != '.') {
		dl_unsupported(ps, "relative $ORIGIN", o->s, o->n);
		return;
	}
	canon[0] = '\0';
	rc = o->n == 1 ? DNSNAME_OK
		       : dnsname_normalize(o->s, o->n, canon, sizeof(canon), why, sizeof(why));
	if (rc != DNSNAME_OK && rc != DNSNAME_SINGLE_LABEL) {
		dl_bad(ps, rc == DNSNAME_IS_IP ? "$ORIGIN is an IP address" : why, o->s, o->n);
		return;
	}
	if (!z->have_apex && z->seen_record) {
		dl_unsupported(ps, "$ORIGIN after names relative to an unnamed zone", o->s, o->n);
		return;
	}
	if (!z->have_apex) {
		strcpy(z->apex, canon);
		z->have_apex = 1;
		z->suffix[0] = '\0';
	} else if (!under_apex(z, canon, z->suffix)) {
		dl_unsupported(ps, "$ORIGIN outside the zone of the first $ORIGIN", o->s, o->n);
		return;
	}
	z->origin_bad = 0;
}

void dl_zone_directive(struct dl_parser *ps, const char *s, size_t n)
{
	struct dl_field f[3];
	size_t nf = dl_split(s, n, f, 3);

	if (nf >= 1 && dl_field_is(&f[0], "$TTL"))
		return;
	if (nf == 0 || !dl_field_is(&f[0], "$ORIGIN"))
		dl_unsupported(ps, "zone file directive", s, n);
	else if (nf != 2)
		dl_bad(ps, "$ORIGIN takes one name", s, n);
	else
		set_origin(ps, &f[1]);
}

/* The zone's own name as an owner ("@", "*", the apex): noise, unless wildcard. */
static void origin_owner(struct dl_parser *ps, const struct dl_field *o, unsigned int what)
{
	const char *sfx = ps->zone.suffix;

	if (ps->zone.origin_bad)
		dl_bad(ps, "name relative to an unusable $ORIGIN", o->s, o->n);
	else if (sfx[0] != '\0')
		dl_emit(ps, sfx, strlen(sfx), what);
	else if (what & DL_SUB)
		dl_bad(ps, "wildcard over the whole zone", o->s, o->n);
}

static void absolute_owner(struct dl_parser *ps, const struct dl_field *o, const char *s, size_t n,
			   unsigned int what)
{
	char canon[DNSNAME_BUF], rest[DNSNAME_BUF];
	int rc = dnsname_normalize(s, n, canon, sizeof(canon), NULL, 0);

	/* Not a name below the apex: the trigger as it is (dl_emit judges it). */
	if (!ps->zone.have_apex || (rc != DNSNAME_OK && rc != DNSNAME_SINGLE_LABEL) ||
	    !under_apex(&ps->zone, canon, rest))
		dl_emit(ps, s, n, what);
	else if (rest[0] == '\0' && (what & DL_SUB))
		dl_bad(ps, "wildcard over the whole zone", o->s, o->n);
	else if (rest[0] != '\0')
		dl_emit(ps, rest, strlen(rest), what);
}

static void relative_owner(struct dl_parser *ps, const char *s, size_t n, unsigned int what)
{
	const char *sfx = ps->zone.suffix;
	char name[OWNER_MAX];

	ps->zone.seen_record = 1;
	if (ps->zone.origin_bad) {
		dl_bad(ps, "name relative to an unusable $ORIGIN", s, n);
	} else if (sfx[0] == '\0') {
		dl_emit(ps, s, n, what);
	} else if (n + 1 + strlen(sfx) >= sizeof(name)) {
		dl_bad(ps, "name too long", s, n);
	} else {
		memcpy(name, s, n);
		snprintf(name + n, sizeof(name) - n, ".%s", sfx);
		dl_emit(ps, name, strlen(name), what);
	}
}

/* The owner of a policy record: "name", "*.name", "name.", "@", "*". */
static void handle_owner(struct dl_parser *ps, const struct dl_field *o, unsigned int action)
{
	unsigned int what = DL_NAME | DL_RPZ | action;
	const char *s = o->s;
	size_t n = o->n;

	if (n >= 1 && s[0] == '*' && (n == 1 || s[1] == '.')) {
		what = DL_SUB | DL_RPZ | action;
		s += n == 1 ? 1 : 2;
		n -= n == 1 ? 1 : 2;
	}
	if (n == 0 || (n == 1 && s[0] == '@'))
		origin_owner(ps, o, what);
	else if (s[n - 1] == '.')
		absolute_owner(ps, o, s, n, what);
	else
		relative_owner(ps, s, n, what);
}

/*
 * CNAME rpz-passthru. lets the name through; every other action blocks it.
 * Without its dot BIND would read a name in the zone, but the author meant
 * passthru: taking it so keeps a partner's name allowed.
 */
static unsigned int record_action(const struct dl_field *type, const struct dl_field *rdata)
{
	if (dl_field_is(type, "CNAME") &&
	    (dl_field_is(rdata, "rpz-passthru.") || dl_field_is(rdata, "rpz-passthru")))
		return DL_ALLOW;
	return 0;
}

/* A record was consumed; it may go on over the next lines. */
static int consumed(struct dl_parser *ps, const char *s, size_t n)
{
	if (opens_parens(s, n))
		ps->zone.in_parens = 1;
	return 1;
}

int dl_zone_record(struct dl_parser *ps, const char *s, size_t n, int indented)
{
	struct dl_field f[ZONE_FIELDS];
	size_t nf = dl_split(s, n, f, ZONE_FIELDS);
	int k;

	if (nf > ZONE_FIELDS)
		nf = ZONE_FIELDS;
	/* No owner: more records of the previous one, whose rule is already in. */
	if (indented) {
		k = type_index(f, nf, 0);
		if (k >= 0 && (size_t)k + 1 < nf)
			return consumed(ps, s, n);
	}
	k = type_index(f, nf, 1);
	if (k < 0 || (size_t)k + 1 >= nf)
		return 0;
	if (!field_in(&f[k], zone_types, N_OF(zone_types)))
		handle_owner(ps, &f[0], record_action(&f[k], &f[k + 1]));
	return consumed(ps, s, n);
}
