/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for mde_jwks_parse and the key-set accessors: any body
 * a discovery keys endpoint could send. */
#include "fuzz.h"
#include "mde/jwks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[256];
  struct mde_jwks *set = (struct mde_jwks *)&err; /* must be reset */
  char *body = size ? malloc(size) : NULL;
  if (size && !body)
    abort();
  if (size)
    memcpy(body, data, size);
  enum mde_failure f = mde_jwks_parse(body, size, &set, err, sizeof(err));
  if (f == MDE_FAIL_NONE) {
    size_t n = mde_jwks_count(set);
    fz_assert(set && n > 0 && n <= MDE_JWKS_MAX_KEYS);
    for (size_t i = 0; i < n; i++) {
      const char *kid = mde_jwks_kid(set, i);
      fz_assert(kid && kid[0]);
      fz_assert(mde_jwks_find(set, kid) != NULL);
    }
    fz_assert(mde_jwks_kid(set, n) == NULL);
    fz_assert(mde_jwks_find(set, "") == NULL);
    mde_jwks_free(set);
  } else {
    fz_assert(set == NULL);
    fz_assert_clean(err, sizeof(err));
  }
  free(body);
  return 0;
}
