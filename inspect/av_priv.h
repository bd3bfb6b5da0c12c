/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What av_load.c, av_scan.c and av_holder.c share; nobody else includes it. */
#ifndef UTM_INSPECT_AV_PRIV_H
#define UTM_INSPECT_AV_PRIV_H

#include <stdatomic.h>

#include "inspect/av.h"

struct cl_engine;

struct av_engine {
	struct cl_engine *cl;
	struct av_limits lim;
	atomic_uint refs;
};

extern atomic_uint av_alive;

/* cl_init once per process, and libclamav's messages routed to our log. */
int av_lib_init(char *why, size_t whylen);

#endif /* UTM_INSPECT_AV_PRIV_H */
