/* check_mde's own pieces: the collectd.conf reader (statements, blocks,
 * values, errors naming file and line) and Nagios threshold ranges as the
 * monitoring-plugins guidelines define them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conffile.h"
#include "range.h"

static oconfig_item_t *parse(const char *text, char *err) {
  return conffile_parse_text(text, strlen(text), "t.conf", err, 512);
}

static void reads_a_collectd_configuration(void **state) {
  (void)state;
  static const char text[] = "# comment\n"
                             "Hostname \"monitor\"  # trailing comment\n"
                             "LoadPlugin mde\n"
                             "<Plugin mde>\n"
                             "  ClientId \"1111\" \\\n"
                             "     \"continued\"\n"
                             "  Timeout 10\n"
                             "  FetchAlerts off\n"
                             "  Quoted \"a \\\"b\\\" \\\\ c\"\n"
                             "  <Tenant \"contoso\">\n"
                             "    TenantId contoso.onmicrosoft.com\n"
                             "  </Tenant>\n"
                             "</Plugin>\n";
  char err[512] = "";
  oconfig_item_t *root = parse(text, err);
  if (!root)
    fail_msg("%s", err);
  assert_int_equal(root->children_num, 3);
  const oconfig_item_t *p = conffile_plugin_block(root, "MDE");
  assert_non_null(p);
  assert_int_equal(p->children_num, 5);
  const oconfig_item_t *id = &p->children[0];
  assert_string_equal(id->key, "ClientId");
  assert_int_equal(id->values_num, 2);
  assert_string_equal(id->values[1].value.string, "continued");
  assert_int_equal(p->children[1].values[0].type, OCONFIG_TYPE_NUMBER);
  assert_true(p->children[1].values[0].value.number == 10);
  assert_int_equal(p->children[2].values[0].type, OCONFIG_TYPE_BOOLEAN);
  assert_int_equal(p->children[2].values[0].value.boolean, 0);
  assert_string_equal(p->children[3].values[0].value.string, "a \"b\" \\ c");
  const oconfig_item_t *t = &p->children[4];
  assert_ptr_equal(t->parent, p);
  assert_string_equal(t->children[0].values[0].value.string,
                      "contoso.onmicrosoft.com");
  conffile_free(root);
}

static void names_the_line_of_an_error(void **state) {
  (void)state;
  static const struct {
    const char *text, *message;
  } rows[] = {
      {"<Plugin mde>\n  A 1\n", "t.conf:3: <Plugin> is never closed"},
      {"<Plugin mde>\n</Tenant>\n", "t.conf:2: expected </Plugin>"},
      {"</Plugin>\n", "t.conf:1: unexpected </...>"},
      {"A \"open\n", "t.conf:1: unterminated string"},
      {"<Plugin mde\n", "t.conf:1: <Plugin ...> is missing its '>'"},
      {"A <b\n", "t.conf:1: unexpected '<'"},
      {"A \x0c\n", "t.conf:1: unexpected byte 0x0c"}, /* found by fuzzing */
      {"=x\n", "t.conf:1: expected an option name"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char err[512] = "";
    assert_null(parse(rows[i].text, err));
    if (strcmp(err, rows[i].message) != 0)
      fail_msg("row %zu: \"%s\", want \"%s\"", i, err, rows[i].message);
  }
  char deep[4096] = "";
  for (int i = 0; i < 20; i++)
    strcat(deep, "<B x>\n");
  char err[512];
  assert_null(parse(deep, err));
  assert_non_null(strstr(err, "nested more than 16 deep"));
}

static void ranges_follow_the_guidelines(void **state) {
  (void)state;
  static const struct {
    const char *range;
    double value;
    int alerts;
  } rows[] = {
      {"10", 10, 0},    {"10", 10.01, 1},  {"10", -1, 1},     {"10:", 9, 1},
      {"10:", 1e9, 0},  {"~:10", -1e9, 0}, {"~:10", 11, 1},   {"10:20", 15, 0},
      {"10:20", 21, 1}, {"@10:20", 15, 1}, {"@10:20", 25, 0}, {"1.5", 1.6, 1},
      {":5", 3, 0},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    struct range r;
    assert_int_equal(range_parse(rows[i].range, &r), 0);
    if (range_alerts(&r, rows[i].value) != rows[i].alerts)
      fail_msg("range %s, value %g: want %d", rows[i].range, rows[i].value,
               rows[i].alerts);
    assert_string_equal(r.text, rows[i].range);
  }
  static const char *const bad[] = {"",  "abc", "20:10", "1:2:3",
                                    "@", "~",   "nan",   "1e999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct range r;
    assert_int_equal(range_parse(bad[i], &r), -1);
  }
  struct range unset = {0};
  assert_false(range_alerts(&unset, 1e9));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_a_collectd_configuration),
      cmocka_unit_test(names_the_line_of_an_error),
      cmocka_unit_test(ranges_follow_the_guidelines),
  };
  return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
