/* SPDX-License-Identifier: MIT */
/* A per-tenant budget of Defender API calls that keeps every tenant under
 * the documented limits of 100 calls a minute and 1,500 an hour, in any
 * sliding window, not just on average. Two token buckets: one that holds
 * 10 and refills at 40 a minute (so at most 10 + 40 = 50 calls in any
 * minute), one that holds 150 and refills at 600 an hour (at most 750 in
 * any hour). Half the limits, because libcurl silently sends a request
 * again when a reused connection turns out to be dead (up to five times;
 * the fault soak measured 120 requests in a minute from 100 budgeted
 * calls): lib/http.c stops it after MDE_HTTP_MAX_ATTEMPTS (2) sends, so
 * the requests stay within the limits.
 * 24 bytes a tenant. */
#ifndef MDE_BUDGET_H
#define MDE_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

/* Once both bursts are spent, a tenant makes one call every this many
 * milliseconds at most: an AlertsInterval shorter than that cannot be
 * kept, and counts are judged fresh against what can. */
#define MDE_BUDGET_PER_HOUR 600
#define MDE_BUDGET_SUSTAINED_GAP_MS (3600 * 1000 / MDE_BUDGET_PER_HOUR)

struct mde_budget {
  double minute, hour; /* calls available now */
  int64_t at_ms;       /* when they were last topped up */
};

void mde_budget_init(struct mde_budget *b, int64_t now_ms);
/* Spends one call if the budget allows it now. */
bool mde_budget_take(struct mde_budget *b, int64_t now_ms);
/* Milliseconds until one call is available (0 if now). */
int64_t mde_budget_wait_ms(struct mde_budget *b, int64_t now_ms);

#endif
