// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for inspect/dns.c: the input is parsed as one DNS
 * message and as a DNS-over-TCP stream fed whole and in pieces. It checks
 * the documented bounds (names, counts, offsets) and that framing does not
 * depend on how the stream is cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/dns.h"

static struct dnsmsg msg;
static uint8_t tcp_whole[DNSMSG_TCP_MAX], tcp_split[DNSMSG_TCP_MAX];

static void check_name(const struct dnsmsg_name *n)
{
	char text[DNSMSG_NAME_TEXT_MAX];

	if (n->len > DNSMSG_NAME_MAX || n->labels > DNSMSG_MAX_LABELS || n->hops > DNSMSG_MAX_HOPS)
		abort();
	if (n->text[n->len] != '\0' || dnsmsg_name_text(n, text, sizeof(text)) >= sizeof(text))
		abort();
}

static void check_msg(size_t len)
{
	unsigned int i;

	if (msg.parsed > len || msg.n_questions > DNSMSG_MAX_QUESTIONS ||
	    msg.n_questions > msg.qdcount || msg.n_rrs > DNSMSG_MAX_RRS)
		abort();
	for (i = 0; i < msg.n_questions; i++)
		check_name(&msg.questions[i].name);
	for (i = 0; i < msg.n_rrs; i++) {
		check_name(&msg.rrs[i].name);
		if (msg.rrs[i].kind == DNSMSG_RDATA_NAME)
			check_name(&msg.rrs[i].target);
	}
}

/* Sums of message lengths seen by the TCP callback. */
static int count_msg(const uint8_t *m, size_t len, void *ctx)
{
	uint64_t *sum = ctx;

	if (len == 0)
		abort();
	*sum += len + 1;
	dnsmsg_parse(m, len, &msg);
	check_msg(len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnsmsg_tcp whole, split;
	uint64_t sum_whole = 0, sum_split = 0;
	size_t piece, i, k, cap;
	enum dnsmsg_error err;

	err = dnsmsg_parse(data, size, &msg);
	if (err >= DNSMSG_ERR_COUNT)
		abort();
	check_msg(size);
	if (err == DNSMSG_OK && msg.parsed + msg.trailing != size)
		abort();
	if (size == 0)
		return 0;
	piece = data[0] % 17 + 1;
	cap = data[0] & 0x80 ? 64 : sizeof(tcp_whole);
	dnsmsg_tcp_init(&whole, tcp_whole, cap);
	dnsmsg_tcp_init(&split, tcp_split, cap);
	dnsmsg_tcp_feed(&whole, data, size, count_msg, &sum_whole);
	for (i = 0; i < size; i += k) {
		k = size - i < piece ? size - i : piece;
		dnsmsg_tcp_feed(&split, data + i, k, count_msg, &sum_split);
	}
	if (sum_whole != sum_split || whole.messages != split.messages ||
	    whole.oversized != split.oversized || whole.empty != split.empty)
		abort();
	return 0;
}
