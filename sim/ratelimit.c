/* SPDX-License-Identifier: MIT */
/* Sliding-window quotas for the simulated Defender API (see ratelimit.h). */
#include "ratelimit.h"

/* Calls in the 60 units up to and including `unit`; *oldest gets the
 * earliest unit that still holds calls. */
static uint32_t window_sum(const struct sim_window *w, int64_t unit,
                           int64_t *oldest) {
  uint32_t sum = 0;
  *oldest = unit;
  for (int i = 0; i < 60; i++) {
    if (w->count[i] && w->stamp[i] > unit - 60 && w->stamp[i] <= unit) {
      sum += w->count[i];
      if (w->stamp[i] < *oldest)
        *oldest = w->stamp[i];
    }
  }
  return sum;
}

static void window_add(struct sim_window *w, int64_t unit) {
  int i = (int)(unit % 60);
  if (w->stamp[i] != unit) {
    w->stamp[i] = unit;
    w->count[i] = 0;
  }
  w->count[i]++;
}

bool sim_rate_admit(struct sim_rate *r, int64_t now, int per_minute,
                    int per_hour, int *retry_after) {
  int64_t oldest_sec, oldest_min;
  uint32_t in_minute = window_sum(&r->seconds, now, &oldest_sec);
  uint32_t in_hour = window_sum(&r->minutes, now / 60, &oldest_min);
  int wait = 0;
  if (per_minute > 0 && in_minute >= (uint32_t)per_minute)
    wait = (int)(oldest_sec + 60 - now);
  if (per_hour > 0 && in_hour >= (uint32_t)per_hour) {
    int hour_wait = (int)((oldest_min + 60) * 60 - now);
    if (hour_wait > wait)
      wait = hour_wait;
  }
  if (wait > 0) {
    *retry_after = wait;
    return false;
  }
  window_add(&r->seconds, now);
  window_add(&r->minutes, now / 60);
  return true;
}
