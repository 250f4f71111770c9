/* SPDX-License-Identifier: MIT */
/* check_mde's own pieces: the collectd.conf reader (statements, blocks,
 * values, errors naming file and line), Nagios threshold ranges as the
 * monitoring-plugins guidelines define them, and how tenants' states are
 * judged and combined into one. */
#include "conffile.h"
#include "range.h"
#include "report.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static struct conf_item *parse(const char *text, char *err) {
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
  struct conf_item *root = parse(text, err);
  if (!root)
    fail_msg("%s", err);
  assert_int_equal(root->children_num, 3);
  const struct conf_item *p = conffile_plugin_block(root, "MDE");
  assert_non_null(p);
  assert_int_equal(p->children_num, 5);
  const struct conf_item *id = &p->children[0];
  assert_string_equal(id->key, "ClientId");
  assert_int_equal(id->values_num, 2);
  assert_string_equal(id->values[1].value.string, "continued");
  assert_int_equal(p->children[1].values[0].type, CONF_NUMBER);
  assert_true(p->children[1].values[0].value.number == 10);
  assert_int_equal(p->children[2].values[0].type, CONF_BOOLEAN);
  assert_int_equal(p->children[2].values[0].value.boolean, 0);
  assert_string_equal(p->children[3].values[0].value.string, "a \"b\" \\ c");
  const struct conf_item *t = &p->children[4];
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
      /* a continued line is still counted */
      {"A 1 \\\n  2\n<B\n", "t.conf:3: <B ...> is missing its '>'"},
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

/* The length given is the end, whatever bytes follow it in memory: a '<'
 * as the last byte is not the start of "</Plugin>". */
static void stops_at_the_length_given(void **state) {
  (void)state;
  static const char text[] = "<Plugin mde>\n</Plugin>\n";
  char err[512] = "";
  assert_null(conffile_parse_text(text, 14, "t.conf", err, sizeof err));
  assert_string_equal(err, "t.conf:2: expected an option name");
  /* nor a '\\' as the last byte a continuation */
  static const char cont[] = "A \\\n1\n";
  struct conf_item *root = conffile_parse_text(cont, 3, "t.conf", err, 512);
  assert_non_null(root);
  assert_int_equal(root->children_num, 1);
  assert_int_equal(root->children[0].values_num, 1);
  assert_string_equal(root->children[0].values[0].value.string, "\\");
  conffile_free(root);
}

/* A quoted value grows its buffer many times over. */
static void reads_a_long_quoted_value(void **state) {
  (void)state;
  enum { LEN = 5000 };
  char *text = malloc(LEN + 16);
  assert_non_null(text);
  memcpy(text, "Long \"", 6);
  for (int i = 0; i < LEN; i++)
    text[6 + i] = (char)('a' + i % 26);
  memcpy(text + 6 + LEN, "\"\n", 3);
  char err[512] = "";
  struct conf_item *root = parse(text, err);
  if (!root)
    fail_msg("%s", err);
  const char *got = root->children[0].values[0].value.string;
  assert_int_equal(strlen(got), LEN);
  assert_memory_equal(got, text + 6, LEN);
  conffile_free(root);
  free(text);
}

/* A file of 1 MiB is read; one byte more is refused, naming the file. */
static void a_file_of_one_mebibyte_at_most(void **state) {
  (void)state;
  char path[] = "/tmp/test_check.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  static char line[1024];
  memset(line, ' ', sizeof line);
  line[0] = '#';
  line[sizeof line - 1] = '\n';
  for (int i = 0; i < 1024; i++)
    fwrite(line, 1, sizeof line, f);
  fclose(f);
  char err[512] = "";
  struct conf_item *root = conffile_parse_file(path, err, sizeof err);
  if (!root)
    fail_msg("1 MiB refused: %s", err);
  conffile_free(root);
  f = fopen(path, "a");
  assert_non_null(f);
  fputc('\n', f);
  fclose(f);
  assert_null(conffile_parse_file(path, err, sizeof err));
  char want[600];
  snprintf(want, sizeof want, "%s is larger than 1 MiB", path);
  assert_string_equal(err, want);
  unlink(path);
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
static void keys(const struct conf_item *root, char *out, size_t n) {
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
    struct conf_item *root = parse(text, err);
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
  struct conf_item *root =
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

/* A file `levels` directories below base/d (base/d/d/.../x.conf) read
 * through Include "base/d", or the wildcard "base/[d]": 0 if it parses. */
static int include_deep(const char *base, int levels, bool wildcard) {
  char path[1024], text[1200], err[512] = "";
  int n = snprintf(path, sizeof path, "%s", base);
  for (int i = 0; i <= levels; i++) {
    n += snprintf(path + n, sizeof path - (size_t)n, "/d");
    mkdir(path, 0700);
  }
  snprintf(path + n, sizeof path - (size_t)n, "/x.conf");
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("X 1\n", f);
  fclose(f);
  snprintf(text, sizeof text, "Include \"%s/%s\"\n", base,
           wildcard ? "[d]" : "d");
  struct conf_item *root = parse(text, err);
  unlink(path);
  conffile_free(root);
  return root ? 0 : -1;
}

/* Directories below an Include are followed 8 levels deep, as collectd
 * does; a wildcard that names the top directory counts the same. */
static void includes_nest_as_deep_with_a_wildcard(void **state) {
  (void)state;
  char base[] = "/tmp/test-check-deep-XXXXXX";
  assert_non_null(mkdtemp(base));
  for (int wildcard = 0; wildcard < 2; wildcard++) {
    assert_int_equal(include_deep(base, 7, wildcard), 0);
    assert_int_equal(include_deep(base, 8, wildcard), -1);
  }
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf %s", base);
  assert_int_equal(system(cmd), 0);
}

/* Includes are counted in total, not per chain: each of `levels` files
 * includes the next twice, so the last is read 2^(levels-1) times. Nine
 * levels are 511 files, past the limit of 256, and refused; eight are 255,
 * read. (Counted per chain, nine levels were read, and twelve would have
 * been 4,095 opens.) */
static int include_doubling(const char *dir, int levels, char *err,
                            size_t err_size) {
  char path[512];
  for (int i = 0; i < levels; i++) {
    snprintf(path, sizeof path, "%s/f%d.conf", dir, i);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    if (i + 1 < levels)
      fprintf(f, "Include \"%s/f%d.conf\"\nInclude \"%s/f%d.conf\"\n", dir,
              i + 1, dir, i + 1);
    else
      fprintf(f, "Hostname \"leaf\"\n");
    fclose(f);
  }
  snprintf(path, sizeof path, "%s/f0.conf", dir);
  struct conf_item *root = conffile_parse_file(path, err, err_size);
  if (!root)
    return -1;
  conffile_free(root);
  return 0;
}

static void includes_are_counted_in_total(void **state) {
  (void)state;
  char base[] = "/tmp/test-check-double-XXXXXX";
  assert_non_null(mkdtemp(base));
  char err[1024];
  assert_int_equal(include_doubling(base, 8, err, sizeof err), 0);
  assert_int_equal(include_doubling(base, 9, err, sizeof err), -1);
  assert_non_null(strstr(err, "more than 256 included files"));
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf %s", base);
  assert_int_equal(system(cmd), 0);
}

static void ranges_follow_the_guidelines(void **state) {
  (void)state;
  static const struct {
    const char *range;
    double value;
    int alerts;
  } rows[] = {
      {"10", 10, 0},
      {"10", 10.01, 1},
      {"10", -1, 1},
      {"10:", 9, 1},
      {"10:", 1e9, 0},
      {"~:10", -1e9, 0},
      {"~:10", 11, 1},
      {"10:20", 15, 0},
      {"10:20", 21, 1},
      {"@10:20", 15, 1},
      {"@10:20", 25, 0},
      {"1.5", 1.6, 1},
      {":5", 3, 0},
      /* both ends are inside: the start as much as the end */
      {"10:20", 10, 0},
      {"10:20", 20, 0},
      {"10:20", 9.99, 1},
      {"10:", 10, 0},
      {"@10:20", 10, 1},
      {"@10:20", 20, 1},
      {"@10:20", 9.99, 0},
      {"10", 0, 0},
      {"~:10", 10, 0},
      {"@~:10", 10, 1},
      {"@10:", 10, 1},
      {"@10:", 9, 0},
      {"1:2", 3, 1}, /* a one-digit end is an end, not "to infinity" */
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

/* Nagios sorts UNKNOWN between WARNING and CRITICAL: a tenant that could
 * not be judged must not hide one that is down. */
static void states_combine_in_nagios_order(void **state) {
  (void)state;
  static const int order[] = {STATE_OK, STATE_WARNING, STATE_UNKNOWN,
                              STATE_CRITICAL};
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 4; j++) {
      int want = order[i > j ? i : j];
      if (report_worse(order[i], order[j]) != want)
        fail_msg("worse(%s, %s) is %s, want %s", report_state_name(order[i]),
                 report_state_name(order[j]),
                 report_state_name(report_worse(order[i], order[j])),
                 report_state_name(want));
      assert_int_equal(
          report_state_rank(order[i]) < report_state_rank(order[j]), i < j);
    }
  }
  assert_string_equal(report_state_name(STATE_UNKNOWN), "UNKNOWN");
  assert_string_equal(report_state_name(7), "UNKNOWN");
  assert_int_equal(report_state_rank(-1), report_state_rank(STATE_UNKNOWN));
}

static struct mde_tenant_result result(const char *name, enum mde_failure f) {
  struct mde_tenant_result r = {.name = name, .failure = f, .permissions = 1};
  r.token_ttl = 3000;
  r.credential_ttl = NAN;
  snprintf(r.reason, sizeof r.reason, "reason of %s", name);
  return r;
}

/* The slower of the token and the API requests is held to -w/-c. */
static void the_slower_request_is_judged(void **state) {
  (void)state;
  struct thresholds th = {.cred_warn_days = -1, .cred_crit_days = -1};
  assert_int_equal(range_parse("1", &th.warn), 0);
  assert_int_equal(range_parse("5", &th.crit), 0);
  struct mde_tenant_result r = result("t", MDE_FAIL_NONE);
  r.token_timing_valid = r.api_timing_valid = 1;
  r.token_time.total = 0.25;
  r.api_time.total = 3;
  struct verdict v;
  report_judge(&r, &th, &v);
  assert_int_equal(v.state, STATE_WARNING);
  assert_string_equal(v.text, "t: API answered in 3.000s (warning 1)");
  r.token_time.total = 6;
  report_judge(&r, &th, &v);
  assert_int_equal(v.state, STATE_CRITICAL);
  assert_string_equal(v.text, "t: token answered in 6.000s (critical 5)");
}

/* --machines: device counts judged against their ranges at the
 * boundaries (a range's end is inside it), the worse of the two kinds
 * wins, counts that did not arrive are UNKNOWN, and a failure of the
 * tenant stays what it is. */
static void devices_against_their_ranges(void **state) {
  (void)state;
  struct thresholds th = {
      .cred_warn_days = -1, .cred_crit_days = -1, .machines = 1};
  assert_int_equal(range_parse("3", &th.unhealthy_warn), 0);
  assert_int_equal(range_parse("5", &th.unhealthy_crit), 0);
  assert_int_equal(range_parse("2", &th.unprotected_warn), 0);
  struct mde_tenant_result r = result("t", MDE_FAIL_NONE);
  r.machines_valid = 1;
  r.machines.health[MDE_HEALTH_ACTIVE] = 100;
  static const struct {
    uint32_t inactive, unknown, canbe;
    int state;
    const char *text;
  } cases[] = {
      {3, 0, 2, STATE_OK, NULL},
      {2, 1, 0, STATE_OK, NULL}, /* Unknown is not Active either */
      {3, 1, 0, STATE_WARNING, "t: 4 onboarded devices not Active (warning 3)"},
      {5, 0, 0, STATE_WARNING, "t: 5 onboarded devices not Active (warning 3)"},
      {6, 0, 0, STATE_CRITICAL,
       "t: 6 onboarded devices not Active (critical 5)"},
      {0, 0, 3, STATE_WARNING,
       "t: 3 devices can be onboarded but are not (warning 2)"},
      {6, 0, 3, STATE_CRITICAL,
       "t: 6 onboarded devices not Active (critical 5)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    r.machines.health[MDE_HEALTH_INACTIVE] = cases[i].inactive;
    r.machines.health[MDE_HEALTH_UNKNOWN] = cases[i].unknown;
    r.machines.onboarding[MDE_ONBOARDING_CANBEONBOARDED] = cases[i].canbe;
    struct verdict v;
    report_judge(&r, &th, &v);
    assert_int_equal(v.state, cases[i].state);
    if (cases[i].text)
      assert_string_equal(v.text, cases[i].text);
  }
  struct verdict v;
  r.machines_valid = 0;
  report_judge(&r, &th, &v);
  assert_int_equal(v.state, STATE_UNKNOWN);
  assert_non_null(strstr(v.text, "device counts not available"));
  r = result("t", MDE_FAIL_PERMISSION_MISSING);
  report_judge(&r, &th, &v);
  assert_int_equal(v.state, STATE_CRITICAL);
  th.machines = 0; /* not asked: never judged */
  r = result("t", MDE_FAIL_NONE);
  report_judge(&r, &th, &v);
  assert_int_equal(v.state, STATE_OK);
}

/* --cred-warn/--cred-crit: "within N days" includes N days; the worse of
 * latency and credential life wins, and says why. */
static void credential_life_against_its_thresholds(void **state) {
  (void)state;
  struct thresholds th = {.cred_warn_days = 30, .cred_crit_days = 7};
  struct mde_tenant_result r = result("t", MDE_FAIL_NONE);
  struct verdict v;
  static const struct {
    double days;
    int state;
  } rows[] = {{31, STATE_OK},
              {30, STATE_WARNING},
              {7.5, STATE_WARNING},
              {7, STATE_CRITICAL},
              {-1, STATE_CRITICAL}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    r.credential_ttl = rows[i].days * 86400;
    report_judge(&r, &th, &v);
    if (v.state != rows[i].state)
      fail_msg("%g days: %s, want %s", rows[i].days, report_state_name(v.state),
               report_state_name(rows[i].state));
  }
  th.cred_warn_days = -1; /* --cred-crit alone */
  r.credential_ttl = 7 * 86400;
  report_judge(&r, &th, &v);
  assert_int_equal(v.state, STATE_CRITICAL);
  th.cred_warn_days = 30;
  /* slow (WARNING) and expiring (CRITICAL): the credential is the news */
  assert_int_equal(range_parse("1", &th.warn), 0);
  r.token_timing_valid = 1;
  r.token_time.total = 2;
  r.credential_ttl = 3 * 86400;
  report_judge(&r, &th, &v);
  assert_int_equal(v.state, STATE_CRITICAL);
  assert_string_equal(v.text, "t: credential expires in 3.0 days - renew it "
                              "and update the configuration");
  /* too slow (CRITICAL) and expiring (WARNING): the latency stays */
  assert_int_equal(range_parse("1.5", &th.crit), 0);
  r.credential_ttl = 20 * 86400;
  report_judge(&r, &th, &v);
  assert_int_equal(v.state, STATE_CRITICAL);
  assert_string_equal(v.text, "t: token answered in 2.000s (critical 1.5)");
}

/* Every class's verdict is its state in the failure table. */
static void each_class_judged_by_the_table(void **state) {
  (void)state;
  struct thresholds th = {.cred_warn_days = -1, .cred_crit_days = -1};
  for (int f = 0; f < MDE_FAIL_COUNT_; f++) {
    struct mde_tenant_result r = result("t", (enum mde_failure)f);
    struct verdict v;
    report_judge(&r, &th, &v);
    assert_int_equal(v.state, (int)mde_failure_nagios_state(r.failure));
  }
}

/* With --config: the summary's state is the worst, the tenants not OK are
 * listed worst first (CRITICAL before UNKNOWN before WARNING). */
static void several_tenants_worst_first(void **state) {
  (void)state;
  struct thresholds th = {.cred_warn_days = -1, .cred_crit_days = -1};
  struct mde_tenant_result r[4] = {
      result("slow", MDE_FAIL_THROTTLED), result("odd", MDE_FAIL_CONFIG),
      result("down", MDE_FAIL_NETWORK), result("fine", MDE_FAIL_NONE)};
  const struct mde_tenant_result *rp[4] = {&r[0], &r[1], &r[2], &r[3]};
  struct verdict v[4];
  for (int i = 0; i < 4; i++)
    report_judge(&r[i], &th, &v[i]);
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  assert_non_null(out);
  report_multi(out, rp, v, 4);
  fclose(out);
  const char *crit = strstr(buf, "\nCRITICAL: down");
  const char *unkn = strstr(buf, "\nUNKNOWN: odd");
  const char *warn = strstr(buf, "\nWARNING: slow");
  if (strncmp(buf, "MDE CRITICAL - 1 CRITICAL, 1 UNKNOWN, 1 WARNING, 1 OK|",
              53) ||
      !crit || !unkn || !warn || !(crit < unkn && unkn < warn))
    fail_msg("report_multi wrote:\n%s", buf);
  free(buf);

  /* UNKNOWN over WARNING, when nothing is CRITICAL */
  out = open_memstream(&buf, &len);
  report_multi(out, rp, v, 2);
  fclose(out);
  if (strncmp(buf, "MDE UNKNOWN - 1 UNKNOWN, 1 WARNING, 0 OK|", 41))
    fail_msg("report_multi wrote:\n%s", buf);
  free(buf);
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
      cmocka_unit_test(stops_at_the_length_given),
      cmocka_unit_test(reads_a_long_quoted_value),
      cmocka_unit_test(a_file_of_one_mebibyte_at_most),
      cmocka_unit_test(refuses_a_nul_in_a_string),
      cmocka_unit_test(follows_includes_as_collectd),
      cmocka_unit_test(includes_nest_as_deep_with_a_wildcard),
      cmocka_unit_test(includes_are_counted_in_total),
      cmocka_unit_test(ranges_follow_the_guidelines),
      cmocka_unit_test(reports_server_text_escaped),
      cmocka_unit_test(the_slower_request_is_judged),
      cmocka_unit_test(states_combine_in_nagios_order),
      cmocka_unit_test(credential_life_against_its_thresholds),
      cmocka_unit_test(devices_against_their_ranges),
      cmocka_unit_test(each_class_judged_by_the_table),
      cmocka_unit_test(several_tenants_worst_first),
  };
  return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
