/* SPDX-License-Identifier: MIT */
/* Retry-After: both forms, and the clamp that keeps `now + wait` from
 * overflowing and a tenant from being muted for years. */
#include "mde/retry_after.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define NOW 1790000000 /* Mon, 21 Sep 2026 14:13:20 GMT */

static void table(void **state) {
  (void)state;
  static const struct {
    const char *value;
    long want;
  } rows[] = {
      {"0", 0},
      {"1", 1},
      {" 120\r\n", 120},
      {"\t30 ", 30},
      {"3599", 3599},
      {"3600", 3600},
      {"3601", MDE_RETRY_AFTER_MAX},
      {"9223372036854775807", MDE_RETRY_AFTER_MAX},
      {"99999999999999999999999999999", MDE_RETRY_AFTER_MAX},
      {"Mon, 21 Sep 2026 14:13:50 GMT", 30},
      {"Mon, 21 Sep 2026 15:13:20 GMT", 3600},
      {"Mon, 21 Sep 2026 15:13:21 GMT", MDE_RETRY_AFTER_MAX},
      {"Thu, 01 Jan 2099 00:00:00 GMT", MDE_RETRY_AFTER_MAX},
      {"Mon, 21 Sep 2026 14:13:19 GMT", 0}, /* already past */
      {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
      {"", -1},
      {"   ", -1},
      {"-5", -1},
      {"12abc", -1},
      {"1.5", -1},
      {"soon", -1},
      {NULL, -1},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    long got = mde_retry_after_parse(rows[i].value, NOW);
    if (got != rows[i].want)
      fail_msg("\"%s\": got %ld, want %ld",
               rows[i].value ? rows[i].value : "(null)", got, rows[i].want);
  }
}

static void the_cap_is_an_hour(void **state) {
  (void)state;
  assert_int_equal(MDE_RETRY_AFTER_MAX, 3600);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(table),
      cmocka_unit_test(the_cap_is_an_hour),
  };
  return cmocka_run_group_tests_name("retry-after", tests, NULL, NULL);
}
