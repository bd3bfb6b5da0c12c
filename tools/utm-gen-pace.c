// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-gen send: the sending, by BPF_PROG_TEST_RUN in live-frames mode.
 *
 * Each test run hands the generator program (bpf/gen.bpf.c) a fresh page
 * with the template for every iteration and transmits what it returns
 * XDP_TX for out of ifindex (the kernel turns XDP_TX into a redirect to the
 * context's interface). Frames are flushed every batch iterations; the
 * receiver's NAPI then runs on the same CPU when the syscall re-enables
 * softirqs, so the sender and the path under test share one core.
 *
 * Every test run ends with a page-pool teardown that waits for an RCU grace
 * period (25 to several hundred ms on a busy VM), during which that thread
 * sends nothing. So several threads, all on one CPU, take turns: while one
 * waits, another sends. The program decides for each iteration whether to
 * send (rate, limit, stop flag), so user space only keeps runs of about
 * RUN_SECONDS going; the main thread watches the clock or the program's
 * frame counter and raises the program's stop flag, which ends sending at
 * once, even mid-run. The time reported is from the start to that flag.
 *
 * Pacing in user space (a short run per time slot) was tried and given up:
 * the teardown waits made the rate fall 20-50% short whenever the machine
 * was busy. The price of pacing in the program is a spinning CPU.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "gen.skel.h"
#include "utm-gen.h"

#define RUN_SECONDS 0.1	     /* full speed: aim for test runs this long */
#define MAX_RUN (1U << 24)   /* iterations per test run at most */
#define POLL_US 1000	     /* how often the main thread looks */

static volatile sig_atomic_t stop_flag;

void gen_send_stop(void)
{
	stop_flag = 1;
}

struct shared {
	const struct gen_sender *s;
	volatile struct gen_bpf__bss *ctl;
	pthread_mutex_t lock;
	int err, running;
};

static int run_frames(const struct gen_sender *s, __u32 n)
{
	struct xdp_md ctx = { .data_end = s->len, .ingress_ifindex = s->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = s->frame, .data_size_in = s->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = n,
		    .batch_size = s->batch, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	return bpf_prog_test_run_opts(bpf_program__fd(s->skel->progs.utm_gen), &t);
}

static void *sender(void *arg)
{
	struct shared *sh = arg;
	const struct gen_sender *s = sh->s;
	__u32 n = s->batch * 256;
	double t, dt;
	int rc;

	while (!sh->ctl->stop) {
		t = gen_now();
		rc = run_frames(s, n);
		if (rc) {
			pthread_mutex_lock(&sh->lock);
			if (!sh->err && !(rc == -EINTR && stop_flag))
				sh->err = rc;
			pthread_mutex_unlock(&sh->lock);
			break;
		}
		/* Size the next run from this one (its teardown included). */
		dt = gen_now() - t;
		if (dt > 0)
			n = n / dt * RUN_SECONDS;
		if (n < s->batch)
			n = s->batch;
		if (n > MAX_RUN)
			n = MAX_RUN;
	}
	pthread_mutex_lock(&sh->lock);
	sh->running--;
	pthread_mutex_unlock(&sh->lock);
	return NULL;
}

static int done(struct shared *sh, double t0)
{
	const struct gen_sender *s = sh->s;
	int over;

	pthread_mutex_lock(&sh->lock);
	over = sh->err || !sh->running;
	pthread_mutex_unlock(&sh->lock);
	if (over || stop_flag)
		return 1;
	if (s->count || s->rate)
		return sh->ctl->sent >= sh->ctl->limit;
	return gen_now() - t0 >= s->duration;
}

/*
 * Send as s says; the frames sent and the seconds it took in *sent, *secs.
 * Returns 0 or the first test run's error.
 */
int gen_send_run(const struct gen_sender *s, unsigned long long *sent, double *secs)
{
	struct shared sh = { .s = s, .ctl = s->skel->bss };
	unsigned int i, started = 0;
	pthread_t tids[64];
	int rc;
	pthread_attr_t attr;
	cpu_set_t set;
	double t0;

	sh.ctl->sent = 0;
	sh.ctl->stop = 0;
	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC too: the first frame is due now. */
	sh.ctl->next_ns = gen_now() * 1e9;
	sh.ctl->interval_ns = s->rate ? 1e9 / s->rate : 0;
	sh.ctl->limit = s->count ? s->count : s->rate ? s->rate * s->duration + 0.5 : 0;
	pthread_mutex_init(&sh.lock, NULL);
	pthread_attr_init(&attr);
	CPU_ZERO(&set);
	CPU_SET(s->cpu >= 0 ? s->cpu : sched_getcpu(), &set);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	t0 = gen_now();
	for (i = 0; i < s->threads && i < 64; i++) {
		pthread_mutex_lock(&sh.lock);
		sh.running++;
		pthread_mutex_unlock(&sh.lock);
		rc = pthread_create(&tids[i], &attr, sender, &sh);
		if (rc) {
			fprintf(stderr, "utm-gen send: starting thread %u: %s%s\n", i, strerror(rc),
				rc == EINVAL ? " (no such CPU?)" : "");
			pthread_mutex_lock(&sh.lock);
			sh.running--;
			pthread_mutex_unlock(&sh.lock);
			break;
		}
		started++;
	}
	while (started && !done(&sh, t0))
		usleep(POLL_US);
	sh.ctl->stop = 1;
	*secs = gen_now() - t0;
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	*sent = sh.ctl->sent;
	pthread_attr_destroy(&attr);
	pthread_mutex_destroy(&sh.lock);
	return started ? sh.err : -EAGAIN;
}
