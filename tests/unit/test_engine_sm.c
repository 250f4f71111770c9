/* SPDX-License-Identifier: MIT */
/* The engine's state machine on a scripted clock and transport
 * (fakeworld.h): whole tenant life cycles — backoff, throttling, paging
 * across cycles, staleness, re-authentication — in milliseconds. Each test
 * names the defect it guards against; the real end-to-end behaviour is in
 * tests/integration/itest_engine.c. */
#include "assert_near.h"
#include "engine_fixture.h"
#include "fakeworld.h"
#include "testkeys.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define CONTOSO "aaaaaaaa-0000-4000-8000-000000000001"
#define FABRIKAM "aaaaaaaa-0000-4000-8000-000000000002"

/* A tenant of the fake world with Alert.Read.All required. */
static int contoso(struct fixture *f, long alerts_interval) {
  return fixture_add_reader(f, "contoso", CONTOSO, alerts_interval);
}

static uint32_t total(const struct mde_tenant_result *r) {
  uint32_t n = 0;
  for (int s = 0; s < MDE_STATUS_COUNT; s++)
    for (int v = 0; v < MDE_SEVERITY_COUNT; v++)
      n += r->alerts[s][v];
  return n;
}

/* Item 1: a sync that needs more calls than one cycle's budget resumes
 * where it stopped, fetching each page once, and reports its counts only
 * when complete. */
static void a_large_sync_resumes_across_cycles(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 60;
  t->page_size = 2; /* 30 pages: three times the minute's burst */
  int i = contoso(f, 300);
  int cycles = 0;
  while (!fixture_result(f, i)->alerts_valid && cycles < 40) {
    fw_cycle(&f->w, f->e, 10);
    cycles++;
    if (!fixture_result(f, i)->alerts_valid) {
      assert_int_equal(fixture_result(f, i)->alerts_complete, 0);
      assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
    }
  }
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_true(r->alerts_valid);
  assert_int_equal(r->alerts_complete, 1);
  assert_int_equal(total(r), 60);
  assert_int_equal(r->alerts[MDE_STATUS_NEW][MDE_SEVERITY_HIGH], 60);
  assert_true(cycles > 1); /* it did span cycles */
  assert_int_equal(fw_count(&f->w, FW_ALERTS, 0, 0), 30); /* no restart */
}

/* Item 1: a first sync that cannot finish within SYNC_INCOMPLETE_CYCLES
 * says so, and clears once it completes. */
static void a_sync_that_will_not_end_is_reported(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 400;
  t->page_size = 2; /* 200 pages: more than the hour's burst of 150 */
  int i = contoso(f, 300);
  for (int c = 0; c < 10; c++) {
    fw_cycle(&f->w, f->e, 10);
    assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  }
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_SYNC_INCOMPLETE);
  assert_int_equal(fixture_result(f, i)->alerts_complete, 0);
  assert_false(fixture_result(f, i)->alerts_valid);
  assert_non_null(strstr(fixture_result(f, i)->reason, "not complete"));
  int c = 0;
  while (!fixture_result(f, i)->alerts_valid && c++ < 200)
    fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->alerts_valid);
  assert_int_equal(total(fixture_result(f, i)), 400);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_int_equal(fw_count(&f->w, FW_ALERTS, 0, 0), 200);
}

/* Item 2: counts stop being reported once the last completed sync is
 * older than two alerts intervals and a cycle; their age is reported. */
static void stale_counts_are_not_reported(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 5;
  int i = contoso(f, 60);
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->alerts_valid);
  assert_near(fixture_result(f, i)->alerts_age, 0, 0.001);
  t->ov[FW_ALERTS] = (struct fw_override){
      .status = 503, .body = "{}", .retry_after = -1, .times = -1};
  int valid_cycles = 0;
  for (int c = 0; c < 20; c++) {
    fw_cycle(&f->w, f->e, 10);
    const struct mde_tenant_result *r = fixture_result(f, i);
    if (r->alerts_valid) {
      valid_cycles++;
      assert_true(r->alerts_age <= 2 * 60 + 10);
    } else {
      assert_true(r->alerts_age > 2 * 60 + 10);
    }
  }
  /* ages 10 .. 130 s are current: 13 cycles, then a gap */
  assert_int_equal(valid_cycles, 13);
  assert_near(fixture_result(f, i)->alerts_age, 200, 0.001);
  t->ov[FW_ALERTS].times = 0; /* the API heals */
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->alerts_valid);
  assert_near(fixture_result(f, i)->alerts_age, 0, 0.001);
}

/* Item 2: a full resync spanning several cycles keeps the counts current
 * through incremental syncs. */
static void a_long_full_resync_keeps_counts_fresh(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 60;
  t->page_size = 2;
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  c.alerts_interval = 20;
  c.full_resync_interval = 900;
  c.probe_roles = 0;
  int i = fixture_add(f, &c);
  int n = 0;
  while (!fixture_result(f, i)->alerts_valid && n++ < 40)
    fw_cycle(&f->w, f->e, 10);
  int first = f->w.n_log;
  for (int k = 0; k < 150; k++) { /* 25 minutes: a resync happens */
    fw_cycle(&f->w, f->e, 10);
    assert_true(fixture_result(f, i)->alerts_valid);
    assert_true(fixture_result(f, i)->alerts_age <= 2 * 20 + 10);
    assert_int_equal(total(fixture_result(f, i)), 60);
  }
  /* the resync fetched all 30 pages again, beside incremental syncs */
  assert_true(fw_count(&f->w, FW_ALERTS, 0, first) >= 30 + 40);
}

/* The incremental sync right after a full one asks from when the full one
 * began (updates made while it ran may be older than the newest alert it
 * saw); the ones after it from the newest update, less the overlap. */
static void incremental_syncs_ask_from_the_right_time(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 3; /* updated 2026-11-01, after the clock's 2026-09-21 */
  int i = contoso(f, 60);
  for (int c = 0; c < 13; c++)
    fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->alerts_valid);
  const char *since[3] = {NULL, NULL, NULL};
  int n = 0;
  for (int k = 0; k < f->w.n_log && n < 3; k++)
    if (f->w.log[k].ep == FW_ALERTS) {
      const char *ge = strstr(f->w.log[k].url, "+ge+");
      since[n++] = ge ? ge + 4 : "";
    }
  assert_int_equal(n, 3);
  assert_string_equal(since[0], ""); /* the first sync is a full one */
  assert_non_null(strstr(since[1], "2026-09-2"));
  if (strncmp(since[2], "2026-10-31T", 11) != 0)
    fail_msg("the second incremental sync asks from %s", since[2]);
}

/* Item 3: a request the deadline cut, or one with no answer, has no
 * latency to report. */
static void no_answer_no_latency(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  int i = contoso(f, 300);
  t->ov[FW_TOKEN] = (struct fw_override){.hang = true, .times = 1};
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NETWORK);
  assert_true(fixture_result(f, i)->timed_out);
  assert_false(fixture_result(f, i)->token_timing_valid);
  t->ov[FW_TOKEN] = (struct fw_override){.reset = true, .times = 1};
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NETWORK);
  assert_false(fixture_result(f, i)->token_timing_valid);
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->token_timing_valid);
  assert_near(fixture_result(f, i)->token_time.total, 0.020, 0.0001);
  assert_true(fixture_result(f, i)->api_timing_valid);
  assert_false(fixture_result(f, i)->timed_out);
  /* the next cycle asks for nothing (the token is cached, the alerts are
   * not due): no latency either */
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_false(fixture_result(f, i)->token_timing_valid);
  assert_false(fixture_result(f, i)->api_timing_valid);
}

/* Item 4: a 403 from the API, then 200s: permissions follow what the API
 * says now, without waiting for a new token. */
static void permission_follows_the_api(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->roles[1] = "Machine.Read.All";
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  const char *roles[] = {"Alert.Read.All", "Machine.Read.All"};
  c.required_roles = roles;
  c.n_required_roles = 2;
  int i = fixture_add(f, &c);
  t->ov[FW_MACHINES] = (struct fw_override){
      .status = 403,
      .body = "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Missing "
              "application roles. API required roles: Machine.Read.All\"}}",
      .retry_after = -1,
      .times = 1};
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_PERMISSION_MISSING);
  assert_int_equal(fixture_result(f, i)->permissions, 0);
  assert_int_equal(fixture_result(f, i)->missing_roles.n, 1);
  assert_string_equal(fixture_result(f, i)->missing_roles.v[0],
                      "Machine.Read.All");
  int tokens = fw_count(&f->w, FW_TOKEN, -1, 0);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, -1, 0), tokens); /* cached */
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_int_equal(fixture_result(f, i)->permissions, 1);
  assert_int_equal(fixture_result(f, i)->missing_roles.n, 0);
}

/* A 403's reason is the API's message, however short; its code only
 * when there is no message. */
static void a_refusal_gives_the_apis_message(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  int i = contoso(f, 300);
  static const char *const bodies[] = {
      "{\"error\":{\"code\":\"Forbidden\",\"message\":\"x\"}}",
      "{\"error\":{\"code\":\"Forbidden\",\"message\":\"\"}}"};
  static const char *const ends[] = {"): x", "): Forbidden"};
  for (int k = 0; k < 2; k++) {
    t->ov[FW_ALERTS] = (struct fw_override){
        .status = 403, .body = bodies[k], .retry_after = -1, .times = 1};
    f->w.mono_ms += 300 * 1000; /* the next alerts sync is due */
    fw_cycle(&f->w, f->e, 10);
    const char *reason = fixture_result(f, i)->reason;
    assert_int_equal(fixture_result(f, i)->failure,
                     MDE_FAIL_PERMISSION_MISSING);
    size_t n = strlen(reason), m = strlen(ends[k]);
    if (n < m || strcmp(reason + n - m, ends[k]) != 0)
      fail_msg("reason \"%s\" does not end in \"%s\"", reason, ends[k]);
  }
}

/* Item 5: X.ReadWrite.Y satisfies a required X.Read.Y everywhere. */
static void readwrite_grants_read(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->roles[0] = "Alert.ReadWrite.All";
  t->roles[1] = "Machine.ReadWrite.All";
  t->alerts = 3;
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  const char *roles[] = {"Alert.Read.All", "Machine.Read.All"};
  c.required_roles = roles;
  c.n_required_roles = 2;
  int i = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_int_equal(r->permissions, 1);
  assert_int_equal(r->missing_roles.n, 0);
  assert_true(r->alerts_valid);
  assert_int_equal(total(r), 3);
  assert_int_equal(fw_count(&f->w, FW_MACHINES, 0, 0), 1); /* probed */
}

/* Item 7: a Retry-After far in the future is clamped, not overflowed. */
static void a_huge_retry_after_is_clamped(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  int i = contoso(f, 60);
  t->ov[FW_ALERTS] = (struct fw_override){
      .status = 429, .body = "{}", .retry_after = 3600, .times = 1};
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_THROTTLED);
  assert_near(fixture_result(f, i)->retry_after, 3600, 0.5);
  int from = f->w.n_log;
  int cycles = 0;
  while (fw_count(&f->w, FW_ALERTS, 0, from) == 0 && cycles++ < 1000)
    fw_cycle(&f->w, f->e, 10);
  /* not one call before the hour (and a second) is over, none long after */
  int64_t waited = f->w.log[f->w.n_log - 1].ms - f->w.log[from - 1].ms;
  assert_true(waited >= 3601000 && waited <= 3611000);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
}

/* Item 8: an API that keeps answering 401 gets one re-acquired token, then
 * a backoff that doubles — not a new token every cycle. */
static void a_401_loop_backs_off(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  int i = contoso(f, 60);
  t->ov[FW_ALERTS] = (struct fw_override){
      .status = 401, .body = "{}", .retry_after = -1, .times = -1};
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_TOKEN_INVALID);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, 0), 2); /* one re-acquire */
  for (int c = 0; c < 360; c++) /* an hour of 10 s cycles */
    fw_cycle(&f->w, f->e, 10);
  /* 60 + 120 + 240 + 480 + 960 + 1800 s: six more tries in the hour */
  int tokens = fw_count(&f->w, FW_TOKEN, 0, 0);
  assert_true(tokens >= 7 && tokens <= 9);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_TOKEN_INVALID);
  t->ov[FW_ALERTS].times = 0; /* the API accepts tokens again */
  for (int c = 0; c < 200 && fixture_result(f, i)->failure != MDE_FAIL_NONE;
       c++)
    fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
}

/* Backoff after a failure nobody fixed: 60 s, doubling, capped at
 * BackoffCap; each token request exactly when its backoff ends. */
static void backoff_doubles_up_to_the_cap(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  c.backoff_cap = 600;
  int i = fixture_add(f, &c);
  t->ov[FW_TOKEN] = (struct fw_override){
      .status = 401,
      .body = "{\"error\":\"invalid_client\",\"error_description\":"
              "\"AADSTS7000215: Invalid client secret provided.\","
              "\"error_codes\":[7000215]}",
      .retry_after = -1,
      .times = -1};
  for (int s = 0; s < 3000; s++) /* 50 minutes of 1 s cycles */
    fw_cycle(&f->w, f->e, 1);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_SECRET_INVALID);
  static const int64_t gaps[] = {60, 120, 240, 480, 600, 600, 600};
  int k = 0;
  int64_t prev = -1;
  for (int n = 0; n < f->w.n_log; n++) {
    if (f->w.log[n].ep != FW_TOKEN)
      continue;
    if (prev >= 0) {
      assert_true(k < 7);
      assert_int_equal((f->w.log[n].ms - prev) / 1000, gaps[k]);
      k++;
    }
    prev = f->w.log[n].ms;
  }
  assert_int_equal(k, 7);
}

/* A token endpoint's 429: no token request before Retry-After ends. */
static void token_retry_after_is_honoured(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  int i = contoso(f, 300);
  t->ov[FW_TOKEN] = (struct fw_override){.status = 429,
                                         .body = "Too many requests",
                                         .retry_after = 30,
                                         .times = 1};
  fw_cycle(&f->w, f->e, 1);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_THROTTLED);
  for (int s = 0; s < 30; s++) {
    fw_cycle(&f->w, f->e, 1);
    assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, 0), 1);
    assert_true(fixture_result(f, i)->backoff);
    assert_true(fixture_result(f, i)->throttled); /* still, while it waits */
    assert_true(fixture_result(f, i)->retry_after == 30 - s);
  }
  fw_cycle(&f->w, f->e, 1);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, 0), 2);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
}

/* Item 9: with one connection and a hung tenant, every other tenant still
 * gets its turn. */
static void a_hung_tenant_does_not_starve_the_rest(void **state) {
  struct fixture *f = *state;
  f->w.slots = 1;
  static const char *const ids[] = {"aaaaaaaa-0000-4000-8000-000000000011",
                                    "aaaaaaaa-0000-4000-8000-000000000012",
                                    "aaaaaaaa-0000-4000-8000-000000000013",
                                    "aaaaaaaa-0000-4000-8000-000000000014"};
  int idx[4];
  for (int k = 0; k < 4; k++) {
    struct fw_tenant *t = fw_tenant(&f->w, ids[k]);
    if (k == 0)
      t->ov[FW_TOKEN] = (struct fw_override){.hang = true, .times = -1};
    char name[16];
    snprintf(name, sizeof name, "t%d", k);
    struct mde_tenant_config c = fw_config(&f->w, name, ids[k], NULL);
    idx[k] = fixture_add(f, &c);
  }
  for (int c = 0; c < 3; c++)
    fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, idx[0])->failure, MDE_FAIL_NETWORK);
  for (int k = 1; k < 4; k++) {
    assert_int_equal(fixture_result(f, idx[k])->failure, MDE_FAIL_NONE);
    assert_true(fixture_result(f, idx[k])->token_valid);
  }
  /* it answers again: last in line, it still gets its turn */
  f->w.t[0].ov[FW_TOKEN].times = 0;
  for (int c = 0; c < 3; c++)
    fw_cycle(&f->w, f->e, 10);
  for (int k = 0; k < 4; k++)
    assert_int_equal(fixture_result(f, idx[k])->failure, MDE_FAIL_NONE);
  assert_true(fixture_result(f, idx[0])->token_valid);
}

/* Item 10: a domain's tenant GUID comes from discovery, once, and a token
 * for another tenant is refused. */
static void a_domain_is_pinned_by_discovery(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  snprintf(t->domain, sizeof t->domain, "contoso.example.com");
  struct fw_tenant *other = fw_tenant(&f->w, FABRIKAM);
  snprintf(other->domain, sizeof other->domain, "fabrikam.example.com");
  snprintf(other->token_tid, sizeof other->token_tid, "%s", CONTOSO);
  struct mde_tenant_config c =
      fw_config(&f->w, "contoso", "contoso.example.com", NULL);
  int i = fixture_add(f, &c);
  struct mde_tenant_config d =
      fw_config(&f->w, "fabrikam", "fabrikam.example.com", NULL);
  int j = fixture_add(f, &d);
  for (int k = 0; k < 3; k++)
    fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_string_equal(fixture_result(f, i)->tenant_id, CONTOSO);
  assert_int_equal(fw_count(&f->w, FW_DISCOVERY, 0, 0), 1);
  /* fabrikam's tokens claim contoso's tid: refused, not adopted */
  assert_int_equal(fixture_result(f, j)->failure, MDE_FAIL_TOKEN_INVALID);
  assert_false(fixture_result(f, j)->token_valid);
  assert_string_equal(fixture_result(f, j)->tenant_id, FABRIKAM);
}

/* A nextLink to a host that is not a Defender API host of the tenant's
 * cloud is refused: the bearer token never goes there. */
static void a_next_link_elsewhere_is_not_followed(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->alerts = 4;
  t->page_size = 2;
  t->next_base = "https://api.example.evil.com";
  int i = contoso(f, 300);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_PROTOCOL);
  assert_non_null(strstr(fixture_result(f, i)->reason, "nextLink"));
  assert_false(fixture_result(f, i)->alerts_valid);
  for (int n = 0; n < f->w.n_log; n++)
    assert_null(strstr(f->w.log[n].url, "evil"));
  assert_int_equal(fw_count(&f->w, FW_ALERTS, 0, 0), 1);
}

/* A token that is no JWT: used unchecked, never blind, reported each
 * cycle as token_opaque; the API decides. */
static void an_opaque_token_is_used_and_reported(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->opaque = true;
  t->alerts = 7;
  int i = contoso(f, 300);
  for (int c = 0; c < 3; c++) {
    fw_cycle(&f->w, f->e, 10);
    assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_TOKEN_OPAQUE);
    assert_true(fixture_result(f, i)->alerts_valid);
    assert_int_equal(total(fixture_result(f, i)), 7);
  }
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, 0), 1); /* cached */
  assert_int_equal(fw_count(&f->w, FW_KEYS, -1, 0), 0); /* nothing to check */
  t->ov[FW_ALERTS] = (struct fw_override){
      .status = 403,
      .body = "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Missing "
              "application roles. API required roles: Alert.Read.All\"}}",
      .retry_after = -1,
      .times = -1};
  f->w.mono_ms += 300 * 1000; /* the next alerts sync is due */
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_PERMISSION_MISSING);
  assert_int_equal(fixture_result(f, i)->permissions, 0);
}

/* The v1 issuer a token must carry comes from the tenant's discovery
 * document, not from an assumption about the cloud. */
static void the_issuer_comes_from_discovery(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  t->issuer = "https://login.example.us";
  struct fw_tenant *u = fw_tenant(&f->w, FABRIKAM);
  u->issuer = "https://login.example.us";
  u->token_issuer = "https://sts.windows.net";
  int i = contoso(f, 300);
  struct mde_tenant_config c = fw_config(&f->w, "fabrikam", FABRIKAM, NULL);
  int j = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_true(fixture_result(f, i)->token_valid);
  assert_int_equal(fixture_result(f, j)->failure, MDE_FAIL_TOKEN_INVALID);
  assert_non_null(strstr(fixture_result(f, j)->reason, "iss"));
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_DISCOVERY, 0, 0), 1); /* pinned */
}

static char *write_file(const char *dir, const char *name, const char *text,
                        mode_t mode) {
  char *path = malloc(512);
  snprintf(path, 512, "%s/%s", dir, name);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
  chmod(path, mode);
  return path;
}

/* A ClientKey opened to others while the engine runs is seen at the next
 * cycle, and the tenant stops using the key (credential_unusable). */
static void a_key_file_opened_to_others_is_refused(void **state) {
  struct fixture *f = *state;
  fw_tenant(&f->w, CONTOSO);
  char dir[] = "/tmp/mde-sm-XXXXXX";
  assert_non_null(mkdtemp(dir));
  X509 *x = tk_cert(f->w.key, f->w.wall0 - 3600, f->w.wall0 + 86400 * 365);
  char *cert_pem = tk_cert_pem(x), *key_pem = tk_key_pem(f->w.key, NULL);
  char *cert = write_file(dir, "cert.pem", cert_pem, 0644);
  char *key = write_file(dir, "key.pem", key_pem, 0600);
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  c.secret_env = NULL;
  c.cert_file = cert;
  c.key_file = key;
  int i = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_int_equal(chmod(key, 0644), 0);
  int tokens = fw_count(&f->w, FW_TOKEN, -1, 0);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(fixture_result(f, i)->reason, "key.pem"));
  assert_false(fixture_result(f, i)->token_valid);
  f->w.mono_ms += 3600 * 1000; /* long after: still no token asked for */
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, -1, 0), tokens);
  unlink(cert);
  unlink(key);
  rmdir(dir);
  free(cert);
  free(key);
  free(cert_pem);
  free(key_pem);
  X509_free(x);
}

/* Discovery refused (a tenant of another cloud asked on the public host):
 * the token endpoint's answer names the cause; a token is never accepted
 * for a tenant discovery did not describe. */
static void a_refused_discovery_defers_to_the_token_endpoint(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  static const char not_found[] =
      "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS90002: "
      "Tenant not found.\",\"error_codes\":[90002]}";
  t->ov[FW_DISCOVERY] = (struct fw_override){
      .status = 400, .body = not_found, .retry_after = -1, .times = -1};
  t->ov[FW_TOKEN] = (struct fw_override){
      .status = 400,
      .body = "{\"error\":\"invalid_request\",\"error_description\":"
              "\"AADSTS900382: Confidential Client is not supported in Cross "
              "Cloud request.\",\"error_codes\":[900382]}",
      .retry_after = -1,
      .times = 1};
  int i = contoso(f, 300);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_CLOUD_MISMATCH);
  assert_int_equal(fixture_result(f, i)->aadsts, 900382);
  /* the token endpoint now issues a token: still not accepted */
  f->w.mono_ms += 3600 * 1000;
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_TENANT_NOT_FOUND);
  assert_false(fixture_result(f, i)->token_valid);
  assert_int_equal(fw_count(&f->w, FW_ALERTS, -1, 0), 0);
}

/* A cycle's result is its own: the trace, correlation id and timestamp of
 * the last cycle's Entra error are gone once the tenant recovers. */
static void a_recovered_tenant_keeps_no_old_trace(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  int i = contoso(f, 300);
  t->ov[FW_TOKEN] = (struct fw_override){
      .status = 401,
      .body = "{\"error\":\"invalid_client\",\"error_description\":"
              "\"AADSTS7000215: Invalid client secret provided.\","
              "\"error_codes\":[7000215],\"timestamp\":\"2026-09-21 "
              "00:00:00Z\",\"trace_id\":\"tr-1\",\"correlation_id\":\"co-1\"}",
      .retry_after = -1,
      .times = 1};
  fw_cycle(&f->w, f->e, 30);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(r->failure, MDE_FAIL_SECRET_INVALID);
  assert_int_equal(r->aadsts, 7000215);
  assert_string_equal(r->trace_id, "tr-1");
  assert_string_equal(r->correlation_id, "co-1");
  assert_string_equal(r->timestamp, "2026-09-21 00:00:00Z");
  assert_false(r->backoff);
  fw_cycle(&f->w, f->e, 31); /* within the backoff of 60 s */
  assert_int_equal(r->failure, MDE_FAIL_SECRET_INVALID);
  assert_true(r->backoff);
  assert_false(r->throttled); /* a backoff, not a throttle */
  assert_true(r->retry_after == 0);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, 0), 2);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_false(r->backoff);
  assert_int_equal(r->aadsts, 0);
  assert_string_equal(r->trace_id, "");
  assert_string_equal(r->correlation_id, "");
  assert_string_equal(r->timestamp, "");
}

/* A secret's configured expiry counts down with the wall clock; with none
 * configured the time left is unknown (NaN), not 0. */
static void a_known_secret_expiry_counts_down(void **state) {
  struct fixture *f = *state;
  fw_tenant(&f->w, CONTOSO);
  fw_tenant(&f->w, FABRIKAM);
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  time_t now = f->w.wall0 + (time_t)(f->w.mono_ms / 1000); /* the fake's */
  c.secret_expires = now + 30 * 86400;
  c.probe_roles = 0;
  int i = fixture_add(f, &c);
  struct mde_tenant_config d = fw_config(&f->w, "fabrikam", FABRIKAM, NULL);
  d.probe_roles = 0;
  int j = fixture_add(f, &d);
  /* (not assert_float_equal: cmocka's passes a NaN) */
  fw_cycle(&f->w, f->e, 3600);
  assert_true(fixture_result(f, i)->credential_ttl == 30 * 86400);
  assert_true(isnan(fixture_result(f, j)->credential_ttl));
  fw_cycle(&f->w, f->e, 10);
  assert_true(fixture_result(f, i)->credential_ttl == 30 * 86400 - 3600);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
}

/* A recovery forgets the failures before it: the next failure backs off
 * 60 s again, then 120 s, not where the last run of failures stopped. */
static void backoff_starts_over_after_a_recovery(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  int i = contoso(f, 300);
  static const struct fw_override bad_secret = {
      .status = 401,
      .body = "{\"error\":\"invalid_client\",\"error_description\":"
              "\"AADSTS7000215: Invalid client secret provided.\","
              "\"error_codes\":[7000215]}",
      .retry_after = -1,
      .times = 1};
  t->ov[FW_TOKEN] = bad_secret;
  fw_cycle(&f->w, f->e, 61);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_SECRET_INVALID);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  f->w.mono_ms += 3600 * 1000; /* the token has expired */
  t->ov[FW_TOKEN] = bad_secret;
  t->ov[FW_TOKEN].times = -1;
  int from = f->w.n_log;
  for (int s = 0; s < 200; s++)
    fw_cycle(&f->w, f->e, 1);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_SECRET_INVALID);
  int64_t at[3];
  int n = 0;
  for (int k = from; k < f->w.n_log && n < 3; k++)
    if (f->w.log[k].ep == FW_TOKEN)
      at[n++] = f->w.log[k].ms;
  assert_int_equal(n, 3);
  assert_int_equal((at[1] - at[0]) / 1000, 60);
  assert_int_equal((at[2] - at[1]) / 1000, 120);
}

/* What mde_engine_add accepts as a tenant: a GUID, or a domain name of at
 * most 253 characters (letters, digits, '-', '.'); TokenVersion 1 or 2. */
static void tenant_names_and_token_versions_are_checked(void **state) {
  struct fixture *f = *state;
  char longest[254], too_long[255];
  memset(longest, 'a', sizeof longest - 1);
  memcpy(longest + sizeof longest - 13, ".example.com", 12);
  longest[sizeof longest - 1] = '\0';
  memset(too_long, 'a', sizeof too_long - 1);
  memcpy(too_long + sizeof too_long - 13, ".example.com", 12);
  too_long[sizeof too_long - 1] = '\0';
  static const struct {
    const char *tenant;
    int version, ok;
  } cases[] = {
      {"c0ntoso-9.example.com", 2, 1},
      {NULL, 2, 1}, /* longest */
      {NULL, 2, 0}, /* too_long */
      {"contoso_x.example.com", 2, 0},
      {"contoso", 2, 0},
      {CONTOSO, 1, 1},
      {CONTOSO, 0, 1},
      {CONTOSO, 3, 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char name[16], err[512] = "";
    snprintf(name, sizeof name, "t%zu", k);
    struct mde_tenant_config c = fw_config(&f->w, name,
                                           cases[k].tenant ? cases[k].tenant
                                           : k == 1        ? longest
                                                           : too_long,
                                           NULL);
    c.token_version = cases[k].version;
    int i = mde_engine_add(f->e, &c, err, sizeof err);
    if (cases[k].ok && i < 0)
      fail_msg("case %zu refused: %s", k, err);
    if (!cases[k].ok && (i >= 0 || !strstr(err, name)))
      fail_msg("case %zu: %d, \"%s\"", k, i, err);
  }
}

/* Two names for one tenant share its key set: fetched once, not once per
 * name. */
/* A request the transport cannot take (out of memory) fails the tenant
 * at once as internal, naming it, instead of leaving it waiting for an
 * answer that will never come; the next cycle tries again. */
static void a_request_that_cannot_be_queued_fails_at_once(void **state) {
  struct fixture *f = *state;
  fw_tenant(&f->w, CONTOSO)->alerts = 3;
  int i = contoso(f, 60);
  f->w.refuse_submit = f->w.submits + 1; /* discovery */
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_INTERNAL);
  assert_non_null(strstr(fixture_result(f, i)->reason, "not queued"));
  f->w.refuse_submit = f->w.submits + 3; /* discovery, token, key set */
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_INTERNAL);
  assert_non_null(strstr(fixture_result(f, i)->reason, "key set request"));
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_int_equal(total(fixture_result(f, i)), 3);
}

/* An AlertsInterval shorter than the budget's sustained gap (one call in
 * 6 s) cannot be kept: counts are judged against what can, so they stay
 * current instead of flickering stale every other poll; and a failing API
 * still makes them stale within two such gaps and a cycle. */
static void alerts_polled_faster_than_the_budget_stay_current(void **state) {
  struct fixture *f = *state;
  fw_tenant(&f->w, CONTOSO)->alerts = 3;
  int i = contoso(f, 1);
  int stale = 0;
  for (int k = 0; k < 600; k++) { /* the hour's burst spent by ~160 s */
    fw_cycle(&f->w, f->e, 1);
    assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
    stale += !fixture_result(f, i)->alerts_valid;
  }
  assert_int_equal(stale, 0);
  assert_true(fw_count(&f->w, FW_ALERTS, 0, 0) <= 150 + 600 / 6 + 2);
  fw_tenant(&f->w, CONTOSO)->ov[FW_ALERTS] = (struct fw_override){
      .status = 503, .body = "{}", .retry_after = -1, .times = -1};
  int k = 0;
  while (fixture_result(f, i)->alerts_valid && k++ < 60)
    fw_cycle(&f->w, f->e, 1);
  assert_true(k >= 1 && k <= 2 * 6 + 1);
}

static void one_key_set_per_tenant(void **state) {
  struct fixture *f = *state;
  fw_tenant(&f->w, CONTOSO);
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  struct mde_tenant_config d = fw_config(&f->w, "contoso-2", CONTOSO, NULL);
  int i = fixture_add(f, &c), j = fixture_add(f, &d);
  for (int k = 0; k < 3; k++)
    fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_int_equal(fixture_result(f, j)->failure, MDE_FAIL_NONE);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, 0), 2);
  assert_int_equal(fw_count(&f->w, FW_KEYS, -1, 0), 1);
}

struct log_seen {
  int lines;
  char last[512];
};

static void log_line(void *ctx, enum mde_log_level level, const char *msg) {
  struct log_seen *seen = ctx;
  (void)level;
  seen->lines++;
  snprintf(seen->last, sizeof seen->last, "%s", msg);
}

/* The log callback gets the context it was given. */
static void the_log_gets_its_context(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  snprintf(t->domain, sizeof t->domain, "contoso.example.com");
  struct log_seen seen = {0};
  struct mde_engine_options o = {.clock = &f->w.clock,
                                 .transport = &f->w.transport,
                                 .log = log_line,
                                 .log_ctx = &seen};
  char err[256];
  struct mde_engine *e = mde_engine_new(&o, err, sizeof err);
  assert_non_null(e);
  struct mde_tenant_config c =
      fw_config(&f->w, "contoso", "contoso.example.com", NULL);
  assert_int_equal(mde_engine_add(e, &c, err, sizeof err), 0);
  fw_cycle(&f->w, e, 10);
  assert_int_equal(seen.lines, 1);
  assert_string_equal(
      seen.last, "tenant \"contoso\": contoso.example.com is tenant " CONTOSO);
  mde_engine_free(e);
}

/* A secret file rewritten during a backoff is tried at once, and if it is
 * refused too the backoff starts over at 60 s: someone acted. */
static void a_new_secret_file_starts_the_backoff_over(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  char dir[] = "/tmp/mde-sm-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char *secret = write_file(dir, "secret", "first-secret\n", 0600);
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  c.secret_env = NULL;
  c.secret_file = secret;
  c.probe_roles = 0;
  int i = fixture_add(f, &c);
  t->ov[FW_TOKEN] = (struct fw_override){
      .status = 401,
      .body = "{\"error\":\"invalid_client\",\"error_description\":"
              "\"AADSTS7000215: Invalid client secret provided.\","
              "\"error_codes\":[7000215]}",
      .retry_after = -1,
      .times = -1};
  for (int s = 0; s < 200; s++) /* tries at 0, 60 and 180 s */
    fw_cycle(&f->w, f->e, 1);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, 0), 3);
  free(write_file(dir, "secret", "the-second-secret\n", 0600));
  int from = f->w.n_log;
  fw_cycle(&f->w, f->e, 1);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, from), 1); /* at once */
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_SECRET_INVALID);
  for (int s = 0; s < 60; s++) {
    assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, from), 1);
    fw_cycle(&f->w, f->e, 1);
  }
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, from), 2); /* 60 s later */
  unlink(secret);
  rmdir(dir);
  free(secret);
}

/* A token signed with a key id the key set lacks, fetched less than
 * KeyRefetchInterval ago, is no proof of a bad token (Entra may have
 * rotated its keys): it waits, unused; the keys are not fetched again
 * early; the reason says how old they are and when they will be. */
static void an_unknown_key_waits_for_the_refetch(void **state) {
  struct fixture *f = *state;
  struct fw_tenant *t = fw_tenant(&f->w, CONTOSO);
  struct mde_engine_options o = {.clock = &f->w.clock,
                                 .transport = &f->w.transport,
                                 .jwks_refetch_interval = 7200};
  char err[256];
  struct mde_engine *e = mde_engine_new(&o, err, sizeof err);
  assert_non_null(e);
  struct mde_tenant_config c = fw_config(&f->w, "contoso", CONTOSO, NULL);
  c.probe_roles = 0;
  assert_int_equal(mde_engine_add(e, &c, err, sizeof err), 0);
  fw_cycle(&f->w, e, 10);
  const struct mde_tenant_result *r = mde_engine_result(e, 0);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  t->kid = "rotated";
  f->w.mono_ms += 3590 * 1000; /* the token has expired; the keys are 1 h old */
  int from = f->w.n_log;
  fw_cycle(&f->w, e, 10);
  assert_int_equal(fw_count(&f->w, FW_TOKEN, 0, from), 1);
  assert_int_equal(fw_count(&f->w, FW_KEYS, -1, 0), 1);
  assert_int_equal(fw_count(&f->w, FW_ALERTS, -1, from), 0);
  assert_int_equal(r->failure, MDE_FAIL_AUTH_SERVICE);
  if (!strstr(r->reason, " fetched 3600s ago: Entra rotated its keys; they "
                         "are fetched again in 3600s (KeyRefetchInterval)"))
    fail_msg("reason: %s", r->reason);
  mde_engine_free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(a_large_sync_resumes_across_cycles,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_sync_that_will_not_end_is_reported,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(stale_counts_are_not_reported,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_long_full_resync_keeps_counts_fresh,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(incremental_syncs_ask_from_the_right_time,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(no_answer_no_latency, fixture_setup,
                                      fixture_teardown),
      cmocka_unit_test_setup_teardown(permission_follows_the_api, fixture_setup,
                                      fixture_teardown),
      cmocka_unit_test_setup_teardown(a_refusal_gives_the_apis_message,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(readwrite_grants_read, fixture_setup,
                                      fixture_teardown),
      cmocka_unit_test_setup_teardown(a_huge_retry_after_is_clamped,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_401_loop_backs_off, fixture_setup,
                                      fixture_teardown),
      cmocka_unit_test_setup_teardown(backoff_doubles_up_to_the_cap,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(token_retry_after_is_honoured,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_hung_tenant_does_not_starve_the_rest,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_domain_is_pinned_by_discovery,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_next_link_elsewhere_is_not_followed,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(an_opaque_token_is_used_and_reported,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(the_issuer_comes_from_discovery,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_key_file_opened_to_others_is_refused,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(
          a_refused_discovery_defers_to_the_token_endpoint, fixture_setup,
          fixture_teardown),
      cmocka_unit_test_setup_teardown(a_recovered_tenant_keeps_no_old_trace,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(a_known_secret_expiry_counts_down,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(backoff_starts_over_after_a_recovery,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(
          tenant_names_and_token_versions_are_checked, fixture_setup,
          fixture_teardown),
      cmocka_unit_test_setup_teardown(one_key_set_per_tenant, fixture_setup,
                                      fixture_teardown),
      cmocka_unit_test_setup_teardown(
          alerts_polled_faster_than_the_budget_stay_current, fixture_setup,
          fixture_teardown),
      cmocka_unit_test_setup_teardown(
          a_request_that_cannot_be_queued_fails_at_once, fixture_setup,
          fixture_teardown),
      cmocka_unit_test_setup_teardown(the_log_gets_its_context, fixture_setup,
                                      fixture_teardown),
      cmocka_unit_test_setup_teardown(a_new_secret_file_starts_the_backoff_over,
                                      fixture_setup, fixture_teardown),
      cmocka_unit_test_setup_teardown(an_unknown_key_waits_for_the_refetch,
                                      fixture_setup, fixture_teardown),
  };
  return cmocka_run_group_tests_name("engine state machine", tests, NULL, NULL);
}
