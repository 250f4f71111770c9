/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for mde_entra_error_parse and mde_entra_error_fix: the
 * token endpoint's error envelope (or any other body) under the statuses
 * Entra answers with. Every extracted string must be NUL-terminated and
 * free of control characters, as the header promises. */
#include "fuzz.h"
#include "mde/entra_error.h"

static const int statuses[] = {400, 401, 429, 500, 200};

static const struct mde_fix_ctx ctx = {
    .login = "https://login.microsoftonline.com",
    .tenant = "contoso.onmicrosoft.com",
    .client_id = "11111111-2222-3333-4444-555555555555",
    .resource = "https://api.securitycenter.microsoft.com",
    .roles = "Alert.Read.All",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *body = size ? malloc(size) : NULL;
  if (size && !body)
    abort();
  if (size)
    memcpy(body, data, size);
  for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
    struct mde_entra_error e;
    enum mde_failure f = mde_entra_error_parse(statuses[i], body, size, &e);
    fz_assert(f == e.failure && f != MDE_FAIL_NONE);
    fz_assert(e.http_status == statuses[i]);
    fz_assert(e.n_codes <= MDE_ENTRA_CODES_MAX);
    fz_assert(statuses[i] != 429 || f == MDE_FAIL_THROTTLED);
    fz_assert_clean(e.error, sizeof(e.error));
    fz_assert_clean(e.message, sizeof(e.message));
    fz_assert_clean(e.trace_id, sizeof(e.trace_id));
    fz_assert_clean(e.correlation_id, sizeof(e.correlation_id));
    fz_assert_clean(e.timestamp, sizeof(e.timestamp));
    fz_assert_clean(e.error_uri, sizeof(e.error_uri));
    char *fix = mde_entra_error_fix(&e, i == 0 ? &ctx : NULL);
    fz_assert(fix && fix[0]);
    free(fix);
  }
  free(body);
  return 0;
}
