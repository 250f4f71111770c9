/* SPDX-License-Identifier: MIT */
/* Defender alerts of one tenant: compact records (a world may hold
 * 500,000), generated from a seed with a severity/status mix, changed over
 * time by a churn rate, and rendered with every documented field in the
 * documented order. */
#ifndef SIM_ALERTS_H
#define SIM_ALERTS_H

#include "mde/buf.h"

#include <stddef.h>
#include <stdint.h>

enum sim_severity {
  SEV_UNSPECIFIED,
  SEV_INFORMATIONAL,
  SEV_LOW,
  SEV_MEDIUM,
  SEV_HIGH,
  SEV_COUNT
};
enum sim_status { ST_UNKNOWN, ST_NEW, ST_INPROGRESS, ST_RESOLVED, ST_COUNT };

extern const char *const sim_severity_names[SEV_COUNT];
extern const char *const sim_status_names[ST_COUNT];
/* Case-insensitive; -1 when unknown. */
int sim_severity_parse(const char *s);
int sim_status_parse(const char *s);

struct sim_alert {
  int64_t created, updated, resolved; /* 100 ns ticks; resolved 0 = null */
  int64_t first_event, last_event;
  uint32_t seq;     /* 1-based, per tenant; part of the id */
  uint32_t machine; /* index of the tenant's machine it fired on */
  uint8_t severity, status, kind;
  char *title, *description, *category, *assigned_to; /* NULL: from kind */
};

struct sim_alert_mix {
  double severity[SEV_COUNT]; /* relative weights */
  double status[ST_COUNT];
};

struct sim_alerts {
  struct sim_alert *v;
  size_t n, cap;
  uint32_t next_seq;
  uint64_t created_total; /* alerts ever created, the ground truth rate */
  uint64_t rng;
  struct sim_alert_mix mix;
  double churn_per_hour; /* new alerts per hour; each also moves one on */
  double churn_carry;
  int64_t last_advance; /* ticks */
};

/* What rendering needs to know about the tenant. */
struct sim_alert_ctx {
  const char *tenant_id;
  const char *domain;
  uint64_t machine_seed;
};

void sim_alerts_init(struct sim_alerts *a, uint64_t seed, int64_t now);
void sim_alerts_free(struct sim_alerts *a);
/* Adds `count` alerts created at random times in the last `age_days`. */
void sim_alerts_generate(struct sim_alerts *a, size_t count, double age_days,
                         int64_t now);
/* Appends a New alert created now; returns it for the caller to adjust. */
struct sim_alert *sim_alerts_add(struct sim_alerts *a, int64_t now);
/* Applies the churn due since the last call (bounded per call). */
void sim_alerts_advance(struct sim_alerts *a, int64_t now);
void sim_alert_set_status(struct sim_alert *al, int status, int64_t now);
struct sim_alert *sim_alerts_find(struct sim_alerts *a, const char *id);

void sim_alert_id(const struct sim_alert *al, char out[48]);
int sim_alert_render(const struct sim_alert *al, const struct sim_alert_ctx *c,
                     struct mde_buf *out);
void sim_machine_id(const struct sim_alert_ctx *c, uint32_t machine,
                    char out[41]);
/* Ground truth: counts[status][severity]. */
void sim_alerts_count(const struct sim_alerts *a,
                      uint64_t counts[ST_COUNT][SEV_COUNT]);

#endif
