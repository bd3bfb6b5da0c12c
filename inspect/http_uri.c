// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * HTTP URI and host normalisation for the http.uri and http.host sticky
 * buffers. Pure functions over (buf, len); the output is never longer than
 * the input (except the 1-byte "/" of an absolute URI without a path).
 *
 * Choices (libhtp's defaults as Suricata configures them, simplified):
 *  - every valid %XX is decoded, in path and query: ET rules match decoded
 *    text in http.uri ("union select" for "union%20select"); %uXXXX and '+'
 *    are left alone; an invalid escape ("%zz", "%4") is kept as is;
 *  - decoding happens once, before path normalisation, so "%2e%2e%2f"
 *    resolves like "../" and "%5c" like '\';
 *  - in the path '\' is a separator, "//" collapses, "." and ".." resolve;
 *  - the query (from the first '?', raw or decoded) is not path-normalised.
 */
#include <stdbool.h>
#include <string.h>

#include "inspect/http.h"

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX escapes of in[0..len) into out; returns the output length. */
static size_t percent_decode(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0;

	while (i < len) {
		if (in[i] == '%' && i + 2 < len) {
			int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);

			if (hi >= 0 && lo >= 0) {
				out[o++] = (uint8_t)(hi << 4 | lo);
				i += 3;
				continue;
			}
		}
		out[o++] = in[i++];
	}
	return o;
}

/* Drop the last segment of out[0..o) (and its leading '/'); returns new o. */
static size_t pop_segment(const uint8_t *out, size_t o)
{
	while (o > 0 && out[o - 1] != '/')
		o--;
	if (o > 0)
		o--; /* the '/' before the segment */
	return o;
}

/*
 * Normalise a decoded path in place-safe fashion from p[0..len) to out:
 * '\' -> '/', "//" -> "/", "." and ".." segments resolved. out may equal p
 * (the write position never passes the read position).
 */
static size_t path_normalize(const uint8_t *p, size_t len, uint8_t *out)
{
	bool absolute = len > 0 && (p[0] == '/' || p[0] == '\\');
	size_t i = 0, o = 0;

	while (i < len) {
		size_t start, seg_len;

		while (i < len && (p[i] == '/' || p[i] == '\\'))
			i++;
		start = i;
		while (i < len && p[i] != '/' && p[i] != '\\')
			i++;
		seg_len = i - start;
		if (seg_len == 1 && p[start] == '.') {
			/* "." : nothing, but "/a/." keeps the trailing slash */
			if (i >= len && (o > 0 || absolute))
				out[o++] = '/';
			continue;
		}
		if (seg_len == 2 && p[start] == '.' && p[start + 1] == '.') {
			o = pop_segment(out, o);
			if (i >= len && (o > 0 || absolute))
				out[o++] = '/';
			continue;
		}
		if (seg_len == 0) {
			/* only separators were left: keep one trailing '/' */
			if (o > 0 || absolute)
				out[o++] = '/';
			continue;
		}
		if (o > 0 || absolute)
			out[o++] = '/';
		memmove(out + o, p + start, seg_len);
		o += seg_len;
	}
	if (o == 0 && absolute)
		out[o++] = '/';
	return o;
}

/* Length of "scheme://" at in, or 0. */
static size_t scheme_len(const uint8_t *in, size_t len)
{
	size_t i = 0;

	while (i < len && ((in[i] >= 'a' && in[i] <= 'z') || (in[i] >= 'A' && in[i] <= 'Z') ||
			   (i > 0 && ((in[i] >= '0' && in[i] <= '9') || in[i] == '+' ||
				      in[i] == '-' || in[i] == '.'))))
		i++;
	if (i == 0 || i + 3 > len || in[i] != ':' || in[i + 1] != '/' || in[i + 2] != '/')
		return 0;
	return i + 3;
}

struct http_buf http_uri_authority(const uint8_t *in, size_t len)
{
	struct http_buf auth = {NULL, 0};
	size_t start = scheme_len(in, len), end;

	if (!start)
		return auth;
	end = start;
	while (end < len && in[end] != '/' && in[end] != '?' && in[end] != '#')
		end++;
	auth.ptr = in + start;
	auth.len = end - start;
	/* userinfo@ is not part of the host */
	for (size_t i = auth.len; i > 0; i--) {
		if (auth.ptr[i - 1] == '@') {
			auth.ptr += i;
			auth.len -= i;
			break;
		}
	}
	return auth;
}

size_t http_uri_normalize(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t start = scheme_len(in, len), q, n;

	if (start) {
		while (start < len && in[start] != '/' && in[start] != '?' && in[start] != '#')
			start++;
		in += start;
		len -= start;
		if (len == 0) {
			out[0] = '/'; /* "http://h": the path is "/" */
			return 1;
		}
	}
	if (len == 1 && in[0] == '*') {
		out[0] = '*';
		return 1;
	}
	/* the query starts at the first raw '?': a decoded %3f is path */
	for (q = 0; q < len && in[q] != '?'; q++)
		;
	n = percent_decode(in, q, out);
	n = path_normalize(out, n, out);
	if (start && (n == 0 || out[0] != '/')) {
		/* "http://h?q": the root path; the dropped authority made room */
		memmove(out + 1, out, n);
		out[0] = '/';
		n++;
	}
	n += percent_decode(in + q, len - q, out + n);
	return n;
}

size_t http_host_normalize(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t s = 0, e = len, i, o = 0;

	while (s < e && (in[s] == ' ' || in[s] == '\t'))
		s++;
	while (e > s && (in[e - 1] == ' ' || in[e - 1] == '\t'))
		e--;
	for (i = e; i > s; i--) {
		if (in[i - 1] == '@') {
			s = i;
			break;
		}
	}
	if (s < e && in[s] == '[') {
		/* IPv6 literal: up to and with the ']' */
		for (i = s; i < e && in[i] != ']'; i++)
			;
		e = i < e ? i + 1 : e;
	} else {
		for (i = s; i < e && in[i] != ':'; i++)
			;
		e = i;
	}
	for (i = s; i < e; i++)
		out[o++] = (in[i] >= 'A' && in[i] <= 'Z') ? in[i] + ('a' - 'A') : in[i];
	return o;
}
