// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * TLS ClientHello / ServerHello parsing and first-flight reassembly (see
 * tls.h). Every read goes through struct tls_cursor, which checks the
 * remaining length first, so no field can be read past the message end.
 */
#include <stdio.h>
#include <string.h>

#include "inspect/tls.h"

/* A read position in a bounded buffer. */
struct tls_cursor {
	const uint8_t *p; /* buffer start */
	size_t len;	  /* its length */
	size_t off;	  /* next byte to read */
};

static size_t cur_left(const struct tls_cursor *c)
{
	return c->len - c->off;
}

/* Take n bytes: their address, or NULL (cursor unchanged) when fewer are left. */
static const uint8_t *cur_take(struct tls_cursor *c, size_t n)
{
	const uint8_t *at;

	if (cur_left(c) < n)
		return NULL;
	at = c->p + c->off;
	c->off += n;
	return at;
}

static int cur_u8(struct tls_cursor *c, uint8_t *v)
{
	const uint8_t *at = cur_take(c, 1);

	if (!at)
		return -1;
	*v = at[0];
	return 0;
}

static int cur_u16(struct tls_cursor *c, uint16_t *v)
{
	const uint8_t *at = cur_take(c, 2);

	if (!at)
		return -1;
	*v = (uint16_t)(at[0] << 8 | at[1]);
	return 0;
}

/* ---- host names ---------------------------------------------------------- */

static int sni_char_ok(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

/* 1 when the name is four all-digit labels: an IPv4 literal, not a host name. */
static int sni_is_ipv4(const uint8_t *name, size_t n)
{
	unsigned int dots = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (name[i] == '.')
			dots++;
		else if (name[i] < '0' || name[i] > '9')
			return 0;
	}
	return dots == 3;
}

enum tls_sni_check tls_sni_classify(const uint8_t *name, size_t n)
{
	size_t i, label = 0;

	for (i = 0; i < n; i++)
		if (!sni_char_ok(name[i]))
			return TLS_SNI_BAD_CHAR;
	if (n > 0 && name[n - 1] == '.')
		return TLS_SNI_TRAILING_DOT;
	for (i = 0; i <= n; i++) {
		if (i == n || name[i] == '.') {
			if (label == 0)
				return TLS_SNI_EMPTY_LABEL;
			if (label > 63)
				return TLS_SNI_LABEL_TOO_LONG;
			label = 0;
		} else {
			label++;
		}
	}
	if (n > 253)
		return TLS_SNI_TOO_LONG;
	if (sni_is_ipv4(name, n))
		return TLS_SNI_IS_IPV4;
	return TLS_SNI_VALID;
}

/* Keep the name raw, judged, and as lower-case text when it is printable-safe. */
static void sni_record(struct tls_client_hello *h, const uint8_t *name, uint16_t n)
{
	size_t i;

	h->has_sni = 1;
	h->sni_raw = name;
	h->sni_len = n;
	h->sni_check = tls_sni_classify(name, n);
	h->sni[0] = '\0';
	if (n > TLS_SNI_MAX || memchr(name, '\0', n))
		return;
	for (i = 0; i < n; i++)
		h->sni[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	h->sni[n] = '\0';
}

/* ---- ClientHello extensions ---------------------------------------------- */

/* server_name: a list of (type, name); the first host_name (type 0) is the SNI. */
static enum tls_error ext_server_name(struct tls_client_hello *h, struct tls_cursor *c)
{
	uint16_t list_len, name_len;
	uint8_t type;
	const uint8_t *name;

	if (cur_u16(c, &list_len) || list_len == 0 || list_len != cur_left(c))
		return TLS_ERR_SNI;
	while (cur_left(c) > 0) {
		if (cur_u8(c, &type) || cur_u16(c, &name_len) || name_len == 0)
			return TLS_ERR_SNI;
		name = cur_take(c, name_len);
		if (!name)
			return TLS_ERR_SNI;
		if (type != 0)
			continue;
		/* Two host names: which one would the server use? Refuse the ambiguity. */
		if (h->has_sni)
			return TLS_ERR_SNI;
		sni_record(h, name, name_len);
	}
	return TLS_OK;
}

static enum tls_error ext_alpn(struct tls_client_hello *h, struct tls_cursor *c)
{
	uint16_t list_len;
	uint8_t n;
	const uint8_t *name;

	if (cur_u16(c, &list_len) || list_len < 2 || list_len != cur_left(c))
		return TLS_ERR_ALPN;
	h->has_alpn = 1;
	h->alpn_raw = c->p + c->off;
	h->alpn_raw_len = list_len;
	while (cur_left(c) > 0) {
		if (cur_u8(c, &n) || n == 0)
			return TLS_ERR_ALPN;
		name = cur_take(c, n);
		if (!name)
			return TLS_ERR_ALPN;
		if (h->alpn_count < TLS_ALPN_MAX) {
			h->alpn[h->alpn_count].p = name;
			h->alpn[h->alpn_count].len = n;
		}
		h->alpn_count++;
	}
	return TLS_OK;
}

/* A list of u16 values behind a length of lenbytes (1 or 2) bytes, filling the whole data. */
static enum tls_error ext_u16_list(struct tls_cursor *c, int lenbytes, struct tls_u16_list *out)
{
	uint16_t list_len;
	uint8_t short_len;

	if (lenbytes == 1) {
		if (cur_u8(c, &short_len))
			return TLS_ERR_LIST;
		list_len = short_len;
	} else if (cur_u16(c, &list_len)) {
		return TLS_ERR_LIST;
	}
	if (list_len != cur_left(c) || list_len % 2 || list_len == 0)
		return TLS_ERR_LIST;
	out->p = c->p + c->off;
	out->n = list_len / 2;
	c->off = c->len;
	return TLS_OK;
}

static enum tls_error ext_point_formats(struct tls_client_hello *h, struct tls_cursor *c)
{
	uint8_t n;

	if (cur_u8(c, &n) || n == 0 || n != cur_left(c))
		return TLS_ERR_LIST;
	h->ec_point_formats = c->p + c->off;
	h->ec_point_formats_len = n;
	return TLS_OK;
}

/* The highest non-GREASE version a client offers. */
static uint16_t highest_version(const struct tls_u16_list *l, uint16_t fallback)
{
	uint16_t best = 0, v;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		v = tls_u16_at(l, i);
		if (!tls_is_grease(v) && v > best)
			best = v;
	}
	return best ? best : fallback;
}

/* Bit of an interpreted extension in the seen-mask, or 0 for one not interpreted. */
static unsigned int ext_bit(uint16_t type)
{
	switch (type) {
	case TLS_EXT_SERVER_NAME:
		return 1u << 0;
	case TLS_EXT_SUPPORTED_GROUPS:
		return 1u << 1;
	case TLS_EXT_EC_POINT_FORMATS:
		return 1u << 2;
	case TLS_EXT_SIGNATURE_ALGS:
		return 1u << 3;
	case TLS_EXT_ALPN:
		return 1u << 4;
	case TLS_EXT_SUPPORTED_VERSIONS:
		return 1u << 5;
	}
	return 0;
}

static enum tls_error client_ext(struct tls_client_hello *h, uint16_t type, struct tls_cursor *c)
{
	switch (type) {
	case TLS_EXT_SERVER_NAME:
		return ext_server_name(h, c);
	case TLS_EXT_ALPN:
		return ext_alpn(h, c);
	case TLS_EXT_SUPPORTED_VERSIONS:
		return ext_u16_list(c, 1, &h->supported_versions);
	case TLS_EXT_SUPPORTED_GROUPS:
		return ext_u16_list(c, 2, &h->groups);
	case TLS_EXT_SIGNATURE_ALGS:
		return ext_u16_list(c, 2, &h->signature_algs);
	case TLS_EXT_EC_POINT_FORMATS:
		return ext_point_formats(h, c);
	}
	return TLS_OK;
}

/*
 * The optional extension block that ends a hello: nothing at all, or a
 * length that covers exactly the rest. Returns the block in *block.
 */
static enum tls_error ext_block(struct tls_cursor *c, struct tls_cursor *block)
{
	uint16_t n;

	memset(block, 0, sizeof(*block));
	if (cur_left(c) == 0)
		return TLS_OK;
	if (cur_u16(c, &n))
		return TLS_ERR_TRUNCATED;
	if (n > cur_left(c))
		return TLS_ERR_TRUNCATED;
	if (n < cur_left(c))
		return TLS_ERR_TRAILING;
	block->p = c->p + c->off;
	block->len = n;
	c->off = c->len;
	return TLS_OK;
}

/* Next extension of a block: its type and a cursor over its data. 1 if one, 0 at end, <0 bad. */
static int ext_next(struct tls_cursor *block, uint16_t *type, struct tls_cursor *data)
{
	uint16_t n;
	const uint8_t *at;

	if (cur_left(block) == 0)
		return 0;
	if (cur_u16(block, type) || cur_u16(block, &n))
		return -1;
	at = cur_take(block, n);
	if (!at)
		return -1;
	data->p = at;
	data->len = n;
	data->off = 0;
	return 1;
}

static enum tls_error client_extensions(struct tls_client_hello *h, struct tls_cursor *block)
{
	struct tls_cursor data;
	unsigned int seen = 0, bit;
	uint16_t type;
	enum tls_error err;
	int more;

	h->extensions = block->p;
	h->extensions_len = (uint16_t)block->len;
	while ((more = ext_next(block, &type, &data)) > 0) {
		h->ext_count++;
		bit = ext_bit(type);
		if (seen & bit)
			return TLS_ERR_DUPLICATE_EXT;
		seen |= bit;
		err = client_ext(h, type, &data);
		if (err)
			return err;
	}
	return more < 0 ? TLS_ERR_EXTENSION_LENGTH : TLS_OK;
}

/* ---- hellos -------------------------------------------------------------- */

/* version, random, session id: the start both hellos share. Returns the random. */
static enum tls_error hello_prefix(struct tls_cursor *c, uint16_t *version, uint8_t *sid_len,
				   const uint8_t **random)
{
	*random = NULL;
	if (cur_u16(c, version))
		return TLS_ERR_TRUNCATED;
	*random = cur_take(c, 32);
	if (!*random || cur_u8(c, sid_len))
		return TLS_ERR_TRUNCATED;
	if (*sid_len > 32)
		return TLS_ERR_SESSION_ID;
	if (!cur_take(c, *sid_len))
		return TLS_ERR_TRUNCATED;
	return TLS_OK;
}

enum tls_error tls_client_hello_parse(const uint8_t *body, size_t len, struct tls_client_hello *out)
{
	struct tls_cursor c = {.p = body, .len = len}, block;
	const uint8_t *random;
	uint16_t cs_len;
	enum tls_error err;

	memset(out, 0, sizeof(*out));
	err = hello_prefix(&c, &out->legacy_version, &out->session_id_len, &random);
	if (err)
		return err;
	if (cur_u16(&c, &cs_len))
		return TLS_ERR_TRUNCATED;
	if (cs_len == 0 || cs_len % 2)
		return TLS_ERR_CIPHER_SUITES;
	out->ciphers.p = cur_take(&c, cs_len);
	if (!out->ciphers.p)
		return TLS_ERR_TRUNCATED;
	out->ciphers.n = cs_len / 2;
	if (cur_u8(&c, &out->compression_len))
		return TLS_ERR_TRUNCATED;
	if (out->compression_len == 0)
		return TLS_ERR_COMPRESSION;
	out->compression = cur_take(&c, out->compression_len);
	if (!out->compression)
		return TLS_ERR_TRUNCATED;
	err = ext_block(&c, &block);
	if (!err && block.p)
		err = client_extensions(out, &block);
	out->max_version = highest_version(&out->supported_versions, out->legacy_version);
	return err;
}

/* SHA-256("HelloRetryRequest"): the random of a TLS 1.3 HelloRetryRequest (RFC 8446 4.1.3). */
static const uint8_t hello_retry_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static enum tls_error server_ext(struct tls_server_hello *h, uint16_t type, struct tls_cursor *c)
{
	uint16_t list_len;
	uint8_t n;

	if (type == TLS_EXT_SUPPORTED_VERSIONS) {
		if (cur_left(c) != 2 || cur_u16(c, &h->selected_version))
			return TLS_ERR_LIST;
	} else if (type == TLS_EXT_ALPN) {
		/* The server names exactly one protocol. */
		if (cur_u16(c, &list_len) || list_len != cur_left(c) || cur_u8(c, &n) || n == 0 ||
		    n != cur_left(c))
			return TLS_ERR_ALPN;
		h->alpn = c->p + c->off;
		h->alpn_len = n;
	}
	return TLS_OK;
}

static enum tls_error server_extensions(struct tls_server_hello *h, struct tls_cursor *block)
{
	struct tls_cursor data;
	unsigned int seen = 0, bit;
	uint16_t type;
	enum tls_error err;
	int more;

	h->extensions = block->p;
	h->extensions_len = (uint16_t)block->len;
	while ((more = ext_next(block, &type, &data)) > 0) {
		h->ext_count++;
		bit = ext_bit(type);
		if (seen & bit)
			return TLS_ERR_DUPLICATE_EXT;
		seen |= bit;
		err = server_ext(h, type, &data);
		if (err)
			return err;
	}
	return more < 0 ? TLS_ERR_EXTENSION_LENGTH : TLS_OK;
}

enum tls_error tls_server_hello_parse(const uint8_t *body, size_t len, struct tls_server_hello *out)
{
	struct tls_cursor c = {.p = body, .len = len}, block;
	const uint8_t *random;
	enum tls_error err;

	memset(out, 0, sizeof(*out));
	err = hello_prefix(&c, &out->legacy_version, &out->session_id_len, &random);
	if (err)
		return err;
	out->hello_retry = memcmp(random, hello_retry_random, 32) == 0;
	if (cur_u16(&c, &out->cipher) || cur_u8(&c, &out->compression))
		return TLS_ERR_TRUNCATED;
	err = ext_block(&c, &block);
	if (!err && block.p)
		err = server_extensions(out, &block);
	if (!out->selected_version)
		out->selected_version = out->legacy_version;
	return err;
}

/* ---- stream reassembly --------------------------------------------------- */

void tls_stream_init(struct tls_stream *s, uint8_t expect, uint8_t *buf, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->cap = cap;
	s->expect = expect;
	s->status = TLS_NEED_MORE;
}

static enum tls_status stream_fail(struct tls_stream *s, enum tls_status st, enum tls_error err)
{
	s->status = st;
	s->error = err;
	return st;
}

/* Handshake message length from its header (valid once 4 bytes are in buf). */
static size_t stream_msg_len(const struct tls_stream *s)
{
	return (size_t)s->buf[1] << 16 | (size_t)s->buf[2] << 8 | s->buf[3];
}

/*
 * One more record-header byte. The first record decides "TLS or not"; a
 * later one that is not a handshake record cuts the hello short.
 */
static enum tls_status stream_header_byte(struct tls_stream *s, uint8_t b)
{
	uint16_t n;

	s->hdr[s->hdr_have++] = b;
	if (s->hdr_have == 1 && b != 22)
		return stream_fail(s, s->records ? TLS_MALFORMED : TLS_NOT_TLS,
				   s->records ? TLS_ERR_RECORD_TYPE : TLS_ERR_NOT_HANDSHAKE);
	if (s->hdr_have == 2 && b != 3)
		return stream_fail(s, s->records ? TLS_MALFORMED : TLS_NOT_TLS,
				   TLS_ERR_BAD_RECORD_VERSION);
	if (s->hdr_have < TLS_RECORD_HEADER)
		return TLS_NEED_MORE;
	n = (uint16_t)(s->hdr[3] << 8 | s->hdr[4]);
	if (n == 0 || n > TLS_RECORD_MAX)
		return stream_fail(s, TLS_MALFORMED, TLS_ERR_RECORD_LENGTH);
	if (!s->records)
		s->record_version = (uint16_t)(s->hdr[1] << 8 | s->hdr[2]);
	s->records++;
	s->rec_left = n;
	return TLS_NEED_MORE;
}

/* The handshake header is in: is it the hello we expect, and does it fit? */
static enum tls_status stream_check_msg(struct tls_stream *s)
{
	if (s->buf[0] != s->expect)
		return stream_fail(s, TLS_MALFORMED, TLS_ERR_UNEXPECTED_MESSAGE);
	if (stream_msg_len(s) > s->cap - TLS_HS_HEADER)
		return stream_fail(s, TLS_MALFORMED, TLS_ERR_TOO_BIG);
	return TLS_NEED_MORE;
}

static enum tls_status stream_parse(struct tls_stream *s)
{
	const uint8_t *body = s->buf + TLS_HS_HEADER;
	size_t n = stream_msg_len(s);
	enum tls_error err;

	if (s->expect == TLS_HS_CLIENT_HELLO)
		err = tls_client_hello_parse(body, n, &s->hello.client);
	else
		err = tls_server_hello_parse(body, n, &s->hello.server);
	if (err)
		return stream_fail(s, TLS_MALFORMED, err);
	s->status = TLS_DONE;
	return TLS_DONE;
}

/* Copy record payload into buf, never beyond the message end. Returns bytes taken. */
static size_t stream_copy(struct tls_stream *s, const uint8_t *data, size_t len)
{
	size_t want, k;

	want = s->have < TLS_HS_HEADER ? TLS_HS_HEADER : TLS_HS_HEADER + stream_msg_len(s);
	k = want - s->have;
	if (k > len)
		k = len;
	if (k > s->rec_left)
		k = s->rec_left;
	memcpy(s->buf + s->have, data, k);
	s->have += k;
	s->rec_left -= (uint16_t)k;
	if (s->rec_left == 0)
		s->hdr_have = 0;
	return k;
}

enum tls_status tls_stream_feed(struct tls_stream *s, const uint8_t *data, size_t len)
{
	size_t i = 0, k;
	enum tls_status st;

	if (s->status != TLS_NEED_MORE)
		return s->status;
	if (s->cap < TLS_HS_HEADER)
		return stream_fail(s, TLS_MALFORMED, TLS_ERR_TOO_BIG);
	while (i < len) {
		if (s->hdr_have < TLS_RECORD_HEADER) {
			s->consumed++;
			st = stream_header_byte(s, data[i++]);
			if (st != TLS_NEED_MORE)
				return st;
			continue;
		}
		k = stream_copy(s, data + i, len - i);
		i += k;
		s->consumed += k;
		if (s->have < TLS_HS_HEADER)
			continue;
		if (s->have == TLS_HS_HEADER && stream_check_msg(s) != TLS_NEED_MORE)
			return s->status;
		if (s->have == TLS_HS_HEADER + stream_msg_len(s))
			return stream_parse(s);
	}
	return TLS_NEED_MORE;
}

/* ---- JA3 ----------------------------------------------------------------- */

/* A bounded string being built; overflow latches. */
struct tls_strbuf {
	char *out;
	size_t cap, len;
	int overflow;
};

static void sb_put(struct tls_strbuf *sb, const char *text, size_t n)
{
	if (sb->overflow || sb->len + n >= sb->cap) {
		sb->overflow = 1;
		return;
	}
	memcpy(sb->out + sb->len, text, n);
	sb->len += n;
	sb->out[sb->len] = '\0';
}

/* Append v in decimal, preceded by '-' unless it is the first of its field. */
static void sb_value(struct tls_strbuf *sb, unsigned int v, int *first)
{
	char num[8];
	int n = snprintf(num, sizeof(num), "%s%u", *first ? "" : "-", v);

	sb_put(sb, num, (size_t)n);
	*first = 0;
}

static void sb_u16_list(struct tls_strbuf *sb, const struct tls_u16_list *l)
{
	int first = 1;
	unsigned int i;

	for (i = 0; l->p && i < l->n; i++)
		if (!tls_is_grease(tls_u16_at(l, i)))
			sb_value(sb, tls_u16_at(l, i), &first);
}

static void sb_ext_types(struct tls_strbuf *sb, const struct tls_client_hello *h)
{
	struct tls_cursor block = {.p = h->extensions, .len = h->extensions_len}, data;
	uint16_t type;
	int first = 1;

	if (!h->extensions)
		return;
	while (ext_next(&block, &type, &data) > 0)
		if (!tls_is_grease(type))
			sb_value(sb, type, &first);
}

int tls_ja3_string(const struct tls_client_hello *h, char *out, size_t outlen)
{
	struct tls_strbuf sb = {.out = out, .cap = outlen};
	int first = 1;
	unsigned int i;

	if (!out || outlen == 0)
		return -1;
	out[0] = '\0';
	sb_value(&sb, h->legacy_version, &first);
	sb_put(&sb, ",", 1);
	sb_u16_list(&sb, &h->ciphers);
	sb_put(&sb, ",", 1);
	sb_ext_types(&sb, h);
	sb_put(&sb, ",", 1);
	sb_u16_list(&sb, &h->groups);
	sb_put(&sb, ",", 1);
	first = 1;
	for (i = 0; h->ec_point_formats && i < h->ec_point_formats_len; i++)
		sb_value(&sb, h->ec_point_formats[i], &first);
	if (sb.overflow) {
		out[0] = '\0';
		return -1;
	}
	return (int)sb.len;
}

/* ---- names --------------------------------------------------------------- */

static const char *const tls_error_text[TLS_ERR_COUNT] = {
	[TLS_OK] = "ok",
	[TLS_ERR_NOT_HANDSHAKE] = "not a handshake record",
	[TLS_ERR_BAD_RECORD_VERSION] = "record version is not 3.x",
	[TLS_ERR_UNEXPECTED_MESSAGE] = "first handshake message is not the expected hello",
	[TLS_ERR_RECORD_TYPE] = "non-handshake record inside the hello",
	[TLS_ERR_RECORD_LENGTH] = "record length 0 or over 16384",
	[TLS_ERR_TOO_BIG] = "hello larger than the buffer",
	[TLS_ERR_TRUNCATED] = "field runs past the end of the message",
	[TLS_ERR_TRAILING] = "bytes after the end of the hello",
	[TLS_ERR_SESSION_ID] = "session id longer than 32 bytes",
	[TLS_ERR_CIPHER_SUITES] = "cipher suite list empty or odd",
	[TLS_ERR_COMPRESSION] = "compression method list empty",
	[TLS_ERR_EXTENSION_LENGTH] = "extension length beyond its block",
	[TLS_ERR_DUPLICATE_EXT] = "extension repeated",
	[TLS_ERR_SNI] = "bad server_name extension",
	[TLS_ERR_ALPN] = "bad ALPN extension",
	[TLS_ERR_LIST] = "bad list in an extension",
};

const char *tls_strerror(enum tls_error err)
{
	if ((unsigned int)err >= TLS_ERR_COUNT)
		return "unknown error";
	return tls_error_text[err];
}

const char *tls_status_name(enum tls_status st)
{
	switch (st) {
	case TLS_NEED_MORE:
		return "need more";
	case TLS_DONE:
		return "done";
	case TLS_NOT_TLS:
		return "not TLS";
	case TLS_MALFORMED:
		return "malformed";
	}
	return "unknown";
}
