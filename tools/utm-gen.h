/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* utm-gen: traffic generator, sink and XDP cost probe; one file per command. */
#ifndef UTM_GEN_H
#define UTM_GEN_H

#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/netdev.h"

#include "bpf/gen_types.h"

/* Shortest and longest frame utm-gen builds (bytes without FCS). */
#define GEN_MIN_FRAME 42
#define GEN_MAX_FRAME 1514

/* One UDP/IPv4 frame: addresses in network order, ports in host order. */
struct gen_frame {
	uint8_t src_mac[6], dst_mac[6];
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	size_t size;
};

/* utm-gen-frame.c */
size_t gen_build_frame(const struct gen_frame *f, uint8_t *buf, size_t len);
int gen_parse_ip4(const char *s, uint32_t *addr);
int gen_parse_u64(const char *s, unsigned long long min, unsigned long long max,
		  unsigned long long *out);
double gen_now(void);

/* utm-gen-pace.c: how and how fast to send one template frame. */
struct gen_bpf;

struct gen_sender {
	struct gen_bpf *skel;	   /* the loaded generator program */
	int ifindex;		   /* interface to send out of */
	const uint8_t *frame;	   /* template frame */
	size_t len;
	unsigned int batch;	   /* frames per kernel flush */
	unsigned int threads;	   /* concurrent test runs, all on one CPU */
	unsigned long long rate;   /* frames per second, 0 = full speed */
	unsigned long long count;  /* frames to send; 0 = for duration seconds */
	double duration;
	int cpu;		   /* the CPU to send from; -1 = the current one */
};

int gen_send_run(const struct gen_sender *s, unsigned long long *sent, double *secs);
void gen_send_stop(void); /* async-signal-safe */

/* Commands: argv[0] is the command name. */
int cmd_send(int argc, char **argv);
int cmd_sink(int argc, char **argv);
int cmd_cost(int argc, char **argv);
int cmd_progstat(int argc, char **argv);

#endif /* UTM_GEN_H */
