// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-hsbench: the reference side of bench/inspect.sh. Raw Hyperscan
 * block-mode scanning of every frame's payload of a capture against the
 * prefilter literals of a ruleset (the same databases utm-inspect uses),
 * and nothing else: no flows, no reassembly, no parsers, no confirmation.
 * The ratio of utm-inspect's throughput to this one says what the rest of
 * the engine costs.
 *
 *     utm-hsbench PCAP RULES...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "inspect/mpm.h"
#include "inspect/pcap.h"
#include "inspect/pkt.h"
#include "inspect/ruleset.h"
#include "lib/fileutil.h"

static void count(uint32_t rule, void *ctx)
{
	(*(uint64_t *)ctx)++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ruleset *load(char **files, int n)
{
	struct ruleset *rs = ruleset_new(NULL, NULL, NULL);
	int i;

	for (i = 0; rs && i < n; i++) {
		size_t len;
		char *buf = file_read_all(files[i], &len);

		if (!buf) {
			perror(files[i]);
			exit(1);
		}
		ruleset_load(rs, buf, len, files[i]);
		free(buf);
	}
	return rs;
}

int main(int argc, char **argv)
{
	uint64_t bytes = 0, frames = 0, hits = 0;
	const struct rule **rules;
	struct mpm_scratch *scratch;
	struct pcap_reader r;
	struct pcap_record rec;
	struct ruleset *rs;
	struct mpm *m;
	char why[256];
	double t0, secs;
	uint8_t *pcap;
	size_t len, n, i;

	if (argc < 3) {
		fprintf(stderr, "usage: utm-hsbench PCAP RULES...\n");
		return 2;
	}
	rs = load(argv + 2, argc - 2);
	n = ruleset_count(rs);
	rules = calloc(n + 1, sizeof(*rules));
	for (i = 0; i < n; i++)
		rules[i] = ruleset_rule(rs, i);
	m = mpm_build(rules, n, why, sizeof(why));
	pcap = (uint8_t *)file_read_all(argv[1], &len);
	if (!m || !pcap || pcap_open(&r, pcap, len, why, sizeof(why))) {
		fprintf(stderr, "utm-hsbench: %s\n", m && pcap ? why : "cannot start");
		return 1;
	}
	scratch = mpm_scratch_new(m);
	t0 = now();
	while (pcap_next(&r, &rec, why, sizeof(why)) == 1) {
		struct pkt_info p;

		frames++;
		bytes += rec.caplen;
		if (pkt_parse(rec.frame, rec.caplen, &p) == PKT_OK && p.payload_len)
			mpm_scan(m, scratch, RULE_BUF_PAYLOAD,
				 /* as the engine: the lower port is the server's */
				 p.tuple.dport <= p.tuple.sport ? MPM_TO_SERVER : MPM_TO_CLIENT,
				 rec.frame + p.payload_off, p.payload_len, count, &hits);
	}
	secs = now() - t0;
	printf("{\"frames\":%llu,\"bytes\":%llu,\"seconds\":%.4f,\"gbps\":%.3f,\"candidates\":%llu}"
	       "\n",
	       (unsigned long long)frames, (unsigned long long)bytes, secs,
	       (double)bytes * 8 / secs / 1e9, (unsigned long long)hits);
	mpm_scratch_free(scratch);
	mpm_free(m);
	free(rules);
	free(pcap);
	ruleset_free(rs);
	return 0;
}
