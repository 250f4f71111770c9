/* SPDX-License-Identifier: MIT */
/* Deciding which faults hit a request (see faults.h). */
#include "faults.h"

#include "util.h"

#include <string.h>

const char *const sim_endpoint_names[EP_COUNT] = {
    "token_v1", "token_v2", "discovery", "keys", "alerts",
    "machines", "score",    "graph",     "other"};

#define BIT(e) (1u << (e))

unsigned sim_endpoint_mask(const char *selector) {
  static const struct {
    const char *name;
    unsigned mask;
  } groups[] = {
      {"token", BIT(EP_TOKEN_V1) | BIT(EP_TOKEN_V2)},
      {"login",
       BIT(EP_TOKEN_V1) | BIT(EP_TOKEN_V2) | BIT(EP_DISCOVERY) | BIT(EP_KEYS)},
      {"api", BIT(EP_ALERTS) | BIT(EP_MACHINES) | BIT(EP_SCORE)},
      {"*", BIT(EP_COUNT) - 1},
  };
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
    if (strcmp(selector, groups[i].name) == 0)
      return groups[i].mask;
  for (int e = 0; e < EP_COUNT; e++)
    if (strcmp(selector, sim_endpoint_names[e]) == 0)
      return BIT(e);
  return 0;
}

static bool chance(uint64_t *rng, double p) {
  return p >= 1.0 || (p > 0 && sim_rng_unit(rng) < p);
}

void sim_faults_plan(const struct sim_fault *faults, size_t n,
                     enum sim_endpoint ep, int tenant, int64_t now,
                     uint64_t *rng, struct sim_fault_plan *plan) {
  *plan = (struct sim_fault_plan){0};
  for (size_t i = 0; i < n; i++) {
    const struct sim_fault *f = &faults[i];
    if (!(f->endpoints & BIT(ep)) || now < f->from ||
        (f->until && now >= f->until) ||
        (f->tenant >= 0 && f->tenant != tenant))
      continue;
    int jitter = f->jitter_ms > 0
                     ? (int)(sim_rng_next(rng) % (unsigned)(f->jitter_ms + 1))
                     : 0;
    /* `probability` gates a latency too: spikes, not a slow link. */
    if (f->latency_ms + jitter > 0 &&
        (f->status || chance(rng, f->probability)))
      plan->delay_ms += f->latency_ms + jitter;
    if (f->status && !plan->status && chance(rng, f->probability)) {
      plan->status = f->status;
      plan->retry_after = f->retry_after;
      plan->aadsts = f->aadsts;
      memcpy(plan->error, f->error, sizeof plan->error);
    }
    plan->reset |= chance(rng, f->reset);
    plan->truncate |= chance(rng, f->truncate);
    plan->malformed |= chance(rng, f->malformed);
    plan->endless |= chance(rng, f->endless);
    if (f->headers > plan->headers)
      plan->headers = f->headers;
    if (f->slow_body_ms > plan->slow_body_ms)
      plan->slow_body_ms = f->slow_body_ms;
  }
}
