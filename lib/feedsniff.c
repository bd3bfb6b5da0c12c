// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Is a download a page or junk instead of a list (see feedsniff.h)? Only
 * the first FEED_SNIFF_BYTES are looked at: an error page says what it is
 * at its top, and a feed of hundreds of megabytes must not cost a scan.
 */
#include <string.h>
#include <strings.h>

#include "lib/feedsniff.h"

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Offset of the first byte after whitespace at or past pos. */
static size_t skip_space(const char *buf, size_t len, size_t pos)
{
	while (pos < len && is_space((unsigned char)buf[pos]))
		pos++;
	return pos;
}

/* 1 when the bytes at pos start with word (ASCII, case-insensitive). */
static int starts_with(const char *buf, size_t len, size_t pos, const char *word)
{
	size_t n = strlen(word);

	return len - pos >= n && strncasecmp(buf + pos, word, n) == 0;
}

/* Past "<!-- ... -->" at pos, or pos itself when no whole comment is there. */
static size_t skip_comment(const char *buf, size_t len, size_t pos)
{
	const char *end;

	if (!starts_with(buf, len, pos, "<!--"))
		return pos;
	end = memmem(buf + pos + 4, len - pos - 4, "-->", 3);
	return end ? (size_t)(end - buf) + 3 : pos;
}

/* "<!DOCTYPE", whitespace, "html": how browsers and servers write the HTML doctype. */
static int is_html_doctype(const char *buf, size_t len, size_t pos)
{
	size_t after;

	if (!starts_with(buf, len, pos, "<!doctype"))
		return 0;
	after = skip_space(buf, len, pos + 9);
	return after > pos + 9 && starts_with(buf, len, after, "html");
}

int feed_is_html(const char *buf, size_t len)
{
	static const char *const openers[] = {"<html", "<head", "<body", "<?xml"};
	size_t pos = 0, prev, i;

	if (len > FEED_SNIFF_BYTES)
		len = FEED_SNIFF_BYTES;
	if (starts_with(buf, len, 0, "\xef\xbb\xbf"))
		pos = 3;
	do {
		prev = pos;
		pos = skip_comment(buf, len, skip_space(buf, len, pos));
	} while (pos != prev);
	if (is_html_doctype(buf, len, pos))
		return 1;
	for (i = 0; i < sizeof(openers) / sizeof(openers[0]); i++)
		if (starts_with(buf, len, pos, openers[i]))
			return 1;
	return 0;
}

/* A byte no text file has, short of a NUL: C0 controls except tab and line ends, and DEL. */
static int is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

int feed_is_binary(const char *buf, size_t len)
{
	size_t i, controls = 0;

	if (len > FEED_SNIFF_BYTES)
		len = FEED_SNIFF_BYTES;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\0')
			return 1;
		controls += is_control(c);
	}
	return controls * 10 > len;
}
