// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-dnsblast's DNS query source and response sink (the DNS benchmark).
 *
 * dnsblast_gen runs under BPF_PROG_TEST_RUN in live-frames mode, as utm-gen's
 * generator does (see gen.bpf.c for the mechanics): each iteration turns the
 * kernel's copy of the template into the next of up to 65,536 prebuilt query
 * frames (different names, source ports and IDs) and returns XDP_TX, which
 * the kernel sends out of the context's interface, as fast as the CPU
 * allows. The template is the
 * longest frame there may be; each frame is cut to its length first, then
 * written whole, since recycled pages may hold an earlier frame.
 *
 * dnsblast_sink is attached to the interface the answers come back to: it
 * counts DNS responses (UDP from port 53) by outcome and drops them, and
 * passes everything else (ARP, neighbour discovery) to the stack, so that the
 * host stays reachable for a resolver that must answer it.
 *
 * utm-dnsblast runs all generator threads on one CPU: only one program run
 * at a time touches the .bss counters, which need no atomics.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "dnsblast_types.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define DNS_FLAG_QR 0x80 /* in the first flags byte */

/* Frames in use (set before loading). */
const volatile __u32 nframes = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DNSBLAST_MAX_FRAMES);
	__type(key, __u32);
	__type(value, struct dnsblast_frame);
} frames SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dnsblast_count);
} responses SEC(".maps");

/* Control and counters, shared with utm-dnsblast through the mmapped .bss. */
__u64 sent = 0; /* frames returned XDP_TX so far */
__u32 stop = 0; /* 1: send nothing more */

SEC("xdp")
int dnsblast_gen(struct xdp_md *ctx)
{
	struct dnsblast_frame *f;
	__u32 idx, len, have;

	if (stop)
		return XDP_DROP;
	idx = sent % nframes;
	f = bpf_map_lookup_elem(&frames, &idx);
	if (!f)
		return XDP_ABORTED;
	len = f->len;
	if (len < DNSBLAST_FRAME_MIN || len > DNSBLAST_FRAME_MAX)
		return XDP_ABORTED;
	/* The kernel resets each frame to the template's length, but do not count on it. */
	have = bpf_xdp_get_buff_len(ctx);
	if (bpf_xdp_adjust_tail(ctx, (int)len - (int)have))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, f->data, len))
		return XDP_ABORTED;
	sent++;
	return XDP_TX;
}

/* Count one DNS response whose header starts at dns (12 bytes checked). */
static __always_inline void count_response(const __u8 *dns)
{
	struct dnsblast_count *c;
	__u32 zero = 0;
	__u8 rcode = dns[3] & 0x0f;
	__u16 an = (__u16)dns[6] << 8 | dns[7];

	c = bpf_map_lookup_elem(&responses, &zero);
	if (!c)
		return;
	c->responses++;
	if (rcode == 0 && an)
		c->answered++;
	else if (rcode == 0)
		c->nodata++;
	else if (rcode == 3)
		c->nxdomain++;
	else
		c->other_rcode++;
}

SEC("xdp")
int dnsblast_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	__u8 *dns;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_UDP || ip->ihl < 5)
			return XDP_PASS;
		udp = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP)
			return XDP_PASS;
		udp = (void *)(ip6 + 1);
	} else {
		return XDP_PASS;
	}
	dns = (__u8 *)(udp + 1);
	if ((void *)(dns + 12) > end || udp->source != bpf_htons(53) || !(dns[2] & DNS_FLAG_QR))
		return XDP_PASS;
	count_response(dns);
	return XDP_DROP;
}
