/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for check_mde's Nagios ranges (-w/-c) and days
 * (--cred-warn/--cred-crit): what range_parse accepts has ordered, finite
 * ends and is echoed as written; range_parse_days gives only finite days
 * from 0 to 36525 (strtod's "nan", "inf" and "" are refused). */
#include "fuzz.h"
#include "range.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = fz_cstr(data, size);
  struct range r;
  if (range_parse(s, &r) == 0) {
    fz_assert(r.set);
    fz_assert(strcmp(r.text, s) == 0);
    fz_assert(r.no_start || isfinite(r.start));
    fz_assert(r.no_end || isfinite(r.end));
    fz_assert(r.no_start || r.no_end || r.start <= r.end);
    /* inclusive ends: a start or end value is inside, so it alerts only
     * with '@' */
    if (!r.no_start)
      fz_assert(range_alerts(&r, r.start) == r.inside);
    if (!r.no_end)
      fz_assert(range_alerts(&r, r.end) == r.inside);
  }
  double days = -1;
  if (range_parse_days(s, &days) == 0)
    fz_assert(isfinite(days) && days >= 0 && days <= 36525);
  free(s);
  return 0;
}
