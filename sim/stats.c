/* Request accounting for the admin interface (see stats.h). */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void sim_stats_init(struct sim_stats *s) {
  *s = (struct sim_stats){0};
  s->log = sim_xcalloc(SIM_LOG_CAP, sizeof *s->log);
}

void sim_stats_free(struct sim_stats *s) {
  for (int e = 0; e < EP_COUNT; e++)
    free(s->ep[e].last_headers);
  free(s->log);
  *s = (struct sim_stats){0};
}

void sim_stats_reset(struct sim_stats *s) {
  struct sim_log_entry *log = s->log;
  uint64_t next = s->log_next; /* sequence numbers never go back */
  for (int e = 0; e < EP_COUNT; e++)
    free(s->ep[e].last_headers);
  *s = (struct sim_stats){.log = log, .log_next = next};
}

void sim_stats_record(struct sim_stats *s, struct sim_tenant_stats *ts,
                      enum sim_endpoint ep, int tenant, int app, int status,
                      int64_t arrived_ms, int delay_ms) {
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
      .delay_ms = delay_ms,
      .tenant = tenant,
      .app = (int16_t)app,
      .status = (int16_t)status,
      .ep = (uint8_t)ep,
  };
  s->log_next++;
}

void sim_stats_set_headers(struct sim_stats *s, enum sim_endpoint ep,
                           char *json) {
  free(s->ep[ep].last_headers);
  s->ep[ep].last_headers = json;
}
