/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for mde_api_error_parse: the Defender API's error
 * envelope {"error":{"code","message","target"}}, including the roles a
 * "Missing application roles" 403 names, under the statuses it uses. */
#include "fuzz.h"
#include "mde/entra_error.h"

static const int statuses[] = {400, 401, 403, 404, 429, 500, 200};

static void check_roles(const struct mde_strlist *l) {
  fz_assert(l->n <= MDE_STRLIST_MAX);
  for (size_t i = 0; i < l->n; i++) {
    size_t n = strlen(l->v[i]);
    fz_assert(n > 0 && !strchr(l->v[i], ','));
    fz_assert(l->v[i][0] != ' ' && l->v[i][n - 1] != ' ');
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *body = size ? malloc(size) : NULL;
  if (size && !body)
    abort();
  if (size)
    memcpy(body, data, size);
  for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
    struct mde_api_error e;
    enum mde_failure f = mde_api_error_parse(statuses[i], body, size, &e);
    fz_assert(f == e.failure && f != MDE_FAIL_NONE);
    fz_assert_clean(e.code, sizeof(e.code));
    fz_assert_clean(e.message, sizeof(e.message));
    fz_assert_clean(e.target, sizeof(e.target));
    check_roles(&e.required_roles);
    check_roles(&e.app_roles);
    if (statuses[i] != 403)
      fz_assert(e.required_roles.n == 0 && e.app_roles.n == 0);
    mde_api_error_free(&e);
  }
  free(body);
  return 0;
}
