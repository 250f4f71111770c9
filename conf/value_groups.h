/* SPDX-License-Identifier: MIT */
/* Which groups of values plugin/submit.c dispatches (the `Values` option):
 * a value not selected never reaches plugin_dispatch_values, so collectd
 * neither caches nor writes it. Notifications are not values: they are
 * sent whatever is selected, so a user who keeps no values is still paged.
 * One table (value_groups.c) names each group, its word and its values. */
#ifndef MDE_CONF_VALUE_GROUPS_H
#define MDE_CONF_VALUE_GROUPS_H

#include "conf_item.h"

#include <stddef.h>

enum value_group {
  VG_ALERTS = 1u << 0,        /* count-alerts_<status>_<severity>, ... */
  VG_ALERTS_BY_SEV = 1u << 1, /* count-alerts_<severity>, ... */
  VG_TOKEN = 1u << 2,         /* token health and failures */
  VG_LATENCY = 1u << 3,       /* response_time-token, response_time-api */
  VG_HTTP = 1u << 4,          /* HTTP codes and request counters */
  VG_MACHINES = 1u << 5,      /* device health */
  VG_CREDENTIAL = 1u << 6,    /* client credential expiry (Graph) */
};

/* Marks a set written by `Values`: 0 means "not set", i.e. the default. */
#define VG_SET (1u << 30)
/* What dashboards and examples use: every group but alerts_by_severity. */
#define VG_DEFAULT                                                             \
  (VG_ALERTS | VG_TOKEN | VG_LATENCY | VG_HTTP | VG_MACHINES | VG_CREDENTIAL)

/* The groups to dispatch for a set as stored in the options (0: default). */
unsigned value_groups_effective(unsigned stored);

/* `Values "word" ...`: *stored becomes exactly the groups named (a tenant's
 * Values replaces what it inherited). Returns 0, or -1 with a message in
 * err naming the option and the words it takes. */
int value_groups_option(const struct conf_item *ci, unsigned *stored, char *err,
                        size_t n);

#endif
