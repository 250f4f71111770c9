/* SPDX-License-Identifier: MIT */
/* mde_buf: growth, the hard cap, and JSON string escaping. */
#include "mde/buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void grows_and_stays_terminated(void **state) {
  (void)state;
  struct mde_buf b;
  mde_buf_init(&b, 0);
  for (int i = 0; i < 1000; i++)
    assert_int_equal(mde_buf_printf(&b, "%d,", i % 10), 0);
  assert_int_equal(b.len, 2000);
  assert_int_equal(strlen(b.data), 2000);
  assert_memory_equal(b.data, "0,1,2,", 6);
  mde_buf_free(&b);
}

static void refuses_appends_past_the_limit(void **state) {
  (void)state;
  struct mde_buf b;
  mde_buf_init(&b, 8);
  assert_int_equal(mde_buf_puts(&b, "12345678"), 0);
  assert_int_equal(mde_buf_puts(&b, "9"), -1);
  assert_true(b.overflow);
  assert_string_equal(b.data, "12345678");
  assert_int_equal(mde_buf_printf(&b, "%s", "x"), -1);
  mde_buf_free(&b);
}

static void steal_hands_over_even_when_empty(void **state) {
  (void)state;
  struct mde_buf b;
  mde_buf_init(&b, 0);
  size_t n = 7;
  char *s = mde_buf_steal(&b, &n);
  assert_non_null(s);
  assert_int_equal(n, 0);
  assert_string_equal(s, "");
  free(s);
  assert_null(b.data);
}

static void escapes_json_strings(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"plain", "\"plain\""},
      {"a\"b\\c", "\"a\\\"b\\\\c\""},
      {"line\r\nTrace ID: x", "\"line\\r\\nTrace ID: x\""},
      {"\x01\x1f", "\"\\u0001\\u001f\""},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\""}, /* UTF-8 passes through */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_buf b;
    mde_buf_init(&b, 0);
    assert_int_equal(mde_buf_json_string(&b, cases[i].in), 0);
    assert_string_equal(b.data, cases[i].out);
    mde_buf_free(&b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(grows_and_stays_terminated),
      cmocka_unit_test(refuses_appends_past_the_limit),
      cmocka_unit_test(steal_hands_over_even_when_empty),
      cmocka_unit_test(escapes_json_strings),
  };
  return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
