/* SPDX-License-Identifier: MIT */
/* Carrying across cycles (MDE_CYCLE_CARRY, issue 19): a tenant whose
 * answer is arriving at the deadline reports nothing that cycle and goes
 * on in the next, instead of failing as a network error; once only; and
 * the other tenants are untouched. The scripted transport carries as
 * lib/http.c does (itest_http_carry checks that against a real peer). */
#include "engine_fixture.h"
#include "mde/engine.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define CONTOSO "aaaaaaaa-0000-4000-8000-000000000001"
#define FABRIKAM "aaaaaaaa-0000-4000-8000-000000000002"

static const char *const alert_read[] = {"Alert.Read.All"};

static int add(struct fixture *f, const char *name, const char *id) {
  return fixture_add_reader(f, name, id, 60);
}

static uint32_t counted(const struct mde_tenant_result *r) {
  uint32_t n = 0;
  for (int s = 0; s < MDE_STATUS_COUNT; s++)
    for (int v = 0; v < MDE_SEVERITY_COUNT; v++)
      n += r->alerts[s][v];
  return n;
}

static void cycle(struct fixture *f) {
  fw_cycle_flags(&f->w, f->e, 10, MDE_CYCLE_CARRY);
}

/* The first alerts page arrives slowly: carried, then counted. */
static void a_slow_page_is_carried_and_counted_next_cycle(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 7;
  t->ov[FW_ALERTS] = (struct fw_override){.slow = 1, .times = 1};
  int i = add(f, "contoso", CONTOSO);
  cycle(f);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(r->carried, 1);
  assert_int_equal(f->w.n_slow, 1);
  /* between cycles, the engine moves it on; it waits for the next cycle */
  assert_int_equal(mde_engine_carry(f->e, f->w.mono_ms + 1000), 0);
  assert_int_equal(f->w.carried_runs, 1);
  cycle(f);
  assert_int_equal(r->carried, 0);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_int_equal(r->timed_out, 0);
  assert_int_equal(r->alerts_valid, 1);
  assert_int_equal(counted(r), 7);
  /* the page was asked for once: the carried answer is the one used */
  assert_int_equal(fw_count(&f->w, FW_ALERTS, 0, 0), 1);
}

/* Without the flag (check_mde's one-shot cycles), the deadline cuts. */
static void without_the_flag_the_deadline_cuts(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 7;
  t->ov[FW_ALERTS] = (struct fw_override){.slow = 1, .times = 1};
  int i = add(f, "contoso", CONTOSO);
  fw_cycle(&f->w, f->e, 10);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(r->carried, 0);
  /* its peer was slower than the cycle, and nothing of it waited
   * unread: the network's or the service's failure */
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  assert_int_equal(r->timed_out, 1);
  assert_int_equal(f->w.n_slow, 0);
}

/* Still arriving at the second deadline: cut then, a network failure
 * (its peer was slower than two cycles, and this process kept up). */
static void a_tenant_is_carried_one_cycle_only(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 7;
  t->ov[FW_ALERTS] = (struct fw_override){.slow = 2, .times = 1};
  int i = add(f, "contoso", CONTOSO);
  cycle(f);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(r->carried, 1);
  assert_int_equal(mde_engine_carry(f->e, f->w.mono_ms + 1000), 1);
  cycle(f);
  assert_int_equal(r->carried, 0);
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  assert_int_equal(r->timed_out, 1);
  assert_int_equal(f->w.n_slow, 0);
  /* and the next cycle starts afresh */
  cycle(f);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_int_equal(counted(r), 7);
}

/* The cycle that goes on from a carried page is not carried again: its
 * next page, slow too, is cut at that cycle's deadline. */
static void the_continuing_cycle_is_not_carried_again(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 30;
  t->page_size = 10;
  t->ov[FW_ALERTS] = (struct fw_override){.slow = 1, .times = 2};
  int i = add(f, "contoso", CONTOSO);
  cycle(f);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(r->carried, 1);
  cycle(f);
  assert_int_equal(r->carried, 0);
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  assert_int_equal(fw_count(&f->w, FW_ALERTS, 0, 0), 2);
}

/* One tenant carried; another, in the same cycle, reports as ever. */
static void other_tenants_report_as_ever(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 7;
  t->ov[FW_ALERTS] = (struct fw_override){.slow = 1, .times = 1};
  fw_tenant(&f->w, FABRIKAM)->alerts = 4;
  int i = add(f, "contoso", CONTOSO);
  int j = add(f, "fabrikam", FABRIKAM);
  cycle(f);
  assert_int_equal(fixture_result(f, i)->carried, 1);
  assert_int_equal(fixture_result(f, j)->carried, 0);
  assert_int_equal(fixture_result(f, j)->failure, MDE_FAIL_NONE);
  assert_int_equal(counted(fixture_result(f, j)), 4);
  cycle(f);
  assert_int_equal(counted(fixture_result(f, i)), 7);
  assert_int_equal(counted(fixture_result(f, j)), 4);
}

/* A tenant slow for ever, with two connections: it is carried on one of
 * them every other cycle, and the others get the other connection every
 * cycle; with one connection nothing is carried (half of one is none),
 * it is cut every cycle, and starts after the others. No starvation. */
static void a_tenant_slow_for_ever_starves_no_one(void **state) {
  struct fixture *f = *state;
  static const char *const ids[] = {CONTOSO, FABRIKAM,
                                    "aaaaaaaa-0000-4000-8000-000000000003"};
  for (int slots = 2; slots >= 1; slots--) {
    fixture_teardown(state);
    fixture_setup(state);
    f = *state;
    f->w.slots = slots;
    for (int k = 0; k < 3; k++) {
      struct fw_tenant *t = fw_tenant(&f->w, ids[k]);
      t->alerts = 3;
      if (k == 0)
        t->ov[FW_ALERTS] = (struct fw_override){.slow = 2, .times = -1};
      add(f, k == 0 ? "slow" : k == 1 ? "fabrikam" : "third", ids[k]);
    }
    int carried = 0, failed = 0;
    for (int c = 0; c < 12; c++) {
      cycle(f);
      /* (a first cycle's hang with one connection is everyone's: no one
       * knew yet; a_hung_tenant_does_not_starve_the_rest) */
      for (int k = 1; k < 3 && (c > 0 || slots > 1); k++) {
        assert_int_equal(fixture_result(f, k)->failure, MDE_FAIL_NONE);
        assert_int_equal(fixture_result(f, k)->carried, 0);
      }
      carried += fixture_result(f, 0)->carried;
      failed += fixture_result(f, 0)->failure == MDE_FAIL_NETWORK;
    }
    if (slots == 2) {
      assert_int_equal(carried, 6); /* carried, then cut: a failure said */
      assert_int_equal(failed, 6);
    } else {
      assert_int_equal(carried, 0);
      assert_int_equal(failed, 12);
    }
  }
}

/* The deadline blames the network only for a peer that was silent: with
 * one connection, held by a tenant whose token request hangs, the others'
 * requests never start; that is the cycle's overrun (the large benchmark's
 * false `network` alarms: thousands of tenants whose requests were queued
 * at the deadline behind pages the plugin was busy reading). */
static void
the_deadline_blames_the_network_only_for_a_silent_peer(void **state) {
  struct fixture *f = *state;
  f->w.slots = 1;
  fw_tenant(&f->w, CONTOSO)->ov[FW_TOKEN] =
      (struct fw_override){.hang = true, .times = -1};
  fw_tenant(&f->w, FABRIKAM);
  int hung = add(f, "hung", CONTOSO);
  int queued = add(f, "queued", FABRIKAM);
  cycle(f);
  const struct mde_tenant_result *r = fixture_result(f, hung);
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  assert_non_null(strstr(r->reason, "cycle deadline reached"));
  r = fixture_result(f, queued);
  assert_int_equal(r->failure, MDE_FAIL_OVERRUN);
  assert_int_equal(r->timed_out, 1);
  assert_non_null(strstr(r->reason, "before the request could start"));
  /* the next cycle, the hung tenant goes last: the other one is served */
  cycle(f);
  assert_int_equal(fixture_result(f, queued)->failure, MDE_FAIL_NONE);
  assert_int_equal(fixture_result(f, hung)->failure, MDE_FAIL_NETWORK);
}

/* A carried tenant's clocks still move: its credential's time left is the
 * cycle's, not the one its request started in. */
static void a_carried_cycle_reads_the_new_clock(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 7;
  t->ov[FW_ALERTS] = (struct fw_override){.slow = 1, .times = 1};
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  c.required_roles = alert_read;
  c.n_required_roles = 1;
  c.probe_roles = 0;
  c.secret_expires = f->w.wall0 + 86400;
  int i = fixture_add(f, &c);
  cycle(f);
  double before = fixture_result(f, i)->credential_ttl;
  cycle(f);
  assert_int_equal(fixture_result(f, i)->carried, 0);
  assert_true(fixture_result(f, i)->credential_ttl < before);
}

/* An answer the memory budget held back while its peer closed the
 * connection (on both tries) is this process's doing: an overrun, not a
 * network failure; the next cycle counts. A reset is the network's, and
 * so is a page past its cap, held back or not. */
static void an_answer_the_budget_held_back_is_not_the_networks(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 5;
  t->ov[FW_ALERTS] = (struct fw_override){.dropped = true, .times = 1};
  struct fw_tenant *u = fw_tenant(&f->w, FABRIKAM);
  u->alerts = 5;
  u->ov[FW_ALERTS] = (struct fw_override){.reset = true, .times = 1};
  const char *big = "aaaaaaaa-0000-4000-8000-000000000003";
  struct fw_tenant *v = fw_tenant(&f->w, big);
  v->ov[FW_ALERTS] =
      (struct fw_override){.dropped = true, .oversized = true, .times = 1};
  int i = add(f, "contoso", CONTOSO), j = add(f, "fabrikam", FABRIKAM);
  int k = add(f, "big", big);
  cycle(f);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_OVERRUN);
  assert_non_null(strstr(fixture_result(f, i)->reason, "transfer closed"));
  assert_int_equal(fixture_result(f, j)->failure, MDE_FAIL_NETWORK);
  assert_int_equal(fixture_result(f, k)->failure, MDE_FAIL_NETWORK);
  cycle(f);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_int_equal(counted(fixture_result(f, i)), 5);
}

/* Nothing carried: the engine's between-cycles run returns at once. */
static void nothing_carried_nothing_to_run(void **state) {
  struct fixture *f = *state;
  fw_tenant(&f->w, CONTOSO)->alerts = 2;
  add(f, "contoso", CONTOSO);
  cycle(f);
  assert_int_equal(mde_engine_carry(f->e, f->w.mono_ms + 1000), 0);
  mde_engine_wake(f->e);
  assert_int_equal(f->w.wakes, 1);
}

#define T(name)                                                                \
  cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(a_slow_page_is_carried_and_counted_next_cycle),
      T(the_deadline_blames_the_network_only_for_a_silent_peer),
      T(without_the_flag_the_deadline_cuts),
      T(a_tenant_is_carried_one_cycle_only),
      T(the_continuing_cycle_is_not_carried_again),
      T(other_tenants_report_as_ever),
      T(a_tenant_slow_for_ever_starves_no_one),
      T(a_carried_cycle_reads_the_new_clock),
      T(nothing_carried_nothing_to_run),
      T(an_answer_the_budget_held_back_is_not_the_networks),
  };
  return cmocka_run_group_tests_name("engine carry", tests, NULL, NULL);
}
