/* SPDX-License-Identifier: MIT */
/* Machines pages counted as they arrive (machine.md's sample shape, enum
 * values in any case, unknown values), and the exposure score body. */
#include "mde/machines.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Abridged from get-machines.md's response, plus the other states. */
static const char page_json[] =
    "{\"@odata.context\":\"https://api.security.microsoft.com/api/"
    "$metadata#Machines\",\"value\":["
    "{\"id\":\"1e5bc9d7e413ddd7902c2932e418702b84d0cc07\","
    "\"computerDnsName\":\"mymachine1.contoso.com\","
    "\"firstSeen\":\"2018-08-02T14:55:03.7791856Z\","
    "\"lastSeen\":\"2018-08-02T14:55:03.7791856Z\",\"osPlatform\":"
    "\"Windows10\",\"version\":\"1709\",\"osProcessor\":\"x64\","
    "\"lastIpAddress\":\"172.17.230.209\",\"healthStatus\":\"Active\","
    "\"onboardingStatus\":\"onboarded\",\"rbacGroupId\":140,"
    "\"riskScore\":\"Low\",\"exposureLevel\":\"Medium\","
    "\"isAadJoined\":true,\"machineTags\":[\"test tag 1\"]},"
    "{\"id\":\"b\",\"healthStatus\":\"INACTIVE\","
    "\"onboardingStatus\":\"Onboarded\"},"
    "{\"onboardingStatus\":\"onboarded\",\"id\":\"c\","
    "\"healthStatus\":\"noSensorDataImpairedCommunication\"},"
    "{\"id\":\"d\",\"healthStatus\":\"Sleeping\","
    "\"onboardingStatus\":\"onboarded\"},"
    "{\"id\":\"e\",\"healthStatus\":\"Inactive\","
    "\"onboardingStatus\":\"CanBeOnboarded\"},"
    "{\"id\":\"f\",\"healthStatus\":null,\"onboardingStatus\":\"Unsupported\"},"
    "{\"id\":\"g\",\"onboardingStatus\":\"insufficientinfo\"},"
    "{\"id\":\"h\",\"healthStatus\":\"Active\",\"onboardingStatus\":7},"
    "{\"id\":\"i\",\"healthStatus\":\"ImpairedCommunication\","
    "\"onboardingStatus\":\"onboarded\"}],"
    "\"@odata.nextLink\":\"https://api.security.microsoft.com/api/"
    "machines?$skip=9\"}";

static void counts_a_page(void **state) {
  (void)state;
  struct mde_machine_counts c = {0};
  char *next, err[256];
  assert_int_equal(mde_machines_page_count(page_json, strlen(page_json), &c,
                                           &next, err, sizeof err),
                   MDE_FAIL_NONE);
  assert_string_equal(
      next, "https://api.security.microsoft.com/api/machines?$skip=9");
  free(next);
  /* health of the five onboarded devices only */
  assert_int_equal(c.health[MDE_HEALTH_ACTIVE], 1);
  assert_int_equal(c.health[MDE_HEALTH_INACTIVE], 1);
  assert_int_equal(c.health[MDE_HEALTH_IMPAIREDCOMMUNICATION], 1);
  assert_int_equal(c.health[MDE_HEALTH_NOSENSORDATA], 0);
  assert_int_equal(c.health[MDE_HEALTH_NOSENSORDATAIMPAIREDCOMMUNICATION], 1);
  assert_int_equal(c.health[MDE_HEALTH_UNKNOWN], 1); /* "Sleeping" */
  assert_int_equal(c.onboarding[MDE_ONBOARDING_ONBOARDED], 5);
  assert_int_equal(c.onboarding[MDE_ONBOARDING_CANBEONBOARDED], 1);
  assert_int_equal(c.onboarding[MDE_ONBOARDING_UNSUPPORTED], 1);
  assert_int_equal(c.onboarding[MDE_ONBOARDING_INSUFFICIENTINFO], 1);
  assert_int_equal(c.onboarding[MDE_ONBOARDING_UNKNOWN], 1); /* a number */

  /* pages add up; the last page has no nextLink */
  static const char last[] = "{\"value\":[{\"id\":\"x\",\"healthStatus\":"
                             "\"active\",\"onboardingStatus\":\"ONBOARDED\"}]}";
  assert_int_equal(
      mde_machines_page_count(last, strlen(last), &c, &next, err, sizeof err),
      MDE_FAIL_NONE);
  assert_null(next);
  assert_int_equal(c.health[MDE_HEALTH_ACTIVE], 2);
  assert_int_equal(c.onboarding[MDE_ONBOARDING_ONBOARDED], 6);
  static const char empty[] = "{\"value\":[]}";
  assert_int_equal(
      mde_machines_page_count(empty, strlen(empty), &c, &next, err, sizeof err),
      MDE_FAIL_NONE);
  assert_int_equal(c.onboarding[MDE_ONBOARDING_ONBOARDED], 6);

  assert_string_equal(
      mde_machine_health_name(MDE_HEALTH_NOSENSORDATAIMPAIREDCOMMUNICATION),
      "nosensordataimpairedcommunication");
  assert_string_equal(mde_onboarding_name(MDE_ONBOARDING_CANBEONBOARDED),
                      "canbeonboarded");
  assert_string_equal(mde_machine_health_name(MDE_HEALTH_COUNT), "unknown");
  assert_string_equal(mde_onboarding_name(MDE_ONBOARDING_COUNT), "unknown");
}

static void refuses_what_is_not_a_page(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "[]",
      "{\"value\":{}}",
      "{\"value\":[{\"id\":\"a\"},1]}",
      "{\"value\":[{\"id\":\"a\"},{\"healthStatus\":\"Active\"}]}",
      "{\"value\":[{\"id\":\"\"}]}",
      "{\"value\":[{\"id\":5}]}",
      "{\"value\":[{\"id\":\"a\"}]",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct mde_machine_counts c = {0}, zero = {0};
    char *next = (char *)"untouched", err[256] = "";
    assert_int_equal(mde_machines_page_count(bad[i], strlen(bad[i]), &c, &next,
                                             err, sizeof err),
                     MDE_FAIL_PROTOCOL);
    assert_null(next);
    assert_true(err[0]);
    /* all or nothing: a refused page adds nothing */
    assert_memory_equal(&c, &zero, sizeof c);
  }
}

static void parses_the_exposure_score(void **state) {
  (void)state;
  static const char doc[] =
      "{\"@odata.context\":\"https://api.securitycenter.microsoft.com/api/"
      "$metadata#ExposureScore/$entity\",\"time\":\"2019-12-03T07:23:53."
      "280499Z\",\"score\":33.491554051195706}";
  double s = -1;
  char err[256];
  assert_int_equal(
      mde_exposure_score_parse(doc, strlen(doc), &s, err, sizeof err),
      MDE_FAIL_NONE);
  assert_true(s > 33.4915 && s < 33.4916);
  static const char *const bad[] = {"",
                                    "{}",
                                    "{\"score\":\"33\"}",
                                    "{\"score\":-1}",
                                    "{\"score\":100.5}",
                                    "{\"score\":null}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    s = 7;
    assert_int_equal(
        mde_exposure_score_parse(bad[i], strlen(bad[i]), &s, err, sizeof err),
        MDE_FAIL_PROTOCOL);
    assert_true(s == 7);
  }
  static const char edge[] = "{\"score\":100}";
  assert_int_equal(
      mde_exposure_score_parse(edge, strlen(edge), &s, err, sizeof err),
      MDE_FAIL_NONE);
  assert_true(s == 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(counts_a_page),
      cmocka_unit_test(refuses_what_is_not_a_page),
      cmocka_unit_test(parses_the_exposure_score),
  };
  return cmocka_run_group_tests_name("machines", tests, NULL, NULL);
}
