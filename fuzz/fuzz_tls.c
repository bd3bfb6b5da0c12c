// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for inspect/tls.c. The first byte picks the side (client
 * or server hello) and a piece size; the rest is the stream. Besides "never
 * crash, never read past len" (ASan), it checks that feeding the stream
 * whole and in pieces gives the same verdict, error and end offset, and
 * that a finished ClientHello gives a JA3 string within the documented size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/tls.h"

static uint8_t buf_whole[TLS_STREAM_BUF_DEFAULT], buf_split[TLS_STREAM_BUF_DEFAULT];

static void check_client(const struct tls_client_hello *h)
{
	static char ja3[6 * (65536 + 2 * 32768) + 32];
	int n = tls_ja3_string(h, ja3, sizeof(ja3));

	if (n < 0 || (size_t)n != strlen(ja3))
		abort();
	if (h->has_sni && (h->sni_len == 0 || strlen(h->sni) > TLS_SNI_MAX))
		abort();
	if (h->alpn_count && !h->has_alpn)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_stream whole, split;
	uint8_t expect;
	size_t piece, i, k;

	if (size == 0)
		return 0;
	expect = data[0] & 1 ? TLS_HS_SERVER_HELLO : TLS_HS_CLIENT_HELLO;
	piece = (data[0] >> 1) + 1;
	data++;
	size--;
	tls_stream_init(&whole, expect, buf_whole, sizeof(buf_whole));
	tls_stream_init(&split, expect, buf_split, sizeof(buf_split));
	tls_stream_feed(&whole, data, size);
	for (i = 0; i < size; i += k) {
		k = size - i < piece ? size - i : piece;
		tls_stream_feed(&split, data + i, k);
	}
	if (whole.status != split.status || whole.error != split.error ||
	    whole.consumed != split.consumed || whole.consumed > size)
		abort();
	if ((whole.status < 0) != (whole.error != TLS_OK))
		abort();
	if (whole.status == TLS_DONE && expect == TLS_HS_CLIENT_HELLO)
		check_client(&whole.hello.client);
	/* The body parsers on their own, straight over the input. */
	if (expect == TLS_HS_CLIENT_HELLO) {
		struct tls_client_hello h;

		if (tls_client_hello_parse(data, size, &h) == TLS_OK)
			check_client(&h);
	} else {
		struct tls_server_hello h;

		tls_server_hello_parse(data, size, &h);
	}
	return 0;
}
