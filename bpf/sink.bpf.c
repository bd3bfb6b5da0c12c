// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-gen's traffic sink: counts and drops every frame that reaches the
 * interface it is attached to. Dropping in XDP keeps the receiving side
 * cheaper than anything under test, and attaching an XDP program is also
 * what makes a veth accept frames redirected into its peer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "gen_types.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Frames and bytes received, per CPU (no atomics on the fast path). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_sink_count);
} sink_count SEC(".maps");

SEC("xdp")
int utm_sink(struct xdp_md *ctx)
{
	struct gen_sink_count *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&sink_count, &zero);
	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return XDP_DROP;
}
