/* SPDX-License-Identifier: MIT */
/* One tenant's engine result as collectd values (plugin "mde", plugin
 * instance = the tenant's block name, standard types.db types only) and,
 * when its state changed, one notification. */
#ifndef MDE_PLUGIN_SUBMIT_H
#define MDE_PLUGIN_SUBMIT_H

#include "collectd.h"

#include "mde/engine.h"

#include <stdint.h>

#define MAX_TRACKED_CODES 32

/* What the plugin remembers of a tenant between cycles. */
struct tenant_track {
  int state; /* -1 before the first cycle, else an enum mde_failure */
  uint64_t codes[MAX_TRACKED_CODES]; /* responses per HTTP status, so far */
  int code_status[MAX_TRACKED_CODES];
  int n_codes;
  double token_time, api_time; /* the last request of each kind; <0: none */
  /* Credential expiry (tenants with HomeTenantId): the thresholds in
   * seconds, and the level last notified: -1 none yet, 0 fine, 1 WARNING,
   * 2 FAILURE. */
  int cred_watch;
  double cred_warn, cred_crit;
  int cred_level;
  char cred_note[MDE_ERR_SIZE]; /* the note last logged */
  unsigned values; /* the value groups dispatched (value_groups.h) */
};

void submit_tenant(const struct mde_tenant_result *r, struct tenant_track *tr,
                   cdtime_t when);
/* The apps read from Microsoft Graph, plugin instance empty:
 * timeleft-credential_earliest, count-credentials_expiring,
 * count-credentials_expired (a second app's carry "_<client id>"); only
 * when `values` (the top-level groups) has VG_CREDENTIAL. */
void submit_apps(const struct mde_engine *e, unsigned values, cdtime_t when);
/* duration-cycle, with an empty plugin instance. */
void submit_cycle(double seconds, cdtime_t when);

#endif
