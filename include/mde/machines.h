/* SPDX-License-Identifier: MIT */
/* Defender devices as the engine needs them: a page of `GET /api/machines`
 * counted as it arrives — devices by sensor health (onboarded devices only,
 * where healthStatus applies) and by onboarding state — so that no memory
 * per device outlives the page, plus the @odata.nextLink; and the body of
 * `GET /api/exposureScore`. Enum values are matched case-insensitively
 * (machine.md spells `onboarded` in lower case, the others in Pascal case);
 * a value the docs do not list counts as `unknown`. */
#ifndef MDE_MACHINES_H
#define MDE_MACHINES_H

#include "mde/failure.h"

#include <stddef.h>
#include <stdint.h>

/* Counted as the collectd metrics name them (lower-cased API values). */
enum mde_machine_health {
  MDE_HEALTH_ACTIVE,
  MDE_HEALTH_INACTIVE,
  MDE_HEALTH_IMPAIREDCOMMUNICATION,
  MDE_HEALTH_NOSENSORDATA,
  MDE_HEALTH_NOSENSORDATAIMPAIREDCOMMUNICATION,
  MDE_HEALTH_UNKNOWN,
  MDE_HEALTH_COUNT
};
enum mde_onboarding {
  MDE_ONBOARDING_ONBOARDED,
  MDE_ONBOARDING_CANBEONBOARDED,
  MDE_ONBOARDING_UNSUPPORTED,
  MDE_ONBOARDING_INSUFFICIENTINFO,
  MDE_ONBOARDING_UNKNOWN,
  MDE_ONBOARDING_COUNT
};
/* "active", "inactive", "impairedcommunication", "nosensordata",
 * "nosensordataimpairedcommunication", "unknown"; "onboarded",
 * "canbeonboarded", "unsupported", "insufficientinfo", "unknown". */
const char *mde_machine_health_name(enum mde_machine_health h);
const char *mde_onboarding_name(enum mde_onboarding o);

struct mde_machine_counts {
  uint32_t health[MDE_HEALTH_COUNT]; /* onboarded devices */
  uint32_t onboarding[MDE_ONBOARDING_COUNT];
};

/* Adds one page's devices to `counts` (all or nothing) and sets
 * *next_link (owned by the caller; NULL on the last page). A body that is
 * not {"value": [...]} or a device that is not an object with a string id
 * is a protocol failure (reason in err), and then neither is touched. */
enum mde_failure mde_machines_page_count(const char *body, size_t len,
                                         struct mde_machine_counts *counts,
                                         char **next_link, char *err,
                                         size_t err_size);

/* {"time": ..., "score": 33.49...}: the score, 0..100. */
enum mde_failure mde_exposure_score_parse(const char *body, size_t len,
                                          double *score, char *err,
                                          size_t err_size);

#endif
