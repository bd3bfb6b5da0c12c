/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* utm-inspect's inline mode (inspect/io_inline.c). */
#ifndef UTM_INSPECT_IO_INLINE_H
#define UTM_INSPECT_IO_INLINE_H

#include "inspect/io_common.h"

/* Join the bridge and inspect until SIGINT/SIGTERM; the exit status. */
int inline_mode(struct common *c);

#endif /* UTM_INSPECT_IO_INLINE_H */
