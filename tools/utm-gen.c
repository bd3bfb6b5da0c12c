// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-gen: the benchmark's traffic generator and instruments.
 *
 *   send      UDP/IPv4 frames out of an interface at full speed or a set rate,
 *             made in the kernel by BPF_PROG_TEST_RUN in live-frames mode
 *             (bpf/gen.bpf.c): no socket, no skb, fast enough to saturate a
 *             veth path from one core.
 *   sink      attach/read/detach an XDP program that counts and drops what
 *             arrives (bpf/sink.bpf.c); pinned, so scripts read it any time.
 *   cost      the UTM's XDP program cost per packet: BPF_PROG_TEST_RUN of the
 *             loaded, attached program against its live maps.
 *   progstat  the same program's average run time under real traffic, from
 *             the kernel's BPF run-time statistics.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "utm-gen.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: utm-gen COMMAND [options]   (COMMAND --help for its options)\n"
		"\n"
		"  send      transmit generated UDP/IPv4 frames out of an interface\n"
		"  sink      attach | read | detach a counting XDP drop program\n"
		"  cost      ns per packet of the UTM's loaded XDP program (BPF_PROG_TEST_RUN)\n"
		"  progstat  ns per packet of the UTM's XDP program under live traffic\n");
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "send", cmd_send },
		{ "sink", cmd_sink },
		{ "cost", cmd_cost },
		{ "progstat", cmd_progstat },
	};
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	libbpf_set_print(quiet_libbpf);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "utm-gen: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
