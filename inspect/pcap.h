/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Classic pcap files (what tcpdump -w writes): a pure reader over the
 * file's bytes for `utm-inspect --pcap`, the offline mode that runs the
 * same engine on a capture. Both byte orders, micro- and nanosecond
 * timestamps; Ethernet link type only (the bridge sees Ethernet frames).
 */
#ifndef UTM_INSPECT_PCAP_H
#define UTM_INSPECT_PCAP_H

#include <stddef.h>
#include <stdint.h>

#define PCAP_LINKTYPE_ETHERNET 1

struct pcap_reader {
	const uint8_t *buf;
	size_t len, pos;
	int swapped; /* the file's byte order is not ours */
	int nano;    /* timestamps in nanoseconds */
	uint32_t snaplen, linktype;
};

struct pcap_record {
	uint64_t ts_ns;	      /* capture time, nanoseconds since the epoch */
	const uint8_t *frame; /* points into the file's buffer */
	uint32_t caplen;      /* bytes captured */
	uint32_t origlen;     /* bytes on the wire */
};

/*
 * Check the global header. 0, or -1 with why ("not a pcap file", "link
 * type 113 is not Ethernet"). pcapng is refused with a hint to convert.
 */
int pcap_open(struct pcap_reader *r, const uint8_t *buf, size_t len, char *why, size_t whylen);

/* The next record: 1, 0 at the end, -1 with why on a cut or impossible record. */
int pcap_next(struct pcap_reader *r, struct pcap_record *rec, char *why, size_t whylen);

#endif /* UTM_INSPECT_PCAP_H */
