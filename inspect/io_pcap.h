/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* utm-inspect's offline mode (inspect/io_pcap.c). */
#ifndef UTM_INSPECT_IO_PCAP_H
#define UTM_INSPECT_IO_PCAP_H

#include "inspect/io_common.h"

/* Inspect c->o->pcap; the exit status. */
int pcap_mode(struct common *c);

#endif /* UTM_INSPECT_IO_PCAP_H */
