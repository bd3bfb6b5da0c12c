// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * AF_XDP on the two bridge ports with one shared UMEM (inspect/io_xsk.h).
 * Frames circulate: free pool -> a port's fill ring -> its rx ring -> the
 * other port's tx ring -> that port's completion ring -> free pool.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <linux/if_xdp.h>

#include "bpf/utm_types.h"
#include "inspect/io_xsk.h"

static uint64_t frame_base(uint64_t addr)
{
	return addr & ~((uint64_t)XSKP_FRAME_SIZE - 1);
}

static void put_free(struct xskp *p, uint64_t addr)
{
	if (p->nfree < XSKP_NUM_FRAMES)
		p->free_frames[p->nfree++] = frame_base(addr);
}

/* Give a port's fill ring free frames: as many as it has room for, at most max. */
static void refill(struct xskp *p, struct xskp_port *port, uint32_t max)
{
	uint32_t want = xsk_prod_nb_free(&port->fill, XSKP_RING_SIZE), idx, i;

	if (want > max)
		want = max;
	if (want > p->nfree)
		want = p->nfree;
	if (!want || xsk_ring_prod__reserve(&port->fill, want, &idx) != want)
		return;
	for (i = 0; i < want; i++)
		*xsk_ring_prod__fill_addr(&port->fill, idx + i) = p->free_frames[--p->nfree];
	xsk_ring_prod__submit(&port->fill, want);
}

static void reap_completions(struct xskp *p, struct xskp_port *port)
{
	uint32_t idx, n = xsk_ring_cons__peek(&port->comp, XSKP_RING_SIZE, &idx), i;

	for (i = 0; i < n; i++)
		put_free(p, *xsk_ring_cons__comp_addr(&port->comp, idx + i));
	xsk_ring_cons__release(&port->comp, n);
}

static int create_umem(struct xskp *p, struct xskp_port *first, char *err, size_t errlen)
{
	struct xsk_umem_config cfg = {
		.fill_size = XSKP_RING_SIZE,
		.comp_size = XSKP_RING_SIZE,
		.frame_size = XSKP_FRAME_SIZE,
		.frame_headroom = 0,
	};
	size_t len = (size_t)XSKP_NUM_FRAMES * XSKP_FRAME_SIZE;
	uint32_t i;
	int rc;

	p->area = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->area == MAP_FAILED) {
		p->area = NULL;
		snprintf(err, errlen, "UMEM of %zu bytes: %s", len, strerror(errno));
		return -1;
	}
	rc = xsk_umem__create(&p->umem, p->area, len, &first->fill, &first->comp, &cfg);
	if (rc) {
		snprintf(err, errlen, "UMEM: %s", strerror(-rc));
		return -1;
	}
	for (i = 0; i < XSKP_NUM_FRAMES; i++)
		p->free_frames[i] = (uint64_t)i * XSKP_FRAME_SIZE;
	p->nfree = XSKP_NUM_FRAMES;
	return 0;
}

/* Zero-copy where the driver has it, else copy mode (veth). */
static int create_socket(struct xskp *p, struct xskp_port *port, char *err, size_t errlen)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSKP_RING_SIZE,
		.tx_size = XSKP_RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP,
	};
	int rc;

	rc = xsk_socket__create_shared(&port->xsk, port->ifname, p->queue, p->umem, &port->rx,
				       &port->tx, &port->fill, &port->comp, &cfg);
	port->zerocopy = rc == 0;
	if (rc) {
		cfg.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
		rc = xsk_socket__create_shared(&port->xsk, port->ifname, p->queue, p->umem,
					       &port->rx, &port->tx, &port->fill, &port->comp,
					       &cfg);
	}
	if (rc) {
		port->xsk = NULL;
		snprintf(err, errlen, "AF_XDP socket on %s queue %u: %s", port->ifname, p->queue,
			 strerror(-rc));
		return -1;
	}
	return 0;
}

static int register_socket(struct xskp *p, struct xskp_port *port, char *err, size_t errlen)
{
	uint32_t key = port->role * UTM_XSK_QUEUES + p->queue;
	int fd = xsk_socket__fd(port->xsk);

	if (bpf_map_update_elem(p->xsks_fd, &key, &fd, BPF_ANY)) {
		snprintf(err, errlen, "registering the socket of %s in xsks: %s", port->ifname,
			 strerror(errno));
		return -1;
	}
	return 0;
}

int xskp_open(struct xskp *p, const char *lan, const char *wan, uint32_t queue, int xsks_fd,
	      char *err, size_t errlen)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->xsks_fd = xsks_fd;
	p->queue = queue;
	if (queue >= UTM_XSK_QUEUES) {
		snprintf(err, errlen, "queue %u: at most %d queues", queue, UTM_XSK_QUEUES);
		return -1;
	}
	snprintf(p->port[UTM_PORT_LAN].ifname, IF_NAMESIZE, "%s", lan);
	snprintf(p->port[UTM_PORT_WAN].ifname, IF_NAMESIZE, "%s", wan);
	p->port[UTM_PORT_LAN].role = UTM_PORT_LAN;
	p->port[UTM_PORT_WAN].role = UTM_PORT_WAN;
	if (create_umem(p, &p->port[0], err, errlen))
		return -1;
	for (r = 0; r < 2; r++)
		if (create_socket(p, &p->port[r], err, errlen))
			return -1;
	/* Fill both ports' rings before frames can arrive; the rest is for tx. */
	for (r = 0; r < 2; r++)
		refill(p, &p->port[r], XSKP_RING_SIZE);
	for (r = 0; r < 2; r++)
		if (register_socket(p, &p->port[r], err, errlen))
			return -1;
	return 0;
}

/* Wake the kernel to send what is queued (copy mode always needs it). */
static void kick_tx(struct xskp_port *port)
{
	if (!port->zerocopy || xsk_ring_prod__needs_wakeup(&port->tx))
		sendto(xsk_socket__fd(port->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

/*
 * Frames received on in: each to fn, then the ones it lets through onto
 * the other port's tx ring. The tx slots are reserved only after every fn
 * has run: fn may itself queue frames there (xskp_send: a reset toward the
 * receiver), which a reservation held across the calls would misplace.
 */
static void handle_rx(struct xskp *p, struct xskp_port *in, xskp_frame_fn fn, void *ctx)
{
	struct xskp_port *out = &p->port[!in->role];
	uint64_t fwd[XSKP_RING_SIZE];
	uint32_t fwd_len[XSKP_RING_SIZE];
	uint32_t idx_rx, idx_tx = 0, n, i, nfwd = 0, room;

	n = xsk_ring_cons__peek(&in->rx, XSKP_RING_SIZE, &idx_rx);
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&in->rx, idx_rx + i);
		uint8_t *frame = xsk_umem__get_data(p->area, d->addr);

		in->rx_frames++;
		if (fn(frame, d->len, in->role, ctx) != XSKP_FORWARD) {
			in->dropped++;
			put_free(p, d->addr);
			continue;
		}
		fwd[nfwd] = d->addr;
		fwd_len[nfwd++] = d->len;
	}
	xsk_ring_cons__release(&in->rx, n);
	if (!nfwd)
		return;
	room = xsk_ring_prod__reserve(&out->tx, nfwd, &idx_tx);
	for (i = 0; i < nfwd; i++) {
		if (i < room) {
			struct xdp_desc *t = xsk_ring_prod__tx_desc(&out->tx, idx_tx + i);

			t->addr = fwd[i];
			t->len = fwd_len[i];
		} else {
			out->tx_full++; /* the peer's tx ring is full: the frame is lost */
			put_free(p, fwd[i]);
		}
	}
	if (room) {
		xsk_ring_prod__submit(&out->tx, room);
		out->tx_frames += room;
		kick_tx(out);
	}
}

int xskp_send(struct xskp *p, uint32_t role, const void *data, uint32_t len)
{
	struct xskp_port *port = &p->port[role];
	struct xdp_desc *d;
	uint32_t idx;
	uint64_t addr;

	if (!p->nfree || len > XSKP_FRAME_SIZE || xsk_ring_prod__reserve(&port->tx, 1, &idx) != 1)
		return -1;
	addr = p->free_frames[--p->nfree];
	memcpy(xsk_umem__get_data(p->area, addr), data, len);
	d = xsk_ring_prod__tx_desc(&port->tx, idx);
	d->addr = addr;
	d->len = len;
	xsk_ring_prod__submit(&port->tx, 1);
	port->tx_frames++;
	kick_tx(port);
	return 0;
}

int xskp_poll(struct xskp *p, int timeout_ms, xskp_frame_fn fn, void *ctx)
{
	struct pollfd fds[2];
	uint64_t before = p->port[0].rx_frames + p->port[1].rx_frames;
	int r;

	for (r = 0; r < 2; r++) {
		fds[r].fd = xsk_socket__fd(p->port[r].xsk);
		fds[r].events = POLLIN;
		fds[r].revents = 0;
	}
	if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR)
		return -1;
	for (r = 0; r < 2; r++) {
		reap_completions(p, &p->port[r]);
		handle_rx(p, &p->port[r], fn, ctx);
	}
	for (r = 0; r < 2; r++) {
		reap_completions(p, &p->port[r]);
		refill(p, &p->port[r], XSKP_RING_SIZE);
		if (xsk_ring_prod__needs_wakeup(&p->port[r].fill))
			recvfrom(fds[r].fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	}
	return (int)(p->port[0].rx_frames + p->port[1].rx_frames - before);
}

void xskp_close(struct xskp *p)
{
	int r;

	for (r = 0; r < 2; r++) {
		uint32_t key = p->port[r].role * UTM_XSK_QUEUES + p->queue;

		if (p->port[r].xsk) {
			if (p->xsks_fd >= 0)
				bpf_map_delete_elem(p->xsks_fd, &key);
			xsk_socket__delete(p->port[r].xsk);
			p->port[r].xsk = NULL;
		}
	}
	if (p->umem)
		xsk_umem__delete(p->umem);
	if (p->area)
		munmap(p->area, (size_t)XSKP_NUM_FRAMES * XSKP_FRAME_SIZE);
	p->umem = NULL;
	p->area = NULL;
}
