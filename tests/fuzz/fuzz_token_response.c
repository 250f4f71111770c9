/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for mde_token_parse: token-endpoint success bodies, v1
 * (numbers as strings) and v2 (integers). Checks what the header promises:
 * a header-safe token on success, an empty result on failure. */
#include "fuzz.h"
#include "mde/token_response.h"

#define NOW 1700000000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[256];
  struct mde_token t;
  /* a copy, as the parser may not read past `size` */
  char *body = size ? malloc(size) : NULL;
  if (size && !body)
    abort();
  if (size)
    memcpy(body, data, size);
  enum mde_failure f = mde_token_parse(body, size, NOW, &t, err, sizeof(err));
  if (f == MDE_FAIL_NONE) {
    fz_assert(t.access_token && t.access_token_len > 0);
    fz_assert(strlen(t.access_token) == t.access_token_len);
    fz_assert(t.access_token_len <= MDE_TOKEN_MAX_LEN);
    for (size_t i = 0; i < t.access_token_len; i++)
      fz_assert(t.access_token[i] > 0x20 && t.access_token[i] < 0x7f);
    fz_assert(t.expires_in > 0 && t.expires_on > 0);
    fz_assert(t.ext_expires_in >= -1 && t.not_before >= 0);
  } else {
    fz_assert(f == MDE_FAIL_PROTOCOL || f == MDE_FAIL_INTERNAL);
    fz_assert(!t.access_token && !t.resource);
    fz_assert_clean(err, sizeof(err));
  }
  mde_token_free(&t);
  free(body);
  return 0;
}
