/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for Retry-After (include/mde/retry_after.h): whatever
 * the header says, the wait is -1 (not understood) or within 0..an hour,
 * and the clock it is added to never overflows, whatever `now` is. */
#include "fuzz.h"
#include "mde/retry_after.h"

#include <limits.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = fz_cstr(data, size);
  static const time_t nows[] = {0, 1790000000, (time_t)INT_MAX,
                                (time_t)LONG_MAX - MDE_RETRY_AFTER_MAX - 1};
  for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++) {
    long wait = mde_retry_after_parse(s, nows[i]);
    fz_assert(wait == -1 || (wait >= 0 && wait <= MDE_RETRY_AFTER_MAX));
  }
  free(s);
  return 0;
}
