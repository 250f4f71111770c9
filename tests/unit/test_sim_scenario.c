/* SPDX-License-Identifier: MIT */
/* mde-sim's scenario loader: a world as described, and errors that name
 * their place. Also: 10,000 generated tenants load and resolve. */
#include "scenario.h"
#include "world.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define APP "11111111-2222-3333-4444-555555555555"
#define T1 "aaaaaaaa-0000-4000-8000-000000000001"

static const char good[] =
    "{\"settings\": {\"token_lifetime\": 60, \"error_status\": {\"700016\": "
    "401}},"
    " \"apps\": [{\"client_id\": \"" APP "\", \"name\": \"Partner\","
    "   \"secrets\": [{\"value\": \"s1\"}, {\"value\": \"s2\", \"expires\": "
    "\"2001-01-01T00:00:00Z\"}]}],"
    " \"tenants\": [{\"id\": \"" T1 "\", \"name\": \"Contoso\","
    "   \"domains\": [\"Contoso.onmicrosoft.com\", \"contoso.com\"],"
    "   \"cloud\": \"gcc-high\", \"machines\": 4,"
    "   \"apps\": {\"" APP "\": {\"roles\": [\"Alert.Read.All\"]}},"
    "   \"alerts\": {\"count\": 10, \"items\": [{\"title\": \"t\", "
    "\"severity\": \"high\", \"status\": \"Resolved\"}]}}],"
    " \"tenant_sets\": [{\"count\": 3, \"name_prefix\": \"gen\", "
    "   \"template\": {\"apps\": {\"" APP "\": {}}}}],"
    " \"faults\": [{\"endpoint\": [\"alerts\", \"token\"], \"tenant\": "
    "\"contoso.com\", \"latency_ms\": 5}]}";

static void loads_a_world(void **state) {
  (void)state;
  struct sim_world w;
  assert_int_equal(sim_world_init(&w), 0);
  char err[512] = "";
  assert_int_equal(sim_scenario_parse(&w, good, ".", err, sizeof err), 0);
  assert_int_equal(w.settings.token_lifetime, 60);
  assert_int_equal(sim_status_for(&w, 700016, 400), 401);
  assert_int_equal(sim_status_for(&w, 90002, 400), 400);
  assert_int_equal(w.n_apps, 1);
  assert_int_equal(w.apps[0].n_secrets, 2);
  assert_true(w.apps[0].secrets[1].expires == 978307200);
  assert_int_equal(w.n_tenants, 4);
  struct sim_tenant *t = sim_tenant_find(&w, "CONTOSO.COM");
  assert_non_null(t);
  assert_ptr_equal(sim_tenant_find(&w, T1), t);
  assert_ptr_equal(sim_tenant_find(&w, "contoso.onmicrosoft.com"), t);
  assert_int_equal(t->cloud, SIM_CLOUD_GCC_HIGH);
  assert_int_equal(t->alerts.n, 11);
  assert_int_equal(t->alerts.v[10].severity, SEV_HIGH);
  assert_int_equal(t->alerts.v[10].status, ST_RESOLVED);
  struct sim_grant *g = sim_grant_find(t, 0);
  assert_non_null(g);
  assert_true(sim_grant_has_role(g, "Alert.Read.All"));
  struct sim_tenant *gen = sim_tenant_find(&w, "gen2.onmicrosoft.com");
  assert_non_null(gen);
  assert_non_null(sim_grant_find(gen, 0));
  assert_int_equal(sim_grant_find(gen, 0)->n_roles, 0);
  assert_int_equal(w.n_faults, 1);
  assert_int_equal(w.faults[0].tenant, (int)t->index);
  sim_grant_revoke(t, 0);
  assert_null(sim_grant_find(t, 0));
  sim_world_free(&w);
}

static void names_the_place_of_an_error(void **state) {
  (void)state;
  static const struct {
    const char *json, *message;
  } cases[] = {
      {"[]", "scenario: expected an object"},
      {"{\"apps\": [{\"client_id\": \"" APP "\"}], \"tenants\": [{\"id\": \"" T1
       "\", \"domains\": [\"a.com\"]}, {\"id\": \"aaaaaaaa-0000-4000-8000-"
       "000000000002\", \"domains\": [\"A.com\"]}]}",
       "tenants[1]: domain A.com belongs to two tenants"},
      {"{\"apps\": [{\"client_id\": \"" APP "\"}], \"tenants\": [{\"id\": \"" T1
       "\"}, {\"id\": \"" T1 "\"}]}",
       "tenants[1]: tenant " T1 " is defined twice"},
      {"{\"apps\": [{\"client_id\": \"" APP "\"}, {\"client_id\": \"" APP
       "\"}]}",
       "apps[1]: client_id " APP " is defined twice"},
      {"{\"apps\": [{\"client_id\": \"" APP "\"}], \"tenants\": [{\"id\": \"" T1
       "\", \"apps\": {\"22222222-2222-3333-4444-555555555555\": {}}}]}",
       "tenants[0].apps.22222222-2222-3333-4444-555555555555: no app with "
       "this client_id"},
      {"{\"apps\": [{\"client_id\": \"" APP "\", \"secrets\": [{\"value\": "
       "\"x\", \"expires\": \"soon\"}]}]}",
       "apps[0].secrets[0]: \"expires\" must be an ISO-8601 UTC time"},
      {"{\"apps\": [{\"client_id\": \"" APP "\"}], \"tenants\": [{\"id\": \"" T1
       "\", \"alerts\": {\"items\": [{\"severity\": \"Severe\"}]}}]}",
       "tenants[0].alerts.items[0]: \"severity\" must be"},
      {"{\"apps\": [{\"client_id\": \"" APP
       "\"}], \"tenant_sets\": [{\"count\": "
       "2, \"template\": {\"id\": \"x\"}}]}",
       "tenant_sets[0].template: unknown key \"id\""},
      {"{\"apps\": [{\"client_id\": \"" APP "\"}], \"settings\": "
       "{\"error_status\": {\"abc\": 400}}}",
       "settings: error_status: \"abc\" must be an AADSTS code"},
      {"{\"apps\": [{\"client_id\": \"" APP "\"}], \"faults\": [{\"endpoint\": "
       "\"api\", \"tenant\": \"nobody.com\"}]}",
       "faults[0]: \"tenant\" nobody.com is not in the scenario"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct sim_world w;
    assert_int_equal(sim_world_init(&w), 0);
    char err[512] = "";
    assert_int_equal(
        sim_scenario_parse(&w, cases[i].json, ".", err, sizeof err), -1);
    if (!strstr(err, cases[i].message))
      fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].message);
    sim_world_free(&w); /* a half-built world frees cleanly */
  }
}

static void holds_ten_thousand_tenants(void **state) {
  (void)state;
  static const char big[] =
      "{\"apps\": [{\"client_id\": \"" APP
      "\"}], \"tenant_sets\": [{\"count\": "
      "10000, \"seed\": 9, \"template\": {\"apps\": {\"" APP
      "\": {\"roles\": [\"Alert.Read.All\"]}}, \"alerts\": {\"count\": 5}}}]}";
  struct sim_world w;
  assert_int_equal(sim_world_init(&w), 0);
  char err[512] = "";
  assert_int_equal(sim_scenario_parse(&w, big, ".", err, sizeof err), 0);
  assert_int_equal(w.n_tenants, 10000);
  for (int i = 0; i < 10000; i += 997) {
    char name[64];
    snprintf(name, sizeof name, "tenant%d.onmicrosoft.com", i);
    struct sim_tenant *t = sim_tenant_find(&w, name);
    assert_non_null(t);
    assert_ptr_equal(sim_tenant_find(&w, t->id), t);
    assert_int_equal(t->alerts.n, 5);
  }
  sim_world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(loads_a_world),
      cmocka_unit_test(names_the_place_of_an_error),
      cmocka_unit_test(holds_ten_thousand_tenants),
  };
  return cmocka_run_group_tests_name("sim_scenario", tests, NULL, NULL);
}
