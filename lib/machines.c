/* SPDX-License-Identifier: MIT */
/* Machines pages and the exposure score (see include/mde/machines.h). */
#include "mde/machines.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Index = enum value; the last row of each is the catch-all. */
static const char *const health_names[MDE_HEALTH_COUNT] = {
    "active",
    "inactive",
    "impairedcommunication",
    "nosensordata",
    "nosensordataimpairedcommunication",
    "unknown"};
static const char *const onboarding_names[MDE_ONBOARDING_COUNT] = {
    "onboarded", "canbeonboarded", "unsupported", "insufficientinfo",
    "unknown"};

const char *mde_machine_health_name(enum mde_machine_health h) {
  return h < MDE_HEALTH_COUNT ? health_names[h] : "unknown";
}

const char *mde_onboarding_name(enum mde_onboarding o) {
  return o < MDE_ONBOARDING_COUNT ? onboarding_names[o] : "unknown";
}

/* The row of a string member; `n - 1` (unknown) if absent, not a string or
 * not listed. */
static int classify(const cJSON *o, const char *member,
                    const char *const *names, int n) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, member);
  for (int i = 0; cJSON_IsString(v) && i < n - 1; i++)
    if (strcasecmp(v->valuestring, names[i]) == 0)
      return i;
  return n - 1;
}

enum mde_failure mde_machines_page_count(const char *body, size_t len,
                                         struct mde_machine_counts *counts,
                                         char **next_link, char *err,
                                         size_t err_size) {
  *next_link = NULL;
  cJSON *root = cJSON_ParseWithLength(body, len);
  const cJSON *value =
      root ? cJSON_GetObjectItemCaseSensitive(root, "value") : NULL;
  if (!cJSON_IsArray(value)) {
    snprintf(err, err_size, "machines page is not {\"value\": [...]} JSON");
    cJSON_Delete(root);
    return MDE_FAIL_PROTOCOL;
  }
  struct mde_machine_counts page = {0};
  size_t i = 0;
  const cJSON *m;
  cJSON_ArrayForEach(m, value) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
    if (!cJSON_IsObject(m) || !cJSON_IsString(id) || !id->valuestring[0]) {
      snprintf(err, err_size, "machine %zu has no usable \"id\"", i);
      cJSON_Delete(root);
      return MDE_FAIL_PROTOCOL;
    }
    int o =
        classify(m, "onboardingStatus", onboarding_names, MDE_ONBOARDING_COUNT);
    page.onboarding[o]++;
    if (o == MDE_ONBOARDING_ONBOARDED)
      page.health[classify(m, "healthStatus", health_names,
                           MDE_HEALTH_COUNT)]++;
    i++;
  }
  const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "@odata.nextLink");
  if (cJSON_IsString(next)) {
    *next_link = strdup(next->valuestring);
    if (!*next_link) {
      cJSON_Delete(root);
      snprintf(err, err_size, "out of memory parsing a machines page");
      return MDE_FAIL_INTERNAL;
    }
  }
  cJSON_Delete(root);
  for (int h = 0; h < MDE_HEALTH_COUNT; h++)
    counts->health[h] += page.health[h];
  for (int o = 0; o < MDE_ONBOARDING_COUNT; o++)
    counts->onboarding[o] += page.onboarding[o];
  return MDE_FAIL_NONE;
}

enum mde_failure mde_exposure_score_parse(const char *body, size_t len,
                                          double *score, char *err,
                                          size_t err_size) {
  cJSON *root = cJSON_ParseWithLength(body, len);
  const cJSON *s =
      root ? cJSON_GetObjectItemCaseSensitive(root, "score") : NULL;
  bool ok = cJSON_IsNumber(s) && isfinite(s->valuedouble) &&
            s->valuedouble >= 0 && s->valuedouble <= 100;
  if (ok)
    *score = s->valuedouble;
  else
    snprintf(err, err_size, "exposure score is not {\"score\": 0..100} JSON");
  cJSON_Delete(root);
  return ok ? MDE_FAIL_NONE : MDE_FAIL_PROTOCOL;
}
