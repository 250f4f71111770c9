/* SPDX-License-Identifier: MIT */
/* Thread times (see include/mde/thread_times.h). */
#include "mde/thread_times.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int64_t clock_ns(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0)
    return 0;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One unsigned decimal field at *p, then a space; advances *p. -1 if not. */
static int64_t field(const char **p, const char *end) {
  const char *s = *p;
  int64_t v = 0;
  if (s == end || *s < '0' || *s > '9')
    return -1;
  for (; s < end && *s >= '0' && *s <= '9'; s++) {
    if (v > (INT64_MAX - 9) / 10)
      return -1; /* not a count of nanoseconds this side of 2262 */
    v = v * 10 + (*s - '0');
  }
  *p = s;
  return v;
}

int64_t mde_schedstat_wait_ns(const char *text, size_t len) {
  const char *p = text, *end = text + len;
  if (field(&p, end) < 0 || p == end || *p++ != ' ')
    return -1;
  int64_t wait = field(&p, end);
  if (wait < 0 || p == end || *p != ' ')
    return -1; /* the third field (timeslices) must follow */
  return wait;
}

static int64_t wait_now(void) {
  char buf[96];
  int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n;
  do
    n = read(fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  close(fd);
  return n > 0 ? mde_schedstat_wait_ns(buf, (size_t)n) : -1;
}

void mde_thread_times_now(struct mde_thread_times *t) {
  t->wall_ns = clock_ns(CLOCK_MONOTONIC);
  t->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
  t->wait_ns = wait_now();
}

struct mde_thread_times
mde_thread_times_since(const struct mde_thread_times *start,
                       const struct mde_thread_times *end) {
  struct mde_thread_times d = {end->wall_ns - start->wall_ns,
                               end->cpu_ns - start->cpu_ns, -1};
  if (start->wait_ns >= 0 && end->wait_ns >= start->wait_ns)
    d.wait_ns = end->wait_ns - start->wait_ns;
  return d;
}
