/* SPDX-License-Identifier: MIT */
/* Request accounting for the admin interface (see stats.h). */
#include "stats.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_stats_init(struct sim_stats *s) {
  *s = (struct sim_stats){0};
  s->log = sim_xcalloc(SIM_LOG_CAP, sizeof *s->log);
}

void sim_stats_free(struct sim_stats *s) {
  for (int e = 0; e < EP_COUNT; e++)
    free(s->ep[e].last_headers);
  for (unsigned i = 1; i <= s->n_strings; i++)
    free(s->strings[i]);
  free(s->log);
  *s = (struct sim_stats){0};
}

void sim_stats_reset(struct sim_stats *s) {
  struct sim_log_entry *log = s->log;
  uint64_t next = s->log_next; /* sequence numbers never go back */
  for (int e = 0; e < EP_COUNT; e++)
    free(s->ep[e].last_headers);
  char *strings[SIM_LOG_STRINGS + 1];
  unsigned n = s->n_strings;
  memcpy(strings, s->strings, sizeof strings);
  *s = (struct sim_stats){.log = log, .log_next = next, .n_strings = n};
  memcpy(s->strings, strings, sizeof strings);
}

/* The index of `v` among the kept strings, adding it while there is room;
 * 0 for none. A few clients send a few values, so a scan is enough. */
static uint8_t intern(struct sim_stats *s, const char *v) {
  if (!v || !*v)
    return 0;
  for (unsigned i = 1; i <= s->n_strings; i++)
    if (strncmp(s->strings[i], v, 255) == 0)
      return (uint8_t)i;
  if (s->n_strings == SIM_LOG_STRINGS)
    return 0;
  char cut[256];
  snprintf(cut, sizeof cut, "%s", v);
  s->strings[++s->n_strings] = sim_strdup(cut);
  return (uint8_t)s->n_strings;
}

const char *sim_stats_string(const struct sim_stats *s, unsigned i) {
  return i >= 1 && i <= s->n_strings ? s->strings[i] : "";
}

void sim_stats_record(struct sim_stats *s, struct sim_tenant_stats *ts,
                      enum sim_endpoint ep, int tenant, int app, int status,
                      int64_t arrived_ms, int64_t answered_ms, int delay_ms,
                      const char *host, const char *user_agent) {
  struct sim_ep_stats *es = &s->ep[ep];
  s->requests++;
  es->requests++;
  for (int i = 0; i < SIM_STATUS_SLOTS; i++) {
    if (es->by_status[i].n == 0 || es->by_status[i].status == status) {
      es->by_status[i].status = status;
      es->by_status[i].n++;
      break;
    }
  }
  if (ts)
    ts->requests[ep]++;
  s->log[s->log_next % SIM_LOG_CAP] = (struct sim_log_entry){
      .seq = s->log_next,
      .t_ms = arrived_ms,
      .answered_ms = answered_ms,
      .delay_ms = delay_ms,
      .tenant = tenant,
      .app = (int16_t)app,
      .status = (int16_t)status,
      .ep = (uint8_t)ep,
      .host = intern(s, host),
      .user_agent = intern(s, user_agent),
  };
  s->log_next++;
}

void sim_stats_set_headers(struct sim_stats *s, enum sim_endpoint ep,
                           char *json) {
  free(s->ep[ep].last_headers);
  s->ep[ep].last_headers = json;
}
