/* SPDX-License-Identifier: MIT */
/* Failure classes: the names are a user-visible interface, so the table
 * below pins every one of them; the helpers must agree with it. */
#include "mde/failure.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct {
  enum mde_failure f;
  const char *name;
} pinned[] = {
    {MDE_FAIL_NONE, "none"},
    {MDE_FAIL_NETWORK, "network"},
    {MDE_FAIL_TENANT_NOT_FOUND, "tenant_not_found"},
    {MDE_FAIL_TENANT_INVALID, "tenant_invalid"},
    {MDE_FAIL_APP_NOT_IN_TENANT, "app_not_in_tenant"},
    {MDE_FAIL_CONSENT_REQUIRED, "consent_required"},
    {MDE_FAIL_SECRET_INVALID, "secret_invalid"},
    {MDE_FAIL_SECRET_EXPIRED, "secret_expired"},
    {MDE_FAIL_CERTIFICATE_INVALID, "certificate_invalid"},
    {MDE_FAIL_APP_DISABLED, "app_disabled"},
    {MDE_FAIL_NOT_PROVISIONED, "not_provisioned"},
    {MDE_FAIL_PERMISSION_MISSING, "permission_missing"},
    {MDE_FAIL_TOKEN_INVALID, "token_invalid"},
    {MDE_FAIL_THROTTLED, "throttled"},
    {MDE_FAIL_API_ERROR, "api_error"},
    {MDE_FAIL_PROTOCOL, "protocol"},
    {MDE_FAIL_CONFIG, "config"},
    {MDE_FAIL_AUTH_SERVICE, "auth_service"},
    {MDE_FAIL_AUTH_REJECTED, "auth_rejected"},
    {MDE_FAIL_CREDENTIAL_UNUSABLE, "credential_unusable"},
    {MDE_FAIL_INTERNAL, "internal"},
    {MDE_FAIL_SYNC_INCOMPLETE, "sync_incomplete"},
    {MDE_FAIL_CLOUD_MISMATCH, "cloud_mismatch"},
    {MDE_FAIL_TOKEN_OPAQUE, "token_opaque"},
    {MDE_FAIL_GRAPH_PERMISSION, "graph_permission_missing"},
    {MDE_FAIL_OVERRUN, "overrun"},
};
#define N_PINNED (sizeof(pinned) / sizeof(pinned[0]))

static void every_class_is_pinned(void **state) {
  (void)state;
  assert_int_equal(N_PINNED, MDE_FAIL_COUNT_);
}

static void names_round_trip(void **state) {
  (void)state;
  for (size_t i = 0; i < N_PINNED; i++) {
    assert_string_equal(mde_failure_name(pinned[i].f), pinned[i].name);
    enum mde_failure back = MDE_FAIL_COUNT_;
    assert_int_equal(mde_failure_from_name(pinned[i].name, &back), 0);
    assert_int_equal(back, pinned[i].f);
    assert_true(strlen(mde_failure_describe(pinned[i].f)) > 0);
  }
}

static void names_fit_a_collectd_type_instance(void **state) {
  (void)state;
  for (size_t i = 0; i < N_PINNED; i++) {
    const char *n = mde_failure_name(pinned[i].f);
    assert_true(strlen(n) > 0 && strlen(n) < 64);
    assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz_"), strlen(n));
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(n, pinned[j].name);
  }
}

static void unknown_names_are_refused(void **state) {
  (void)state;
  /* resource_not_found is the retired name of not_provisioned */
  const char *bad[] = {"",        "None", "network ",          "secret",
                       "unknown", NULL,   "resource_not_found"};
  enum mde_failure f = MDE_FAIL_NONE;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    assert_int_equal(mde_failure_from_name(bad[i], &f), -1);
  assert_int_equal(f, MDE_FAIL_NONE);
}

static void out_of_range_values_are_internal(void **state) {
  (void)state;
  assert_string_equal(mde_failure_name((enum mde_failure)999), "internal");
  assert_string_equal(mde_failure_name(MDE_FAIL_COUNT_), "internal");
  assert_true(mde_failure_is_transient((enum mde_failure) - 1));
}

static void severity_orders_blindness_first(void **state) {
  (void)state;
  static const struct {
    enum mde_failure a, b, worst;
  } cases[] = {
      {MDE_FAIL_NONE, MDE_FAIL_THROTTLED, MDE_FAIL_THROTTLED},
      {MDE_FAIL_THROTTLED, MDE_FAIL_NETWORK, MDE_FAIL_NETWORK},
      {MDE_FAIL_PERMISSION_MISSING, MDE_FAIL_NETWORK,
       MDE_FAIL_PERMISSION_MISSING},
      {MDE_FAIL_PERMISSION_MISSING, MDE_FAIL_SECRET_EXPIRED,
       MDE_FAIL_SECRET_EXPIRED},
      {MDE_FAIL_APP_NOT_IN_TENANT, MDE_FAIL_SECRET_EXPIRED,
       MDE_FAIL_APP_NOT_IN_TENANT},
      {MDE_FAIL_TOKEN_INVALID, MDE_FAIL_API_ERROR, MDE_FAIL_TOKEN_INVALID},
      /* a tenant in another cloud is as blind as one that does not exist */
      {MDE_FAIL_CLOUD_MISMATCH, MDE_FAIL_APP_NOT_IN_TENANT,
       MDE_FAIL_CLOUD_MISMATCH},
      {MDE_FAIL_PERMISSION_MISSING, MDE_FAIL_CLOUD_MISMATCH,
       MDE_FAIL_CLOUD_MISMATCH},
      /* an opaque token is only a warning: whatever else failed wins */
      {MDE_FAIL_TOKEN_OPAQUE, MDE_FAIL_NETWORK, MDE_FAIL_NETWORK},
      {MDE_FAIL_TOKEN_OPAQUE, MDE_FAIL_TOKEN_INVALID, MDE_FAIL_TOKEN_INVALID},
      {MDE_FAIL_THROTTLED, MDE_FAIL_TOKEN_OPAQUE, MDE_FAIL_TOKEN_OPAQUE},
      /* a tie keeps the first */
      {MDE_FAIL_SECRET_INVALID, MDE_FAIL_SECRET_EXPIRED,
       MDE_FAIL_SECRET_INVALID},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    assert_int_equal(mde_failure_worst(cases[i].a, cases[i].b), cases[i].worst);
  for (size_t i = 1; i < N_PINNED; i++)
    assert_true(mde_failure_severity(pinned[i].f) >
                mde_failure_severity(MDE_FAIL_NONE));
}

static void transient_classes(void **state) {
  (void)state;
  static const enum mde_failure transient[] = {
      MDE_FAIL_NETWORK,      MDE_FAIL_THROTTLED, MDE_FAIL_API_ERROR,
      MDE_FAIL_AUTH_SERVICE, MDE_FAIL_PROTOCOL,  MDE_FAIL_TOKEN_OPAQUE};
  static const enum mde_failure lasting[] = {MDE_FAIL_NONE,
                                             MDE_FAIL_SECRET_EXPIRED,
                                             MDE_FAIL_APP_NOT_IN_TENANT,
                                             MDE_FAIL_PERMISSION_MISSING,
                                             MDE_FAIL_TENANT_NOT_FOUND,
                                             MDE_FAIL_CLOUD_MISMATCH,
                                             MDE_FAIL_NOT_PROVISIONED};
  for (size_t i = 0; i < sizeof(transient) / sizeof(transient[0]); i++)
    assert_true(mde_failure_is_transient(transient[i]));
  for (size_t i = 0; i < sizeof(lasting) / sizeof(lasting[0]); i++)
    assert_false(mde_failure_is_transient(lasting[i]));
}

/* README.md, from the repository root (MDE_ROOT under tests/run.sh). */
static char *read_readme(void) {
  char path[4096];
  const char *root = getenv("MDE_ROOT");
  snprintf(path, sizeof path, "%s/README.md", root ? root : ".");
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s", path);
  static char doc[1 << 20];
  size_t n = fread(doc, 1, sizeof doc - 1, f);
  fclose(f);
  doc[n] = '\0';
  return doc;
}

/* The `col`th cell (from 0) of the markdown row `line`, trimmed. */
static void cell(const char *line, int col, char *out, size_t size) {
  const char *p = line + 1; /* past the leading '|' */
  for (int i = 0; i < col; i++) {
    p = strchr(p, '|');
    if (!p)
      fail_msg("README row has no column %d: %.80s", col, line);
    p++;
  }
  const char *end = strchr(p, '|');
  if (!end)
    fail_msg("README row ends early: %.80s", line);
  while (*p == ' ')
    p++;
  while (end > p && end[-1] == ' ')
    end--;
  snprintf(out, size, "%.*s", (int)(end - p), p);
}

static int column(const char *header, const char *name) {
  char c[64];
  for (int i = 0; i < 16; i++) {
    cell(header, i, c, sizeof c);
    if (strcmp(c, name) == 0)
      return i;
  }
  fail_msg("README's failure-class table has no column %s", name);
  return -1;
}

/* The documented contract: README.md's failure-class table gives each
 * class's check state and notification severity; the code must say the
 * same, and every class must be in the table exactly once. */
static void readme_table_matches_the_code(void **state) {
  (void)state;
  static const char *const nagios[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
  static const char *const notify[] = {"OKAY", "WARNING", "FAILURE"};
  const char *doc = read_readme();
  const char *p = strstr(doc, "### Failure classes and their fixes");
  assert_non_null(p);
  p = strstr(p, "\n| class |");
  assert_non_null(p);
  const char *header = p + 1;
  int state_col = column(header, "`check_mde`");
  int notify_col = column(header, "notification");
  int seen[MDE_FAIL_COUNT_] = {0};
  p = strchr(strchr(header, '\n') + 1, '\n'); /* past the |---| row */
  for (const char *line = p + 1; *line == '|';
       line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
    char classes[256], st[64], no[64];
    cell(line, 0, classes, sizeof classes);
    cell(line, state_col, st, sizeof st);
    cell(line, notify_col, no, sizeof no);
    for (const char *c = strchr(classes, '`'); c; c = strchr(c, '`')) {
      const char *close = strchr(c + 1, '`');
      assert_non_null(close);
      char name[64];
      snprintf(name, sizeof name, "%.*s", (int)(close - c - 1), c + 1);
      enum mde_failure f;
      if (mde_failure_from_name(name, &f) != 0)
        fail_msg("README names a class the code does not have: %s", name);
      seen[f]++;
      if (strcmp(st, nagios[mde_failure_nagios_state(f)]) != 0)
        fail_msg("%s: README says check state %s, the code %s", name, st,
                 nagios[mde_failure_nagios_state(f)]);
      if (strcmp(no, notify[mde_failure_notify_severity(f)]) != 0)
        fail_msg("%s: README says notification %s, the code %s", name, no,
                 notify[mde_failure_notify_severity(f)]);
      c = close + 1;
    }
  }
  for (int f = MDE_FAIL_NONE + 1; f < MDE_FAIL_COUNT_; f++)
    if (seen[f] != 1)
      fail_msg("class %s is in README's failure-class table %d times",
               mde_failure_name((enum mde_failure)f), seen[f]);
}

/* What the table cannot show: no failure, and values out of range (which
 * are treated as internal). */
static void none_is_ok_and_strays_are_internal(void **state) {
  (void)state;
  assert_int_equal(mde_failure_nagios_state(MDE_FAIL_NONE), MDE_NAGIOS_OK);
  assert_int_equal(mde_failure_notify_severity(MDE_FAIL_NONE), MDE_NOTIFY_OKAY);
  assert_int_equal(mde_failure_nagios_state(MDE_FAIL_COUNT_),
                   MDE_NAGIOS_UNKNOWN);
  assert_int_equal(mde_failure_notify_severity((enum mde_failure) - 1),
                   MDE_NOTIFY_FAILURE);
  /* the mutant: a 5xx notifies WARNING, and is CRITICAL to Nagios */
  assert_int_equal(mde_failure_notify_severity(MDE_FAIL_API_ERROR),
                   MDE_NOTIFY_WARNING);
  assert_int_equal(mde_failure_nagios_state(MDE_FAIL_API_ERROR),
                   MDE_NAGIOS_CRITICAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_class_is_pinned),
      cmocka_unit_test(names_round_trip),
      cmocka_unit_test(names_fit_a_collectd_type_instance),
      cmocka_unit_test(unknown_names_are_refused),
      cmocka_unit_test(out_of_range_values_are_internal),
      cmocka_unit_test(severity_orders_blindness_first),
      cmocka_unit_test(transient_classes),
      cmocka_unit_test(readme_table_matches_the_code),
      cmocka_unit_test(none_is_ok_and_strays_are_internal),
  };
  return cmocka_run_group_tests_name("failure", tests, NULL, NULL);
}
