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
#include <sys/stat.h>

#include <cmocka.h>

#include "conffile.h"
#include "range.h"
#include "report.h"

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
      {"Include 42\n", "t.conf:1: Include takes a path and, optionally, a "
                       "file name pattern"},
      {"<Include \"/tmp\">\n Colour 1\n</Include>\n",
       "t.conf:3: <Include> takes only Filter \"PATTERN\""},
      {"Include \"/nonexistent/*.conf\"\n",
       "t.conf:1: Include \"/nonexistent/*.conf\": no file matches"},
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

/* A NUL inside a quoted string once cut it short without a word. */
static void refuses_a_nul_in_a_string(void **state) {
  (void)state;
  static const char plain[] = "A 1\nB \"se\0cret\"\n";
  static const char escaped[] = "B \"a\\\0\"\n";
  char err[512] = "";
  assert_null(
      conffile_parse_text(plain, sizeof plain - 1, "t.conf", err, sizeof err));
  assert_string_equal(err, "t.conf:2: a NUL byte inside a quoted string");
  assert_null(conffile_parse_text(escaped, sizeof escaped - 1, "t.conf", err,
                                  sizeof err));
  assert_string_equal(err, "t.conf:1: a NUL byte inside a quoted string");
}

static char tmp[] = "/tmp/test-check-XXXXXX";

static void put(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", tmp, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* The option keys of the statements read, in order, joined by spaces. */
static void keys(const oconfig_item_t *root, char *out, size_t n) {
  out[0] = '\0';
  for (int i = 0; i < root->children_num; i++)
    snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? " " : "",
             root->children[i].key);
}

/* Include as collectd 5.12 follows it: a directory recursively (dot-files
 * skipped, strcmp order), with a pattern as a second value or Debian's
 * <Include> block with Filter, and shell wildcards. */
static void follows_includes_as_collectd(void **state) {
  (void)state;
  assert_non_null(mkdtemp(tmp));
  char path[512];
  snprintf(path, sizeof path, "%s/sub", tmp);
  assert_int_equal(mkdir(path, 0700), 0);
  put("b.conf", "B 1\n");
  put("a.conf", "A 1\n");
  put("README", "Read me first.\n<html>\n");
  put(".hidden.conf", "Hidden 1\n");
  put("sub/c.conf", "<Plugin mde>\n</Plugin>\n");
  static const struct {
    const char *statement, *keys;
  } rows[] = {
      {"Include \"%s\" \"*.conf\"\n", "A B Plugin"},
      {"<Include \"%s\">\n  Filter \"*.conf\"\n</Include>\n", "A B Plugin"},
      {"Include \"%s/*.conf\"\n", "A B"},
      {"Include \"%s/?.conf\" \"b*\"\n", "B"},
      {"Include \"%s/sub\"\n", "Plugin"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char text[1024], err[512] = "", got[256];
    snprintf(text, sizeof text, rows[i].statement, tmp);
    oconfig_item_t *root = parse(text, err);
    if (!root)
      fail_msg("row %zu: %s", i, err);
    keys(root, got, sizeof got);
    if (strcmp(got, rows[i].keys) != 0)
      fail_msg("row %zu: read \"%s\", want \"%s\"", i, got, rows[i].keys);
    conffile_free(root);
  }
  /* without a pattern, a directory is every file in it, as in collectd:
   * the README is read, and refused where it is */
  char text[1024], err[512] = "";
  snprintf(text, sizeof text, "Include \"%s\"\n", tmp);
  assert_null(parse(text, err));
  assert_non_null(strstr(err, "/README:3: <html> is never closed"));
  /* a FIFO among the files is refused, not waited on */
  snprintf(path, sizeof path, "%s/sub/fifo.conf", tmp);
  assert_int_equal(mkfifo(path, 0600), 0);
  snprintf(text, sizeof text, "Include \"%s/sub\"\n", tmp);
  assert_null(parse(text, err));
  assert_non_null(strstr(err, "fifo.conf: not a regular file"));
  /* two <Plugin mde> blocks, one of them inside <LoadPlugin>: counted */
  oconfig_item_t *root =
      parse("<Plugin mde>\n</Plugin>\n<LoadPlugin mde>\n<Plugin mde>\n"
            "</Plugin>\n</LoadPlugin>\n",
            err);
  assert_non_null(root);
  assert_int_equal(conffile_plugin_blocks(root, "mde"), 2);
  conffile_free(root);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
  assert_int_equal(system(cmd), 0);
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
  /* --cred-warn/--cred-crit days */
  static const char *const days_ok[] = {"0", "30", "0.5", "36525"};
  for (size_t i = 0; i < sizeof days_ok / sizeof days_ok[0]; i++) {
    double d = -1;
    if (range_parse_days(days_ok[i], &d) != 0 || d < 0)
      fail_msg("\"%s\" is days", days_ok[i]);
  }
  static const char *const days_bad[] = {"",   "nan", "NAN",   "inf",   "-inf",
                                         "-1", "5x",  "36526", "1e999", "0x"};
  for (size_t i = 0; i < sizeof days_bad / sizeof days_bad[0]; i++) {
    double d;
    if (range_parse_days(days_bad[i], &d) != -1)
      fail_msg("\"%s\" is not days", days_bad[i]);
  }
}

/* Server text in a reason, a trace id or a tenant name: one status line,
 * one '|' (ours), no line that Nagios could take for another check's. */
static void reports_server_text_escaped(void **state) {
  (void)state;
  struct mde_tenant_result r = {.name = "contoso",
                                .failure = MDE_FAIL_PROTOCOL,
                                .token_ttl = -1,
                                .credential_ttl = 0.0 / 0.0};
  snprintf(r.reason, sizeof r.reason, "bad|x=1\nMDE OK - forged\r");
  snprintf(r.trace_id, sizeof r.trace_id, "t|1\nMDE OK");
  struct thresholds th = {.cred_warn_days = -1, .cred_crit_days = -1};
  struct verdict v;
  report_judge(&r, &th, &v);
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  report_single(f, &r, &v, &th);
  const struct mde_tenant_result *all[] = {&r};
  report_multi(f, all, &v, 1);
  fclose(f);
  size_t pipes = 0;
  for (const char *p = out; *p; p++) {
    if (*p == '\r' || (*p == '\n' && !strncmp(p + 1, "MDE OK", 6)))
      fail_msg("a forged line in:\n%s", out);
    pipes += *p == '|';
  }
  assert_int_equal(pipes, 2); /* report_single's and report_multi's */
  assert_non_null(strstr(out, "reason: bad\\x7cx=1\\x0aMDE OK - forged\\x0d"));
  assert_non_null(strstr(out, "trace id: t\\x7c1\\x0aMDE OK"));
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_a_collectd_configuration),
      cmocka_unit_test(names_the_line_of_an_error),
      cmocka_unit_test(refuses_a_nul_in_a_string),
      cmocka_unit_test(follows_includes_as_collectd),
      cmocka_unit_test(ranges_follow_the_guidelines),
      cmocka_unit_test(reports_server_text_escaped),
  };
  return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
