// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* utm-gen: building the UDP/IPv4 frame, and small argument parsers. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "utm-gen.h"

static uint16_t ip_checksum(const void *hdr, size_t len)
{
	const uint16_t *w = hdr;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len / 2; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/*
 * Write the frame into buf, zero padded to f->size. The UDP checksum is 0
 * ("none", allowed for IPv4), so the generator need not recompute it when it
 * rewrites addresses and ports. Returns the frame length, 0 when it does not fit.
 */
size_t gen_build_frame(const struct gen_frame *f, uint8_t *buf, size_t len)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	size_t l3 = f->size - sizeof(*eth);

	if (f->size < GEN_MIN_FRAME || f->size > GEN_MAX_FRAME || f->size > len)
		return 0;
	memset(buf, 0, f->size);
	memcpy(eth->h_dest, f->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, f->src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(l3);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = f->saddr;
	ip->daddr = f->daddr;
	ip->check = ip_checksum(ip, sizeof(*ip));
	udp->source = htons(f->sport);
	udp->dest = htons(f->dport);
	udp->len = htons(l3 - sizeof(*ip));
	return f->size;
}

int gen_parse_ip4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*addr = a.s_addr;
	return 0;
}

int gen_parse_u64(const char *s, unsigned long long min, unsigned long long max,
		  unsigned long long *out)
{
	char *end;
	double d;

	errno = 0;
	/* Accept 1e6 and 1000000 alike: counts in scripts read better that way. */
	d = strtod(s, &end);
	if (errno || end == s || *end || d < (double)min || d > (double)max ||
	    d != (double)(unsigned long long)d)
		return -1;
	*out = (unsigned long long)d;
	return 0;
}

double gen_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}
