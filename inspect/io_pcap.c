// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-inspect --pcap: the inspection engine over a classic pcap, as
 * `suricata -r` does; the EVE records go where the inline mode's would.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/io_common.h"
#include "inspect/io_pcap.h"
#include "inspect/pcap.h"
#include "inspect/pkt.h"
#include "lib/fileutil.h"
#include "lib/log.h"

/* Private and link-local sources are the office: the LAN side of an offline capture. */
static int from_office(const uint8_t *frame, size_t len)
{
	struct pkt_info p;

	if (pkt_parse(frame, len, &p) != PKT_OK)
		return 1;
	if (p.tuple.family == 4)
		return p.tuple.saddr[0] == 10 ||
		       (p.tuple.saddr[0] == 172 && (p.tuple.saddr[1] & 0xf0) == 16) ||
		       (p.tuple.saddr[0] == 192 && p.tuple.saddr[1] == 168);
	return (p.tuple.saddr[0] & 0xfe) == 0xfc ||
	       (p.tuple.saddr[0] == 0xfe && (p.tuple.saddr[1] & 0xc0) == 0x80);
}

/* utm-inspect --pcap: the same engine over a capture. */
int pcap_mode(struct common *c)
{
	struct engine_verdict v;
	struct engine_stats st;
	struct pcap_reader r;
	struct pcap_record rec;
	uint64_t t0, bytes = 0, rec_last_ns = 0;
	char why[256];
	double secs;
	size_t len;
	uint8_t *buf = (uint8_t *)file_read_all(c->o->pcap, &len);
	struct engine *eng = engine_new(&c->cfg);
	int rc;

	if (!eng) {
		log_err("the inspection engine: out of memory");
		free(buf);
		return 1;
	}
	if (!buf) {
		log_err("%s: %s", c->o->pcap, strerror(errno));
		return 1;
	}
	if (pcap_open(&r, buf, len, why, sizeof(why))) {
		log_err("%s: %s", c->o->pcap, why);
		free(buf);
		return 1;
	}
	t0 = common_mono_ns();
	while ((rc = pcap_next(&r, &rec, why, sizeof(why))) == 1) {
		engine_frame(eng, rec.frame, rec.caplen, rec.ts_ns,
			     from_office(rec.frame, rec.caplen), &v);
		rec_last_ns = rec.ts_ns;
		bytes += rec.caplen;
	}
	secs = (double)(common_mono_ns() - t0) / 1e9;
	if (rc < 0)
		log_err("%s: %s; the frames before it were inspected", c->o->pcap, why);
	engine_stats(eng, &st);
	engine_stats_event(eng, rec_last_ns, (uint64_t)secs);
	log_info("%s: %llu frames (%llu TCP, %llu UDP), %llu alerts, %llu flows dropped; "
		 "%llu http, %llu tls, %llu dns; inspected in %.3f s (%.3f Gbit/s)",
		 c->o->pcap, (unsigned long long)st.frames, (unsigned long long)st.tcp,
		 (unsigned long long)st.udp, (unsigned long long)st.alerts,
		 (unsigned long long)st.drops, (unsigned long long)st.http_tx,
		 (unsigned long long)st.tls_hellos, (unsigned long long)st.dns_queries, secs,
		 secs > 0 ? (double)bytes * 8 / secs / 1e9 : 0.0);
	free(buf);
	engine_free(eng); /* the flows end: their records */
	return rc < 0 ? 1 : 0;
}
