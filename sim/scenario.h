/* SPDX-License-Identifier: MIT */
/* Scenario files: the JSON that describes a simulated world (schema in
 * examples/scenarios/README.md). Strict: an unknown key or a wrong type is
 * an error naming its path, e.g. "tenants[2].apps.<id>.roles[0]: expected
 * a string", because a typo in a test world silently testing nothing is
 * worse than a failure. */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include "world.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* Loads into an initialised, empty world. Certificate files are relative
 * to `data_dir`. Returns 0, or -1 with a message. */
int sim_scenario_load(struct sim_world *w, const char *path,
                      const char *data_dir, char *err, size_t errlen);
int sim_scenario_parse(struct sim_world *w, const char *text,
                       const char *data_dir, char *err, size_t errlen);

/* Used by the admin interface too (world locked). */
int sim_fault_parse(struct sim_world *w, const cJSON *json, const char *where,
                    struct sim_fault *f, char *err, size_t errlen);
int sim_alert_parse(struct sim_alerts *a, const cJSON *json, const char *where,
                    int64_t now, char *err, size_t errlen);
int sim_settings_parse(struct sim_settings *s, const cJSON *json,
                       const char *where, char *err, size_t errlen);
/* "expires" (ISO time) or "expires_in" (seconds from now; negative means
 * already expired) of a secret; 0 when neither. */
int sim_expiry_parse(const cJSON *json, const char *where, int64_t now,
                     int64_t *expires, char *err, size_t errlen);

#endif
