/* SPDX-License-Identifier: MIT */
/* Shard "K/N": the parser's boundaries, an assignment that never changes
 * (pinned values), balance, and the consistent-hashing promise that adding
 * a host moves about 1/(N+1) of the tenants, all to the new host. */
#include "mde/shard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

static void parses_k_of_n(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int ok;
    unsigned k, n;
  } rows[] = {
      {"1/1", 1, 1, 1},
      {"1/3", 1, 1, 3},
      {"3/3", 1, 3, 3},
      {"2/65536", 1, 2, 65536},
      {"65536/65536", 1, 65536, 65536},
      {"007/010", 1, 7, 10},
      {"0/3", 0, 0, 0},
      {"4/3", 0, 0, 0},
      {"1/0", 0, 0, 0},
      {"1/65537", 0, 0, 0},
      {"1/1000000", 0, 0, 0},
      {" 1/3", 0, 0, 0},
      {"1/3 ", 0, 0, 0},
      {"+1/3", 0, 0, 0},
      {"-1/3", 0, 0, 0},
      {"1/3x", 0, 0, 0},
      {"1//3", 0, 0, 0},
      {"1/", 0, 0, 0},
      {"/3", 0, 0, 0},
      {"", 0, 0, 0},
      {"13", 0, 0, 0},
      {"1/3/4", 0, 0, 0},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    struct mde_shard s = {99, 99};
    char err[128] = "";
    int rc = mde_shard_parse(rows[i].s, &s, err, sizeof err);
    if (rows[i].ok) {
      assert_int_equal(rc, 0);
      assert_int_equal(s.k, rows[i].k);
      assert_int_equal(s.n, rows[i].n);
    } else {
      assert_int_equal(rc, -1);
      assert_true(err[0] != '\0');
      assert_int_equal(s.k, 99); /* untouched */
    }
  }
}

/* Pinned: a build that assigned tenants differently would move them between
 * hosts on upgrade (each host dropping some, none taking them up until all
 * are upgraded). */
static void assignment_is_stable(void **state) {
  (void)state;
  static const struct {
    const char *id;
    unsigned n, want;
  } rows[] = {
      {"contoso.onmicrosoft.com", 2, 2},
      {"contoso.onmicrosoft.com", 3, 2},
      {"contoso.onmicrosoft.com", 5, 2},
      {"contoso.onmicrosoft.com", 1000, 948},
      {"northwind.onmicrosoft.com", 2, 2},
      {"northwind.onmicrosoft.com", 3, 2},
      {"northwind.onmicrosoft.com", 5, 2},
      {"northwind.onmicrosoft.com", 1000, 615},
      {"fabrikam.onmicrosoft.com", 2, 1},
      {"fabrikam.onmicrosoft.com", 3, 3},
      {"fabrikam.onmicrosoft.com", 5, 4},
      {"fabrikam.onmicrosoft.com", 1000, 379},
      {"c0000000-0000-4000-8000-000000000001", 2, 1},
      {"c0000000-0000-4000-8000-000000000001", 3, 3},
      {"c0000000-0000-4000-8000-000000000001", 5, 4},
      {"c0000000-0000-4000-8000-000000000001", 1000, 929},
      {"e0000000-0000-4000-8000-000000000010", 2, 1},
      {"e0000000-0000-4000-8000-000000000010", 3, 1},
      {"e0000000-0000-4000-8000-000000000010", 5, 1},
      {"e0000000-0000-4000-8000-000000000010", 1000, 509},
      {"customer0001.onmicrosoft.com", 2, 2},
      {"customer0001.onmicrosoft.com", 3, 2},
      {"customer0001.onmicrosoft.com", 5, 5},
      {"customer0001.onmicrosoft.com", 1000, 674},
      {"customer0002.onmicrosoft.com", 2, 1},
      {"customer0002.onmicrosoft.com", 3, 1},
      {"customer0002.onmicrosoft.com", 5, 1},
      {"customer0002.onmicrosoft.com", 1000, 739},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    assert_int_equal(mde_shard_of(rows[i].id, rows[i].n), rows[i].want);
  assert_int_equal(mde_shard_of("Contoso.OnMicrosoft.COM", 7),
                   mde_shard_of("contoso.onmicrosoft.com", 7));
  assert_int_equal(mde_shard_of("anything", 1), 1);
}

#define IDS 20000

static void id(char *buf, size_t n, int i) {
  snprintf(buf, n, "customer%05d.onmicrosoft.com", i);
}

static void balanced_and_in_range(void **state) {
  (void)state;
  static const unsigned sizes[] = {2, 3, 4, 10};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    unsigned n = sizes[s], count[10] = {0};
    char buf[64];
    for (int i = 0; i < IDS; i++) {
      id(buf, sizeof buf, i);
      unsigned k = mde_shard_of(buf, n);
      assert_true(k >= 1 && k <= n);
      count[k - 1]++;
    }
    for (unsigned k = 0; k < n; k++) { /* within 10% of an even share */
      assert_true(count[k] * 10 * n >= (unsigned)IDS * 9);
      assert_true(count[k] * 10 * n <= (unsigned)IDS * 11);
    }
  }
}

static void a_new_host_takes_a_fair_share_from_each(void **state) {
  (void)state;
  for (unsigned n = 1; n <= 8; n++) {
    unsigned moved = 0;
    char buf[64];
    for (int i = 0; i < IDS; i++) {
      id(buf, sizeof buf, i);
      unsigned before = mde_shard_of(buf, n), after = mde_shard_of(buf, n + 1);
      if (before != after) {
        assert_int_equal(after, n + 1); /* only ever to the new host */
        moved++;
      }
    }
    /* 1/(n+1) of the tenants, within 10% of it */
    assert_true(moved * 10 * (n + 1) >= (unsigned)IDS * 9);
    assert_true(moved * 10 * (n + 1) <= (unsigned)IDS * 11);
  }
}

static void keeps_its_own_shard(void **state) {
  (void)state;
  struct mde_shard none = {0, 0};
  assert_true(mde_shard_keeps(&none, "contoso.onmicrosoft.com"));
  char buf[64];
  for (int i = 0; i < 1000; i++) {
    id(buf, sizeof buf, i);
    unsigned kept = 0;
    for (unsigned k = 1; k <= 5; k++) {
      struct mde_shard s = {k, 5};
      kept += mde_shard_keeps(&s, buf);
    }
    assert_int_equal(kept, 1); /* exactly one host of five */
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_k_of_n),
      cmocka_unit_test(assignment_is_stable),
      cmocka_unit_test(balanced_and_in_range),
      cmocka_unit_test(a_new_host_takes_a_fair_share_from_each),
      cmocka_unit_test(keeps_its_own_shard),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
