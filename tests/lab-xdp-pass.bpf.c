// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP_PASS on the lab hosts' eth0, the peers of the box's ports.
 *
 * veth delivers frames that an XDP program on the other end sends with
 * XDP_TX (the DNS guard's answers) promptly only when this end has an XDP
 * program: with GRO alone they wait in its ring until some later packet
 * wakes it (veth_xdp_flush() skips the wake-up without a program). A real
 * NIC has no such quirk; the lab gives the hosts this program instead.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int host_rx(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
