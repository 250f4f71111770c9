/* SPDX-License-Identifier: MIT */
/* plugin/submit.c against a recording fake of collectd (collectd_fake.c):
 * the exact identifiers and values of a result for each value group on and
 * off, the notifications (severity, message, meta with server text
 * escaped) and the boundaries of the edge triggers. The integration
 * scripts check the same contract against a real collectd. */
#include "collectd.h"

#include "collectd_fake.h"
#include "plugin.h"
#include "submit.h"
#include "value_groups.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ALL_GROUPS (VG_DEFAULT | VG_ALERTS_BY_SEV)

static struct tenant_track fresh(unsigned values) {
  return (struct tenant_track){
      .state = -1, .token_time = -1, .api_time = -1, .values = values};
}

/* One healthy tenant with something in every value. */
static void healthy(struct mde_tenant_result *r) {
  memset(r, 0, sizeof *r);
  r->name = "contoso";
  r->token_valid = 1;
  r->consent = 1;
  r->permissions = 1;
  r->token_ttl = 3000;
  r->credential_ttl = 20 * 86400.0;
  r->token_timing_valid = r->api_timing_valid = 1;
  r->token_time.total = 0.25;
  r->api_time.total = 0.5;
  r->codes[0] = (struct mde_status_count){200, 3};
  r->codes[1] = (struct mde_status_count){429, 1};
  r->n_codes = 2;
  r->throttled = 1;
  r->retry_after = 30;
  r->alerts_valid = 1;
  r->alerts_complete = 1;
  r->alerts_age = 12;
  r->alerts[MDE_STATUS_NEW][MDE_SEVERITY_HIGH] = 2;
  r->alerts[MDE_STATUS_RESOLVED][MDE_SEVERITY_HIGH] = 5;
  r->alerts[MDE_STATUS_INPROGRESS][MDE_SEVERITY_LOW] = 1;
  r->machines_valid = 1;
  r->machines_age = 60;
  r->machines.health[MDE_HEALTH_ACTIVE] = 7;
  r->machines.health[MDE_HEALTH_INACTIVE] = 2;
  r->machines.onboarding[MDE_ONBOARDING_ONBOARDED] = 9;
  r->exposure_valid = 1;
  r->exposure_score = 33.5;
  r->token_requests = 4;
  r->api_requests = 9;
  r->alerts_created = 3;
  r->failures[MDE_FAIL_NETWORK] = 2;
  r->failures[MDE_FAIL_NONE] = 6; /* never a value: "none" is no error */
  r->credential_from_graph = 1;
}

struct row {
  unsigned groups; /* dispatched when any of these is selected */
  const char *id, *value;
};

/* What healthy() dispatches, literally, as README's value table names it
 * (alerts by status x severity are added by expected()). */
static const struct row rows[] = {
    {VG_ALERTS | VG_ALERTS_BY_SEV, "contoso/derive-alerts_created", "3"},
    {VG_ALERTS | VG_ALERTS_BY_SEV, "contoso/bool-alerts_complete", "1"},
    {VG_ALERTS | VG_ALERTS_BY_SEV, "contoso/duration-alerts_age", "12"},
    {VG_ALERTS_BY_SEV, "contoso/count-alerts_informational", "0"},
    {VG_ALERTS_BY_SEV, "contoso/count-alerts_low", "1"},
    {VG_ALERTS_BY_SEV, "contoso/count-alerts_medium", "0"},
    {VG_ALERTS_BY_SEV, "contoso/count-alerts_high", "7"},
    {VG_ALERTS_BY_SEV, "contoso/count-alerts_unspecified", "0"},
    {VG_TOKEN, "contoso/bool-token_valid", "1"},
    {VG_TOKEN, "contoso/bool-consent", "1"},
    {VG_TOKEN, "contoso/bool-permissions", "1"},
    {VG_TOKEN, "contoso/count-roles_missing", "0"},
    {VG_TOKEN, "contoso/timeleft-token", "3000"},
    {VG_TOKEN, "contoso/errors-network", "2"},
    {VG_LATENCY, "contoso/response_time-token", "0.25"},
    {VG_LATENCY, "contoso/response_time-api", "0.5"},
    {VG_HTTP, "contoso/http_response_codes-200", "3"},
    {VG_HTTP, "contoso/http_response_codes-429", "1"},
    {VG_HTTP, "contoso/operations-token_requests", "4"},
    {VG_HTTP, "contoso/operations-api_requests", "9"},
    {VG_HTTP, "contoso/count-throttled", "1"},
    {VG_HTTP, "contoso/duration-retry_after", "30"},
    {VG_MACHINES, "contoso/count-machines_health_active", "7"},
    {VG_MACHINES, "contoso/count-machines_health_inactive", "2"},
    {VG_MACHINES, "contoso/count-machines_health_impairedcommunication", "0"},
    {VG_MACHINES, "contoso/count-machines_health_nosensordata", "0"},
    {VG_MACHINES,
     "contoso/count-machines_health_nosensordataimpairedcommunication", "0"},
    {VG_MACHINES, "contoso/count-machines_health_unknown", "0"},
    {VG_MACHINES, "contoso/count-machines_onboarding_onboarded", "9"},
    {VG_MACHINES, "contoso/count-machines_onboarding_canbeonboarded", "0"},
    {VG_MACHINES, "contoso/count-machines_onboarding_unsupported", "0"},
    {VG_MACHINES, "contoso/count-machines_onboarding_insufficientinfo", "0"},
    {VG_MACHINES, "contoso/count-machines_onboarding_unknown", "0"},
    {VG_MACHINES, "contoso/duration-machines_age", "60"},
    {VG_MACHINES, "contoso/gauge-exposure_score", "33.5"},
    {VG_CREDENTIAL, "contoso/timeleft-credential", "1.728e+06"},
};

static const char *const statuses[] = {"new", "inprogress", "resolved",
                                       "unknown"};
static const char *const severities[] = {"informational", "low", "medium",
                                         "high", "unspecified"};

/* Checks that exactly the values of `groups` were dispatched. */
static void expect_exactly(unsigned groups) {
  size_t want = 0;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *got = fake_value(rows[i].id);
    if (rows[i].groups & groups) {
      want++;
      if (!got || strcmp(got, rows[i].value) != 0)
        fail_msg("groups %#x: %s = %s, want %s", groups, rows[i].id,
                 got ? got : "(absent)", rows[i].value);
    } else if (got) {
      fail_msg("groups %#x: %s dispatched, not selected", groups, rows[i].id);
    }
  }
  for (size_t s = 0; s < 4; s++) {
    for (size_t v = 0; v < 5; v++) {
      char id[96];
      snprintf(id, sizeof id, "contoso/count-alerts_%s_%s", statuses[s],
               severities[v]);
      const char *w = s == 0 && v == 3   ? "2"
                      : s == 2 && v == 3 ? "5"
                      : s == 1 && v == 1 ? "1"
                                         : "0";
      const char *got = fake_value(id);
      if (groups & VG_ALERTS) {
        want++;
        if (!got || strcmp(got, w) != 0)
          fail_msg("%s = %s, want %s", id, got ? got : "(absent)", w);
      } else if (got) {
        fail_msg("groups %#x: %s dispatched, not selected", groups, id);
      }
    }
  }
  if (fake.n_values != want)
    fail_msg("groups %#x: %zu values dispatched, want %zu (first: %s)", groups,
             fake.n_values, want, fake.n_values ? fake.values[0] : "-");
}

static void each_group_dispatches_exactly_its_values(void **state) {
  (void)state;
  const unsigned sets[] = {0,
                           VG_ALERTS,
                           VG_ALERTS_BY_SEV,
                           VG_TOKEN,
                           VG_LATENCY,
                           VG_HTTP,
                           VG_MACHINES,
                           VG_CREDENTIAL,
                           VG_DEFAULT,
                           ALL_GROUPS,
                           VG_ALERTS | VG_ALERTS_BY_SEV};
  struct mde_tenant_result r;
  healthy(&r);
  for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
    fake_reset();
    struct tenant_track tr = fresh(sets[i]);
    submit_tenant(&r, &tr, 1234);
    expect_exactly(sets[i]);
    for (size_t v = 0; v < fake.n_values; v++)
      assert_int_equal(fake.times[v], 1234);
    assert_int_equal(fake.n_notes, 0); /* a healthy start is not news */
  }
}

/* Unknown or absent inputs are not values; 0 is one. */
static void boundaries_of_optional_values(void **state) {
  (void)state;
  struct mde_tenant_result r;
  healthy(&r);
  r.consent = r.permissions = -1;
  r.token_ttl = -1;
  r.credential_ttl = NAN;
  r.alerts_complete = -1;
  r.alerts_age = NAN;
  r.machines_age = NAN;
  r.alerts_valid = r.machines_valid = r.exposure_valid = 0;
  r.token_timing_valid = r.api_timing_valid = 0;
  r.throttled = 0;
  r.token_valid = 0;
  fake_reset();
  struct tenant_track tr = fresh(ALL_GROUPS);
  submit_tenant(&r, &tr, 0);
  const char *absent[] = {"contoso/bool-consent",
                          "contoso/bool-permissions",
                          "contoso/timeleft-token",
                          "contoso/timeleft-credential",
                          "contoso/bool-alerts_complete",
                          "contoso/duration-alerts_age",
                          "contoso/duration-machines_age",
                          "contoso/derive-alerts_created",
                          "contoso/count-alerts_high",
                          "contoso/count-alerts_new_high",
                          "contoso/count-machines_health_active",
                          "contoso/gauge-exposure_score",
                          "contoso/response_time-token",
                          "contoso/response_time-api",
                          "contoso/errors-none"};
  for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
    if (fake_value(absent[i]))
      fail_msg("%s dispatched for an unknown value", absent[i]);
  assert_string_equal(fake_value("contoso/count-throttled"), "0");
  assert_string_equal(fake_value("contoso/bool-token_valid"), "0");

  /* 0 is a value: a token about to expire, a sync under way, expired */
  r.consent = r.permissions = 0;
  r.token_ttl = 0;
  r.alerts_complete = 0;
  r.credential_ttl = -5 * 86400.0; /* expired: shows as 0 */
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_string_equal(fake_value("contoso/bool-consent"), "0");
  assert_string_equal(fake_value("contoso/bool-permissions"), "0");
  assert_string_equal(fake_value("contoso/timeleft-token"), "0");
  assert_string_equal(fake_value("contoso/bool-alerts_complete"), "0");
  assert_string_equal(fake_value("contoso/timeleft-credential"), "0");
  r.credential_ttl = 0.5;
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_string_equal(fake_value("contoso/timeleft-credential"), "0.5");
}

/* The last timing is repeated while no request of its kind is made; the
 * HTTP codes are counted across cycles, up to MAX_TRACKED_CODES statuses. */
static void latency_repeats_and_codes_accumulate(void **state) {
  (void)state;
  struct mde_tenant_result r;
  healthy(&r);
  struct tenant_track tr = fresh(VG_LATENCY | VG_HTTP);
  fake_reset();
  submit_tenant(&r, &tr, 0);
  r.token_timing_valid = 0;
  r.api_time.total = 0; /* too fast for the clock is still a time */
  r.codes[0] = (struct mde_status_count){200, 2};
  r.codes[1] = (struct mde_status_count){0, 1}; /* no response */
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_string_equal(fake_value("contoso/response_time-token"), "0.25");
  assert_string_equal(fake_value("contoso/response_time-api"), "0");
  assert_string_equal(fake_value("contoso/http_response_codes-200"), "5");
  assert_string_equal(fake_value("contoso/http_response_codes-429"), "1");
  assert_string_equal(fake_value("contoso/http_response_codes-0"), "1");
  r.token_timing_valid = 1;
  r.token_time.total = 0;
  r.n_codes = 0; /* no request this cycle */
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_string_equal(fake_value("contoso/response_time-token"), "0");

  /* statuses beyond MAX_TRACKED_CODES are dropped, the others still count */
  r.n_codes = 1;
  for (int s = 1; s <= MAX_TRACKED_CODES; s++) {
    r.codes[0] = (struct mde_status_count){300 + s, 1};
    fake_reset();
    submit_tenant(&r, &tr, 0);
  }
  assert_int_equal(tr.n_codes, MAX_TRACKED_CODES);
  r.codes[0] = (struct mde_status_count){200, 1};
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_string_equal(fake_value("contoso/http_response_codes-200"), "6");
  assert_string_equal(fake_value("contoso/http_response_codes-329"), "1");
  assert_null(fake_value("contoso/http_response_codes-330"));
  size_t codes = 0;
  for (size_t i = 0; i < fake.n_values; i++)
    codes += strstr(fake.values[i], "http_response_codes-") != NULL;
  assert_int_equal(codes, MAX_TRACKED_CODES);
  /* the tracker is not touched while HTTP values are off */
  tr.values = VG_LATENCY;
  r.codes[0] = (struct mde_status_count){200, 1};
  submit_tenant(&r, &tr, 0);
  assert_int_equal(tr.codes[0], 6);
}

/* A carried result (its cycle goes on into the next) says nothing: no
 * value, no notification, not even for a failure it has met so far; the
 * next, whole result does. */
static void a_carried_result_says_nothing(void **state) {
  (void)state;
  struct mde_tenant_result r;
  healthy(&r);
  struct tenant_track tr = fresh(~0u);
  r.failure = MDE_FAIL_THROTTLED;
  r.carried = 1;
  fake_reset();
  submit_tenant(&r, &tr, 42);
  assert_int_equal(fake.n_values, 0);
  assert_int_equal(fake.n_notes, 0);
  r.carried = 0;
  submit_tenant(&r, &tr, 43);
  assert_true(fake.n_values > 0);
  assert_int_equal(fake.n_notes, 1);
}

/* A failed start notifies; recovery notifies; notifications are sent with
 * no value selected at all (a minimal set still pages). */
static void notifications_whatever_the_values(void **state) {
  (void)state;
  struct mde_tenant_result r;
  healthy(&r);
  struct tenant_track tr = fresh(0);
  r.failure = MDE_FAIL_SECRET_INVALID;
  r.aadsts = 7000215;
  snprintf(r.trace_id, sizeof r.trace_id, "trace\n1");
  snprintf(r.correlation_id, sizeof r.correlation_id, "corr-2");
  snprintf(r.tenant_id, sizeof r.tenant_id, "tid-3");
  snprintf(r.reason, sizeof r.reason, "Invalid client secret\nMDE OK | fake");
  char fix[] = "create a new secret | then update";
  r.fix = fix;
  fake_reset();
  submit_tenant(&r, &tr, 42);
  assert_int_equal(fake.n_values, 0);
  assert_int_equal(fake.n_notes, 1);
  struct fake_notification *n = &fake.notes[0];
  assert_int_equal(n->severity, NOTIF_FAILURE);
  assert_int_equal(n->time, 42);
  assert_string_equal(n->host, "testhost");
  assert_string_equal(n->plugin_instance, "contoso");
  assert_string_equal(n->type, "bool");
  assert_string_equal(n->type_instance, "token_valid");
  assert_string_equal(n->message,
                      "contoso: secret_invalid [AADSTS7000215 trace "
                      "trace\\x0a1] - create a new secret | then update");
  assert_string_equal(n->meta, "failure=secret_invalid\n"
                               "previous=unknown\n"
                               "reason=Invalid client secret\\x0aMDE OK | "
                               "fake\n"
                               "fix=create a new secret | then update\n"
                               "aadsts=7000215\n"
                               "trace_id=trace\\x0a1\n"
                               "correlation_id=corr-2\n"
                               "tenant_id=tid-3\n");
  assert_string_equal(fake.log, "warning mde plugin: contoso: secret_invalid: "
                                "Invalid client secret\\x0aMDE OK | fake\n");
  assert_int_equal(tr.state, MDE_FAIL_SECRET_INVALID);

  /* the same failure again is not news */
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_int_equal(fake.n_notes, 0);

  /* another class: WARNING, previous named; no trace, no fix: the reason */
  r.failure = MDE_FAIL_THROTTLED;
  r.aadsts = 50000;
  r.trace_id[0] = r.correlation_id[0] = r.tenant_id[0] = '\0';
  r.fix = NULL;
  snprintf(r.reason, sizeof r.reason, "429");
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_int_equal(fake.n_notes, 1);
  assert_int_equal(fake.notes[0].severity, NOTIF_WARNING);
  assert_string_equal(fake.notes[0].message,
                      "contoso: throttled [AADSTS50000] - 429");
  assert_string_equal(fake.notes[0].meta, "failure=throttled\n"
                                          "previous=secret_invalid\n"
                                          "reason=429\n"
                                          "aadsts=50000\n");

  /* back to health: OKAY */
  healthy(&r);
  r.reason[0] = '\0';
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_int_equal(fake.n_notes, 1);
  assert_int_equal(fake.notes[0].severity, NOTIF_OKAY);
  assert_string_equal(fake.notes[0].message,
                      "contoso: OK again (was throttled)");
  assert_string_equal(fake.notes[0].meta,
                      "failure=none\nprevious=throttled\nreason=\n");
  assert_string_equal(fake.log, "info mde plugin: contoso: OK again (was "
                                "throttled)\n");
  assert_int_equal(tr.state, MDE_FAIL_NONE);
}

/* A healthy first cycle, then a failure: "previous" is "none", not
 * "unknown" (that is for a failure on the very first cycle). */
static void previous_none_after_a_healthy_start(void **state) {
  (void)state;
  struct mde_tenant_result r;
  healthy(&r);
  struct tenant_track tr = fresh(VG_DEFAULT);
  submit_tenant(&r, &tr, 0);
  assert_int_equal(tr.state, MDE_FAIL_NONE);
  r.failure = MDE_FAIL_NETWORK;
  snprintf(r.reason, sizeof r.reason, "connect refused");
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_int_equal(fake.n_notes, 1);
  assert_string_equal(fake.notes[0].meta, "failure=network\n"
                                          "previous=none\n"
                                          "reason=connect refused\n");
}

/* Credential expiry: WARNING at CredentialWarning (inclusive), FAILURE at
 * CredentialCritical (inclusive), each once, OKAY on renewal; whatever
 * value groups are selected. */
static void credential_thresholds(void **state) {
  (void)state;
  struct mde_tenant_result r;
  healthy(&r);
  struct tenant_track tr = fresh(0);
  tr.cred_watch = 1;
  tr.cred_warn = 30 * 86400.0;
  tr.cred_crit = 7 * 86400.0;
  tr.cred_level = -1;
  static const struct {
    double ttl;
    int severity; /* -1: no notification */
    const char *message;
  } steps[] = {
      {31 * 86400.0, -1, NULL},
      {30 * 86400.0, NOTIF_WARNING,
       "contoso: client credential expires in 30.0 days - create a new one "
       "for the app and update the configuration"},
      {29 * 86400.0, -1, NULL},
      {7 * 86400.0, NOTIF_FAILURE,
       "contoso: client credential expires in 7.0 days - create a new one for "
       "the app and update the configuration"},
      {0, -1, NULL},
      {90 * 86400.0, NOTIF_OKAY,
       "contoso: client credential renewed: it expires in 90.0 days"},
      {90 * 86400.0, -1, NULL},
      {0, NOTIF_FAILURE,
       "contoso: client credential expired 0.0 days ago - create a new one "
       "for the app and update the configuration"},
      {NAN, -1, NULL},
      {-2 * 86400.0, -1, NULL},
      {40 * 86400.0, NOTIF_OKAY,
       "contoso: client credential renewed: it expires in 40.0 days"},
  };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    r.credential_ttl = steps[i].ttl;
    fake_reset();
    submit_tenant(&r, &tr, 7);
    if (steps[i].severity < 0) {
      if (fake.n_notes)
        fail_msg("step %zu: unexpected \"%s\"", i, fake.notes[0].message);
      continue;
    }
    if (fake.n_notes != 1)
      fail_msg("step %zu: %zu notifications, want 1", i, fake.n_notes);
    assert_int_equal(fake.notes[0].severity, steps[i].severity);
    assert_string_equal(fake.notes[0].message, steps[i].message);
    assert_string_equal(fake.notes[0].host, "testhost");
    assert_string_equal(fake.notes[0].plugin_instance, "contoso");
    assert_int_equal(fake.notes[0].time, 7);
    assert_string_equal(fake.notes[0].type, "timeleft");
    assert_string_equal(fake.notes[0].type_instance, "credential");
  }
  /* an expired one said so; the note is logged when it changes, escaped */
  r.credential_ttl = -3 * 86400.0;
  snprintf(r.credential_note, sizeof r.credential_note, "hint\n|shared");
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_int_equal(fake.n_notes, 1);
  assert_string_equal(fake.notes[0].message,
                      "contoso: client credential expired 3.0 days ago - "
                      "create a new one for the app and update the "
                      "configuration");
  assert_string_equal(fake.notes[0].meta,
                      "credential_ttl=-259200\nnote=hint\\x0a|shared\n");
  assert_string_equal(
      fake.log, "warning mde plugin: contoso: hint\\x0a|shared\n"
                "warning mde plugin: contoso: client credential expired 3.0 "
                "days ago - create a new one for the app and update "
                "the configuration\n");
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_string_equal(fake.log, ""); /* logged once */
  r.credential_note[0] = '\0';
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_string_equal(fake.log, ""); /* a note gone is not logged */
  /* renewed: logged as news, not as a warning */
  r.credential_ttl = 60 * 86400.0;
  fake_reset();
  submit_tenant(&r, &tr, 0);
  assert_string_equal(fake.log, "info mde plugin: contoso: client credential "
                                "renewed: it expires in 60.0 days\n");
  assert_string_equal(fake.notes[0].meta, "credential_ttl=5.184e+06\n");
  /* days to one decimal, rounded as printf does: 0.0500003 is 0.1 */
  struct tenant_track soon = tr;
  soon.cred_level = -1;
  r.credential_ttl = 4320.03;
  fake_reset();
  submit_tenant(&r, &soon, 0);
  assert_string_equal(fake.notes[0].message,
                      "contoso: client credential expires in 0.1 days - "
                      "create a new one for the app and update the "
                      "configuration");
  /* renewed after a WARNING only: OKAY too */
  struct tenant_track warned = soon;
  warned.cred_level = -1;
  r.credential_ttl = 20 * 86400.0;
  submit_tenant(&r, &warned, 0);
  r.credential_ttl = 365 * 86400.0;
  fake_reset();
  submit_tenant(&r, &warned, 0);
  assert_int_equal(fake.n_notes, 1);
  assert_int_equal(fake.notes[0].severity, NOTIF_OKAY);
  /* half a second left is not expired yet */
  soon.cred_level = -1;
  r.credential_ttl = 0.5;
  fake_reset();
  submit_tenant(&r, &soon, 0);
  assert_string_equal(fake.notes[0].message,
                      "contoso: client credential expires in 0.0 days - "
                      "create a new one for the app and update the "
                      "configuration");
  /* a tenant not watched is never notified */
  struct tenant_track quiet = fresh(0);
  r.credential_ttl = 0;
  fake_reset();
  submit_tenant(&r, &quiet, 0);
  assert_int_equal(fake.n_notes, 0);
}

/* The apps, faked here in place of lib/engine_graph.c's accessors. */
static struct mde_app_result apps[2];
size_t mde_engine_app_count(const struct mde_engine *e) {
  (void)e;
  return 2;
}
const struct mde_app_result *mde_engine_app_result(const struct mde_engine *e,
                                                   size_t i) {
  (void)e;
  return &apps[i];
}

static void apps_and_cycle(void **state) {
  (void)state;
  apps[0] = (struct mde_app_result){.client_id = "first",
                                    .valid = 1,
                                    .earliest_ttl = 86400,
                                    .expiring = 1,
                                    .expired = 2};
  apps[1] = (struct mde_app_result){
      .client_id = "11111111-2222-3333-4444-555555555555-and-more",
      .valid = 1,
      .earliest_ttl = NAN,
      .expiring = 0,
      .expired = 3};
  fake_reset();
  submit_apps(NULL, VG_CREDENTIAL, 0);
  submit_cycle(1.5, 0);
  static const char *const want[] = {
      "/timeleft-credential_earliest=86400",
      "/count-credentials_expiring=1",
      "/count-credentials_expired=2",
      "/timeleft-credential_earliest_11111111-2222-3333-4444-555555555555=0",
      "/count-credentials_expiring_11111111-2222-3333-4444-555555555555=0",
      "/count-credentials_expired_11111111-2222-3333-4444-555555555555=3",
      "/duration-cycle=1.5"};
  assert_int_equal(fake.n_values, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < fake.n_values; i++)
    assert_string_equal(fake.values[i], want[i]);
  /* an app Graph has not answered for yet is skipped */
  apps[0].valid = 0;
  fake_reset();
  submit_apps(NULL, VG_CREDENTIAL, 0);
  assert_int_equal(fake.n_values, 3);
  /* credential values deselected: only the cycle's duration is left */
  apps[0].valid = 1;
  fake_reset();
  submit_apps(NULL, VG_DEFAULT & ~VG_CREDENTIAL, 0);
  submit_cycle(2, 0);
  assert_int_equal(fake.n_values, 1);
  assert_string_equal(fake.values[0], "/duration-cycle=2");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(each_group_dispatches_exactly_its_values),
      cmocka_unit_test(boundaries_of_optional_values),
      cmocka_unit_test(latency_repeats_and_codes_accumulate),
      cmocka_unit_test(notifications_whatever_the_values),
      cmocka_unit_test(a_carried_result_says_nothing),
      cmocka_unit_test(previous_none_after_a_healthy_start),
      cmocka_unit_test(credential_thresholds),
      cmocka_unit_test(apps_and_cycle),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
