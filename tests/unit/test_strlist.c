/* SPDX-License-Identifier: MIT */
/* mde_strlist: splitting configuration-style lists, lookup, joining, and
 * the growth bound. */
#include "mde/strlist.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void splits_and_trims(void **state) {
  (void)state;
  static const struct {
    const char *in;
    char sep;
    const char *joined; /* items joined with '|' */
    size_t n;
  } cases[] = {
      {"", ',', "", 0},
      {" , ,", ',', "", 0},
      {"Alert.Read.All", ',', "Alert.Read.All", 1},
      {"Machine.Read.All,Machine.ReadWrite.All", ',',
       "Machine.Read.All|Machine.ReadWrite.All", 2},
      {" Alert.Read.All ,\tMachine.Isolate ", ',',
       "Alert.Read.All|Machine.Isolate", 2},
      {"a b  c", ' ', "a|b|c", 3},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_strlist l = {0};
    assert_int_equal(mde_strlist_split(&l, cases[i].in, cases[i].sep), 0);
    assert_int_equal(l.n, cases[i].n);
    char *j = mde_strlist_join(&l, "|");
    assert_non_null(j);
    assert_string_equal(j, cases[i].joined);
    free(j);
    mde_strlist_free(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
  }
}

static void contains_with_and_without_case(void **state) {
  (void)state;
  struct mde_strlist l = {0};
  assert_int_equal(mde_strlist_split(&l, "Url.Read.All,Alert.Read.All", ','),
                   0);
  /* 1 and 0, as strlist.h says (not any true value) */
  assert_int_equal(mde_strlist_contains(&l, "Url.Read.All", 0), 1);
  assert_int_equal(mde_strlist_contains(&l, "URL.Read.All", 0), 0);
  assert_int_equal(mde_strlist_contains(&l, "URL.Read.All", 1), 1);
  assert_false(mde_strlist_contains(&l, "Alert.Read", 1));
  mde_strlist_free(&l);
}

static void add_copies_exactly_len_bytes(void **state) {
  (void)state;
  struct mde_strlist l = {0};
  assert_int_equal(mde_strlist_add(&l, "Alert.Read.All,rest", 14), 0);
  assert_int_equal(mde_strlist_add_str(&l, ""), 0);
  assert_string_equal(l.v[0], "Alert.Read.All");
  assert_string_equal(l.v[1], "");
  mde_strlist_free(&l);
}

static void refuses_to_grow_past_the_bound(void **state) {
  (void)state;
  struct mde_strlist l = {0};
  for (int i = 0; i < MDE_STRLIST_MAX; i++)
    assert_int_equal(mde_strlist_add_str(&l, "r"), 0);
  assert_int_equal(mde_strlist_add_str(&l, "one too many"), -1);
  assert_int_equal(l.n, MDE_STRLIST_MAX);
  mde_strlist_free(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(splits_and_trims),
      cmocka_unit_test(contains_with_and_without_case),
      cmocka_unit_test(add_copies_exactly_len_bytes),
      cmocka_unit_test(refuses_to_grow_past_the_bound),
  };
  return cmocka_run_group_tests_name("strlist", tests, NULL, NULL);
}
