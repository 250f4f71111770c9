/* SPDX-License-Identifier: MIT */
/* The Values option (conf/value_groups.c through conf/options.c): unset
 * is every group dashboards use; a top-level Values is inherited by each
 * <Tenant>, which may replace it; a word it does not know is an error
 * naming the option, the block and the words it takes. */
#include "conffile.h"
#include "options.h"
#include "value_groups.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Parses `text`; returns options_parse's result, *root to free. */
static int parse(const char *text, struct plugin_options *po,
                 struct conf_item **root) {
  char err[512] = "";
  *root = conffile_parse_text(text, strlen(text), "t.conf", err, sizeof err);
  if (!*root)
    fail_msg("%s", err);
  const struct conf_item *block = conffile_plugin_block(*root, "mde");
  assert_non_null(block);
  *po = (struct plugin_options){0};
  return options_parse(block, po);
}

static void inherited_and_overridden(void **state) {
  (void)state;
  static const char text[] =
      "<Plugin mde>\n"
      "  ClientId \"app\"\n"
      "  Values \"Token\" \"alerts_by_severity\"\n"
      "  <Tenant \"inherits\">\n    TenantId \"t1\"\n  </Tenant>\n"
      "  <Tenant \"own\">\n    TenantId \"t2\"\n"
      "    Values \"alerts\" \"latency\" \"http\" \"machines\" "
      "\"credential\"\n  </Tenant>\n"
      "  <Tenant \"quiet\">\n    TenantId \"t3\"\n"
      "    Values \"none\"\n  </Tenant>\n"
      "  <Tenant \"last\">\n    TenantId \"t4\"\n"
      "    Values \"http\"\n    Values \"latency\"\n  </Tenant>\n"
      "</Plugin>\n";
  struct plugin_options po;
  struct conf_item *root;
  if (parse(text, &po, &root) != 0)
    fail_msg("%s", options_last_error());
  static const unsigned want[] = {VG_TOKEN | VG_ALERTS_BY_SEV,
                                  VG_ALERTS | VG_LATENCY | VG_HTTP |
                                      VG_MACHINES | VG_CREDENTIAL,
                                  0, VG_LATENCY};
  assert_int_equal(po.n_tenants, 4);
  assert_int_equal(value_groups_effective(po.defaults.values),
                   VG_TOKEN | VG_ALERTS_BY_SEV);
  for (size_t i = 0; i < 4; i++)
    if (value_groups_effective(po.tenants[i].values) != want[i])
      fail_msg("%s: %#x, want %#x", po.tenants[i].name,
               value_groups_effective(po.tenants[i].values), want[i]);
  options_free(&po);
  conffile_free(root);
}

/* Unset: the default set, which is every group but alerts_by_severity. */
static void unset_is_the_default(void **state) {
  (void)state;
  static const char text[] = "<Plugin mde>\n  ClientId \"app\"\n"
                             "  <Tenant \"a\">\n    TenantId \"t1\"\n"
                             "  </Tenant>\n</Plugin>\n";
  struct plugin_options po;
  struct conf_item *root;
  assert_int_equal(parse(text, &po, &root), 0);
  assert_int_equal(value_groups_effective(po.tenants[0].values),
                   VG_ALERTS | VG_TOKEN | VG_LATENCY | VG_HTTP | VG_MACHINES |
                       VG_CREDENTIAL);
  assert_int_equal(value_groups_effective(0), VG_DEFAULT);
  options_free(&po);
  conffile_free(root);
}

static void bad_words_name_the_option(void **state) {
  (void)state;
  static const struct {
    const char *values, *where;
  } rows[] = {
      {"  Values \"tokens\"\n", "<Plugin mde>"},
      {"  Values 1\n", "<Plugin mde>"},
      {"  Values\n", "<Plugin mde>"},
      {"  Values \"token\" true\n", "<Plugin mde>"},
      {"  <Tenant \"x\">\n    TenantId \"t\"\n    Values \"\"\n"
       "  </Tenant>\n",
       "<Tenant \"x\">"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char text[512], want[512];
    snprintf(text, sizeof text,
             "<Plugin mde>\n  ClientId \"app\"\n%s"
             "  <Tenant \"a\">\n    TenantId \"t1\"\n  </Tenant>\n"
             "</Plugin>\n",
             rows[i].values);
    struct plugin_options po;
    struct conf_item *root;
    assert_int_equal(parse(text, &po, &root), -1);
    snprintf(want, sizeof want,
             "%s: \"Values\" takes one or more of \"alerts\", "
             "\"alerts_by_severity\", \"token\", \"latency\", \"http\", "
             "\"machines\", \"credential\", \"none\"",
             rows[i].where);
    assert_string_equal(options_last_error(), want);
    options_free(&po);
    conffile_free(root);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(inherited_and_overridden),
      cmocka_unit_test(unset_is_the_default),
      cmocka_unit_test(bad_words_name_the_option),
  };
  return cmocka_run_group_tests_name("value_groups", tests, NULL, NULL);
}
