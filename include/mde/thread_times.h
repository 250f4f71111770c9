/* SPDX-License-Identifier: MIT */
/* Where the calling thread's time went: on a CPU, waiting for one, or
 * neither (sleeping, blocked). A cycle that overruns its interval is the
 * plugin's doing only when it ran or blocked that long; time spent
 * runnable but not running is the host's (a busy machine, a starved VM),
 * and the warning says which. */
#ifndef MDE_THREAD_TIMES_H
#define MDE_THREAD_TIMES_H

#include <stddef.h>
#include <stdint.h>

struct mde_thread_times {
  int64_t wall_ns; /* CLOCK_MONOTONIC */
  int64_t cpu_ns;  /* CLOCK_THREAD_CPUTIME_ID */
  int64_t wait_ns; /* runnable, not running; -1: the kernel does not say */
};

/* The calling thread's times now. */
void mde_thread_times_now(struct mde_thread_times *t);

/* The run-queue wait (ns) in the text of /proc/thread-self/schedstat
 * ("<on cpu ns> <waiting ns> <timeslices>"), or -1 if it is not that. */
int64_t mde_schedstat_wait_ns(const char *text, size_t len);

/* end - start, field by field; wait_ns is -1 if either end lacks it. */
struct mde_thread_times
mde_thread_times_since(const struct mde_thread_times *start,
                       const struct mde_thread_times *end);

#endif
