// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-inspect: the inline half of the UTM. It joins the bridge that
 * utm-load runs (its pinned maps), takes the flows of the configured ports
 * through AF_XDP sockets, inspects them (inspect/engine.h: reassembly,
 * HTTP/TLS/DNS parsers, the rules), forwards them to the other port, and
 * hands each flow back to the XDP fast path once there is nothing more to
 * learn (io_inline.c). `--pcap FILE` runs the same engine on a capture
 * and writes the EVE records, as `suricata -r` does (io_pcap.c).
 */
#include <signal.h>

#include "inspect/io_common.h"
#include "inspect/io_inline.h"
#include "inspect/io_opts.h"
#include "inspect/io_pcap.h"
#include "lib/log.h"

int main(int argc, char **argv)
{
	static struct opts o;
	static struct common c;
	int rc;

	log_set_program("utm-inspect");
	if (opts_parse(&o, argc, argv))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (common_start(&c, &o)) {
		common_stop(&c);
		return 1;
	}
	rc = o.pcap ? pcap_mode(&c) : inline_mode(&c);
	common_stop(&c);
	return rc;
}
