/* SPDX-License-Identifier: MIT */
/* What check_mde prints: the Nagios state of each tenant (from its failure
 * class, its latencies against -w/-c, its credential's remaining life
 * against --cred-warn/--cred-crit), and the output the monitoring-plugins
 * guidelines ask for: one status line with perfdata, long output after. */
#ifndef CHECK_REPORT_H
#define CHECK_REPORT_H

#include "mde/engine.h"
#include "range.h"

#include <stdint.h>
#include <stdio.h>

enum { STATE_OK, STATE_WARNING, STATE_CRITICAL, STATE_UNKNOWN };

struct thresholds {
  struct range warn, crit;               /* latency, seconds */
  double cred_warn_days, cred_crit_days; /* < 0: off */
  int api;                               /* the API was asked to answer */
  /* --machines: device counts asked for, and judged: onboarded devices
   * not Active against --unhealthy-*, CanBeOnboarded ones against
   * --unprotected-* */
  int machines;
  struct range unhealthy_warn, unhealthy_crit;
  struct range unprotected_warn, unprotected_crit;
};

struct verdict {
  int state;
  char text[1024]; /* "<tenant>: <what> [AADSTS…] - <fix>" */
};

void report_judge(const struct mde_tenant_result *r,
                  const struct thresholds *th, struct verdict *v);
/* One tenant: status line with its perfdata, then details. */
void report_single(FILE *out, const struct mde_tenant_result *r,
                   const struct verdict *v, const struct thresholds *th);
/* Several: a summary line, then every tenant not OK, worst first. */
void report_multi(FILE *out, const struct mde_tenant_result *const *r,
                  const struct verdict *v, size_t n);
/* Onboarded devices not Active; devices that can be onboarded. */
uint32_t report_unhealthy(const struct mde_tenant_result *r);
uint32_t report_unprotected(const struct mde_tenant_result *r);
const char *report_state_name(int state);
/* Worse is higher: OK < WARNING < UNKNOWN < CRITICAL. */
int report_state_rank(int state);
/* The worse of two states (the first on a tie): how several tenants, or a
 * tenant's latency and its credential's life, combine into one state. */
int report_worse(int a, int b);

#endif
