/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for mde_strlist_split (role lists from configuration
 * and from a Defender 403), with join and contains. The first input byte is
 * the separator, the rest the text. */
#include "fuzz.h"
#include "mde/strlist.h"

static int blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  char sep = (char)data[0];
  char *text = fz_cstr(data + 1, size - 1);
  struct mde_strlist l = {0};
  int rc = mde_strlist_split(&l, text, sep);
  fz_assert(rc == 0 || l.n == MDE_STRLIST_MAX);
  fz_assert(l.n <= l.cap && l.cap <= MDE_STRLIST_MAX);
  for (size_t i = 0; i < l.n; i++) {
    size_t n = strlen(l.v[i]);
    fz_assert(n > 0 && !blank(l.v[i][0]) && !blank(l.v[i][n - 1]));
    fz_assert(sep == '\0' || !strchr(l.v[i], sep));
    if (i < 8)
      fz_assert(mde_strlist_contains(&l, l.v[i], 1));
  }
  char *joined = mde_strlist_join(&l, ",");
  fz_assert(joined);
  free(joined);
  mde_strlist_free(&l);
  fz_assert(l.n == 0 && l.v == NULL);
  free(text);
  return 0;
}
