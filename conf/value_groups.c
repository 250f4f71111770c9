/* SPDX-License-Identifier: MIT */
/* The `Values` option (see value_groups.h). The table is the one place that
 * says which word selects which values; README's table follows it. */
#include "value_groups.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *word;
  unsigned group;
  const char *values; /* what it dispatches, for a reader and for errors */
} groups[] = {
    {"alerts", VG_ALERTS,
     "count-alerts_<status>_<severity>, derive-alerts_created, "
     "bool-alerts_complete, duration-alerts_age"},
    {"alerts_by_severity", VG_ALERTS_BY_SEV,
     "count-alerts_<severity> (every status summed), derive-alerts_created, "
     "bool-alerts_complete, duration-alerts_age"},
    {"token", VG_TOKEN,
     "bool-token_valid, bool-consent, bool-permissions, count-roles_missing, "
     "timeleft-token, errors-<class>"},
    {"latency", VG_LATENCY, "response_time-token, response_time-api"},
    {"http", VG_HTTP,
     "http_response_codes-<status>, operations-token_requests, "
     "operations-api_requests, count-throttled, duration-retry_after"},
    {"machines", VG_MACHINES,
     "count-machines_health_<health>, count-machines_onboarding_<status>, "
     "duration-machines_age, gauge-exposure_score"},
    {"credential", VG_CREDENTIAL,
     "timeleft-credential; at the top: timeleft-credential_earliest, "
     "count-credentials_expiring, count-credentials_expired"},
    {"none", 0, "nothing but duration-cycle (notifications still go)"},
};
#define N_GROUPS (sizeof groups / sizeof groups[0])

unsigned value_groups_effective(unsigned stored) {
  return stored & VG_SET ? stored & ~VG_SET : VG_DEFAULT;
}

int value_groups_option(const struct conf_item *ci, unsigned *stored, char *err,
                        size_t n) {
  unsigned set = VG_SET;
  int i = 0;
  for (; i < ci->values_num; i++) {
    if (ci->values[i].type != CONF_STRING)
      break;
    size_t g = 0;
    while (g < N_GROUPS &&
           strcasecmp(groups[g].word, ci->values[i].value.string) != 0)
      g++;
    if (g == N_GROUPS)
      break;
    set |= groups[g].group;
  }
  if (ci->values_num == 0 || i < ci->values_num) {
    /* the words, from the table, so the message cannot go stale */
    char words[256] = "";
    size_t used = 0;
    for (size_t g = 0; g < N_GROUPS && used < sizeof words; g++)
      used += (size_t)snprintf(words + used, sizeof words - used, "%s\"%s\"",
                               g ? ", " : "", groups[g].word);
    snprintf(err, n, "\"Values\" takes one or more of %s", words);
    return -1;
  }
  *stored = set;
  return 0;
}
