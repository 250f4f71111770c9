/* SPDX-License-Identifier: MIT */
/* What clients did, for tests to assert on: request counts per endpoint
 * (by status) and per tenant, tokens issued, the last request's headers per
 * endpoint (credentials redacted), and a bounded request log that proves
 * things like "no request before Retry-After" or "one token per lifetime". */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include "faults.h"

#include <stdint.h>

#define SIM_LOG_CAP 131072
#define SIM_STATUS_SLOTS 24
/* Distinct Host and User-Agent values the log keeps (the rest: "") */
#define SIM_LOG_STRINGS 255

struct sim_log_entry {
  uint64_t seq;        /* in the order the answers were ready */
  int64_t t_ms;        /* when the request arrived (Unix ms) */
  int64_t answered_ms; /* when its answer was ready to send (Unix ms): a
                          client's deadline is judged against this, which
                          counts the simulator's own stalls too */
  int32_t delay_ms;    /* injected latency before it was answered */
  int32_t tenant;      /* -1: unknown or none */
  int16_t app;         /* -1: unknown or none */
  int16_t status;      /* 0: connection reset, nothing answered */
  uint8_t ep;
  uint8_t host, user_agent; /* in sim_stats.strings; 0: none kept */
};

struct sim_ep_stats {
  uint64_t requests;
  struct {
    int status;
    uint64_t n;
  } by_status[SIM_STATUS_SLOTS];
  char *last_headers; /* a JSON object, owned */
};

struct sim_tenant_stats {
  uint32_t requests[EP_COUNT];
  uint32_t tokens_issued;
  uint32_t throttled;
  uint32_t other_region; /* API calls through another region's host */
};

struct sim_stats {
  struct sim_ep_stats ep[EP_COUNT];
  uint64_t requests, tokens_issued, throttled;
  struct sim_log_entry *log; /* ring of SIM_LOG_CAP */
  uint64_t log_next;         /* sequence number of the next entry */
  /* Host and User-Agent values, interned: [0] is "", never freed by a
   * reset (the log still points at them) */
  char *strings[SIM_LOG_STRINGS + 1];
  unsigned n_strings;
};

void sim_stats_init(struct sim_stats *s);
void sim_stats_free(struct sim_stats *s);
void sim_stats_reset(struct sim_stats *s);
void sim_stats_record(struct sim_stats *s, struct sim_tenant_stats *ts,
                      enum sim_endpoint ep, int tenant, int app, int status,
                      int64_t arrived_ms, int64_t answered_ms, int delay_ms,
                      const char *host, const char *user_agent);
/* The Host or User-Agent a log entry's index stands for. */
const char *sim_stats_string(const struct sim_stats *s, unsigned i);
/* Takes ownership of `json`. */
void sim_stats_set_headers(struct sim_stats *s, enum sim_endpoint ep,
                           char *json);

#endif
