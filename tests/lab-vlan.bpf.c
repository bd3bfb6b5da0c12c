// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The lab's 802.1Q subinterface, done with tc BPF.
 *
 * The test kernel has neither CONFIG_VLAN_8021Q (no `ip link add ... type
 * vlan`) nor bridge VLAN filtering, yet the lab's hosts need a VLAN
 * subinterface eth0.100 so tests can send real tagged traffic across the box.
 * tests/lab.sh builds one from a veth pair eth0.100 <-> vlan100 (same MAC as
 * eth0) and these two programs:
 *
 *   subif_out  tc ingress of vlan100: what the host sends on eth0.100 gets
 *              tag VID and leaves through eth0.
 *   trunk_in   tc ingress of eth0: frames tagged VID lose the tag and are
 *              handed to eth0.100; everything else goes on untouched.
 *
 * Interface indexes are fixed by lab.sh (eth0 = 10, vlan100 = 11 in both the
 * LAN and the WAN namespace), so no map is needed. Section names are the two
 * that libbpf and tc accept for classifiers.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef VID
#define VID 100
#endif
#define TRUNK_IFINDEX 10 /* eth0 */
#define SUBIF_PEER_IFINDEX 11 /* vlan100, the peer of eth0.100 */

SEC("tc")
int trunk_in(struct __sk_buff *skb)
{
	/* The receive path moved the tag out of the frame into skb metadata
	 * before tc ingress runs. */
	if (!skb->vlan_present || skb->vlan_proto != bpf_htons(ETH_P_8021Q) ||
	    (skb->vlan_tci & 0x0fff) != VID)
		return TC_ACT_OK;
	if (bpf_skb_vlan_pop(skb))
		return TC_ACT_SHOT;
	return bpf_redirect(SUBIF_PEER_IFINDEX, 0);
}

SEC("classifier")
int subif_out(struct __sk_buff *skb)
{
	/* Tag in metadata; eth0 has tx-vlan-offload off, so the transmit path
	 * writes it into the frame, where an XDP program on the box sees it. */
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), VID))
		return TC_ACT_SHOT;
	return bpf_redirect(TRUNK_IFINDEX, 0);
}

char _license[] SEC("license") = "Dual BSD/GPL";
