/* SPDX-License-Identifier: MIT */
/* Thread times: the schedstat parser's rows, and that the three clocks
 * tell running from sleeping. */
#include "mde/thread_times.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

static void schedstat_rows(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int64_t want;
  } rows[] = {
      {"211360112 293765894 610\n", 293765894},
      {"0 0 1", 0},
      {"1 9223372036854775799 2\n", 9223372036854775799},
      {"1 9223372036854775808 2\n", -1}, /* past INT64_MAX */
      {"5 7", -1},                       /* no timeslices */
      {"5 7\n", -1},
      {"5  7 1", -1},
      {" 5 7 1", -1},
      {"5 -7 1", -1},
      {"x 7 1", -1},
      {"5", -1},
      {"", -1},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    int64_t got = mde_schedstat_wait_ns(rows[i].text, strlen(rows[i].text));
    if (got != rows[i].want)
      fail_msg("row %zu \"%s\": got %lld, want %lld", i, rows[i].text,
               (long long)got, (long long)rows[i].want);
  }
}

static void sleeping_is_neither_cpu_nor_wait(void **state) {
  (void)state;
  struct mde_thread_times a, b;
  mde_thread_times_now(&a);
  nanosleep(&(struct timespec){0, 50 * 1000000}, NULL);
  mde_thread_times_now(&b);
  struct mde_thread_times d = mde_thread_times_since(&a, &b);
  assert_true(d.wall_ns >= 50 * 1000000);
  assert_true(d.cpu_ns < 25 * 1000000);
  assert_true(d.wait_ns >= 0); /* Linux with schedstat, as CI runs */
  assert_true(d.cpu_ns + d.wait_ns < d.wall_ns);
}

static void spinning_is_cpu(void **state) {
  (void)state;
  struct mde_thread_times a, b;
  mde_thread_times_now(&a);
  do
    mde_thread_times_now(&b);
  while (b.cpu_ns - a.cpu_ns < 30 * 1000000);
  struct mde_thread_times d = mde_thread_times_since(&a, &b);
  assert_true(d.cpu_ns >= 30 * 1000000);
  assert_true(d.wall_ns >= d.cpu_ns);
}

static void a_missing_wait_stays_missing(void **state) {
  (void)state;
  struct mde_thread_times a = {100, 10, -1}, b = {300, 50, 40};
  struct mde_thread_times d = mde_thread_times_since(&a, &b);
  assert_int_equal(d.wall_ns, 200);
  assert_int_equal(d.cpu_ns, 40);
  assert_int_equal(d.wait_ns, -1);
  a.wait_ns = 60; /* a counter that went back: not a duration */
  assert_int_equal(mde_thread_times_since(&a, &b).wait_ns, -1);
  a.wait_ns = 15;
  assert_int_equal(mde_thread_times_since(&a, &b).wait_ns, 25);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(schedstat_rows),
      cmocka_unit_test(sleeping_is_neither_cpu_nor_wait),
      cmocka_unit_test(spinning_is_cpu),
      cmocka_unit_test(a_missing_wait_stays_missing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
