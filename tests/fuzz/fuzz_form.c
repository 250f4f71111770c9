/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the simulator's form parser (form_parse, form_get,
 * form_decode): token-request bodies as clients post them. */
#include "form.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *body = (const char *)data;
  struct form f;
  const char *dup = NULL;
  enum form_result r = form_parse(&f, body, size, &dup);
  fz_assert(f.n <= FORM_MAX_FIELDS);
  if (r == FORM_OK) {
    for (size_t i = 0; i < f.n; i++) /* names are unique */
      fz_assert(form_get(&f, f.fields[i].name) == f.fields[i].value);
  } else if (r == FORM_DUPLICATE) {
    fz_assert(dup && f.n > 0 && strcmp(dup, f.fields[f.n - 1].name) == 0);
  } else {
    fz_assert(f.n == 0);
  }
  form_free(&f);

  char *decoded = form_decode(body, size);
  if (decoded)
    fz_assert(strlen(decoded) <= size);
  free(decoded);
  return 0;
}
