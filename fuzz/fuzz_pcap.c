// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for inspect/pcap.c and inspect/pkt.c: any file is read
 * to its end or refused with a reason, records stay inside the file, and
 * every frame's headers parse without reading past the frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/pcap.h"
#include "inspect/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcap_reader r;
	struct pcap_record rec;
	struct pkt_info info;
	char why[160];
	int rc;

	why[0] = '\0';
	if (pcap_open(&r, data, size, why, sizeof(why))) {
		if (!why[0])
			abort();
		/* Not a pcap: take the input as one frame. */
		if (pkt_parse(data, size, &info) == PKT_OK &&
		    (size_t)info.payload_off + info.payload_len > size)
			abort();
		return 0;
	}
	while ((rc = pcap_next(&r, &rec, why, sizeof(why))) == 1) {
		if (rec.frame < data || rec.frame + rec.caplen > data + size)
			abort();
		if (pkt_parse(rec.frame, rec.caplen, &info) == PKT_OK &&
		    (size_t)info.payload_off + info.payload_len > rec.caplen)
			abort();
	}
	return 0;
}
