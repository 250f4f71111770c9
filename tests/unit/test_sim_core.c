/* SPDX-License-Identifier: MIT */
/* mde-sim's small pieces: clocks and timestamps, identifiers, the
 * quota windows, fault planning, alert generation and churn. */
#include "alerts.h"
#include "faults.h"
#include "ratelimit.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void formats_and_parses_timestamps(void **state) {
  (void)state;
  int64_t t = 0;
  const char *iso = "2021-01-26T20:33:57.7220239Z";
  assert_int_equal(sim_parse_iso_ticks(iso, strlen(iso), &t), 0);
  char out[32];
  sim_format_ticks(t, out);
  assert_string_equal(out, iso);
  sim_format_aad_time(t / TICKS_PER_SECOND, out);
  assert_string_equal(out, "2021-01-26 20:33:57Z");
  static const struct {
    const char *in;
    int rc;
  } cases[] = {
      {"2021-01-26Z", 0},
      {"2021-01-26T20:33Z", 0},
      {"2021-01-26T20:33:57Z", 0},
      {"2021-01-26T20:33:57.1Z", 0},
      {"2021-01-26T20:33:57.123456789Z", 0},
      {"2021-01-26", -1},
      {"2021-01-26T20:33:57", -1},
      {"2021-02-29T00:00:00Z", -1},
      {"2021-00-10T00:00:00Z", -1},
      {"1969-12-31T00:00:00Z", -1},
      {"2021-01-26T24:00:00Z", -1},
      {"2021-01-26T20:33:57.Z", -1},
      {"2021-01-26T20:33:57ZZ", -1},
      {"", -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_int_equal(sim_parse_iso_ticks(cases[i].in, strlen(cases[i].in), &t),
                     cases[i].rc);
}

static void validates_identifiers(void **state) {
  (void)state;
  static const struct {
    const char *s;
    bool tenant;
  } cases[] = {
      {"aaaaaaaa-0000-4000-8000-000000000001", true},
      {"contoso.onmicrosoft.com", true},
      {"common", true},
      {"Organizations", true},
      {"contoso", false}, /* a single label is not a domain */
      {"aaaaaaaa-0000-4000-8000-00000000001", false}, /* short group */
      {"aaaaaaaa-0000-4000-8000-0000000000011", false},
      {"-contoso.com", false},
      {"contoso-.com", false},
      {"con_toso.com", false},
      {"contoso..com", false},
      {"", false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (sim_is_tenant_name(cases[i].s) != cases[i].tenant)
      fail_msg("\"%s\": want %d", cases[i].s, cases[i].tenant);
  char g[37];
  sim_random_guid(g);
  assert_true(sim_is_guid(g));
  assert_true(sim_secret_equal("abc", "abc"));
  assert_false(sim_secret_equal("abc", "abd"));
  assert_false(sim_secret_equal("abc", "abcd"));
}

/* Host headers echoed into discovery documents and nextLinks: a name or an
 * address and a port, nothing that could close a JSON string or a URL. */
static void validates_host_headers(void **state) {
  (void)state;
  static const struct {
    const char *s;
    bool ok;
  } cases[] = {
      {"login.microsoftonline.com", true},
      {"login.microsoftonline.com:8443", true},
      {"127.0.0.1:65535", true},
      {"[::1]:443", true},
      {"[::1]", true},
      {"localhost", true},
      {"a\",\"token_endpoint\":\"https://evil", false},
      {"evil.com/x", false},
      {"evil.com:", false},
      {"evil.com:65536", false},
      {"evil.com:123456", false},
      {"evil.com:80x", false},
      {"evil com", false},
      {"[::1", false},
      {"[]:80", false},
      {"[::1]x", false},
      {"[::1\"]", false},
      {":443", false},
      {"", false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (sim_is_host_header(cases[i].s) != cases[i].ok)
      fail_msg("\"%s\": want %d", cases[i].s, cases[i].ok);
}

/* client_secret_basic's base64: strict, and never indexes before its
 * buffer ("====" once wrote at raw[-1]). */
static void decodes_base64_strictly(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"YTpi", "a:b"},     {"YTpiYw==", "a:bc"}, {"YTpiY2Q=", "a:bcd"},
      {"====", NULL},      {"A===", NULL},       {"YQ=", NULL},
      {"YTpi=", NULL},     {"YT=i", NULL},       {"YTp i", NULL},
      {"YTpi\n", NULL},    {"", NULL},           {"=YTp", NULL},
      {"YTpiYw=\0", NULL}, {"!!!!", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = 99;
    unsigned char *got = sim_base64_decode(cases[i].in, &n);
    if (!cases[i].out != !got)
      fail_msg("\"%s\": want %s", cases[i].in, cases[i].out ? "bytes" : "NULL");
    if (got) {
      assert_int_equal(n, strlen(cases[i].out));
      assert_string_equal((char *)got, cases[i].out);
    }
    free(got);
  }
}

static void quotas_slide(void **state) {
  (void)state;
  struct sim_rate r = {0};
  int retry = 0;
  for (int i = 0; i < 5; i++)
    assert_true(sim_rate_admit(&r, 1000 + i, 5, 0, &retry));
  assert_false(sim_rate_admit(&r, 1010, 5, 0, &retry));
  assert_int_equal(retry, 50); /* the first call leaves the window at 1060 */
  assert_false(sim_rate_admit(&r, 1059, 5, 0, &retry));
  assert_int_equal(retry, 1);
  assert_true(sim_rate_admit(&r, 1060, 5, 0, &retry));
  /* the hourly limit, with per-minute headroom */
  struct sim_rate h = {0};
  for (int i = 0; i < 30; i++)
    assert_true(sim_rate_admit(&h, 3600 * 10 + i * 60, 100, 30, &retry));
  assert_false(sim_rate_admit(&h, 3600 * 10 + 30 * 60, 100, 30, &retry));
  assert_int_equal(retry, 30 * 60);
  /* refused calls do not count */
  for (int i = 0; i < 100; i++)
    sim_rate_admit(&r, 1061, 5, 0, &retry);
  assert_true(sim_rate_admit(&r, 1120, 5, 0, &retry));
}

static void plans_faults(void **state) {
  (void)state;
  uint64_t rng = 7;
  struct sim_fault faults[] = {
      {.endpoints = sim_endpoint_mask("api"),
       .tenant = -1,
       .latency_ms = 10,
       .probability = 1},
      {.endpoints = sim_endpoint_mask("alerts"),
       .tenant = 3,
       .status = 503,
       .probability = 1,
       .retry_after = 5},
      {.endpoints = sim_endpoint_mask("token"),
       .tenant = -1,
       .status = 429,
       .probability = 1,
       .from = 100,
       .until = 200},
  };
  struct sim_fault_plan p;
  sim_faults_plan(faults, 3, EP_ALERTS, 3, 50, &rng, &p);
  assert_int_equal(p.delay_ms, 10);
  assert_int_equal(p.status, 503);
  assert_int_equal(p.retry_after, 5);
  sim_faults_plan(faults, 3, EP_ALERTS, 2, 50, &rng, &p);
  assert_int_equal(p.status, 0);
  sim_faults_plan(faults, 3, EP_TOKEN_V2, 2, 99, &rng, &p);
  assert_int_equal(p.status, 0);
  sim_faults_plan(faults, 3, EP_TOKEN_V2, 2, 150, &rng, &p);
  assert_int_equal(p.status, 429);
  sim_faults_plan(faults, 3, EP_TOKEN_V1, 2, 200, &rng, &p);
  assert_int_equal(p.status, 0);
  assert_int_equal(sim_endpoint_mask("nope"), 0);
  assert_int_equal(sim_endpoint_mask("*"), (1u << EP_COUNT) - 1);
}

static void generates_and_churns_alerts(void **state) {
  (void)state;
  struct sim_alerts a;
  int64_t now = INT64_C(1700000000) * TICKS_PER_SECOND;
  sim_alerts_init(&a, 42, now);
  a.mix = (struct sim_alert_mix){.severity = {[SEV_HIGH] = 1},
                                 .status = {[ST_NEW] = 1}};
  sim_alerts_generate(&a, 100, 10, now);
  uint64_t c[ST_COUNT][SEV_COUNT];
  sim_alerts_count(&a, c);
  assert_int_equal(c[ST_NEW][SEV_HIGH], 100);
  for (size_t i = 0; i < a.n; i++) {
    assert_true(a.v[i].created <= now);
    assert_true(a.v[i].created >= now - 10 * 86400 * TICKS_PER_SECOND);
    assert_true(a.v[i].updated >= a.v[i].created);
  }
  a.churn_per_hour = 3600; /* one a second */
  sim_alerts_advance(&a, now + 30 * TICKS_PER_SECOND);
  assert_int_equal(a.n, 130);
  assert_int_equal(a.created_total, 130);
  sim_alerts_count(&a, c);
  assert_true(c[ST_INPROGRESS][SEV_HIGH] > 0);
  /* a day offline is not replayed as a burst of 86,400 alerts */
  sim_alerts_advance(&a, now + 86400 * TICKS_PER_SECOND);
  assert_true(a.n <= 130 + 10000);

  struct sim_alert_ctx ctx = {"tid", "contoso.com", 1};
  struct mde_buf b;
  mde_buf_init(&b, 0);
  a.v[0].title = strdup("quote \" and \\ and \n");
  assert_int_equal(sim_alert_render(&a.v[0], &ctx, &b), 0);
  cJSON *j = cJSON_Parse(b.data);
  assert_non_null(j);
  assert_string_equal(cJSON_GetObjectItem(j, "title")->valuestring,
                      "quote \" and \\ and \n");
  char id[48];
  sim_alert_id(&a.v[0], id);
  assert_string_equal(cJSON_GetObjectItem(j, "id")->valuestring, id);
  assert_ptr_equal(sim_alerts_find(&a, id), &a.v[0]);
  assert_null(sim_alerts_find(&a, "da0_0"));
  cJSON_Delete(j);
  mde_buf_free(&b);
  sim_alerts_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(formats_and_parses_timestamps),
      cmocka_unit_test(validates_identifiers),
      cmocka_unit_test(validates_host_headers),
      cmocka_unit_test(decodes_base64_strictly),
      cmocka_unit_test(quotas_slide),
      cmocka_unit_test(plans_faults),
      cmocka_unit_test(generates_and_churns_alerts),
  };
  return cmocka_run_group_tests_name("sim_core", tests, NULL, NULL);
}
