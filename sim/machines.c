/* SPDX-License-Identifier: MIT */
/* Devices of a tenant: generation from a seed and a mix, ground truth. */
#include "machines.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *const sim_health_names[MH_COUNT] = {
    "Active",
    "Inactive",
    "ImpairedCommunication",
    "NoSensorData",
    "NoSensorDataImpairedCommunication",
    "Unknown"};
/* machine.md's enum list spells the first in lower case. */
const char *const sim_onboarding_names[MO_COUNT] = {
    "onboarded", "CanBeOnboarded", "Unsupported", "InsufficientInfo"};

int sim_health_parse(const char *s) {
  return sim_enum_parse(s, sim_health_names, MH_COUNT);
}

int sim_onboarding_parse(const char *s) {
  return sim_enum_parse(s, sim_onboarding_names, MO_COUNT);
}

void sim_machines_init(struct sim_machines *m) {
  *m = (struct sim_machines){
      .mix = {.health = {80, 8, 4, 4, 2, 2}, .onboarding = {85, 10, 3, 2}}};
}

void sim_machines_generate(struct sim_machines *m, uint32_t n, uint64_t seed) {
  free(m->health);
  free(m->onboarding);
  m->n = n;
  m->health = sim_xcalloc(n ? n : 1, 1);
  m->onboarding = sim_xcalloc(n ? n : 1, 1);
  uint64_t rng = seed ^ UINT64_C(0x6d616368696e6573); /* not the alerts' */
  for (uint32_t i = 0; i < n; i++) {
    m->onboarding[i] =
        (uint8_t)sim_rng_pick(&rng, m->mix.onboarding, MO_COUNT, MO_ONBOARDED);
    /* A device that is not onboarded has no sensor to report on. */
    m->health[i] =
        m->onboarding[i] == MO_ONBOARDED
            ? (uint8_t)sim_rng_pick(&rng, m->mix.health, MH_COUNT, MH_ACTIVE)
            : MH_UNKNOWN;
  }
}

void sim_machines_free(struct sim_machines *m) {
  free(m->health);
  free(m->onboarding);
  *m = (struct sim_machines){0};
}

void sim_machines_count(const struct sim_machines *m, uint64_t health[MH_COUNT],
                        uint64_t onboarding[MO_COUNT]) {
  memset(health, 0, sizeof(uint64_t) * MH_COUNT);
  memset(onboarding, 0, sizeof(uint64_t) * MO_COUNT);
  for (uint32_t i = 0; i < m->n; i++) {
    onboarding[m->onboarding[i] % MO_COUNT]++;
    if (m->onboarding[i] == MO_ONBOARDED)
      health[m->health[i] % MH_COUNT]++;
  }
}
