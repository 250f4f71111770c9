/* SPDX-License-Identifier: MIT */
/* Token-endpoint success bodies: the v1 and v2 samples from the spec
 * (A.1.3), then every way a body can be odd. */
#include "mde/token_response.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOW 1622085829 /* not_before + 300 in the v1 capture */

static const struct {
  const char *what, *body;
  const char *token, *resource;
  long long expires_in, ext_expires_in;
  time_t expires_on, not_before;
} good[] = {
    /* v1 doc sample; the doc abbreviates the token as "eyJ0eXAiO ...
     * 0X2tnSQLEANnSPHY0gKcgw", which a blank makes unusable (see bad[]) */
    {"v1 doc",
     "{\"access_token\":\"eyJ0eXAiO.0X2tnSQLEANnSPHY0gKcgw\",\"token_type\":"
     "\"Bearer\",\"expires_in\":\"3599\",\"expires_on\":\"1388452167\","
     "\"resource\":\"https://service.contoso.com/\"}",
     "eyJ0eXAiO.0X2tnSQLEANnSPHY0gKcgw", "https://service.contoso.com/", 3599,
     -1, 1388452167, 0},
    {"v1 captured",
     "{\"token_type\":\"Bearer\",\"expires_in\":\"3599\",\"ext_expires_in\":"
     "\"3599\",\"expires_on\":\"1622089429\",\"not_before\":\"1622085529\","
     "\"resource\":\"https://manage.office.com\",\"access_token\":\"eyJ0...\"}",
     "eyJ0...", "https://manage.office.com", 3599, 3599, 1622089429,
     1622085529},
    {"v2 doc",
     "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":"
     "\"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1uQ19WWmNBVGZNNXBP...\"}",
     "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1uQ19WWmNBVGZNNXBP...",
     NULL, 3599, -1, NOW + 3599, 0},
    {"v2 MDE doc",
     "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":0,"
     "\"access_token\":\"...\"}",
     "...", NULL, 3599, 0, NOW + 3599, 0},
    {"lowercase bearer, extra fields",
     "{\"token_type\":\"bearer\",\"expires_in\":60,\"access_token\":\"a.b.c\","
     "\"scope\":\"x\",\"refresh_token\":null}",
     "a.b.c", NULL, 60, -1, NOW + 60, 0},
};

static void parses_both_versions(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    struct mde_token t;
    char err[MDE_ERR_SIZE] = "";
    enum mde_failure f = mde_token_parse(good[i].body, strlen(good[i].body),
                                         NOW, &t, err, sizeof(err));
    if (f != MDE_FAIL_NONE)
      fail_msg("%s: %s", good[i].what, err);
    assert_string_equal(t.access_token, good[i].token);
    assert_int_equal(t.access_token_len, strlen(good[i].token));
    assert_int_equal(t.expires_in, good[i].expires_in);
    assert_int_equal(t.ext_expires_in, good[i].ext_expires_in);
    assert_int_equal(t.expires_on, good[i].expires_on);
    assert_int_equal(t.not_before, good[i].not_before);
    if (good[i].resource)
      assert_string_equal(t.resource, good[i].resource);
    else
      assert_null(t.resource);
    mde_token_free(&t);
    assert_null(t.access_token);
    mde_token_free(&t); /* twice is harmless */
  }
}

static const struct {
  const char *body, *reason;
} bad[] = {
    {"", "empty body"},
    {"Too Many Requests", "not a JSON object"},
    {"[]", "not a JSON object"},
    {"{\"token_type\":\"Bearer\",\"expires_in\":3599", "not a JSON object"},
    {"{\"error\":\"invalid_client\",\"error_codes\":[7000215]}",
     "error envelope"},
    {"{\"token_type\":\"Bearer\",\"expires_in\":3599}", "access_token missing"},
    {"{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"\"}",
     "access_token is not a non-empty string"},
    {"{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":7}",
     "access_token is not a non-empty string"},
    {"{\"access_token\":\"eyJ0eXAiO ... 0X2tnSQLEANnSPHY0gKcgw\","
     "\"token_type\":\"Bearer\",\"expires_in\":\"3599\"}",
     "access_token contains blanks"},
    {"{\"access_token\":\"a\\r\\nX-Injected: 1\",\"token_type\":\"Bearer\","
     "\"expires_in\":3599}",
     "access_token contains blanks"},
    {"{\"access_token\":\"a\\u00e9\",\"token_type\":\"Bearer\","
     "\"expires_in\":3599}",
     "non-ASCII"},
    {"{\"access_token\":\"a\",\"expires_in\":3599}", "token_type missing"},
    {"{\"access_token\":\"a\",\"token_type\":\"pop\",\"expires_in\":3599}",
     "token_type is not \"Bearer\""},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\"}",
     "expires_in missing"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"\"}",
     "expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":-5}",
     "expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"-5\"}",
     "expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":35.5}",
     "expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":"
     "\"3599s\"}",
     "expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":"
     "\" 3599\"}",
     "expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":1e300}",
     "expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":true}",
     "expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":0}",
     "expires_in 0 is implausible"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":"
     "999999999999}",
     "implausible"},
    /* 2^53, the largest whole number a double holds exactly: a number */
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":"
     "9007199254740992}",
     "expires_in 9007199254740992 is implausible"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":3599,"
     "\"expires_on\":\"soon\"}",
     "expires_on is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":3599,"
     "\"expires_on\":0}",
     "expires_on 0"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":3599,"
     "\"not_before\":[]}",
     "not_before is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":3599,"
     "\"ext_expires_in\":null}",
     "ext_expires_in is not"},
    {"{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":3599,"
     "\"resource\":1}",
     "resource is not a string"},
};

static void rejects_odd_bodies_with_a_reason(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct mde_token t;
    char err[MDE_ERR_SIZE] = "";
    enum mde_failure f = mde_token_parse(bad[i].body, strlen(bad[i].body), NOW,
                                         &t, err, sizeof(err));
    if (f != MDE_FAIL_PROTOCOL || !strstr(err, bad[i].reason))
      fail_msg("case %zu: got %s \"%s\", want \"%s\"", i, mde_failure_name(f),
               err, bad[i].reason);
    assert_null(t.access_token);
    assert_null(t.resource);
  }
}

static void respects_the_length_argument(void **state) {
  (void)state;
  /* a valid body followed by bytes that are not ours to read */
  const char body[] = "{\"token_type\":\"Bearer\",\"expires_in\":1,"
                      "\"access_token\":\"x\"}GARBAGE";
  struct mde_token t;
  char err[MDE_ERR_SIZE];
  assert_int_equal(
      mde_token_parse(body, strlen(body) - 7, NOW, &t, err, sizeof(err)),
      MDE_FAIL_NONE);
  mde_token_free(&t);
  assert_int_equal(mde_token_parse(NULL, 0, NOW, &t, NULL, 0),
                   MDE_FAIL_PROTOCOL);
}

static void caps_body_and_token_size(void **state) {
  (void)state;
  size_t n = MDE_TOKEN_MAX_LEN + 1;
  char *body = calloc(1, MDE_TOKEN_BODY_MAX + 2);
  assert_non_null(body);
  int k = sprintf(body, "{\"token_type\":\"Bearer\",\"expires_in\":1,"
                        "\"access_token\":\"");
  memset(body + k, 'A', n);
  strcpy(body + k + n, "\"}");
  struct mde_token t;
  char err[MDE_ERR_SIZE] = "";
  assert_int_equal(
      mde_token_parse(body, strlen(body), NOW, &t, err, sizeof(err)),
      MDE_FAIL_PROTOCOL);
  assert_non_null(strstr(err, "too long"));
  assert_int_equal(
      mde_token_parse(body, MDE_TOKEN_BODY_MAX + 1, NOW, &t, err, sizeof(err)),
      MDE_FAIL_PROTOCOL);
  assert_non_null(strstr(err, "exceeds"));
  free(body);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_both_versions),
      cmocka_unit_test(rejects_odd_bodies_with_a_reason),
      cmocka_unit_test(respects_the_length_argument),
      cmocka_unit_test(caps_body_and_token_size),
  };
  return cmocka_run_group_tests_name("token_response", tests, NULL, NULL);
}
