// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-gen's traffic source. utm-gen runs this program with BPF_PROG_TEST_RUN
 * in live-frames mode: the kernel hands it copies of one UDP/IPv4 template
 * frame and transmits every frame it returns XDP_TX for out of the interface
 * named in the context (ingress_ifindex). No XDP attachment is needed here.
 *
 * Each sent frame gets the fields that make a flow (source address, source
 * port, destination address) rewritten, so the device under test sees many
 * flows and does real lookups instead of hitting one hot cache line.
 *
 * The kernel recycles frame pages without restoring their contents, so a run
 * may see the template or whatever an earlier run wrote: every varying field
 * and the IP checksum are therefore written in full, never patched.
 *
 * Pacing and stopping are decided here, frame by frame, rather than in user
 * space, because every test run ends with a page-pool teardown that waits for
 * an RCU grace period (tens to hundreds of ms, irregular on a busy VM): user
 * space only keeps long runs going, and the program sends (XDP_TX) when a
 * frame is due or skips (XDP_DROP, cheap) when not. In rate mode the sending
 * CPU therefore spins; the rate is smooth and exact instead. utm-gen runs all
 * its threads on one CPU, so only one program run at a time touches the
 * counters below and they need no atomics.
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

/* Control and counters, shared with utm-gen through the mmapped .bss. */
__u64 sent = 0;	       /* frames returned XDP_TX so far */
__u64 limit = 0;       /* send no more than this many; 0 = no limit */
__u64 interval_ns = 0; /* rate mode: ns between frames; 0 = full speed */
__u64 next_ns = 0;     /* rate mode: when the next frame is due */
__u32 stop = 0;	       /* 1: send nothing more */

/*
 * After a stall (preemption, an interrupt storm) frames that fell due are
 * sent back to back, but no more than this many: a long stall lowers the
 * average rate rather than causing a huge burst.
 */
#define MAX_CATCH_UP 1024

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

/* Whether to send a frame now: stop flag, limit and rate. */
static __always_inline int may_send(void)
{
	__u64 now, slack;

	if (stop || (limit && sent >= limit))
		return 0;
	if (!interval_ns)
		return 1;
	now = bpf_ktime_get_ns();
	if (now < next_ns)
		return 0;
	slack = MAX_CATCH_UP * interval_ns;
	if (now - next_ns > slack)
		next_ns = now - slack;
	next_ns += interval_ns;
	return 1;
}

SEC("xdp")
int utm_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 dst, idx;
	__u64 i;

	if ((void *)(udp + 1) > end)
		return XDP_ABORTED;
	if (!may_send())
		return XDP_DROP;
	i = sent++;

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
