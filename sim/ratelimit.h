/* SPDX-License-Identifier: MIT */
/* Defender API quotas: N calls per minute and M per hour, per app+tenant.
 * Sliding windows of 60 one-second and 60 one-minute buckets: exact enough
 * to tell a well-behaved client from one that is not, and 1.4 KiB per pair,
 * allocated only for pairs that call the API. */
#ifndef SIM_RATELIMIT_H
#define SIM_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct sim_window {
  int64_t stamp[60];
  uint32_t count[60];
};

struct sim_rate {
  struct sim_window seconds, minutes;
};

/* Counts a call at `now` if both limits allow it (a limit <= 0 is off).
 * A refused call is not counted; *retry_after gets the seconds until a
 * call would be admitted. */
bool sim_rate_admit(struct sim_rate *r, int64_t now, int per_minute,
                    int per_hour, int *retry_after);

#endif
