/* SPDX-License-Identifier: MIT */
/* Graph's application object: credentials parsed as Graph sends them
 * (spec D.4 shapes), the configured secret found by its hint (and keyId),
 * a certificate by its thumbprint, and the app's earliest/expiring/expired
 * counts; malformed answers refused with a reason. */
#include "mde/graph_app.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define APP "11111111-2222-3333-4444-555555555555"
#define NOW INT64_C(1800000000) /* 2027-01-15T08:00:00Z */
#define DAY 86400
#define THUMB "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567"

/* A secret as Graph shows it: ISO endDateTime `days` from NOW. */
static void secret(char *out, size_t n, const char *key, const char *hint,
                   int days) {
  time_t end = (time_t)(NOW + (int64_t)days * DAY);
  struct tm tm;
  gmtime_r(&end, &tm);
  char iso[40];
  strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
  snprintf(out, n,
           "{\"customKeyIdentifier\":null,\"displayName\":\"x\","
           "\"endDateTime\":\"%s\",\"hint\":\"%s\",\"keyId\":\"%s\","
           "\"secretText\":null,\"startDateTime\":\"2026-01-01T00:00:00Z\"}",
           iso, hint, key);
}

static struct mde_graph_app parse(const char *body) {
  struct mde_graph_app a;
  char err[MDE_ERR_SIZE] = "";
  enum mde_failure f =
      mde_graph_app_parse(body, strlen(body), APP, &a, err, sizeof err);
  if (f != MDE_FAIL_NONE)
    fail_msg("refused: %s", err);
  return a;
}

#define K1 "00000000-0000-4000-8000-000000000001"
#define K2 "00000000-0000-4000-8000-000000000002"
#define K3 "00000000-0000-4000-8000-000000000003"

static char *app_body(int d1, int d2, int d3) {
  char s1[400], s2[400], s3[400];
  secret(s1, sizeof s1, K1, "abc", d1);
  secret(s2, sizeof s2, K2, "abc", d2);
  secret(s3, sizeof s3, K3, "xyz", d3);
  char *b = malloc(2000);
  snprintf(b, 2000,
           "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/"
           "$metadata#applications/$entity\",\"id\":\"o\",\"appId\":\"%s\","
           "\"passwordCredentials\":[%s,%s,%s],\"keyCredentials\":[{"
           "\"customKeyIdentifier\":\"%s\",\"endDateTime\":"
           "\"2027-03-01T00:00:00.1234567Z\",\"keyId\":"
           "\"00000000-0000-4000-8000-0000000000c1\",\"type\":"
           "\"AsymmetricX509Cert\",\"usage\":\"Verify\"}]}",
           APP, s1, s2, s3, THUMB);
  return b;
}

static void parses_credentials(void **state) {
  (void)state;
  char *b = app_body(10, 40, -5);
  struct mde_graph_app a = parse(b);
  assert_int_equal(a.n, 4);
  assert_int_equal(a.v[0].kind, MDE_GRAPH_SECRET);
  assert_string_equal(a.v[0].hint, "abc");
  assert_int_equal(a.v[0].end, NOW + 10 * DAY);
  assert_int_equal(a.v[3].kind, MDE_GRAPH_CERTIFICATE);
  assert_string_equal(a.v[3].thumbprint, THUMB);
  assert_int_equal(a.v[3].end, 1803859200); /* 2027-03-01, fraction dropped */
  mde_graph_app_free(&a);
  free(b);
}

static void one_secret_by_hint(void **state) {
  (void)state;
  char *b = app_body(10, 40, -5);
  struct mde_graph_app a = parse(b);
  struct mde_graph_match m;
  mde_graph_match_secret(&a, "xyz", NULL, NOW, &m);
  assert_int_equal(m.found, 1);
  assert_int_equal(m.matches, 1);
  assert_int_equal(m.end, NOW - 5 * DAY); /* expired: still the one */
  assert_string_equal(m.note, "");
  mde_graph_match_secret(&a, "qqq", NULL, NOW, &m);
  assert_int_equal(m.found, 0);
  assert_non_null(strstr(m.note, "no secret of the app begins as"));
  mde_graph_app_free(&a);
  free(b);
}

/* Two secrets share the hint: the earliest-expiring still valid one, and
 * a note; an expired one never wins over a valid one. */
static void shared_hint(void **state) {
  (void)state;
  static const struct {
    int d1, d2;
    int64_t want;
    const char *key;
  } rows[] = {
      {10, 40, NOW + 10 * DAY, K1},
      {40, 10, NOW + 10 * DAY, K2},
      {-1, 40, NOW + 40 * DAY, K2}, /* expired K1 does not count */
      {-9, -2, NOW - 2 * DAY, K2},  /* none valid: the latest expired */
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char *b = app_body(rows[i].d1, rows[i].d2, 1);
    struct mde_graph_app a = parse(b);
    struct mde_graph_match m;
    mde_graph_match_secret(&a, "abc", NULL, NOW, &m);
    assert_int_equal(m.found, 1);
    assert_int_equal(m.matches, 2);
    assert_int_equal(m.end, rows[i].want);
    assert_string_equal(m.key_id, rows[i].key);
    assert_non_null(strstr(m.note, "2 secrets of the app begin as"));
    assert_non_null(strstr(m.note, "ClientSecretKeyId"));
    mde_graph_app_free(&a);
    free(b);
  }
}

static void key_id_disambiguates(void **state) {
  (void)state;
  char *b = app_body(10, 40, 1);
  struct mde_graph_app a = parse(b);
  struct mde_graph_match m;
  mde_graph_match_secret(&a, "abc", "00000000-0000-4000-8000-000000000002", NOW,
                         &m);
  assert_int_equal(m.found, 1);
  assert_int_equal(m.end, NOW + 40 * DAY);
  assert_string_equal(m.note, "");
  mde_graph_match_secret(&a, "", K1, NOW, &m); /* no secret: no match */
  assert_int_equal(m.found, 0);
  mde_graph_match_secret(&a, "abc", K3, NOW, &m); /* another secret's */
  assert_int_equal(m.found, 0);
  assert_non_null(strstr(m.note, "does not begin as the configured one"));
  mde_graph_match_secret(&a, "abc", "00000000-0000-4000-8000-00000000ffff", NOW,
                         &m);
  assert_int_equal(m.found, 0);
  assert_non_null(strstr(m.note, "is not a secret of the app"));
  mde_graph_app_free(&a);
  free(b);
}

static void certificate_by_thumbprint(void **state) {
  (void)state;
  char *b = app_body(10, 40, 1);
  struct mde_graph_app a = parse(b);
  struct mde_graph_match m;
  mde_graph_match_certificate(&a, "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
                              NOW, &m);
  assert_int_equal(m.found, 1);
  assert_int_equal(m.end, 1803859200);
  mde_graph_match_certificate(&a, "FFFF2C3D4E5F60718293A4B5C6D7E8F901234567",
                              NOW, &m);
  assert_int_equal(m.found, 0);
  assert_non_null(strstr(m.note, "is not registered on the app"));
  mde_graph_app_free(&a);
  free(b);
}

static void summary(void **state) {
  (void)state;
  char *b = app_body(10, 40, -5); /* + the certificate, 45 days */
  struct mde_graph_app a = parse(b);
  struct mde_graph_summary s;
  mde_graph_summarize(&a, NOW, 30 * DAY, &s);
  assert_int_equal(s.earliest, NOW + 10 * DAY);
  assert_int_equal(s.expiring, 1);
  assert_int_equal(s.expired, 1);
  assert_int_equal(s.valid, 3);
  mde_graph_summarize(&a, NOW, 10 * DAY, &s); /* the boundary counts */
  assert_int_equal(s.expiring, 1);
  mde_graph_summarize(&a, NOW, 10 * DAY - 1, &s);
  assert_int_equal(s.expiring, 0);
  mde_graph_summarize(&a, NOW + 10 * DAY, 0, &s); /* end == now: expired */
  assert_int_equal(s.expired, 2);
  assert_int_equal(s.earliest, NOW + 40 * DAY);
  mde_graph_app_free(&a);
  free(b);
}

static void filter_form(void **state) {
  (void)state;
  char s1[400], body[800];
  secret(s1, sizeof s1, K1, "abc", 3);
  snprintf(body, sizeof body,
           "{\"value\":[{\"appId\":\"%s\",\"passwordCredentials\":[%s]}]}", APP,
           s1);
  struct mde_graph_app a = parse(body);
  assert_int_equal(a.n, 1);
  mde_graph_app_free(&a);
}

static void refused(void **state) {
  (void)state;
  static const struct {
    const char *body, *reason;
  } rows[] = {
      {"", "not a JSON object"},
      {"[]", "not a JSON object"},
      {"{\"value\":[]}", "is it registered in this tenant"},
      {"{\"appId\":\"99999999-2222-3333-4444-555555555555\"}",
       "not about application"},
      {"{\"appId\":\"" APP "\",\"passwordCredentials\":{}}", "not an array"},
      {"{\"appId\":\"" APP "\",\"passwordCredentials\":[{\"keyId\":\"x\"}]}",
       "passwordCredentials[0]: no GUID keyId"},
      {"{\"appId\":\"" APP "\",\"passwordCredentials\":[{\"keyId\":\"" K1
       "\",\"endDateTime\":\"tomorrow\"}]}",
       "endDateTime is not an ISO 8601 time"},
      {"{\"appId\":\"" APP "\",\"keyCredentials\":[{\"keyId\":\"" K1
       "\",\"customKeyIdentifier\":\"abc\"}]}",
       "keyCredentials[0]: customKeyIdentifier is not a SHA-1 thumbprint"},
      {"{\"appId\":\"" APP "\",\"passwordCredentials\":[{\"keyId\":\"" K1
       "\"},{\"keyId\":\"" K1 "\"}]}",
       "passwordCredentials[1]: keyId " K1 " appears twice"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    struct mde_graph_app a = {(void *)1, 9};
    char err[MDE_ERR_SIZE] = "";
    enum mde_failure f = mde_graph_app_parse(rows[i].body, strlen(rows[i].body),
                                             APP, &a, err, sizeof err);
    assert_int_equal(f, MDE_FAIL_PROTOCOL);
    assert_null(a.v);
    assert_int_equal(a.n, 0);
    if (!strstr(err, rows[i].reason))
      fail_msg("row %zu: \"%s\" lacks \"%s\"", i, err, rows[i].reason);
  }
}

/* A hint longer than Graph's three characters is cut: nothing more of a
 * secret is ever held. */
static void hint_three_characters(void **state) {
  (void)state;
  const char *body = "{\"appId\":\"" APP "\",\"passwordCredentials\":[{"
                     "\"keyId\":\"" K1 "\",\"hint\":\"abcdefgh\"}]}";
  struct mde_graph_app a = parse(body);
  assert_string_equal(a.v[0].hint, "abc");
  assert_int_equal(a.v[0].end, 0);
  struct mde_graph_match m;
  mde_graph_match_secret(&a, "abcXYZ", NULL, NOW, &m);
  assert_int_equal(m.found, 1);
  assert_int_equal(m.end, 0);
  mde_graph_app_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_credentials),
      cmocka_unit_test(one_secret_by_hint),
      cmocka_unit_test(shared_hint),
      cmocka_unit_test(key_id_disambiguates),
      cmocka_unit_test(certificate_by_thumbprint),
      cmocka_unit_test(summary),
      cmocka_unit_test(filter_form),
      cmocka_unit_test(refused),
      cmocka_unit_test(hint_three_characters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
