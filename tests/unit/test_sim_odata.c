/* SPDX-License-Identifier: MIT */
/* mde-sim's OData: $filter grammar and matching, $top/$skip bounds. */
#include "alerts.h"
#include "odata.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int64_t ticks(const char *iso) {
  int64_t t = 0;
  assert_int_equal(sim_parse_iso_ticks(iso, strlen(iso), &t), 0);
  return t;
}

static void matches_what_it_should(void **state) {
  (void)state;
  int64_t alert[OD_FIELD_COUNT] = {
      [OD_LAST_UPDATE_TIME] = ticks("2024-05-01T10:00:00.5Z"),
      [OD_ALERT_CREATION_TIME] = ticks("2024-04-30T00:00:00Z"),
      [OD_STATUS] = ST_INPROGRESS,
      [OD_SEVERITY] = SEV_MEDIUM,
  };
  static const struct {
    const char *filter;
    bool match;
  } cases[] = {
      {"status eq 'InProgress'", true},
      {"status eq 'inprogress'", true}, /* enum names are case-insensitive */
      {"status ne 'InProgress'", false},
      {"severity ge 'Medium'", true},
      {"severity gt 'Medium'", false},
      {"severity lt 'High' and severity gt 'Low'", true},
      {"lastUpdateTime ge 2024-05-01T10:00:00.5Z", true},
      {"lastUpdateTime gt 2024-05-01T10:00:00.5Z", false},
      {"lastUpdateTime ge 2024-05-01T10:00:00.5000001Z", false},
      {"lastUpdateTime lt 2024-05-02Z", true},
      {"alertCreationTime le 2024-04-30T00:00:00Z", true},
      {"lastUpdateTime+ge+2019-11-22T00:00:00Z", true}, /* form-encoded */
      {"status eq 'New' and severity eq 'Medium'", false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct odata_filter f;
    char err[256] = "";
    assert_int_equal(odata_parse_filter(cases[i].filter, &f, err, sizeof err),
                     0);
    assert_int_equal(odata_match(&f, alert), cases[i].match);
  }
}

static void rejects_what_odata_rejects(void **state) {
  (void)state;
  static const struct {
    const char *filter;
    const char *message;
  } cases[] = {
      {"", "Syntax error"},
      {"status", "Syntax error"},
      {"status eq", "Syntax error"},
      {"status like 'New'", "Syntax error at position 7"},
      {"status eq 'New' or status eq 'Resolved'", "Syntax error"},
      {"status eq 'New' and", "Syntax error"},
      {"(status eq 'New')", "Could not find a property named '(status'"},
      {"title eq 'x'", "Could not find a property named 'title'"},
      {"status eq New", "Could not find a property named 'New'"},
      {"status eq 'Open'", "The string 'Open' is not a valid enumeration"},
      {"lastUpdateTime ge '2019-11-22T00:00:00Z'", "incompatible types"},
      {"lastUpdateTime ge 2019-13-22T00:00:00Z", "Unrecognized"},
      {"lastUpdateTime ge 2019-02-30T00:00:00Z", "Unrecognized"},
      {"lastUpdateTime ge 2019-11-22T00:00:00+01:00", "Unrecognized"},
      {"status eq 'unterminated", "Unterminated string literal"},
      {"status eq 'it''s'", "The string 'it's' is not a valid enumeration"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct odata_filter f;
    char err[512] = "";
    assert_int_equal(odata_parse_filter(cases[i].filter, &f, err, sizeof err),
                     -1);
    if (!strstr(err, cases[i].message))
      fail_msg("filter \"%s\": message \"%s\" lacks \"%s\"", cases[i].filter,
               err, cases[i].message);
  }
}

static void bounds_terms(void **state) {
  (void)state;
  char text[4096] = "status eq 'New'";
  for (int i = 0; i < ODATA_MAX_TERMS; i++)
    strcat(text, " and status eq 'New'");
  struct odata_filter f;
  char err[256];
  assert_int_equal(odata_parse_filter(text, &f, err, sizeof err), -1);
  assert_non_null(strstr(err, "node count limit"));
}

static void parses_counts(void **state) {
  (void)state;
  long v = -1;
  char err[256];
  assert_int_equal(odata_parse_count("$top", "10000", 10000, &v, err, 256), 0);
  assert_int_equal(v, 10000);
  assert_int_equal(odata_parse_count("$top", "10001", 10000, &v, err, 256), -1);
  assert_non_null(strstr(err, "The limit of '10000' for Top query"));
  assert_int_equal(odata_parse_count("$skip", "99999999", -1, &v, err, 256), 0);
  const char *bad[] = {"", "-1", "+1", "1x", " 1", "99999999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(odata_parse_count("$top", bad[i], 10000, &v, err, 256),
                     -1);
}

static void survives_garbage(void **state) {
  (void)state;
  char text[256];
  uint64_t x = 0x9e3779b97f4a7c15u;
  static const char alphabet[] = "status eq'NewlastUpdateTime0129-:TZ. +()\xff";
  for (int round = 0; round < 5000; round++) {
    size_t n = (size_t)(sim_rng_next(&x) % (sizeof text - 1));
    for (size_t i = 0; i < n; i++)
      text[i] = alphabet[sim_rng_next(&x) % (sizeof alphabet - 1)];
    text[n] = '\0';
    struct odata_filter f;
    char err[512];
    odata_parse_filter(text, &f, err, sizeof err);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(matches_what_it_should),
      cmocka_unit_test(rejects_what_odata_rejects),
      cmocka_unit_test(bounds_terms),
      cmocka_unit_test(parses_counts),
      cmocka_unit_test(survives_garbage),
  };
  return cmocka_run_group_tests_name("sim_odata", tests, NULL, NULL);
}
