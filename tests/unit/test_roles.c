/* SPDX-License-Identifier: MIT */
/* Role implication: X.ReadWrite.Y grants X.Read.Y; and Graph's directory
 * roles grant Application.Read.All (spec D.4); nothing else does. */
#include "mde/roles.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void table(void **state) {
  (void)state;
  static const struct {
    const char *held, *required;
    bool grants;
  } rows[] = {
      {"Alert.Read.All", "Alert.Read.All", true},
      {"alert.read.all", "Alert.Read.All", true},
      {"Alert.ReadWrite.All", "Alert.Read.All", true},
      {"Alert.readwrite.all", "alert.Read.All", true},
      {"Machine.ReadWrite.All", "Machine.Read.All", true},
      {"Alert.Read.All", "Alert.ReadWrite.All", false}, /* never upwards */
      {"Machine.ReadWrite.All", "Alert.Read.All", false},
      {"Alert.ReadWrite.All", "Alert.Read.Mine", false},
      {"Alerts.ReadWrite.All", "Alert.Read.All", false},
      {"Alert.ReadWriteX.All", "Alert.Read.All", false},
      {"Alert.ReadWrite.All", "Alert.Read.AllX", false},
      {"Alert.Write.All", "Alert.Read.All", false},
      {"ReadWrite", "Read", false},
      {"", "Alert.Read.All", false},
      {NULL, "Alert.Read.All", false},
      {"Alert.Read.All", NULL, false},
      {"Application.ReadWrite.All", "Application.Read.All", true},
      {"Directory.Read.All", "Application.Read.All", true},
      {"directory.read.all", "Application.Read.All", true},
      {"Directory.ReadWrite.All", "Application.Read.All", true},
      {"Directory.Read.All", "Application.ReadWrite.All", false},
      {"Application.Read.All", "Directory.Read.All", false},
      {"Directory.Read.All", "Alert.Read.All", false},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    if (mde_role_grants(rows[i].held, rows[i].required) != rows[i].grants)
      fail_msg("%s grants %s: want %d", rows[i].held ? rows[i].held : "NULL",
               rows[i].required ? rows[i].required : "NULL", rows[i].grants);
}

static void any_of_a_list(void **state) {
  (void)state;
  struct mde_strlist held = {0};
  assert_false(mde_roles_grant(&held, "Alert.Read.All"));
  assert_int_equal(mde_strlist_add_str(&held, "Score.Read.All"), 0);
  assert_int_equal(mde_strlist_add_str(&held, "Alert.ReadWrite.All"), 0);
  assert_true(mde_roles_grant(&held, "Alert.Read.All"));
  assert_false(mde_roles_grant(&held, "Machine.Read.All"));
  assert_false(mde_roles_grant(NULL, "Alert.Read.All"));
  mde_strlist_free(&held);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(table),
      cmocka_unit_test(any_of_a_list),
  };
  return cmocka_run_group_tests_name("roles", tests, NULL, NULL);
}
