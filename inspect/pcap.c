// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Classic pcap reading (inspect/pcap.h). */
#include <stdio.h>
#include <string.h>

#include "inspect/pcap.h"

#define MAGIC_USEC  0xa1b2c3d4u
#define MAGIC_NSEC  0xa1b23c4du
#define PCAPNG_SHB  0x0a0d0d0au
#define GLOBAL_HLEN 24
#define RECORD_HLEN 16
/* Larger than any frame the bridge can carry (jumbo frames included). */
#define MAX_CAPLEN (256u * 1024)

static uint32_t rd32(const struct pcap_reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swapped ? __builtin_bswap32(v) : v;
}

int pcap_open(struct pcap_reader *r, const uint8_t *buf, size_t len, char *why, size_t whylen)
{
	uint32_t magic;

	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	if (len < GLOBAL_HLEN) {
		snprintf(why, whylen, "not a pcap file: %zu bytes, shorter than its header", len);
		return -1;
	}
	memcpy(&magic, buf, 4);
	if (magic == PCAPNG_SHB) {
		snprintf(why, whylen, "a pcapng file: convert it (editcap -F pcap IN OUT)");
		return -1;
	}
	if (magic == MAGIC_USEC || magic == MAGIC_NSEC) {
		r->nano = magic == MAGIC_NSEC;
	} else if (__builtin_bswap32(magic) == MAGIC_USEC ||
		   __builtin_bswap32(magic) == MAGIC_NSEC) {
		r->swapped = 1;
		r->nano = __builtin_bswap32(magic) == MAGIC_NSEC;
	} else {
		snprintf(why, whylen, "not a pcap file (magic %08x)", magic);
		return -1;
	}
	r->snaplen = rd32(r, buf + 16);
	r->linktype = rd32(r, buf + 20) & 0x0fffffff;
	if (r->linktype != PCAP_LINKTYPE_ETHERNET) {
		snprintf(why, whylen, "link type %u is not Ethernet", r->linktype);
		return -1;
	}
	r->pos = GLOBAL_HLEN;
	return 0;
}

int pcap_next(struct pcap_reader *r, struct pcap_record *rec, char *why, size_t whylen)
{
	const uint8_t *h = r->buf + r->pos;
	uint32_t sec, frac;

	if (r->pos == r->len)
		return 0;
	if (r->len - r->pos < RECORD_HLEN) {
		snprintf(why, whylen, "record header cut short at offset %zu", r->pos);
		return -1;
	}
	sec = rd32(r, h);
	frac = rd32(r, h + 4);
	rec->caplen = rd32(r, h + 8);
	rec->origlen = rd32(r, h + 12);
	if (rec->caplen > MAX_CAPLEN || frac >= (r->nano ? 1000000000u : 1000000u)) {
		snprintf(why, whylen, "impossible record at offset %zu (caplen %u)", r->pos,
			 rec->caplen);
		return -1;
	}
	if (r->len - r->pos - RECORD_HLEN < rec->caplen) {
		snprintf(why, whylen,
			 "record at offset %zu cut short: %u bytes announced, %zu left", r->pos,
			 rec->caplen, r->len - r->pos - RECORD_HLEN);
		return -1;
	}
	rec->ts_ns = (uint64_t)sec * 1000000000u + (r->nano ? frac : (uint64_t)frac * 1000u);
	rec->frame = h + RECORD_HLEN;
	r->pos += RECORD_HLEN + rec->caplen;
	return 1;
}
