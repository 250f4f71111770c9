/* SPDX-License-Identifier: MIT */
/* The <Plugin mde> option model (conf/options.c), fed by check_mde's config
 * reader, without collectd: values are read as collectd's cf_util helpers
 * read them; what a tenant leaves unset keeps the engine's default, what it
 * sets (false included) wins; a bad value is an error when it is read,
 * naming the option and the tenant (or the top of the block), and is
 * reported through the log callback the front end sets. */
#include "conffile.h"
#include "mde/engine.h"
#include "options.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The block in `text` parsed into *po; its root, to free. */
static struct conf_item *parse(const char *text, struct plugin_options *po) {
  char err[512] = "";
  struct conf_item *root =
      conffile_parse_text(text, strlen(text), "t.conf", err, sizeof err);
  if (!root)
    fail_msg("%s", err);
  const struct conf_item *block = conffile_plugin_block(root, "mde");
  assert_non_null(block);
  *po = (struct plugin_options){0};
  if (options_parse(block, po) != 0)
    fail_msg("%s", options_last_error());
  return root;
}

/* ProbeRoles and FetchAlerts: unset is the engine's default (on); set,
 * false as much as true is the tenant's choice. */
static void booleans_set_to_false_are_kept(void **state) {
  (void)state;
  static const char text[] =
      "<Plugin mde>\n"
      "  ClientId \"app\"\n"
      "  <Tenant \"unset\">\n    TenantId \"t1\"\n  </Tenant>\n"
      "  <Tenant \"off\">\n    TenantId \"t2\"\n"
      "    ProbeRoles false\n    FetchAlerts false\n  </Tenant>\n"
      "  <Tenant \"on\">\n    TenantId \"t3\"\n"
      "    ProbeRoles true\n    FetchAlerts true\n  </Tenant>\n"
      "</Plugin>\n";
  struct plugin_options po;
  struct conf_item *root = parse(text, &po);
  assert_int_equal(po.n_tenants, 3);
  static const int want[3] = {1, 0, 1};
  for (size_t i = 0; i < 3; i++) {
    struct mde_tenant_config c;
    options_tenant_config(&po, i, &c);
    assert_string_equal(c.name, po.tenants[i].name);
    assert_int_equal(c.probe_roles, want[i]);
    assert_int_equal(c.fetch_alerts, want[i]);
  }
  options_free(&po);
  conffile_free(root);
}

/* AssertionAlgorithm: PS256 or RS256 in any case, the default PS256
 * (anything else: see errors_name_the_option_when_read). */
static void assertion_algorithm_is_ps256_or_rs256(void **state) {
  (void)state;
  static const char text[] =
      "<Plugin mde>\n"
      "  ClientId \"app\"\n"
      "  <Tenant \"default\">\n    TenantId \"t1\"\n  </Tenant>\n"
      "  <Tenant \"ps\">\n    TenantId \"t2\"\n"
      "    AssertionAlgorithm \"ps256\"\n  </Tenant>\n"
      "  <Tenant \"rs\">\n    TenantId \"t3\"\n"
      "    AssertionAlgorithm \"RS256\"\n  </Tenant>\n"
      "</Plugin>\n";
  struct plugin_options po;
  struct conf_item *root = parse(text, &po);
  assert_int_equal(po.n_tenants, 3);
  struct mde_tenant_config c;
  static const int want[3] = {1, 1, 0};
  for (size_t i = 0; i < 3; i++) {
    options_tenant_config(&po, i, &c);
    assert_int_equal(c.assertion_ps256, want[i]);
  }
  options_free(&po);
  conffile_free(root);
}

/* The block around one tenant "t": TOP at the top, IN inside the tenant. */
static void block(char *out, size_t n, const char *top, const char *in) {
  snprintf(out, n,
           "<Plugin mde>\n  ClientId \"app\"\n  %s\n"
           "  <Tenant \"t\">\n    TenantId \"t1\"\n    %s\n  </Tenant>\n"
           "</Plugin>\n",
           top, in);
}

/* Values as collectd's cf_util helpers take them: booleans also as the
 * strings true/yes/on and false/no/off, numbers as whole numbers. */
static void values_are_read_as_collectd_reads_them(void **state) {
  (void)state;
  static const struct {
    const char *line;
    int fetch_alerts, probe_roles, token_version;
  } cases[] = {
      {"FetchAlerts \"yes\"\n    ProbeRoles \"off\"", 1, 0, 0},
      {"FetchAlerts \"ON\"\n    ProbeRoles \"No\"", 1, 0, 0},
      {"FetchAlerts true\n    ProbeRoles false", 1, 0, 0},
      {"FetchAlerts \"true\"\n    ProbeRoles \"false\"", 1, 0, 0},
      {"TokenVersion 2", -1, -1, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[512];
    block(text, sizeof text, "", cases[i].line);
    struct plugin_options po;
    struct conf_item *root = parse(text, &po);
    assert_int_equal(po.tenants[0].fetch_alerts, cases[i].fetch_alerts);
    assert_int_equal(po.tenants[0].probe_roles, cases[i].probe_roles);
    assert_int_equal(po.tenants[0].token_version, cases[i].token_version);
    options_free(&po);
    conffile_free(root);
  }
}

static char logged[4][1024];
static size_t n_logged;
static void capture(const char *msg) {
  if (n_logged < 4)
    snprintf(logged[n_logged++], sizeof logged[0], "%s", msg);
}

static char hints[4][1024];
static size_t n_hints;
static void capture_hint(const char *msg) {
  if (n_hints < 4)
    snprintf(hints[n_hints++], sizeof hints[0], "%s", msg);
}

/* A bad value is refused as the block is read (options_parse), not when a
 * tenant is converted for the engine, with an error naming the option and
 * where it is written; the front end's log callback gets it too. */
static void errors_name_the_option_when_read(void **state) {
  (void)state;
  static const struct {
    const char *top, *in, *error; /* error: its beginning */
  } cases[] = {
      {"Proxy \"a\" \"b\"", "", "<Plugin mde>: \"Proxy\" takes one string"},
      {"", "ClientId 42", "<Tenant \"t\">: \"ClientId\" takes one string"},
      {"", "FetchAlerts \"maybe\"",
       "<Tenant \"t\">: \"FetchAlerts\" takes true or false"},
      {"", "FetchAlerts 1", "<Tenant \"t\">: \"FetchAlerts\" takes true"},
      {"Timeout \"ten\"", "",
       "<Plugin mde>: \"Timeout\" takes a whole number from 1 to 300"},
      {"Timeout 2.5", "", "<Plugin mde>: \"Timeout\" takes a whole number"},
      {"", "RequireRole 7", "<Tenant \"t\">: \"RequireRole\" takes one role"},
      {"AssertionAlgorithm \"ES256\"", "",
       "<Plugin mde>: \"AssertionAlgorithm\" is RS256 or PS256, not "
       "\"ES256\""},
      {"", "AssertionAlgorithm \"ES256\"",
       "<Tenant \"t\">: \"AssertionAlgorithm\" is RS256 or PS256, not "
       "\"ES256\""},
      {"", "ClientSecretExpires \"2027-02-30\"",
       "<Tenant \"t\">: \"ClientSecretExpires\" is a date such as "
       "\"2027-01-31\", not \"2027-02-30\""},
      {"ClientSecretExpires \"soon\"", "",
       "<Plugin mde>: \"ClientSecretExpires\" is a date such as "
       "\"2027-01-31\", not \"soon\""},
      {"", "Region \"mars\"", "<Tenant \"t\">: \"Region\" is one of "},
      {"Region \"eu\"\n  Cloud \"gcc\"", "",
       "<Tenant \"t\">: \"Region\" is for the public cloud only"},
      {"Cloud \"gcc\"", "Region \"eu\"",
       "<Tenant \"t\">: \"Region\" is for the public cloud only"},
  };
  options_set_log(capture);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[512], err[512] = "";
    block(text, sizeof text, cases[i].top, cases[i].in);
    struct conf_item *root =
        conffile_parse_text(text, strlen(text), "t.conf", err, sizeof err);
    assert_non_null(root);
    struct plugin_options po = {0};
    n_logged = 0;
    if (options_parse(conffile_plugin_block(root, "mde"), &po) != -1)
      fail_msg("case %zu accepted", i);
    const char *e = options_last_error();
    if (strncmp(e, cases[i].error, strlen(cases[i].error)) != 0)
      fail_msg("case %zu: \"%s\", not \"%s...\"", i, e, cases[i].error);
    assert_int_equal(n_logged, 1);
    assert_string_equal(logged[0], e);
    options_free(&po);
    conffile_free(root);
  }
  options_set_log(NULL);
}

/* Beside a good tenant, a bad one is skipped; the log callback hears why
 * and that it is skipped, with its failure class. */
static void a_skipped_tenant_is_reported(void **state) {
  (void)state;
  static const char text[] =
      "<Plugin mde>\n"
      "  <Tenant \"good\">\n    TenantId \"t1\"\n  </Tenant>\n"
      "  <Tenant \"bad\">\n    TenantId \"t2\"\n"
      "    ClientSecretExpires \"2027-13-01\"\n  </Tenant>\n"
      "</Plugin>\n";
  char err[512] = "";
  struct conf_item *root =
      conffile_parse_text(text, strlen(text), "t.conf", err, sizeof err);
  assert_non_null(root);
  struct plugin_options po = {0};
  options_set_log(capture);
  n_logged = 0;
  assert_int_equal(
      options_parse_skipping(conffile_plugin_block(root, "mde"), &po), 0);
  options_set_log(NULL);
  assert_int_equal(po.n_tenants, 1);
  assert_string_equal(po.tenants[0].name, "good");
  assert_int_equal(po.n_skipped, 1);
  assert_string_equal(po.skipped[0].name, "bad");
  assert_string_equal(po.skipped[0].reason,
                      "<Tenant \"bad\">: \"ClientSecretExpires\" is a date "
                      "such as \"2027-01-31\", not \"2027-13-01\"");
  assert_int_equal(n_logged, 2);
  assert_string_equal(logged[0], po.skipped[0].reason);
  assert_string_equal(logged[1], "<Tenant \"bad\"> skipped (config)");
  options_free(&po);
  conffile_free(root);
}

/* Valid settings that cannot be kept as written are accepted and said
 * once, naming the option and where: an interval the tenant's call budget
 * cannot keep (one call every MDE_BUDGET_SUSTAINED_GAP_MS once its burst is
 * spent; 6 s is the edge), and a Values set choosing values whose calls are
 * switched off (only when both are written: FetchAlerts false with the
 * default set is the documented way to spare the calls). Errors are not
 * mixed in: the log hears nothing. */
static void what_cannot_be_kept_is_said(void **state) {
  (void)state;
  static const struct {
    const char *top, *in, *hint; /* hint: NULL for none */
  } cases[] = {
      {"AlertsInterval 5", "",
       "<Plugin mde>: \"AlertsInterval\" 5 s cannot be kept: once its "
       "burst of calls is spent, a tenant's alerts are polled at most every "
       "6 s (its call budget stays within Microsoft's 100 calls a minute and "
       "1,500 an hour)"},
      {"", "MachinesInterval 1",
       "<Tenant \"t\">: \"MachinesInterval\" 1 s cannot be kept: once its "
       "burst of calls is spent, a tenant's devices are polled at most every "
       "6 s (its call budget stays within Microsoft's 100 calls a minute and "
       "1,500 an hour)"},
      {"", "AlertsInterval 6", NULL},
      {"MachinesInterval 6", "AlertsInterval 300", NULL},
      {"", "CredentialCheckInterval 10", NULL}, /* not a budgeted call */
      {"Values \"token\" \"alerts\"\n  FetchAlerts false", "",
       "<Tenant \"t\">: \"Values\" selects alert counts but \"FetchAlerts\" "
       "is false: none will be dispatched"},
      {"FetchAlerts false", "Values \"alerts_by_severity\"",
       "<Tenant \"t\">: \"Values\" selects alert counts but \"FetchAlerts\" "
       "is false: none will be dispatched"},
      {"Values \"machines\"\n  FetchMachines no\n"
       "  <Tenant \"u\">\n    TenantId \"t2\"\n  </Tenant>",
       "",
       "<Tenant \"u\"> (and 1 more): \"Values\" selects device health but "
       "\"FetchMachines\" is false: none will be dispatched"},
      {"FetchAlerts false\n  FetchMachines false", "", NULL}, /* default set */
      {"Values \"alerts\"\n  FetchAlerts false", "FetchAlerts true", NULL},
      {"Values \"token\"\n  FetchAlerts false\n  FetchMachines false", "",
       NULL},
  };
  options_set_log(capture);
  options_set_warn(capture_hint);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[512];
    block(text, sizeof text, cases[i].top, cases[i].in);
    n_logged = n_hints = 0;
    struct plugin_options po;
    struct conf_item *root = parse(text, &po);
    assert_int_equal(n_logged, 0);
    assert_int_equal(n_hints, cases[i].hint ? 1 : 0);
    if (cases[i].hint)
      assert_string_equal(hints[0], cases[i].hint);
    options_free(&po);
    conffile_free(root);
  }
  options_set_warn(NULL);
  options_set_log(NULL);
}

/* The top-level transport options reach the engine: MemoryBudget in MiB
 * as bytes, Timeout in seconds as milliseconds; unset, the defaults (the
 * budget 0, which the HTTP layer reads as its own default). */
static void transport_options_reach_the_engine(void **state) {
  (void)state;
  static const char set[] =
      "<Plugin mde>\n"
      "  ClientId \"app\"\n"
      "  CACert \"/ca.pem\"\n"
      "  Timeout 7\n"
      "  MaxConnections 3\n"
      "  MemoryBudget 9\n"
      "  KeyRefetchInterval 120\n"
      "  <Tenant \"a\">\n    TenantId \"t1\"\n  </Tenant>\n"
      "</Plugin>\n";
  struct plugin_options po;
  struct conf_item *root = parse(set, &po);
  struct mde_engine_options e;
  options_engine(&po, &e);
  assert_string_equal(e.http.ca_file, "/ca.pem");
  assert_int_equal(e.http.timeout_ms, 7000);
  assert_int_equal(e.http.max_connections, 3);
  assert_int_equal(e.http.memory_budget, 9u * 1024 * 1024);
  assert_int_equal(e.jwks_refetch_interval, 120);
  options_free(&po);
  conffile_free(root);

  static const char unset[] =
      "<Plugin mde>\n  ClientId \"app\"\n"
      "  <Tenant \"a\">\n    TenantId \"t1\"\n  </Tenant>\n</Plugin>\n";
  root = parse(unset, &po);
  options_engine(&po, &e);
  assert_null(e.http.ca_file);
  assert_int_equal(e.http.timeout_ms, 10000);
  assert_int_equal(e.http.max_connections, 32);
  assert_int_equal(e.http.memory_budget, 0);
  assert_int_equal(e.jwks_refetch_interval, 0);
  options_free(&po);
  conffile_free(root);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(transport_options_reach_the_engine),
      cmocka_unit_test(values_are_read_as_collectd_reads_them),
      cmocka_unit_test(errors_name_the_option_when_read),
      cmocka_unit_test(a_skipped_tenant_is_reported),
      cmocka_unit_test(booleans_set_to_false_are_kept),
      cmocka_unit_test(assertion_algorithm_is_ps256_or_rs256),
      cmocka_unit_test(what_cannot_be_kept_is_said),
  };
  return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
