// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Engine references and the holder of a program's current engine. The
 * holder's lock covers only "read the pointer, take a reference": without
 * it a reader could load the pointer just before a swap drops the last
 * reference and frees the engine. It is never held during a scan or a load,
 * so a reload never waits for scans, nor scans for a reload.
 */
#include <clamav.h>
#include <pthread.h>
#include <stdlib.h>

#include "inspect/av_priv.h"

/* Incremented by av_engine_load. */
atomic_uint av_alive;

struct av_holder {
	pthread_mutex_t lock;
	struct av_engine *cur;
};

struct av_engine *av_engine_get(struct av_engine *e)
{
	atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
	return e;
}

void av_engine_put(struct av_engine *e)
{
	if (!e)
		return;
	/* acq_rel: the freeing thread sees every scan's use of the engine done. */
	if (atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) != 1)
		return;
	cl_engine_free(e->cl);
	free(e);
	atomic_fetch_sub(&av_alive, 1);
}

unsigned int av_engines_alive(void)
{
	return atomic_load(&av_alive);
}

struct av_holder *av_holder_new(struct av_engine *e)
{
	struct av_holder *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	h->cur = e;
	return h;
}

struct av_engine *av_holder_get(struct av_holder *h)
{
	struct av_engine *e;

	pthread_mutex_lock(&h->lock);
	e = h->cur ? av_engine_get(h->cur) : NULL;
	pthread_mutex_unlock(&h->lock);
	return e;
}

void av_holder_swap(struct av_holder *h, struct av_engine *e)
{
	struct av_engine *old;

	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = e;
	pthread_mutex_unlock(&h->lock);
	/* Outside the lock: freeing a large engine takes a while. */
	av_engine_put(old);
}

void av_holder_free(struct av_holder *h)
{
	if (!h)
		return;
	av_engine_put(h->cur);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
