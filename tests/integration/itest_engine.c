/* SPDX-License-Identifier: MIT */
/* The engine against mde-sim over verified TLS: every failure class the
 * token endpoint and the API produce, the token cache and forced credential
 * checks, key rotation, alert counts against the simulator's ground truth
 * while alerts change, throttling with Retry-After, faults and the cycle
 * deadline. The simulator's request log is the witness for what was (not)
 * sent. */
#include "mde/engine.h"
#include "simfix.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define APP "11111111-2222-3333-4444-555555555555"
#define CONTOSO "aaaaaaaa-0000-4000-8000-000000000001"

static struct simfix sim;
static char *secret_ok, *secret_expired, *secret_wrong;

static int setup(void **state) {
  (void)state;
  if (simfix_start(&sim, "tests/integration/scenarios/basic.json") != 0)
    return -1;
  secret_ok = simfix_file(&sim, "secret-ok", "sim-secret-current\n", 0600);
  secret_expired =
      simfix_file(&sim, "secret-expired", "sim-secret-expired", 0600);
  secret_wrong = simfix_file(&sim, "secret-wrong", "not-the-secret", 0600);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  free(secret_ok);
  free(secret_expired);
  free(secret_wrong);
  return simfix_stop(&sim) == 0 ? 0 : -1;
}

static void log_to_stderr(void *ctx, enum mde_log_level level,
                          const char *msg) {
  (void)ctx;
  fprintf(stderr, "# engine[%d]: %s\n", level, msg);
}

static struct mde_engine *engine_with(long jwks_refetch) {
  struct mde_engine_options o = {
      .jwks_refetch_interval = jwks_refetch,
      .http = {.ca_file = sim.ca,
               .timeout_ms = 5000,
               .user_agent = "MdatpPartner-Test-Engine/1.0"},
      .log = log_to_stderr};
  char err[512];
  struct mde_engine *e = mde_engine_new(&o, err, sizeof err);
  if (!e)
    fail_msg("engine: %s", err);
  return e;
}

static struct mde_engine *engine(void) { return engine_with(0); }

static const char *const alert_role[] = {"Alert.Read.All"};

static struct mde_tenant_config config(const char *name, const char *tenant,
                                       const char *secret) {
  struct mde_tenant_config c;
  mde_tenant_config_defaults(&c);
  c.name = name;
  c.tenant = tenant;
  c.client_id = APP;
  c.secret_file = secret;
  c.login_endpoint = sim.base;
  c.api_endpoint = sim.base;
  c.required_roles = alert_role;
  c.n_required_roles = 1;
  c.alerts_interval = 1;
  /* These tests count alerts calls against the simulator's quota for one
   * app+tenant; sensor health is tested on its own (collectd_machines.sh,
   * test_engine_machines.c). */
  c.fetch_machines = 0;
  return c;
}

static int add(struct mde_engine *e, const struct mde_tenant_config *c) {
  char err[512];
  int i = mde_engine_add(e, c, err, sizeof err);
  if (i < 0)
    fail_msg("add: %s", err);
  return i;
}

static const struct mde_tenant_result *cycle(struct mde_engine *e, int i) {
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  return mde_engine_result(e, (size_t)i);
}

static void sleep_s(double s) {
  struct timespec ts = {(time_t)s, (long)((s - (long)s) * 1e9)};
  nanosleep(&ts, NULL);
}

/* Our counts against the simulator's ground truth, cell by cell. */
static void assert_counts_match(const struct mde_tenant_result *r,
                                const char *tenant) {
  static const char *const st[] = {"New", "InProgress", "Resolved", "Unknown"};
  static const char *const sev[] = {"Informational", "Low", "Medium", "High",
                                    "UnSpecified"};
  char path[128];
  snprintf(path, sizeof path, "/tenants/%s/alerts/truth", tenant);
  cJSON *truth = simfix_admin(&sim, "GET", path, NULL);
  assert_non_null(truth);
  cJSON *counts = cJSON_GetObjectItem(truth, "counts");
  assert_true(r->alerts_valid);
  for (int s = 0; s < MDE_STATUS_COUNT; s++)
    for (int v = 0; v < MDE_SEVERITY_COUNT; v++) {
      cJSON *n =
          cJSON_GetObjectItem(cJSON_GetObjectItem(counts, st[s]), sev[v]);
      if ((double)r->alerts[s][v] != n->valuedouble)
        fail_msg("%s/%s: engine %u, simulator %g", st[s], sev[v],
                 r->alerts[s][v], n->valuedouble);
    }
  cJSON_Delete(truth);
}

static double stat_of(const char *tenant, const char *what) {
  char dotted[200];
  snprintf(dotted, sizeof dotted, "tenants.%s.%s", tenant, what);
  double v = simfix_number(&sim, "/stats", dotted);
  return v < 0 ? 0 : v;
}

static void healthy_tenant(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c =
      config("contoso", "contoso.onmicrosoft.com", secret_ok);
  const char *roles[] = {"Alert.Read.All", "Machine.Read.All",
                         "Score.Read.All"};
  c.required_roles = roles;
  c.n_required_roles = 3;
  int i = add(e, &c);
  const struct mde_tenant_result *r = cycle(e, i);
  if (r->failure != MDE_FAIL_NONE)
    fail_msg("%s: %s", mde_failure_name(r->failure), r->reason);
  assert_true(r->token_valid);
  assert_int_equal(r->consent, 1);
  assert_int_equal(r->permissions, 1);
  assert_int_equal(r->missing_roles.n, 0);
  assert_string_equal(r->tenant_id, CONTOSO); /* the domain, resolved */
  assert_true(r->token_ttl > 3000 && r->token_ttl <= 3599);
  assert_true(isnan(r->credential_ttl)); /* a secret without known expiry */
  assert_true(r->token_timing_valid && r->token_time.total > 0);
  assert_true(r->api_timing_valid && r->api_time.total > 0);
  assert_counts_match(r, CONTOSO);
  assert_null(r->fix);
  mde_engine_free(e);
}

static void token_is_cached_and_rechecked(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c = config("contoso", CONTOSO, secret_ok);
  c.credential_check_interval = 2;
  int i = add(e, &c);
  double before = stat_of(CONTOSO, "token_v2");
  cycle(e, i);
  cycle(e, i);
  cycle(e, i);
  assert_true(stat_of(CONTOSO, "token_v2") == before + 1); /* cached */
  sleep_s(2.1);
  const struct mde_tenant_result *r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_true(stat_of(CONTOSO, "token_v2") == before + 2); /* forced check */
  assert_int_equal(r->token_requests, 2);
  mde_engine_free(e);
}

static void secret_change_and_reauth(void **state) {
  (void)state;
  char *path = simfix_file(&sim, "rotating", "sim-secret-current", 0600);
  struct mde_engine *e = engine();
  struct mde_tenant_config c = config("contoso", CONTOSO, path);
  int i = add(e, &c);
  double before = stat_of(CONTOSO, "token_v2");
  assert_int_equal(cycle(e, i)->failure, MDE_FAIL_NONE);
  /* The partner rotates the secret file: the cached token goes with it. */
  cJSON_Delete(simfix_admin(&sim, "POST", "/apps/" APP "/secrets",
                            "{\"value\": \"sim-secret-next\"}"));
  free(simfix_file(&sim, "rotating", "sim-secret-next\n", 0600));
  sleep_s(1.1);
  assert_int_equal(cycle(e, i)->failure, MDE_FAIL_NONE);
  assert_true(stat_of(CONTOSO, "token_v2") == before + 2);
  /* The API refuses the cached token (its signing key was withdrawn at
   * once): the engine gets a fresh token, once, and carries on. */
  cJSON_Delete(
      simfix_admin(&sim, "POST", "/keys/rotate", "{\"grace_seconds\": 0}"));
  sleep_s(1.1);
  const struct mde_tenant_result *r = cycle(e, i);
  if (r->failure != MDE_FAIL_NONE)
    fail_msg("%s", r->reason);
  assert_true(stat_of(CONTOSO, "token_v2") == before + 3);
  bool saw401 = false;
  for (size_t k = 0; k < r->n_codes; k++)
    saw401 |= r->codes[k].status == 401;
  assert_true(saw401);
  /* What Microsoft sees of us: the partner User-Agent, no secret echoed. */
  cJSON *last = simfix_admin(&sim, "GET", "/last-request/alerts", NULL);
  cJSON *h = cJSON_GetObjectItem(last, "headers");
  assert_string_equal(cJSON_GetObjectItem(h, "User-Agent")->valuestring,
                      "MdatpPartner-Test-Engine/1.0");
  assert_string_equal(cJSON_GetObjectItem(h, "Authorization")->valuestring,
                      "Bearer [redacted]");
  cJSON_Delete(last);
  mde_engine_free(e);
  free(path);
}

static void consent_revoked_is_seen_at_the_next_check(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c =
      config("litware", "litware.onmicrosoft.com", secret_ok);
  const char *roles[] = {"Machine.Read.All"};
  c.required_roles = roles;
  c.credential_check_interval = 2;
  int i = add(e, &c);
  assert_int_equal(cycle(e, i)->failure, MDE_FAIL_NONE);
  cJSON_Delete(simfix_admin(&sim, "POST",
                            "/tenants/litware.onmicrosoft.com/apps/" APP,
                            "{\"consented\": false}"));
  assert_int_equal(cycle(e, i)->failure, MDE_FAIL_NONE); /* cached token */
  sleep_s(2.1);
  const struct mde_tenant_result *r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_APP_NOT_IN_TENANT);
  assert_int_equal(r->aadsts, 700016);
  assert_int_equal(r->consent, 0);
  assert_false(r->token_valid);
  assert_int_equal(strlen(r->trace_id), 36);
  assert_non_null(r->fix);
  assert_non_null(strstr(r->fix, "/adminconsent?client_id=" APP));
  /* Broken now: the next cycles back off rather than ask again. */
  double asked = stat_of("aaaaaaaa-0000-4000-8000-000000000004", "token_v2");
  r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_APP_NOT_IN_TENANT);
  assert_true(r->backoff);
  assert_true(stat_of("aaaaaaaa-0000-4000-8000-000000000004", "token_v2") ==
              asked);
  cJSON_Delete(simfix_admin(&sim, "POST",
                            "/tenants/litware.onmicrosoft.com/apps/" APP,
                            "{\"roles\": [\"Machine.Read.All\"]}"));
  mde_engine_free(e);
}

/* Each row: a tenant and credential that fail one way at the token
 * endpoint, and the class, AADSTS code and consent state that follow. */
static void token_endpoint_failures(void **state) {
  (void)state;
  static const struct {
    const char *tenant;
    int which_secret; /* 0 ok, 1 expired, 2 wrong */
    enum mde_failure failure;
    long aadsts;
    int consent;
  } rows[] = {
      {"northwind.onmicrosoft.com", 0, MDE_FAIL_APP_NOT_IN_TENANT, 700016, 0},
      {"nosuch.onmicrosoft.com", 0, MDE_FAIL_TENANT_NOT_FOUND, 90002, -1},
      {"contoso.onmicrosoft.com", 1, MDE_FAIL_SECRET_EXPIRED, 7000222, -1},
      {"contoso.onmicrosoft.com", 2, MDE_FAIL_SECRET_INVALID, 7000215, -1},
      {"tailspin.onmicrosoft.com", 0, MDE_FAIL_NOT_PROVISIONED, 500011, -1},
      {"wingtip.onmicrosoft.com", 0, MDE_FAIL_APP_DISABLED, 7000112, -1},
      /* a GCC High tenant asked for the public cloud's Defender resource */
      {"adatum.onmicrosoft.us", 0, MDE_FAIL_NOT_PROVISIONED, 500011, -1},
  };
  for (int v = 1; v <= 2; v++) {
    struct mde_engine *e = engine();
    int idx[sizeof rows / sizeof rows[0]];
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
      char *secrets[] = {secret_ok, secret_expired, secret_wrong};
      char name[32];
      snprintf(name, sizeof name, "row%zu", k);
      struct mde_tenant_config c =
          config(name, rows[k].tenant, secrets[rows[k].which_secret]);
      c.token_version = v;
      idx[k] = add(e, &c);
    }
    /* all at once, in one cycle */
    assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
      const struct mde_tenant_result *r = mde_engine_result(e, (size_t)idx[k]);
      if (r->failure != rows[k].failure || r->aadsts != rows[k].aadsts)
        fail_msg("v%d row %zu (%s): %s/%ld, want %s/%ld (%s)", v, k,
                 rows[k].tenant, mde_failure_name(r->failure), r->aadsts,
                 mde_failure_name(rows[k].failure), rows[k].aadsts, r->reason);
      assert_int_equal(r->consent, rows[k].consent);
      assert_false(r->token_valid);
      assert_non_null(r->fix);
      assert_int_equal(r->failures[rows[k].failure], 1);
    }
    mde_engine_free(e);
  }
}

static void sovereign_cloud(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c =
      config("adatum", "adatum.onmicrosoft.us", secret_ok);
  c.cloud = "gcc-high"; /* the resource becomes api-gov.securitycenter... */
  int i = add(e, &c);
  const struct mde_tenant_result *r = cycle(e, i);
  if (r->failure != MDE_FAIL_NONE)
    fail_msg("%s", r->reason);
  mde_engine_free(e);
}

static void missing_roles_are_named(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  /* consented, no roles at all: the token has no roles claim */
  struct mde_tenant_config c =
      config("fabrikam", "fabrikam.onmicrosoft.com", secret_ok);
  const char *roles[] = {"Alert.Read.All", "Machine.Read.All"};
  c.required_roles = roles;
  c.n_required_roles = 2;
  int i = add(e, &c);
  /* a role the app has, one it lacks: the API's 403 agrees */
  struct mde_tenant_config l =
      config("litware", "litware.onmicrosoft.com", secret_ok);
  int j = add(e, &l);
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  const struct mde_tenant_result *r = mde_engine_result(e, (size_t)i);
  assert_int_equal(r->failure, MDE_FAIL_PERMISSION_MISSING);
  assert_int_equal(r->consent, 1);
  assert_int_equal(r->permissions, 0);
  assert_int_equal(r->missing_roles.n, 2);
  assert_true(r->token_valid); /* usable, just not for this */
  assert_false(r->alerts_valid);
  r = mde_engine_result(e, (size_t)j);
  assert_int_equal(r->failure, MDE_FAIL_PERMISSION_MISSING);
  assert_int_equal(r->missing_roles.n, 1);
  assert_string_equal(r->missing_roles.v[0], "Alert.Read.All");
  assert_non_null(strstr(r->fix, "Alert.Read.All"));
  mde_engine_free(e);
}

static void certificate_credentials(void **state) {
  (void)state;
  char cert[600], key[600], rogue_cert[600], rogue_key[600];
  snprintf(cert, sizeof cert, "%s/app1.pem", sim.certs);
  snprintf(key, sizeof key, "%s/app1.key", sim.certs);
  snprintf(rogue_cert, sizeof rogue_cert, "%s/rogue.pem", sim.certs);
  snprintf(rogue_key, sizeof rogue_key, "%s/rogue.key", sim.certs);
  struct mde_engine *e = engine();
  int idx[4];
  for (int k = 0; k < 4; k++) {
    struct mde_tenant_config c = config("cert", CONTOSO, NULL);
    c.cert_file = k < 3 ? cert : rogue_cert;
    c.key_file = k < 3 ? key : rogue_key;
    c.assertion_ps256 = k == 1;
    c.token_version = k == 2 ? 1 : 2;
    idx[k] = add(e, &c);
  }
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  for (int k = 0; k < 3; k++) {
    const struct mde_tenant_result *r = mde_engine_result(e, (size_t)idx[k]);
    if (r->failure != MDE_FAIL_NONE)
      fail_msg("cert %d: %s", k, r->reason);
    /* the test certificates are valid for a year */
    assert_true(r->credential_ttl > 360 * 86400.0);
  }
  const struct mde_tenant_result *r = mde_engine_result(e, (size_t)idx[3]);
  assert_int_equal(r->failure, MDE_FAIL_CERTIFICATE_INVALID);
  assert_int_equal(r->aadsts, 700027);
  mde_engine_free(e);
}

static void alert_counts_follow_changes(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c = config("contoso", CONTOSO, secret_ok);
  int i = add(e, &c);
  const struct mde_tenant_result *r = cycle(e, i);
  assert_counts_match(r, CONTOSO);
  assert_int_equal(r->alerts_created, 0);
  cJSON *a = simfix_admin(&sim, "POST", "/tenants/" CONTOSO "/alerts",
                          "{\"severity\": \"High\", \"title\": \"new\"}");
  char id_path[200];
  snprintf(id_path, sizeof id_path, "/tenants/" CONTOSO "/alerts/%s",
           cJSON_GetObjectItem(a, "id")->valuestring);
  cJSON_Delete(a);
  cJSON_Delete(simfix_admin(&sim, "POST", "/tenants/" CONTOSO "/alerts",
                            "{\"severity\": \"Low\"}"));
  sleep_s(1.1);
  r = cycle(e, i); /* incremental */
  assert_counts_match(r, CONTOSO);
  assert_int_equal(r->alerts_created, 2);
  cJSON_Delete(
      simfix_admin(&sim, "POST", id_path, "{\"status\": \"Resolved\"}"));
  sleep_s(1.1);
  r = cycle(e, i);
  assert_counts_match(r, CONTOSO);
  assert_int_equal(r->alerts_created, 2);
  mde_engine_free(e);
}

static void key_rotation(void **state) {
  (void)state;
  struct mde_engine *e = engine_with(0);
  struct mde_tenant_config a = config("a", CONTOSO, secret_ok);
  struct mde_tenant_config b =
      config("b", "litware.onmicrosoft.com", secret_ok);
  const char *roles[] = {"Machine.Read.All"};
  b.required_roles = roles;
  a.credential_check_interval = b.credential_check_interval = 1;
  int i = add(e, &a), j = add(e, &b);
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  double fetched = simfix_number(&sim, "/stats", "endpoints.keys.requests");
  /* A normal rotation: the new key was published before it signed, so the
   * cached key set already holds it. */
  cJSON_Delete(simfix_admin(&sim, "POST", "/keys/rotate", "{}"));
  sleep_s(1.1);
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  assert_int_equal(mde_engine_result(e, (size_t)i)->failure, MDE_FAIL_NONE);
  assert_int_equal(mde_engine_result(e, (size_t)j)->failure, MDE_FAIL_NONE);
  assert_true(simfix_number(&sim, "/stats", "endpoints.keys.requests") ==
              fetched);
  /* Two rotations at once: tokens come signed with a kid the cache has
   * never seen, and the last fetch is recent. Within the refetch limit the
   * key set is not hammered, and the token is not called invalid (no fetch
   * has proved it so): the tenant waits, keeping the token unverified and
   * unused rather than acquiring another every cycle. */
  cJSON_Delete(simfix_admin(&sim, "POST", "/keys/rotate", "{}"));
  cJSON_Delete(simfix_admin(&sim, "POST", "/keys/rotate", "{}"));
  sleep_s(1.1);
  double tokens = stat_of(CONTOSO, "token_v2");
  double api = stat_of(CONTOSO, "alerts");
  for (int k = 0; k < 2; k++) {
    assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
    const struct mde_tenant_result *r = mde_engine_result(e, (size_t)i);
    assert_int_equal(r->failure, MDE_FAIL_AUTH_SERVICE);
    assert_non_null(strstr(r->reason, "KeyRefetchInterval"));
    assert_int_equal(r->token_valid, 0); /* held, not vouched for */
    assert_true(r->token_ttl < 0);
  }
  assert_true(stat_of(CONTOSO, "token_v2") == tokens + 1);
  assert_true(stat_of(CONTOSO, "alerts") == api);
  assert_true(simfix_number(&sim, "/stats", "endpoints.keys.requests") ==
              fetched);
  mde_engine_free(e);
  /* With a short refetch limit, the unknown kid is fetched once for both
   * tenants of the authority, and both tokens pass. */
  e = engine_with(2);
  i = add(e, &a);
  j = add(e, &b);
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  cJSON_Delete(simfix_admin(&sim, "POST", "/keys/rotate", "{}"));
  cJSON_Delete(simfix_admin(&sim, "POST", "/keys/rotate", "{}"));
  fetched = simfix_number(&sim, "/stats", "endpoints.keys.requests");
  sleep_s(2.1);
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  assert_int_equal(mde_engine_result(e, (size_t)i)->failure, MDE_FAIL_NONE);
  assert_int_equal(mde_engine_result(e, (size_t)j)->failure, MDE_FAIL_NONE);
  assert_true(simfix_number(&sim, "/stats", "endpoints.keys.requests") ==
              fetched + 1);
  /* The fetch itself fails: a network failure, not an invalid token; the
   * token waits for the next cycle, whose fetch succeeds. */
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"keys\", \"status\": 503}]"));
  cJSON_Delete(simfix_admin(&sim, "POST", "/keys/rotate", "{}"));
  cJSON_Delete(simfix_admin(&sim, "POST", "/keys/rotate", "{}"));
  sleep_s(2.1);
  tokens = stat_of(CONTOSO, "token_v2");
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  const struct mde_tenant_result *r = mde_engine_result(e, (size_t)i);
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  assert_non_null(strstr(r->reason, "HTTP 503"));
  cJSON_Delete(simfix_admin(&sim, "DELETE", "/faults", NULL));
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  assert_int_equal(mde_engine_result(e, (size_t)i)->failure, MDE_FAIL_NONE);
  assert_int_equal(mde_engine_result(e, (size_t)j)->failure, MDE_FAIL_NONE);
  assert_true(stat_of(CONTOSO, "token_v2") == tokens + 1);
  mde_engine_free(e);
}

static void throttling_honours_retry_after(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c = config("contoso", CONTOSO, secret_ok);
  int i = add(e, &c);
  cycle(e, i);
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"alerts\", \"status\": 429, "
                            "\"retry_after\": 3}]"));
  sleep_s(1.1);
  const struct mde_tenant_result *r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_THROTTLED);
  assert_true(r->throttled);
  assert_true(r->retry_after >= 2 && r->retry_after <= 3);
  cJSON_Delete(simfix_admin(&sim, "DELETE", "/faults", NULL));
  double sent = stat_of(CONTOSO, "alerts");
  sleep_s(1.1);
  r = cycle(e, i); /* inside Retry-After: nothing may be sent */
  assert_int_equal(r->failure, MDE_FAIL_THROTTLED);
  assert_true(stat_of(CONTOSO, "alerts") == sent);
  sleep_s(3.0);
  r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_true(stat_of(CONTOSO, "alerts") > sent);
  assert_counts_match(r, CONTOSO);
  mde_engine_free(e);
}

/* When the API keeps failing and the call budget leaves a cycle without a
 * call, the cycle still reports the failure: it must not read as OK (and
 * flap the tenant's notifications) every other cycle. */
static void a_failing_api_stays_failed_between_calls(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c = config("contoso", CONTOSO, secret_ok);
  int i = add(e, &c);
  assert_int_equal(cycle(e, i)->failure, MDE_FAIL_NONE);
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"alerts\", \"status\": 503}]"));
  sleep_s(1.1);
  int without_call = 0;
  for (int n = 0; n < 40; n++) { /* the burst runs out within these */
    double sent = stat_of(CONTOSO, "alerts");
    const struct mde_tenant_result *r = cycle(e, i);
    assert_int_equal(r->failure, MDE_FAIL_API_ERROR);
    if (stat_of(CONTOSO, "alerts") == sent)
      without_call++;
  }
  assert_true(without_call > 0);
  cJSON_Delete(simfix_admin(&sim, "DELETE", "/faults", NULL));
  mde_engine_free(e);
}

static void token_throttling_and_oneshot(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c = config("contoso", CONTOSO, secret_ok);
  int i = add(e, &c);
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"token\", \"status\": 429, "
                            "\"retry_after\": 2}]"));
  const struct mde_tenant_result *r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_THROTTLED);
  assert_true(r->throttled && r->retry_after == 2);
  cJSON_Delete(simfix_admin(&sim, "DELETE", "/faults", NULL));
  double asked = stat_of(CONTOSO, "token_v2");
  r = cycle(e, i); /* within Retry-After: no token request */
  assert_int_equal(r->failure, MDE_FAIL_THROTTLED);
  assert_true(r->backoff);
  assert_true(stat_of(CONTOSO, "token_v2") == asked);
  /* a one-shot caller (check_mde) asks anyway */
  assert_int_equal(
      mde_engine_cycle(e, mde_monotonic_ms() + 15000, MDE_CYCLE_ONESHOT), 0);
  r = mde_engine_result(e, (size_t)i);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_true(stat_of(CONTOSO, "token_v2") == asked + 1);
  mde_engine_free(e);
}

static void full_resync_keeps_counts_exact(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c = config("contoso", CONTOSO, secret_ok);
  c.full_resync_interval = 1;
  int i = add(e, &c);
  cycle(e, i);
  cJSON_Delete(simfix_admin(
      &sim, "POST", "/tenants/" CONTOSO "/alerts/generate", "{\"count\": 3}"));
  sleep_s(1.1);
  const struct mde_tenant_result *r = cycle(e, i); /* a full resync */
  assert_counts_match(r, CONTOSO);
  assert_int_equal(r->alerts_created, 3);
  mde_engine_free(e);
}

static void faults_and_the_deadline(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  struct mde_tenant_config c = config("contoso", CONTOSO, secret_ok);
  int i = add(e, &c);
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"token\", \"reset\": 1}]"));
  const struct mde_tenant_result *r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"token\", \"status\": 503}]"));
  r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_AUTH_SERVICE);
  assert_false(r->backoff);
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"alerts\", \"malformed\": 1}]"));
  r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_PROTOCOL);
  cJSON_Delete(
      simfix_admin(&sim, "PUT", "/faults",
                   "[{\"endpoint\": \"alerts\", \"latency_ms\": 4000}]"));
  sleep_s(1.1);
  int64_t t0 = mde_monotonic_ms();
  assert_int_equal(mde_engine_cycle(e, t0 + 1000, 0), 0);
  int64_t took = mde_monotonic_ms() - t0;
  r = mde_engine_result(e, (size_t)i);
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  assert_non_null(strstr(r->reason, "deadline"));
  if (took > 1300)
    fail_msg("the cycle took %lld ms past a 1000 ms deadline", (long long)took);
  cJSON_Delete(simfix_admin(&sim, "DELETE", "/faults", NULL));
  sleep_s(1.1);
  r = cycle(e, i);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_counts_match(r, CONTOSO);
  mde_engine_free(e);
}

/* A reused connection that dies before answering: libcurl sends the
 * request again on the next pooled connection, which may die the same way,
 * up to five times. The API budget counts each call as two requests at
 * most, so the client stops after the second. */
static void a_dead_connection_is_retried_once(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  static const char *const names[] = {"c1", "c2", "c3", "c4", "c5"};
  for (size_t k = 0; k < 5; k++) {
    struct mde_tenant_config c = config(names[k], CONTOSO, secret_ok);
    c.alerts_interval = k ? 3600 : 1; /* only the first calls again */
    c.probe_roles = k ? 0 : 1;
    add(e, &c);
  }
  /* Slow answers make the five overlap: five connections in the pool. */
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"*\", \"latency_ms\": 150}]"));
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  for (size_t k = 0; k < 5; k++)
    assert_int_equal(mde_engine_result(e, k)->failure, MDE_FAIL_NONE);
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"alerts\", \"reset\": 1}]"));
  sleep_s(1.1);
  double sent = stat_of(CONTOSO, "alerts");
  assert_int_equal(mde_engine_cycle(e, mde_monotonic_ms() + 15000, 0), 0);
  double requests = stat_of(CONTOSO, "alerts") - sent;
  const struct mde_tenant_result *r = mde_engine_result(e, 0);
  cJSON_Delete(simfix_admin(&sim, "DELETE", "/faults", NULL));
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  if (requests != MDE_HTTP_MAX_ATTEMPTS)
    fail_msg("one call went out as %.0f requests (%s)", requests, r->reason);
  assert_non_null(strstr(r->reason, "not sent again"));
  mde_engine_free(e);
}

/* With every connection busy and requests queued, the cycle waits on its
 * sockets: it must not spin (it once went round without waiting, burning a
 * core for as long as the queue was not empty). */
static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void a_full_window_waits_without_spinning(void **state) {
  (void)state;
  struct mde_engine_options o = {
      .http = {.ca_file = sim.ca, .timeout_ms = 5000, .max_connections = 1}};
  char err[512];
  struct mde_engine *e = mde_engine_new(&o, err, sizeof err);
  assert_non_null(e);
  static const char *const names[] = {"one", "two", "three"};
  for (size_t k = 0; k < 3; k++) {
    struct mde_tenant_config c = config(names[k], CONTOSO, secret_ok);
    add(e, &c);
  }
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults",
                            "[{\"endpoint\": \"*\", \"latency_ms\": 200}]"));
  double cpu = cpu_seconds();
  int64_t t0 = mde_monotonic_ms();
  assert_int_equal(mde_engine_cycle(e, t0 + 15000, 0), 0);
  double wall = (double)(mde_monotonic_ms() - t0) / 1000.0;
  cpu = cpu_seconds() - cpu;
  cJSON_Delete(simfix_admin(&sim, "DELETE", "/faults", NULL));
  for (size_t k = 0; k < 3; k++)
    assert_int_equal(mde_engine_result(e, k)->failure, MDE_FAIL_NONE);
  /* seven requests one at a time, 200 ms each: about 1.4 s of waiting */
  if (wall < 1.2 || cpu > wall / 3)
    fail_msg("%.2f s of CPU for a %.2f s cycle of waiting", cpu, wall);
  mde_engine_free(e);
}

static void bad_configuration_is_refused(void **state) {
  (void)state;
  struct mde_engine *e = engine();
  char *loose = simfix_file(&sim, "loose", "x", 0644);
  static const struct {
    const char *field, *value, *message;
  } rows[] = {
      {"tenant", "not a tenant", "TenantId \"not a tenant\" is neither"},
      {"client", "123", "ClientId \"123\" is not a GUID"},
      {"cloud", "mars", "Cloud \"mars\" is not one of"},
      {"login", "http://login.example",
       "LoginEndpoint \"http://login.example\""},
      {"secret", "/nonexistent/secret",
       "cannot open secret file /nonexistent/secret"},
      {"secret", "LOOSE", "is accessible by other users (mode 0644)"},
      {"secret", "/tmp", "is not a regular file"},
  };
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
    struct mde_tenant_config c = config("bad", CONTOSO, secret_ok);
    if (!strcmp(rows[k].field, "tenant"))
      c.tenant = rows[k].value;
    if (!strcmp(rows[k].field, "client"))
      c.client_id = rows[k].value;
    if (!strcmp(rows[k].field, "cloud"))
      c.cloud = rows[k].value;
    if (!strcmp(rows[k].field, "login"))
      c.login_endpoint = rows[k].value;
    if (!strcmp(rows[k].field, "secret"))
      c.secret_file = strcmp(rows[k].value, "LOOSE") ? rows[k].value : loose;
    char err[512] = "";
    assert_int_equal(mde_engine_add(e, &c, err, sizeof err), -1);
    if (!strstr(err, rows[k].message) || !strstr(err, "tenant \"bad\""))
      fail_msg("row %zu: \"%s\" lacks \"%s\"", k, err, rows[k].message);
  }
  struct mde_tenant_config two = config("bad", CONTOSO, secret_ok);
  two.secret_env = "X";
  char err[512];
  assert_int_equal(mde_engine_add(e, &two, err, sizeof err), -1);
  assert_non_null(strstr(err, "2 credentials given"));
  assert_int_equal(mde_engine_count(e), 0);
  free(loose);
  mde_engine_free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(healthy_tenant),
      cmocka_unit_test(token_is_cached_and_rechecked),
      cmocka_unit_test(secret_change_and_reauth),
      cmocka_unit_test(consent_revoked_is_seen_at_the_next_check),
      cmocka_unit_test(token_endpoint_failures),
      cmocka_unit_test(sovereign_cloud),
      cmocka_unit_test(missing_roles_are_named),
      cmocka_unit_test(certificate_credentials),
      cmocka_unit_test(alert_counts_follow_changes),
      cmocka_unit_test(key_rotation),
      cmocka_unit_test(throttling_honours_retry_after),
      cmocka_unit_test(token_throttling_and_oneshot),
      cmocka_unit_test(full_resync_keeps_counts_exact),
      cmocka_unit_test(a_failing_api_stays_failed_between_calls),
      cmocka_unit_test(faults_and_the_deadline),
      cmocka_unit_test(a_dead_connection_is_retried_once),
      cmocka_unit_test(a_full_window_waits_without_spinning),
      cmocka_unit_test(bad_configuration_is_refused),
  };
  return cmocka_run_group_tests_name("engine", tests, setup, teardown);
}
