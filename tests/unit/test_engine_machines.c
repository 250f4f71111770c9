/* SPDX-License-Identifier: MIT */
/* The sensor-health steps (lib/engine_machines.c) on the scripted clock and
 * transport of fakeworld.h: a fleet larger than one cycle's call budget,
 * the interval, the roles that switch it on, FetchMachines, 404, failures
 * mid-sync, staleness, the exposure score, alerts first. Each test names
 * the defect it guards against. */
#include "assert_near.h"
#include "engine_fixture.h"
#include "fakeworld.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define CONTOSO "aaaaaaaa-0000-4000-8000-000000000001"

/* A tenant whose token has Alert.Read.All and Machine.Read.All. */
static struct fw_tenant *fleet(struct fixture *f, long machines) {
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->roles[1] = "Machine.Read.All";
  t->machines = machines;
  return t;
}

/* Added with probes off (they would call /api/machines too). */
static int add(struct fixture *f, long interval, int fetch) {
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  c.probe_roles = 0;
  c.machines_interval = interval;
  c.fetch_machines = fetch;
  return fixture_add(f, &c);
}

static uint32_t devices(const struct mde_tenant_result *r) {
  uint32_t n = 0;
  for (int o = 0; o < MDE_ONBOARDING_COUNT; o++)
    n += r->machines.onboarding[o];
  return n;
}

/* A fleet needing more calls than a cycle's budget: counted page by page
 * across cycles, each page fetched once, and published only complete (a
 * partial count would read as devices vanishing). */
static void a_large_fleet_syncs_across_cycles(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fleet(f, 25000);
  t->machines_page = 1000; /* 25 pages: over twice the minute's burst */
  t->inactive = 1234;
  int i = add(f, 900, -1);
  int cycles = 0;
  while (!fixture_result(f, i)->machines_valid && cycles < 40) {
    fw_cycle(&f->w, f->e, 10);
    cycles++;
    assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
    if (!fixture_result(f, i)->machines_valid)
      assert_int_equal(devices(fixture_result(f, i)), 0);
  }
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_true(r->machines_valid);
  assert_true(cycles > 1);
  assert_int_equal(devices(r), 25000);
  assert_int_equal(r->machines.onboarding[MDE_ONBOARDING_ONBOARDED], 25000);
  assert_int_equal(r->machines.health[MDE_HEALTH_INACTIVE], 1234);
  assert_int_equal(r->machines.health[MDE_HEALTH_ACTIVE], 25000 - 1234);
  assert_int_equal(fw_count(&f->w, FW_MACHINES, 0, 0), 25); /* no restart */
  assert_near(r->machines_age, 0, 0.001);
}

/* Alerts polled every second drain the call budget (600 an hour): the
 * machines sync, asked after them, must still get its turn, or device
 * health goes stale with no failure to say so. */
static void machines_get_their_turn_when_alerts_drain_the_budget(void **state) {
  struct fixture *f = *state;
  fleet(f, 5)->alerts = 3;
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  c.probe_roles = 0;
  c.alerts_interval = 1;
  c.machines_interval = 60;
  int i = fixture_add(f, &c);
  int stale = 0;
  for (int k = 0; k < 900; k++) { /* 15 minutes */
    fw_cycle(&f->w, f->e, 1);
    assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
    stale += !fixture_result(f, i)->machines_valid;
  }
  assert_int_equal(stale, 0);
  /* 15 minutes of budget: the hour's burst of 150 and 150 more; the
   * machines sync takes one a minute, alerts all the rest. */
  int machines = fw_count(&f->w, FW_MACHINES, 0, 0);
  int alerts = fw_count(&f->w, FW_ALERTS, 0, 0);
  print_message("calls: %d machines, %d alerts\n", machines, alerts);
  assert_true(machines >= 13 && machines <= 16); /* each may wait 6 s */
  assert_true(alerts >= 280);
  assert_true(machines + alerts <= 302);
}

/* The first sync runs in the first cycle, then one per MachinesInterval;
 * a device that turned inactive is in the next sync's counts. */
static void synced_every_interval(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fleet(f, 5);
  int i = add(f, 120, -1);
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->machines_valid);
  assert_int_equal(fixture_result(f, i)->machines.health[MDE_HEALTH_ACTIVE], 5);
  t->inactive = 1;
  int first = f->w.n_log;
  for (int c = 0; c < 11; c++) { /* up to 120 s: not due yet */
    fw_cycle(&f->w, f->e, 10);
    assert_int_equal(fixture_result(f, i)->machines.health[MDE_HEALTH_INACTIVE],
                     0);
  }
  assert_int_equal(fw_count(&f->w, FW_MACHINES, 0, first), 0);
  fw_cycle(&f->w, f->e, 10); /* 120 s after the first */
  assert_int_equal(fw_count(&f->w, FW_MACHINES, 0, first), 1);
  assert_int_equal(fixture_result(f, i)->machines.health[MDE_HEALTH_INACTIVE],
                   1);
  assert_int_equal(fixture_result(f, i)->machines.health[MDE_HEALTH_ACTIVE], 4);
  for (int c = 0; c < 24; c++)
    fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_MACHINES, 0, first), 3);
}

/* Without a Machine role in the token nothing is asked and nothing fails;
 * Machine.ReadWrite.All is enough; FetchMachines forces either way. */
static void the_role_decides_unless_forced(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO); /* Alert.Read.All only */
  t->machines = 5;
  int i = add(f, 60, -1);
  for (int c = 0; c < 3; c++) {
    fw_cycle(&f->w, f->e, 10);
    assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  }
  assert_false(fixture_result(f, i)->machines_valid);
  assert_int_equal(fw_count(&f->w, FW_MACHINES, -1, 0), 0);

  mde_engine_free(f->e); /* forced on: asked, and the API's 403 reported */
  f->e = fw_engine(&f->w);
  t->ov[FW_MACHINES] = (struct fw_override){
      .status = 403,
      .body = "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Missing "
              "application roles. API required roles: Machine.Read.All,"
              "Machine.ReadWrite.All, application roles: Alert.Read.All.\"}}",
      .retry_after = -1,
      .times = -1};
  i = add(f, 60, 1);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_PERMISSION_MISSING);
  assert_string_equal(fixture_result(f, i)->missing_roles.v[0],
                      "Machine.Read.All");
  assert_false(fixture_result(f, i)->machines_valid);
  fw_cycle(&f->w, f->e, 10); /* still missing, not asked again till due */
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_PERMISSION_MISSING);
  assert_int_equal(fw_count(&f->w, FW_MACHINES, -1, 0), 1);

  mde_engine_free(f->e); /* forced off: the role is there, nothing asked */
  f->e = fw_engine(&f->w);
  t->ov[FW_MACHINES].times = 0;
  t->roles[1] = "Machine.ReadWrite.All";
  t->roles[2] = "Score.Read.All";
  int from = f->w.n_log;
  i = add(f, 60, 0);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_MACHINES, -1, from), 0);
  assert_int_equal(fw_count(&f->w, FW_SCORE, -1, from), 0);
  assert_false(fixture_result(f, i)->machines_valid);

  mde_engine_free(f->e); /* by default, ReadWrite grants Read */
  f->e = fw_engine(&f->w);
  i = add(f, 60, -1);
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->machines_valid);
  assert_int_equal(devices(fixture_result(f, i)), 5);
}

/* get-machines.md: no devices is a 404, which is zero counts and no
 * failure. */
static void no_devices_is_zero_not_a_failure(void **state) {
  struct fixture *f = *state;
  fleet(f, 0);
  int i = add(f, 60, -1);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_true(fixture_result(f, i)->machines_valid);
  assert_int_equal(devices(fixture_result(f, i)), 0);
}

/* A page that fails is asked for again next cycle, where the sync stood,
 * the failure reported in its class, the published counts kept meanwhile;
 * no page is counted twice. */
static void a_failed_page_is_asked_again(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fleet(f, 30);
  t->machines_page = 10;
  int i = add(f, 900, -1);
  fw_cycle(&f->w, f->e, 10); /* pages 1-3: complete */
  assert_int_equal(devices(fixture_result(f, i)), 30);
  t->inactive = 30;
  fw_cycle(&f->w, f->e, 900); /* due again */
  int from = f->w.n_log;
  t->ov[FW_MACHINES] = (struct fw_override){
      .status = 503, .body = "{}", .retry_after = -1, .times = 1};
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_API_ERROR);
  assert_true(fixture_result(f, i)->machines_valid);
  assert_int_equal(fixture_result(f, i)->machines.health[MDE_HEALTH_ACTIVE],
                   30);
  t->ov[FW_MACHINES] = (struct fw_override){
      .status = 200, .body = "{\"value\":[{\"id\":\"x\"}", .times = 1};
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_PROTOCOL);
  assert_int_equal(fixture_result(f, i)->machines.health[MDE_HEALTH_ACTIVE],
                   30);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_int_equal(fixture_result(f, i)->machines.health[MDE_HEALTH_INACTIVE],
                   30);
  assert_int_equal(devices(fixture_result(f, i)), 30);
  /* page 1 twice refused, then the three pages */
  assert_int_equal(fw_count(&f->w, FW_MACHINES, 0, from), 5);
}

/* Counts stop being reported once the last completed sync is older than
 * two intervals and a cycle, as alerts. */
static void stale_counts_are_not_reported(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fleet(f, 3);
  int i = add(f, 60, -1);
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->machines_valid);
  t->ov[FW_MACHINES] = (struct fw_override){
      .status = 503, .body = "{}", .retry_after = -1, .times = -1};
  int valid = 0;
  for (int c = 0; c < 20; c++) {
    fw_cycle(&f->w, f->e, 10);
    if (fixture_result(f, i)->machines_valid)
      valid++;
    else
      assert_true(fixture_result(f, i)->machines_age > 2 * 60 + 10);
  }
  assert_int_equal(valid, 13); /* ages 10 .. 130 s */
  t->ov[FW_MACHINES].times = 0;
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->machines_valid);
}

/* The exposure score with Score.Read.All, once per interval; none
 * without. */
static void exposure_score_once_per_interval(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fleet(f, 3);
  t->roles[2] = "Score.Read.All";
  t->score = 33.491554051195706;
  int i = add(f, 60, -1);
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->exposure_valid);
  assert_near(fixture_result(f, i)->exposure_score, 33.491554051195706, 1e-12);
  for (int c = 0; c < 11; c++)
    fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_SCORE, 0, 0), 2); /* 0 s and 60 s */
  t->roles[2] = NULL;
  mde_engine_free(f->e);
  f->e = fw_engine(&f->w);
  int from = f->w.n_log;
  i = add(f, 60, -1);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_SCORE, 0, from), 0);
  assert_false(fixture_result(f, i)->exposure_valid);
  assert_true(fixture_result(f, i)->machines_valid);
}

/* Alerts are paid first from the shared budget: a large alerts sync
 * leaves machines to wait. */
static void alerts_come_first(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fleet(f, 3);
  t->alerts = 60;
  t->page_size = 2; /* 30 pages */
  int i = add(f, 900, -1);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_ALERTS, 0, 0), 10); /* the burst */
  assert_int_equal(fw_count(&f->w, FW_MACHINES, 0, 0), 0);
  int c = 0;
  while (!fixture_result(f, i)->machines_valid && c++ < 40)
    fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->alerts_valid);
  assert_true(fixture_result(f, i)->machines_valid);
}

/* The bearer token follows no nextLink off the Defender API. */
static void a_next_link_elsewhere_is_not_followed(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fleet(f, 20);
  t->machines_page = 10;
  t->next_base = "https://evil.example";
  int i = add(f, 900, -1);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_PROTOCOL);
  assert_non_null(strstr(fixture_result(f, i)->reason, "nextLink"));
  assert_false(fixture_result(f, i)->machines_valid);
  int n = 0;
  for (int k = 0; k < f->w.n_log; k++)
    n += strstr(f->w.log[k].url, "evil") != NULL;
  assert_int_equal(n, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(a_large_fleet_syncs_across_cycles,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(
          machines_get_their_turn_when_alerts_drain_the_budget, fixture_setup,
          fixture_teardown),
      cmocka_unit_test_setup_teardown(synced_every_interval, fixture_setup,
                                      fixture_teardown),
      cmocka_unit_test_setup_teardown(the_role_decides_unless_forced,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(no_devices_is_zero_not_a_failure,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_failed_page_is_asked_again,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(stale_counts_are_not_reported,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(exposure_score_once_per_interval,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(alerts_come_first, fixture_setup,
                                      fixture_teardown),
      cmocka_unit_test_setup_teardown(a_next_link_elsewhere_is_not_followed,
                                      fixture_setup, fixture_teardown),
  };
  return cmocka_run_group_tests_name("engine_machines", tests, NULL, NULL);
}
