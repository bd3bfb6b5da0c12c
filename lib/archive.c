// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * gzip and tar readers for downloaded feeds (see archive.h). Both work on a
 * buffer that is already in memory: gunzip_buf grows one malloc'd output
 * buffer under a hard cap (a feed has no business being a gzip bomb), and
 * tar_each hands out pointers into the archive rather than copies, so the
 * only scratch is a name buffer on its stack.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lib/archive.h"
#include "lib/fileutil.h"

#define TAR_BLOCK 512
/* First output buffer of gunzip_buf; it doubles from there. */
#define GUNZIP_FIRST_CAP 16384
/* How much of a member name goes into a message. */
#define NAME_QUOTE_MAX 64
/* Longest path part a Linux file system takes (NAME_MAX). */
#define NAME_PART_MAX 255

/* Offsets of the ustar header fields tar_each reads. */
#define H_NAME	   0
#define H_NAME_LEN 100
#define H_SIZE	   124
#define H_SIZE_LEN 12
#define H_CHKSUM   148
#define H_CHK_LEN  8
#define H_TYPE	   156
#define H_MAGIC	   257
#define H_PREFIX   345
#define H_PFX_LEN  155

__attribute__((format(printf, 3, 4))) static int fail(char *why, size_t whylen, const char *fmt,
						      ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ---- gzip ---- */

int gzip_is(const void *buf, size_t len)
{
	const unsigned char *b = buf;

	return len >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

/* The output of gunzip_buf while it grows. */
struct gunzip_out {
	char *buf;
	size_t cap;   /* bytes allocated, the NUL included */
	size_t limit; /* output bytes that prove the stream too large: max_out + 1 */
};

/*
 * Make room for more output, doubling the buffer up to limit bytes plus the
 * NUL. Inflate never gets room past limit, and reaching it means "more than
 * max_out": a bomb, refused without decompressing the rest.
 */
static int gunzip_grow(struct gunzip_out *o, z_stream *zs, size_t produced, char *why,
		       size_t whylen)
{
	size_t want = o->limit + 1, room;
	char *bigger;

	if (produced + 1 >= o->cap) {
		if (o->cap <= want / 2)
			want = o->cap * 2;
		bigger = realloc(o->buf, want);
		if (!bigger)
			return fail(why, whylen, "out of memory");
		o->buf = bigger;
		o->cap = want;
	}
	room = o->cap - 1 - produced;
	zs->next_out = (Bytef *)o->buf + produced;
	zs->avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
	return 0;
}

/* Hand zlib the next piece of input: avail_in is a uInt, inlen a size_t. */
static void gunzip_feed(z_stream *zs, const unsigned char *in, size_t inlen, size_t *fed)
{
	size_t left = inlen - *fed;
	uInt take = left > UINT_MAX ? UINT_MAX : (uInt)left;

	zs->next_in = (Bytef *)in + *fed;
	zs->avail_in = take;
	*fed += take;
}

/* The inflate loop proper: 0 with the whole output in o, or -1 + why. */
static int gunzip_run(z_stream *zs, const unsigned char *in, size_t inlen, struct gunzip_out *o,
		      size_t *produced, char *why, size_t whylen)
{
	size_t fed = 0, rest;
	int rc;

	for (;;) {
		if (zs->avail_out == 0 && gunzip_grow(o, zs, *produced, why, whylen))
			return -1;
		if (zs->avail_in == 0 && fed < inlen)
			gunzip_feed(zs, in, inlen, &fed);
		rc = inflate(zs, Z_NO_FLUSH);
		*produced = (size_t)((char *)zs->next_out - o->buf);
		if (*produced >= o->limit)
			return fail(why, whylen, "larger than %zu bytes uncompressed",
				    o->limit - 1);
		if (rc == Z_OK)
			continue;
		if (rc == Z_BUF_ERROR && zs->avail_out == 0)
			continue;
		if (rc == Z_BUF_ERROR)
			return fail(why, whylen, "truncated gzip stream");
		if (rc == Z_MEM_ERROR)
			return fail(why, whylen, "out of memory");
		if (rc != Z_STREAM_END)
			return fail(why, whylen, "corrupt gzip data: %s",
				    zs->msg ? zs->msg : "unknown error");
		/* One member done: another may follow, or tape-style zero padding. */
		rest = zs->avail_in + (inlen - fed);
		if (rest == 0 || all_zero(in + (inlen - rest), rest))
			return 0;
		if (inflateReset(zs) != Z_OK)
			return fail(why, whylen, "corrupt gzip data: cannot reset the inflater");
	}
}

int gunzip_buf(const void *in, size_t inlen, size_t max_out, char **out, size_t *outlen, char *why,
	       size_t whylen)
{
	struct gunzip_out o = {0};
	size_t produced = 0;
	z_stream zs;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (inlen >= 2 && !gzip_is(in, inlen))
		return fail(why, whylen, "not gzip data (no 1f 8b magic)");
	if (max_out > SIZE_MAX - 2)
		max_out = SIZE_MAX - 2;
	o.limit = max_out + 1;
	/* Feeds compress about 4:1; start there so that most need no realloc. */
	o.cap = inlen < GUNZIP_FIRST_CAP / 4 ? GUNZIP_FIRST_CAP : inlen;
	if (o.cap <= SIZE_MAX / 4)
		o.cap *= 4;
	if (o.cap > o.limit + 1)
		o.cap = o.limit + 1;
	o.buf = malloc(o.cap);
	if (!o.buf)
		return fail(why, whylen, "out of memory");
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(o.buf);
		return fail(why, whylen, "out of memory");
	}
	zs.next_out = (Bytef *)o.buf;
	zs.avail_out = o.cap - 1 > UINT_MAX ? UINT_MAX : (uInt)(o.cap - 1);
	rc = gunzip_run(&zs, in, inlen, &o, &produced, why, whylen);
	inflateEnd(&zs);
	if (rc) {
		free(o.buf);
		return -1;
	}
	o.buf[produced] = '\0';
	*out = o.buf;
	*outlen = produced;
	return 0;
}

/* ---- tar ---- */

/* What walk_header found. */
enum walk_step {
	WALK_NEXT,    /* a header done, read the next one */
	WALK_END,     /* a zero block or the end of the buffer: the archive ends */
	WALK_REFUSED, /* why says what is wrong */
	WALK_STOPPED, /* the callback returned fn_rc */
};

/* What extension headers said about the next member, and the scratch for its name. */
struct tar_walk {
	const unsigned char *buf;
	size_t len;
	size_t off; /* offset of the header being read */
	char *why;
	size_t whylen;
	int pending;   /* an extension header waits for its member */
	int have_name; /* next_name came from an 'L' entry or a pax path */
	int have_size; /* next_size came from a pax size */
	size_t next_size;
	int fn_rc; /* the callback's non-zero return */
	char next_name[TAR_NAME_MAX + 1];
	char name[TAR_NAME_MAX + 1];
};

/*
 * An octal field: optional leading spaces, digits, then NULs or spaces to
 * its end. An empty field is refused: every writer puts at least one digit.
 */
static int parse_octal(const unsigned char *f, size_t n, uint64_t *val)
{
	size_t i = 0;
	uint64_t v = 0;
	int digits = 0;

	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (v > (UINT64_MAX >> 3))
			return -1;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	if (!digits)
		return -1;
	*val = v;
	return 0;
}

/*
 * The size field: octal, or GNU base-256 (first byte 0x80, then a big-endian
 * number) for sizes of 8 GiB and more. A negative base-256 value (0xff) or
 * one that does not fit a size_t is bad.
 */
static int parse_size(const unsigned char *f, size_t *size)
{
	uint64_t v;
	size_t i;

	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -1;
		for (v = 0, i = 1; i < H_SIZE_LEN; i++) {
			if (v > (UINT64_MAX >> 8))
				return -1;
			v = v << 8 | f[i];
		}
	} else if (parse_octal(f, H_SIZE_LEN, &v)) {
		return -1;
	}
	if (v > SIZE_MAX)
		return -1;
	*size = (size_t)v;
	return 0;
}

/*
 * The checksum is the sum of the header bytes with the checksum field read
 * as spaces. Old Unix tars summed signed chars, so either sum is accepted.
 */
static int checksum_ok(const unsigned char *h)
{
	uint64_t want, usum = 0;
	int64_t ssum = 0;
	size_t i;

	if (parse_octal(h + H_CHKSUM, H_CHK_LEN, &want))
		return 0;
	for (i = 0; i < TAR_BLOCK; i++) {
		unsigned char c = (i >= H_CHKSUM && i < H_CHKSUM + H_CHK_LEN) ? ' ' : h[i];

		usum += c;
		ssum += (signed char)c;
	}
	return want == usum || (int64_t)want == ssum;
}

/* The member's data would run past the archive: a cut download. */
static enum walk_step walk_truncated(struct tar_walk *w, const char *name, size_t size, size_t left)
{
	char quoted[NAME_QUOTE_MAX + 4];

	text_quote(quoted, name, strlen(name), NAME_QUOTE_MAX);
	fail(w->why, w->whylen, "truncated tar: \"%s\" needs %zu bytes of data, %zu left", quoted,
	     size, left);
	return WALK_REFUSED;
}

/* Keep a GNU long name or pax path for the next member. */
static int walk_set_name(struct tar_walk *w, const char *s, size_t n)
{
	if (n > TAR_NAME_MAX)
		return fail(w->why, w->whylen,
			    "tar header at offset %zu: name of %zu bytes (max %d)", w->off, n,
			    TAR_NAME_MAX);
	memcpy(w->next_name, s, n);
	w->next_name[n] = '\0';
	w->have_name = 1;
	return 0;
}

/* A GNU 'L' entry: its data is the next member's name, usually NUL-terminated. */
static int walk_long_name(struct tar_walk *w, const unsigned char *data, size_t size)
{
	const unsigned char *nul = memchr(data, '\0', size);

	return walk_set_name(w, (const char *)data, nul ? (size_t)(nul - data) : size);
}

/* A decimal pax value ("size=") with nothing else in it. */
static int parse_decimal(const char *s, size_t n, size_t *val)
{
	size_t i, v = 0;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*val = v;
	return 0;
}

/*
 * One "key=value" of a pax header: only path and size matter to a reader of
 * feeds. 0, -1 for a malformed record, -2 when refused with why already set.
 */
static int walk_pax_keyword(struct tar_walk *w, const char *kv, size_t n)
{
	const char *eq = memchr(kv, '=', n);
	size_t klen, vlen;

	if (!eq || eq == kv)
		return -1;
	klen = (size_t)(eq - kv);
	vlen = n - klen - 1;
	if (klen == 4 && memcmp(kv, "path", 4) == 0) {
		if (vlen == 0 || memchr(eq + 1, '\0', vlen))
			return -1;
		return walk_set_name(w, eq + 1, vlen) ? -2 : 0;
	}
	if (klen == 4 && memcmp(kv, "size", 4) == 0) {
		if (parse_decimal(eq + 1, vlen, &w->next_size))
			return -1;
		w->have_size = 1;
	}
	return 0;
}

/*
 * A pax 'x' header: records "<len> <key>=<value>\n", where len counts the
 * whole record, its own digits included.
 */
static int walk_pax(struct tar_walk *w, const unsigned char *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	size_t reclen, digits;
	int rc;

	while (p < end) {
		for (digits = 0; p + digits < end && p[digits] >= '0' && p[digits] <= '9'; digits++)
			;
		if (digits == 0 || p + digits >= end || p[digits] != ' ' ||
		    parse_decimal(p, digits, &reclen) || reclen < digits + 2 ||
		    reclen > (size_t)(end - p) || p[reclen - 1] != '\n')
			goto bad;
		rc = walk_pax_keyword(w, p + digits + 1, reclen - digits - 2);
		if (rc == -2)
			return -1;
		if (rc)
			goto bad;
		p += reclen;
	}
	return 0;
bad:
	return fail(w->why, w->whylen, "tar header at offset %zu: bad pax record at byte %zu",
		    w->off, (size_t)(p - (const char *)data));
}

/* The member's own name: the extension's if any, else ustar prefix + "/" + name. */
static void walk_member_name(struct tar_walk *w, const unsigned char *h)
{
	size_t n, p;

	if (w->have_name) {
		memcpy(w->name, w->next_name, strlen(w->next_name) + 1);
		return;
	}
	n = strnlen((const char *)h + H_NAME, H_NAME_LEN);
	p = 0;
	/* Only POSIX ustar has a prefix; GNU keeps other fields in that space. */
	if (memcmp(h + H_MAGIC, "ustar\0", 6) == 0) {
		p = strnlen((const char *)h + H_PREFIX, H_PFX_LEN);
		memcpy(w->name, h + H_PREFIX, p);
		if (p)
			w->name[p++] = '/';
	}
	memcpy(w->name + p, h + H_NAME, n);
	w->name[p + n] = '\0';
}

/* Data of a regular file; v7 tars mark directories as files with a trailing '/'. */
static int is_regular(const struct tar_walk *w, char type)
{
	size_t n = strlen(w->name);

	if (type != '0' && type != '\0' && type != '7')
		return 0;
	return !(type != '7' && n && w->name[n - 1] == '/');
}

/* Character and block devices and FIFOs carry no data whatever their size field says. */
static int has_data(char type)
{
	return type != '3' && type != '4' && type != '6';
}

/* Read the header at w->off and step over its data. */
static enum walk_step walk_header(struct tar_walk *w, tar_member_fn fn, void *ctx)
{
	const unsigned char *h = w->buf + w->off;
	size_t left = w->len - w->off, size, data_off;
	struct tar_member m;
	char type;
	int rc;

	if (left < TAR_BLOCK) {
		if (all_zero(h, left))
			return WALK_END;
		fail(w->why, w->whylen, "truncated tar: header at offset %zu cut short", w->off);
		return WALK_REFUSED;
	}
	if (all_zero(h, TAR_BLOCK))
		return WALK_END;
	if (!checksum_ok(h)) {
		fail(w->why, w->whylen, "tar header at offset %zu: bad checksum", w->off);
		return WALK_REFUSED;
	}
	if (parse_size(h + H_SIZE, &size)) {
		fail(w->why, w->whylen, "tar header at offset %zu: bad size field", w->off);
		return WALK_REFUSED;
	}
	type = (char)h[H_TYPE];
	if (!has_data(type))
		size = 0;
	else if (w->have_size && type != 'x' && type != 'g' && type != 'L' && type != 'K')
		size = w->next_size;
	data_off = w->off + TAR_BLOCK;
	left = w->len - data_off;

	if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
		if (size > left)
			return walk_truncated(w,
					      type == 'L' ? "(GNU long name)" : "(extended header)",
					      size, left);
		rc = 0;
		if (type == 'L')
			rc = walk_long_name(w, w->buf + data_off, size);
		else if (type == 'x')
			rc = walk_pax(w, w->buf + data_off, size);
		if (rc)
			return WALK_REFUSED;
		w->pending = 1;
	} else {
		walk_member_name(w, h);
		if (size > left)
			return walk_truncated(w, w->name, size, left);
		w->pending = w->have_name = w->have_size = 0;
		if (is_regular(w, type) && fn) {
			m.name = w->name;
			m.data = (const char *)w->buf + data_off;
			m.size = size;
			w->fn_rc = fn(&m, ctx);
			if (w->fn_rc)
				return WALK_STOPPED;
		}
	}
	/* The last member's padding may be missing from an archive without end blocks. */
	size = size + (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
	w->off = size > left ? w->len : data_off + size;
	return WALK_NEXT;
}

int tar_each(const void *buf, size_t len, tar_member_fn fn, void *ctx, char *why, size_t whylen)
{
	enum walk_step step = WALK_NEXT;
	struct tar_walk w;

	memset(&w, 0, sizeof(w));
	w.buf = buf;
	w.len = len;
	w.why = why;
	w.whylen = whylen;
	while (step == WALK_NEXT && w.off < w.len)
		step = walk_header(&w, fn, ctx);
	if (step == WALK_REFUSED)
		return -1;
	if (step == WALK_STOPPED)
		return w.fn_rc;
	if (w.pending)
		return fail(why, whylen, "truncated tar: ends after an extended header");
	return 0;
}

int tar_is(const void *buf, size_t len)
{
	const unsigned char *b = buf;

	return len >= H_MAGIC + 5 && memcmp(b + H_MAGIC, "ustar", 5) == 0;
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '+' || c == '-';
}

/* One part between slashes: not empty, not "..", not over NAME_PART_MAX, allowed bytes. */
static int name_part_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > NAME_PART_MAX || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (i = 0; i < n; i++)
		if (!name_char_ok(s[i]))
			return 0;
	return 1;
}

int tar_name_safe(const char *name)
{
	const char *part, *slash;
	size_t n;

	if (!name || !*name || strnlen(name, TAR_NAME_MAX + 1) > TAR_NAME_MAX)
		return 0;
	for (part = name;; part = slash + 1) {
		slash = strchr(part, '/');
		n = slash ? (size_t)(slash - part) : strlen(part);
		if (!name_part_ok(part, n))
			return 0;
		if (!slash)
			break;
	}
	/* A file cannot be created as "dir/.": that names the directory itself. */
	return !(n == 1 && part[0] == '.');
}
