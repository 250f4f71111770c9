/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the simulator's OData options: odata_parse_filter
 * (and odata_match on what it accepts) and odata_parse_count for $top and
 * $skip, all on the same query-option text. */
#include "fuzz.h"
#include "odata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fz_cstr(data, size);
  char err[512];
  struct odata_filter f;
  if (odata_parse_filter(text, &f, err, sizeof(err)) == 0) {
    fz_assert(f.n > 0 && f.n <= ODATA_MAX_TERMS);
    for (int i = 0; i < f.n; i++) {
      fz_assert((unsigned)f.terms[i].field < OD_FIELD_COUNT);
      fz_assert((unsigned)f.terms[i].op <= OD_LE);
    }
    const int64_t values[OD_FIELD_COUNT] = {INT64_C(16377021110000000),
                                            INT64_C(16377021110000000), 1, 3};
    (void)odata_match(&f, values);
  } else {
    fz_assert(strnlen(err, sizeof(err)) < sizeof(err) && err[0]);
  }
  long v = -1;
  if (odata_parse_count("$top", text, ODATA_MAX_TOP, &v, err, sizeof(err)) == 0)
    fz_assert(v >= 0 && v <= ODATA_MAX_TOP);
  v = -1;
  if (odata_parse_count("$skip", text, -1, &v, err, sizeof(err)) == 0)
    fz_assert(v >= 0);
  free(text);
  return 0;
}
