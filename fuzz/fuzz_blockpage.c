// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for lib/blockpage.c. Input: a 38-byte head (byte 0 the
 * kind, 1 the address family, 2-17 the address, 18-23 the MAC, 24-31 the
 * time, 32-35 the UTC offset, 36-37 how many bytes short of the page the
 * small buffer is), then the fields separated by NUL bytes: host, path,
 * list, category (ja, en), reason, reference, contact name, phone, email.
 * Besides "never crash, never write past the buffer" (the buffers are
 * exact-size heap copies), it checks what the renderer promises: any
 * fields fit in BLOCKPAGE_MAX, Content-Length is exact, the body variant
 * is the response's body, a short buffer gives -1, and the page is valid
 * UTF-8 without control or bidi characters and without a <script.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/blockpage.h"

#define HEAD 38

static void check_text(const uint8_t *p, size_t n)
{
	size_t i = 0, k, len;

	while (i < n) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\r' && p[i] != '\n') || p[i] == 0x7f)
				abort();
			if (p[i] == '<' && n - i >= 7 &&
			    !strncasecmp((const char *)p + i, "<script", 7))
				abort();
			i++;
			continue;
		}
		len = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
		if (p[i] < 0xc2 || p[i] > 0xf4 || i + len > n)
			abort();
		for (k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
		if ((p[i] == 0xe0 && p[i + 1] < 0xa0) || (p[i] == 0xed && p[i + 1] > 0x9f) ||
		    (p[i] == 0xf0 && p[i + 1] < 0x90) || (p[i] == 0xf4 && p[i + 1] > 0x8f))
			abort(); /* overlong, surrogate, above U+10FFFF */
		if (p[i] == 0xc2 && p[i + 1] < 0xa0)
			abort(); /* C1 control */
		if (p[i] == 0xe2 && p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae)
			abort(); /* bidi embedding or override */
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char page[BLOCKPAGE_MAX];
	struct blockpage_info in = {0};
	const char *f[10] = {0};
	size_t flen[10] = {0}, i, short_by;
	char *copy, *p, *end, *small, *hdr_end, *body;
	int n, b, nf = 0;
	int64_t sec;
	int32_t off;

	if (size < HEAD)
		return 0;
	in.kind = (enum blockpage_kind)(data[0] % (BLOCKPAGE_KIND_COUNT + 1));
	in.ip_family = data[1] % 3 == 0 ? 0 : data[1] % 3 == 1 ? 4 : 6;
	memcpy(in.ip, data + 2, 16);
	memcpy(in.mac, data + 18, 6);
	memcpy(&sec, data + 24, 8);
	memcpy(&off, data + 32, 4);
	in.when.tv_sec = (time_t)sec;
	in.utc_offset = off;
	short_by = 1 + (size_t)(data[36] << 8 | data[37]) % 512;

	/* NUL-separated fields in a NUL-terminated copy */
	copy = malloc(size - HEAD + 1);
	if (!copy)
		return 0;
	memcpy(copy, data + HEAD, size - HEAD);
	copy[size - HEAD] = '\0';
	for (p = copy, end = copy + (size - HEAD); nf < 10 && p <= end; nf++) {
		f[nf] = p;
		flen[nf] = strlen(p);
		p += flen[nf] + 1;
	}
	in.host = f[0], in.host_len = flen[0];
	in.path = f[1], in.path_len = flen[1];
	in.list = f[2];
	in.category_ja = f[3];
	in.category_en = f[4];
	in.reason = f[5];
	in.ref = f[6];
	in.contact_name = f[7];
	in.contact_phone = f[8];
	in.contact_email = f[9];

	n = blockpage_render(&in, page, sizeof(page));
	if (n <= 0)
		abort(); /* any fields fit */
	hdr_end = memmem(page, (size_t)n, "\r\n\r\n", 4);
	if (!hdr_end)
		abort();
	body = hdr_end + 4;
	p = memmem(page, (size_t)(hdr_end - page), "\r\nContent-Length: ", 18);
	if (!p || strtol(p + 18, NULL, 10) != page + n - body)
		abort();
	check_text((const uint8_t *)page, (size_t)n);

	/* exact-size and short heap buffers: ASan sees any write past them */
	small = malloc((size_t)n);
	if (!small)
		goto out;
	if (blockpage_render(&in, small, (size_t)n) != n || memcmp(small, page, (size_t)n))
		abort();
	b = blockpage_body(&in, small, (size_t)(page + n - body));
	if (b != page + n - body || memcmp(small, body, (size_t)b))
		abort();
	i = short_by < (size_t)n ? (size_t)n - short_by : 0;
	if (blockpage_render(&in, small, i) != -1)
		abort();
	if (i < (size_t)b && blockpage_body(&in, small, i) != -1)
		abort();
	free(small);
out:
	free(copy);
	return 0;
}
