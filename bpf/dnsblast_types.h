/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Types shared by utm-dnsblast's BPF programs (dnsblast.bpf.c) and
 * tools/utm-dnsblast.c. The includer provides __u8/__u32/__u64.
 */
#ifndef UTM_DNSBLAST_TYPES_H
#define UTM_DNSBLAST_TYPES_H

/* Most distinct query frames the generator cycles through. */
#define DNSBLAST_MAX_FRAMES 65536
/* Longest query frame (bytes without FCS): IPv6 + UDP + a 100-byte name. */
#define DNSBLAST_FRAME_MAX 192
/* Shortest: Ethernet + IPv4 + UDP + DNS header + a 1-label name + type/class. */
#define DNSBLAST_FRAME_MIN 60

/* One prebuilt query frame. */
struct dnsblast_frame {
	__u32 len;
	__u8 data[DNSBLAST_FRAME_MAX];
};

/* DNS responses the sink counted, per CPU. */
struct dnsblast_count {
	__u64 responses;   /* UDP from port 53 with the QR bit */
	__u64 answered;	   /* NOERROR with at least one answer record */
	__u64 nodata;	   /* NOERROR without answer records */
	__u64 nxdomain;	   /* NXDOMAIN */
	__u64 other_rcode; /* SERVFAIL, REFUSED, ... */
};

#endif /* UTM_DNSBLAST_TYPES_H */
