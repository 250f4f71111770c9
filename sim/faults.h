/* SPDX-License-Identifier: MIT */
/* Fault injection: what a real network and a real Microsoft outage do to a
 * client. A fault applies to some endpoints (and optionally one tenant) and
 * can delay, replace the status, reset the connection, truncate or corrupt
 * the body, or trickle it out slowly. */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sim_endpoint {
  EP_TOKEN_V1,
  EP_TOKEN_V2,
  EP_DISCOVERY,
  EP_KEYS,
  EP_ALERTS,
  EP_MACHINES,
  EP_SCORE,
  EP_GRAPH, /* Microsoft Graph's application reads */
  EP_OTHER,
  EP_COUNT
};

extern const char *const sim_endpoint_names[EP_COUNT];
/* Endpoint selector: a name above, or "token", "login", "api", "*".
 * Returns a bitmask of (1u << EP_x), 0 when unknown. */
unsigned sim_endpoint_mask(const char *selector);

struct sim_fault {
  unsigned endpoints;
  int tenant; /* index of the tenant it targets, -1 for all */
  int latency_ms, jitter_ms;
  int status;         /* replace the answer with this status ... */
  double probability; /* ... with this probability (default 1) */
  int retry_after;    /* seconds, sent with 429 and 503 */
  /* At Entra, the status answers with this AADSTS code and OAuth `error`
   * (0 / "": a transient 90033) - a code Microsoft has not invented yet. */
  int aadsts;
  char error[40];
  double reset, truncate, malformed; /* probabilities */
  int slow_body_ms;                  /* delay before each 256-byte chunk */
  double endless; /* probability of a chunked body that never ends */
  int headers;    /* extra response headers to send */
  int64_t from;   /* Unix seconds; active from then on */
  int64_t until;  /* Unix seconds; 0 = until removed */
};

/* What the faults decided for one request. */
struct sim_fault_plan {
  int delay_ms;
  int status; /* 0: answer normally */
  int retry_after;
  int aadsts;
  char error[40];
  bool reset, truncate, malformed, endless;
  int slow_body_ms;
  int headers;
};

void sim_faults_plan(const struct sim_fault *faults, size_t n,
                     enum sim_endpoint ep, int tenant, int64_t now,
                     uint64_t *rng, struct sim_fault_plan *plan);

#endif
