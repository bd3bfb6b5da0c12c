/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Types shared by utm-gen's BPF programs (gen.bpf.c, sink.bpf.c) and
 * tools/utm-gen*.c. The includer provides __u32/__u64.
 */
#ifndef UTM_GEN_TYPES_H
#define UTM_GEN_TYPES_H

/* Most destination addresses utm-gen can cycle through (dst_list entries). */
#define GEN_MAX_DSTS 65536

/* Value of the sink's per-CPU counter. */
struct gen_sink_count {
	__u64 packets;
	__u64 bytes;
};

#endif /* UTM_GEN_TYPES_H */
