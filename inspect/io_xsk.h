/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The inspector's inline path: one AF_XDP socket on each bridge port (one
 * queue), both on one UMEM, so that a frame received on one port is sent
 * on the other without a copy. The sockets go into the bridge program's
 * xsks map (utm-load owns the program; we never load one: libxdp's
 * program loading is inhibited), keyed by port role and queue.
 */
#ifndef UTM_INSPECT_IO_XSK_H
#define UTM_INSPECT_IO_XSK_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include <xdp/xsk.h>

#define XSKP_FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define XSKP_NUM_FRAMES 8192
#define XSKP_RING_SIZE	2048

/* What to do with a received frame. */
enum xskp_verdict {
	XSKP_FORWARD = 0, /* send it on the other port */
	XSKP_DROP = 1,
};

/* Called for every received frame; role is the port it came in on (UTM_PORT_LAN/WAN). */
typedef enum xskp_verdict (*xskp_frame_fn)(uint8_t *frame, uint32_t len, uint32_t role, void *ctx);

struct xskp_port {
	struct xsk_socket *xsk;
	struct xsk_ring_cons rx, comp;
	struct xsk_ring_prod tx, fill;
	char ifname[IF_NAMESIZE];
	uint32_t role; /* UTM_PORT_LAN or UTM_PORT_WAN */
	int zerocopy;  /* 1: zero-copy bind, 0: copy mode (veth) */
	uint64_t rx_frames, tx_frames, tx_full, dropped;
};

struct xskp {
	void *area;
	struct xsk_umem *umem;
	struct xskp_port port[2]; /* by role */
	uint64_t free_frames[XSKP_NUM_FRAMES];
	uint32_t nfree;
	int xsks_fd;	/* the xsks map; -1 after close */
	uint32_t queue; /* the rx queue of both ports */
};

/*
 * Open the UMEM and the two sockets on queue of lan and wan, and put them
 * into xsks_fd. 0, or -1 with err set ("AF_XDP socket on lan: ...").
 */
int xskp_open(struct xskp *p, const char *lan, const char *wan, uint32_t queue, int xsks_fd,
	      char *err, size_t errlen);

/*
 * Wait up to timeout_ms for frames, then handle what arrived on both
 * ports (at most a ring's worth each): fn decides, forwarded frames go out
 * of the other port. Returns the number of frames handled, -1 on a poll
 * error other than EINTR.
 */
int xskp_poll(struct xskp *p, int timeout_ms, xskp_frame_fn fn, void *ctx);

/* Send a frame of our own (a TCP reset) out of port role. 0, or -1 when no room. */
int xskp_send(struct xskp *p, uint32_t role, const void *data, uint32_t len);

/* Take the sockets out of the xsks map, close them and free the UMEM. */
void xskp_close(struct xskp *p);

#endif /* UTM_INSPECT_IO_XSK_H */
