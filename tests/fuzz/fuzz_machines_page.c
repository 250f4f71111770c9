/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for mde_machines_page_count and
 * mde_exposure_score_parse: bodies of GET /api/machines and
 * GET /api/exposureScore. Checks what the header promises: a counted page
 * adds no more devices than it has bytes and health no more than
 * onboarded devices; a refused page adds nothing and sets no nextLink; a
 * parsed score is 0..100. */
#include "fuzz.h"
#include "mde/machines.h"

static uint64_t sum(const uint32_t *v, int n) {
  uint64_t s = 0;
  for (int i = 0; i < n; i++)
    s += v[i];
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[256];
  char *body = size ? malloc(size) : NULL;
  if (size && !body)
    abort();
  if (size)
    memcpy(body, data, size);
  struct mde_machine_counts c = {0}, zero = {0};
  char *next = NULL;
  enum mde_failure f =
      mde_machines_page_count(body, size, &c, &next, err, sizeof err);
  if (f == MDE_FAIL_NONE) {
    uint64_t devices = sum(c.onboarding, MDE_ONBOARDING_COUNT);
    fz_assert(devices <= size);
    fz_assert(sum(c.health, MDE_HEALTH_COUNT) ==
              c.onboarding[MDE_ONBOARDING_ONBOARDED]);
  } else {
    fz_assert(f == MDE_FAIL_PROTOCOL || f == MDE_FAIL_INTERNAL);
    fz_assert(!next && memcmp(&c, &zero, sizeof c) == 0);
    fz_assert_clean(err, sizeof err);
  }
  free(next);
  double score = -1;
  if (mde_exposure_score_parse(body, size, &score, err, sizeof err) ==
      MDE_FAIL_NONE)
    fz_assert(score >= 0 && score <= 100);
  else
    fz_assert(score == -1);
  free(body);
  return 0;
}
