// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-gen's traffic source. utm-gen runs this program with BPF_PROG_TEST_RUN
 * in live-frames mode: the kernel hands it copies of one UDP/IPv4 template
 * frame and transmits every frame it returns XDP_TX for out of the interface
 * named in the context (ingress_ifindex). No XDP attachment is needed here.
 *
 * Each run rewrites the fields that make a flow (source address, source port,
 * destination address), so the device under test sees many flows and does
 * real lookups instead of hitting one hot cache line.
 *
 * The kernel recycles frame pages without restoring their contents, so a run
 * may see the template or whatever an earlier run wrote: every varying field
 * and the IP checksum are therefore written in full on every run, never
 * patched incrementally.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "gen_types.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Flow parameters, host byte order; utm-gen sets them before loading. */
const volatile __u32 src_base = 0;
const volatile __u32 src_count = 1;
const volatile __u32 sport_base = 1024;
const volatile __u32 sport_count = 1;
const volatile __u32 dst_base = 0;
const volatile __u32 dst_count = 1;
const volatile __u32 dst_list_len = 0; /* > 0: destinations come from dst_list */

/* Destination addresses (network order) cycled through when dst_list_len > 0. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GEN_MAX_DSTS);
	__type(key, __u32);
	__type(value, __u32);
} dst_list SEC(".maps");

/* Frame sequence number, per CPU so that parallel senders never share a line. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} frame_seq SEC(".maps");

/* IPv4 header checksum over the 20-byte header (no options in the template). */
static __always_inline __u16 ip_checksum(const __u16 *w)
{
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 10; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

SEC("xdp")
int utm_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 zero = 0, dst, idx;
	__u64 *seq, i;

	if ((void *)(udp + 1) > end)
		return XDP_ABORTED;
	seq = bpf_map_lookup_elem(&frame_seq, &zero);
	if (!seq)
		return XDP_ABORTED;
	i = (*seq)++;

	if (dst_list_len) {
		__u32 *d;

		idx = i % dst_list_len;
		d = bpf_map_lookup_elem(&dst_list, &idx);
		if (!d)
			return XDP_ABORTED;
		dst = *d;
	} else {
		dst = bpf_htonl(dst_base + (__u32)(i % dst_count));
	}
	ip->saddr = bpf_htonl(src_base + (__u32)(i % src_count));
	ip->daddr = dst;
	udp->source = bpf_htons(sport_base + (__u32)((i / src_count) % sport_count));
	ip->check = 0;
	ip->check = ip_checksum((const __u16 *)ip);
	return XDP_TX;
}
