// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * DNS message parsing, name decompression and DNS-over-TCP framing (see
 * dns.h). Offsets are checked against the message length before every read.
 */
#include <stdio.h>
#include <string.h>

#include "inspect/dns.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Append one label to a name being built; the caller checked the wire length. */
static void name_append(struct dnsmsg_name *out, const uint8_t *label, uint8_t n)
{
	if (out->labels)
		out->text[out->len++] = '.';
	memcpy(out->text + out->len, label, n);
	out->len = (uint8_t)(out->len + n);
	out->text[out->len] = '\0';
	out->labels++;
}

/*
 * Follow a compression pointer at p. It must lead into the body (past the
 * header) and strictly before the run of labels that it ends, so that
 * every jump goes backwards.
 */
static enum dnsmsg_error name_jump(const uint8_t *msg, size_t len, size_t p, size_t *run_start,
				   struct dnsmsg_name *out)
{
	size_t target;

	if (p + 1 >= len)
		return DNSMSG_ERR_TRUNCATED;
	target = (size_t)(msg[p] & 0x3f) << 8 | msg[p + 1];
	if (target < DNSMSG_HEADER_LEN || target >= *run_start)
		return DNSMSG_ERR_POINTER_LOOP;
	if (++out->hops > DNSMSG_MAX_HOPS)
		return DNSMSG_ERR_TOO_MANY_HOPS;
	*run_start = target;
	return DNSMSG_OK;
}

enum dnsmsg_error dnsmsg_name_read(const uint8_t *msg, size_t len, size_t *pos,
				   struct dnsmsg_name *out)
{
	size_t p = *pos, run_start = *pos, after = 0, wire = 0;
	enum dnsmsg_error err;
	uint8_t b;

	memset(out, 0, sizeof(*out));
	/* Each turn reads a label (wire grows, at most 255) or jumps (hops grow, at most 32). */
	for (;;) {
		if (p >= len)
			return DNSMSG_ERR_TRUNCATED;
		b = msg[p];
		if (b == 0)
			break;
		if ((b & 0xc0) == 0xc0) {
			err = name_jump(msg, len, p, &run_start, out);
			if (err)
				return err;
			if (!after)
				after = p + 2;
			p = run_start;
			continue;
		}
		if (b & 0xc0)
			return DNSMSG_ERR_LABEL_TYPE;
		if (p + 1 + b > len)
			return DNSMSG_ERR_TRUNCATED;
		/* Label bytes so far plus this label plus the root byte. */
		wire += 1u + b;
		if (wire + 1 > DNSMSG_NAME_WIRE_MAX)
			return DNSMSG_ERR_NAME_TOO_LONG;
		name_append(out, msg + p + 1, b);
		p += 1u + b;
	}
	*pos = after ? after : p + 1;
	return DNSMSG_OK;
}

static enum dnsmsg_error question_read(const uint8_t *msg, size_t len, size_t *pos,
				       struct dnsmsg_question *q)
{
	enum dnsmsg_error err = dnsmsg_name_read(msg, len, pos, &q->name);

	if (err)
		return err;
	if (len - *pos < 4)
		return DNSMSG_ERR_TRUNCATED;
	q->qtype = get16(msg + *pos);
	q->qclass = get16(msg + *pos + 2);
	*pos += 4;
	return DNSMSG_OK;
}

/* A name that must fill the rdata exactly, from offset at to end. */
static enum dnsmsg_error rdata_name(const uint8_t *msg, size_t len, size_t at, size_t end,
				    struct dnsmsg_rr *rr)
{
	enum dnsmsg_error err = dnsmsg_name_read(msg, len, &at, &rr->target);

	if (err)
		return err;
	if (at != end)
		return DNSMSG_ERR_RDATA;
	rr->kind = DNSMSG_RDATA_NAME;
	return DNSMSG_OK;
}

static enum dnsmsg_error rdata_decode(const uint8_t *msg, size_t len, size_t at,
				      struct dnsmsg_rr *rr)
{
	size_t end = at + rr->rdlength;

	switch (rr->type) {
	case DNSMSG_TYPE_A:
	case DNSMSG_TYPE_AAAA:
		if (rr->rdlength != (rr->type == DNSMSG_TYPE_A ? 4 : 16))
			return DNSMSG_ERR_RDATA;
		memcpy(rr->addr, msg + at, rr->rdlength);
		rr->kind = DNSMSG_RDATA_ADDR;
		return DNSMSG_OK;
	case DNSMSG_TYPE_CNAME:
	case DNSMSG_TYPE_NS:
	case DNSMSG_TYPE_PTR:
		return rdata_name(msg, len, at, end, rr);
	case DNSMSG_TYPE_MX:
		if (rr->rdlength < 3)
			return DNSMSG_ERR_RDATA;
		return rdata_name(msg, len, at + 2, end, rr);
	}
	return DNSMSG_OK;
}

static enum dnsmsg_error rr_read(const uint8_t *msg, size_t len, size_t *pos, struct dnsmsg_rr *rr)
{
	enum dnsmsg_error err;
	size_t at;

	memset(rr, 0, sizeof(*rr));
	err = dnsmsg_name_read(msg, len, pos, &rr->name);
	if (err)
		return err;
	if (len - *pos < 10)
		return DNSMSG_ERR_TRUNCATED;
	rr->type = get16(msg + *pos);
	rr->rclass = get16(msg + *pos + 2);
	rr->ttl = get32(msg + *pos + 4);
	rr->rdlength = get16(msg + *pos + 8);
	at = *pos + 10;
	if (len - at < rr->rdlength)
		return DNSMSG_ERR_TRUNCATED;
	rr->rdata = msg + at;
	*pos = at + rr->rdlength;
	return rdata_decode(msg, len, at, rr);
}

static void header_read(const uint8_t *msg, struct dnsmsg *out)
{
	out->id = get16(msg);
	out->flags = get16(msg + 2);
	out->qr = out->flags >> 15;
	out->opcode = (out->flags >> 11) & 0xf;
	out->aa = (out->flags >> 10) & 1;
	out->tc = (out->flags >> 9) & 1;
	out->rd = (out->flags >> 8) & 1;
	out->ra = (out->flags >> 7) & 1;
	out->ad = (out->flags >> 5) & 1;
	out->cd = (out->flags >> 4) & 1;
	out->rcode = out->flags & 0xf;
	out->qdcount = get16(msg + 4);
	out->ancount = get16(msg + 6);
	out->nscount = get16(msg + 8);
	out->arcount = get16(msg + 10);
}

/* Read count records of one section; keep them while there is room. */
static enum dnsmsg_error section_read(const uint8_t *msg, size_t len, size_t *pos,
				      unsigned int count, enum dnsmsg_section sec,
				      struct dnsmsg *out)
{
	struct dnsmsg_rr scratch;
	struct dnsmsg_rr *rr;
	enum dnsmsg_error err;
	unsigned int i;

	/* Each record takes at least 11 bytes, so a lying count ends at the message end. */
	for (i = 0; i < count; i++) {
		rr = out->n_rrs < DNSMSG_MAX_RRS ? &out->rrs[out->n_rrs] : &scratch;
		err = rr_read(msg, len, pos, rr);
		if (err)
			return err;
		rr->section = sec;
		if (rr != &scratch)
			out->n_rrs++;
	}
	return DNSMSG_OK;
}

static enum dnsmsg_error body_read(const uint8_t *msg, size_t len, struct dnsmsg *out)
{
	struct dnsmsg_question scratch, *q;
	enum dnsmsg_error err;
	size_t pos = DNSMSG_HEADER_LEN;
	unsigned int i;

	for (i = 0; i < out->qdcount; i++) {
		q = out->n_questions < DNSMSG_MAX_QUESTIONS ? &out->questions[out->n_questions]
							    : &scratch;
		err = question_read(msg, len, &pos, q);
		out->parsed = pos;
		if (err)
			return err;
		if (q != &scratch)
			out->n_questions++;
	}
	err = section_read(msg, len, &pos, out->ancount, DNSMSG_ANSWER, out);
	if (!err)
		err = section_read(msg, len, &pos, out->nscount, DNSMSG_AUTHORITY, out);
	if (!err)
		err = section_read(msg, len, &pos, out->arcount, DNSMSG_ADDITIONAL, out);
	out->parsed = pos;
	if (!err)
		out->trailing = len - pos;
	return err;
}

enum dnsmsg_error dnsmsg_parse(const uint8_t *msg, size_t len, struct dnsmsg *out)
{
	memset(out, 0, sizeof(*out));
	if (len < DNSMSG_HEADER_LEN)
		return DNSMSG_ERR_SHORT;
	header_read(msg, out);
	out->parsed = DNSMSG_HEADER_LEN;
	return body_read(msg, len, out);
}

/* ---- text ---------------------------------------------------------------- */

/* Length of the UTF-8 sequence at s (n bytes left), or 0 when it is not valid UTF-8. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
	size_t want, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		want = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		want = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		want = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < want)
		return 0;
	for (i = 1; i < want; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if ((want == 3 && cp < 0x800) || (want == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return want;
}

static int utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = utf8_seq(s + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

size_t dnsmsg_name_text(const struct dnsmsg_name *name, char *out, size_t outlen)
{
	const uint8_t *s = (const uint8_t *)name->text;
	size_t i, o = 0;
	int escape = !utf8_valid(s, name->len);

	if (outlen == 0)
		return 0;
	for (i = 0; i < name->len; i++) {
		if (escape && s[i] >= 0x80) {
			if (o + 4 >= outlen)
				break;
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", s[i]);
		} else {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)s[i];
		}
	}
	out[o] = '\0';
	return o;
}

const char *dnsmsg_type_name(uint16_t type, char *buf, size_t buflen)
{
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
		{1, "A"},      {2, "NS"},      {5, "CNAME"},  {6, "SOA"},    {12, "PTR"},
		{13, "HINFO"}, {15, "MX"},     {16, "TXT"},   {28, "AAAA"},  {33, "SRV"},
		{35, "NAPTR"}, {41, "OPT"},    {43, "DS"},    {44, "SSHFP"}, {46, "RRSIG"},
		{47, "NSEC"},  {48, "DNSKEY"}, {50, "NSEC3"}, {52, "TLSA"},  {64, "SVCB"},
		{65, "HTTPS"}, {99, "SPF"},    {252, "AXFR"}, {255, "ANY"},  {257, "CAA"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	snprintf(buf, buflen, "%u", type);
	return buf;
}

const char *dnsmsg_rcode_name(uint8_t rcode, char *buf, size_t buflen)
{
	static const char *const names[] = {
		"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",
	};

	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	snprintf(buf, buflen, "%u", rcode);
	return buf;
}

const char *dnsmsg_strerror(enum dnsmsg_error err)
{
	static const char *const text[DNSMSG_ERR_COUNT] = {
		[DNSMSG_OK] = "ok",
		[DNSMSG_ERR_SHORT] = "shorter than a DNS header",
		[DNSMSG_ERR_TRUNCATED] = "field runs past the end",
		[DNSMSG_ERR_LABEL_TYPE] = "reserved label type",
		[DNSMSG_ERR_POINTER_LOOP] = "compression pointer not backwards",
		[DNSMSG_ERR_TOO_MANY_HOPS] = "too many compression pointers",
		[DNSMSG_ERR_NAME_TOO_LONG] = "name over 255 bytes",
		[DNSMSG_ERR_RDATA] = "rdata does not fit its type",
	};

	if ((unsigned int)err >= DNSMSG_ERR_COUNT)
		return "unknown error";
	return text[err];
}

/* ---- TCP framing --------------------------------------------------------- */

void dnsmsg_tcp_init(struct dnsmsg_tcp *t, uint8_t *buf, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->buf = buf;
	t->cap = cap;
}

/* A length prefix is complete: set up for the message it announces. */
static void tcp_start_message(struct dnsmsg_tcp *t)
{
	t->msg_len = get16(t->len_bytes);
	t->have = 0;
	t->skipping = t->msg_len > t->cap;
	if (t->msg_len == 0) {
		t->empty++;
		t->len_have = 0;
	} else if (t->skipping) {
		t->oversized++;
	}
}

/* Take message bytes from data; returns how many. Copies only when the message is split. */
static size_t tcp_take(struct dnsmsg_tcp *t, const uint8_t *data, size_t len, const uint8_t **whole)
{
	size_t k = t->msg_len - t->have;

	*whole = NULL;
	if (t->have == 0 && !t->skipping && len >= k) {
		*whole = data;
		t->have = k;
		return k;
	}
	if (k > len)
		k = len;
	if (!t->skipping)
		memcpy(t->buf + t->have, data, k);
	t->have += k;
	if (t->have == t->msg_len && !t->skipping)
		*whole = t->buf;
	return k;
}

long dnsmsg_tcp_feed(struct dnsmsg_tcp *t, const uint8_t *data, size_t len, dnsmsg_tcp_cb cb,
		     void *ctx)
{
	const uint8_t *whole;
	size_t i = 0;
	long delivered = 0;

	while (i < len) {
		if (t->len_have < 2) {
			t->len_bytes[t->len_have++] = data[i++];
			if (t->len_have == 2)
				tcp_start_message(t);
			continue;
		}
		i += tcp_take(t, data + i, len - i, &whole);
		if (t->have < t->msg_len)
			continue;
		t->len_have = 0;
		if (!whole)
			continue;
		t->messages++;
		delivered++;
		if (cb && cb(whole, t->msg_len, ctx))
			return -1;
	}
	return delivered;
}
