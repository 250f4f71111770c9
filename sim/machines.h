/* SPDX-License-Identifier: MIT */
/* Defender devices of one tenant: a sensor health and an onboarding state
 * per device (one byte each, a world may hold millions), drawn from a seed
 * with a weighted mix so the same scenario gives the same fleet, changed
 * by the admin interface while tests run, and counted as the ground truth
 * clients are compared with. The rest of a device's JSON is derived from
 * its index (api.c). */
#ifndef SIM_MACHINES_H
#define SIM_MACHINES_H

#include <stdint.h>

enum sim_health {
  MH_ACTIVE,
  MH_INACTIVE,
  MH_IMPAIRED,
  MH_NOSENSOR,
  MH_NOSENSOR_IMPAIRED,
  MH_UNKNOWN,
  MH_COUNT
};
enum sim_onboarding {
  MO_ONBOARDED,
  MO_CANBEONBOARDED,
  MO_UNSUPPORTED,
  MO_INSUFFICIENTINFO,
  MO_COUNT
};

/* As the API spells them (machine.md): "Active" ... and "onboarded",
 * "CanBeOnboarded" ... */
extern const char *const sim_health_names[MH_COUNT];
extern const char *const sim_onboarding_names[MO_COUNT];
/* Case-insensitive; -1 when unknown. */
int sim_health_parse(const char *s);
int sim_onboarding_parse(const char *s);

struct sim_machine_mix {
  double health[MH_COUNT]; /* relative weights, of onboarded devices */
  double onboarding[MO_COUNT];
};

struct sim_machines {
  uint32_t n;
  uint8_t *health, *onboarding; /* n each */
  struct sim_machine_mix mix;
};

/* The default mix: mostly healthy, some discovered but not onboarded. */
void sim_machines_init(struct sim_machines *m);
/* Draws `n` devices from the mix with `seed` (replacing any). */
void sim_machines_generate(struct sim_machines *m, uint32_t n, uint64_t seed);
void sim_machines_free(struct sim_machines *m);
/* Ground truth: health counted over onboarded devices only (the API's
 * healthStatus applies to them), onboarding over every device. */
void sim_machines_count(const struct sim_machines *m, uint64_t health[MH_COUNT],
                        uint64_t onboarding[MO_COUNT]);

#endif
