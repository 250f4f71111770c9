/* SPDX-License-Identifier: MIT */
/* Credential expiry from Microsoft Graph in the engine (lib/engine_graph.c)
 * on the scripted world: one read per app and home tenant, shared by its
 * tenants, repeated every CredentialCheckInterval; the Graph token used
 * without a signature check but with its audience, tenant and roles
 * checked; a missing permission reported as graph_permission_missing
 * while Defender monitoring goes on; Graph down leaving the last expiry
 * counting down. */
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
#include <unistd.h>

#include <cmocka.h>

#define PARTNER "aaaaaaaa-0000-4000-8000-00000000000a"
#define CONTOSO "aaaaaaaa-0000-4000-8000-000000000001"
#define FABRIKAM "aaaaaaaa-0000-4000-8000-000000000002"
#define K1 "00000000-0000-4000-8000-000000000001"
#define K2 "00000000-0000-4000-8000-000000000002"
#define DAY 86400.0

static int setup(void **state) {
  if (fixture_setup(state) != 0)
    return -1;
  struct fixture *f = *state;
  f->home = fw_tenant(&f->w, PARTNER);
  f->home->graph_roles[0] = "Application.Read.All";
  fw_tenant(&f->w, CONTOSO)->alerts = 3;
  fw_tenant(&f->w, FABRIKAM);
  /* the configured secret is "fake-secret-value": hint "fak" */
  char s[512];
  fw_secret(&f->w, s, sizeof s, K1, "fak", 10);
  fw_graph_app(&f->w, s, NULL);
  return 0;
}

static struct mde_tenant_config
graph_config(struct fixture *f, const char *name, const char *tenant) {
  struct mde_tenant_config c = fw_config(&f->w, name, tenant, NULL);
  c.home_tenant = PARTNER;
  c.graph_endpoint = FW_GRAPH_HOST;
  c.probe_roles = 0;
  return c;
}

static bool near(double got, double want) { return fabs(got - want) < 2; }

/* Two customer tenants on one app: one Graph token in the home tenant (for
 * Graph), one read; both get the secret's expiry; app-level counts. */
static void one_read_feeds_every_tenant(void **state) {
  struct fixture *f = *state;
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  int a = fixture_add(f, &c);
  c = graph_config(f, "fabrikam", FABRIKAM);
  int b = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, 0, 0), 1);
  int graph_tokens = 0;
  for (int i = 0; i < f->w.n_log; i++) {
    if (f->w.log[i].graph_token) {
      graph_tokens++;
      assert_int_equal(f->w.log[i].tenant, 0); /* the home tenant's */
    }
  }
  assert_int_equal(graph_tokens, 1);
  for (int i = 0; i < 2; i++) {
    const struct mde_tenant_result *r = fixture_result(f, i ? b : a);
    assert_int_equal(r->failure, MDE_FAIL_NONE);
    assert_int_equal(r->credential_from_graph, 1);
    assert_true(near(r->credential_ttl, 10 * DAY));
    assert_string_equal(r->credential_note, "");
  }
  assert_int_equal(mde_engine_app_count(f->e), 1);
  const struct mde_app_result *app = mde_engine_app_result(f->e, 0);
  assert_int_equal(app->valid, 1);
  assert_true(near(app->earliest_ttl, 10 * DAY));
  assert_int_equal(app->expiring, 1); /* within the default 30 days */
  assert_int_equal(app->expired, 0);
  assert_null(mde_engine_app_result(f->e, 1));
}

/* The read URL: the configured Graph host, /v1.0 appended, with $select. */
static void the_read_goes_to_graph_endpoint(void **state) {
  struct fixture *f = *state;
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  c.graph_endpoint = FW_GRAPH_HOST "/";
  fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  for (int i = 0; i < f->w.n_log; i++)
    if (f->w.log[i].ep == FW_GRAPH)
      assert_string_equal(f->w.log[i].url, FW_GRAPH_HOST
                          "/v1.0/applications(appId='" FW_APP
                          "')?$select=id,appId,passwordCredentials,"
                          "keyCredentials");
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 1);
}

/* US Government: without GraphEndpoint, the cloud's Graph host (lib/cloud.c)
 * for the read and the token (GCC High: graph.microsoft.us; DoD:
 * dod-graph.microsoft.us; GCC: the public Graph). */
static void us_government_graph_hosts(void **state) {
  struct fixture *f = *state;
  static const struct {
    const char *cloud, *graph;
  } rows[] = {{"gcc-high", "https://graph.microsoft.us"},
              {"dod", "https://dod-graph.microsoft.us"},
              {"gcc", "https://graph.microsoft.com"}};
  for (size_t k = 0; k < 3; k++) {
    struct mde_engine *e = fw_engine(&f->w);
    struct mde_tenant_config c = graph_config(f, "gov", CONTOSO);
    c.cloud = rows[k].cloud;
    c.graph_endpoint = NULL;
    char err[512];
    assert_int_equal(mde_engine_add(e, &c, err, sizeof err), 0);
    f->home->graph_aud = rows[k].graph; /* the token is for that Graph */
    int from = f->w.n_log;
    mde_engine_cycle(e, f->w.mono_ms + 1000, 0);
    char want[256];
    snprintf(want, sizeof want, "%s/v1.0/applications(appId='%s')?",
             rows[k].graph, FW_APP);
    int reads = 0;
    for (int i = from; i < f->w.n_log; i++)
      reads += strncmp(f->w.log[i].url, want, strlen(want)) == 0;
    if (reads != 1)
      fail_msg("%s: %d reads of %s", rows[k].cloud, reads, want);
    mde_engine_free(e);
  }
}

/* Read in the first cycle, then once per CredentialCheckInterval (the
 * shortest of the app's tenants'); the expiry counts down in between. */
static void read_again_every_interval(void **state) {
  struct fixture *f = *state;
  struct mde_tenant_config c = graph_config(f, "fabrikam", FABRIKAM);
  fixture_add(f, &c); /* 900 s, the default */
  c = graph_config(f, "contoso", CONTOSO);
  c.credential_check_interval = 600;
  int i = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  for (int k = 0; k < 59; k++) /* 590 s more */
    fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 1);
  assert_true(near(fixture_result(f, i)->credential_ttl, 10 * DAY - 590));
  fw_cycle(&f->w, f->e, 10); /* 600 s after the first read */
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 2);
}

/* No Graph read role in the home tenant: the class, its fix naming the
 * permission and the home tenant's consent; Defender values flow. */
static void no_read_role_is_a_warning_class(void **state) {
  struct fixture *f = *state;
  f->home->graph_roles[0] = "User.Read.All";
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  int i = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(r->failure, MDE_FAIL_GRAPH_PERMISSION);
  assert_non_null(strstr(r->reason, "carries none of Application.Read.All"));
  assert_non_null(strstr(r->reason, "User.Read.All"));
  assert_non_null(strstr(r->fix, "Application.Read.All"));
  assert_non_null(strstr(r->fix, PARTNER "/adminconsent"));
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 0); /* not even tried */
  assert_true(r->token_valid);
  assert_true(r->alerts_valid);
  assert_int_equal(r->alerts[MDE_STATUS_NEW][MDE_SEVERITY_HIGH], 3);
  assert_int_equal(mde_failure_nagios_state(r->failure), MDE_NAGIOS_WARNING);
  assert_true(isnan(r->credential_ttl));
}

/* Each role that allows the read is accepted (ReadWrite and Directory). */
static void each_read_role_is_enough(void **state) {
  struct fixture *f = *state;
  f->home->graph_roles[0] = "Directory.Read.All";
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  int i = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
  assert_int_equal(fixture_result(f, i)->credential_from_graph, 1);
  f->home->graph_roles[0] = "Application.ReadWrite.All";
  f->w.mono_ms += 900 * 1000;
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 2);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_NONE);
}

/* Graph's own 403 (the token claimed the role) and 404 (the app is not
 * registered in that tenant) are the same class, each with its reason. */
static void graph_refusals(void **state) {
  struct fixture *f = *state;
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  int i = fixture_add(f, &c);
  f->home->ov[FW_GRAPH] = (struct fw_override){
      .status = 403,
      .body = "{\"error\":{\"code\":\"Authorization_RequestDenied\","
              "\"message\":\"Insufficient privileges to complete the "
              "operation.\"}}",
      .times = 1,
      .retry_after = -1};
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_GRAPH_PERMISSION);
  assert_non_null(
      strstr(fixture_result(f, i)->reason, "Authorization_RequestDenied"));
  f->w.graph_app[0] = '\0'; /* 404 Request_ResourceNotFound */
  f->w.mono_ms += 900 * 1000;
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fixture_result(f, i)->failure, MDE_FAIL_GRAPH_PERMISSION);
  assert_non_null(
      strstr(fixture_result(f, i)->reason, "not registered in home"));
}

/* The Graph token is signed with a key Entra does not publish (and has a
 * nonce header): it is used all the same; but a token for another
 * audience or tenant is not. */
static void graph_token_claims_not_signature(void **state) {
  struct fixture *f = *state;
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  int i = fixture_add(f, &c);
  f->home->graph_aud = "https://api.securitycenter.microsoft.com";
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 0);
  const struct mde_app_result *app = mde_engine_app_result(f->e, 0);
  assert_int_equal(app->failure, MDE_FAIL_TOKEN_INVALID);
  assert_non_null(strstr(app->reason, "not https://graph.microsoft.com"));
  assert_int_equal(fixture_result(f, i)->failure,
                   MDE_FAIL_NONE); /* MDE is fine */
  assert_non_null(
      strstr(fixture_result(f, i)->credential_note, "Microsoft Graph"));
  f->home->graph_aud = "00000003-0000-0000-c000-000000000000";
  f->w.mono_ms += 60 * 1000; /* a failed read is tried again after 60 s */
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 1);
  assert_int_equal(fixture_result(f, i)->credential_from_graph, 1);
  snprintf(f->home->token_tid, sizeof f->home->token_tid, "%s", CONTOSO);
  f->w.mono_ms += 900 * 1000;
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 1);
  assert_int_equal(app->failure, MDE_FAIL_TOKEN_INVALID);
  assert_non_null(strstr(app->reason, "tid"));
}

/* A home tenant given as a domain: the GUID of the first Graph token that
 * passes pins it; a later token claiming another tenant is refused. */
static void a_domain_home_tenant_is_pinned(void **state) {
  struct fixture *f = *state;
  snprintf(f->home->domain, sizeof f->home->domain, "partner.example");
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  c.home_tenant = "partner.example";
  int i = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  const struct mde_app_result *app = mde_engine_app_result(f->e, 0);
  assert_int_equal(app->failure, MDE_FAIL_NONE);
  assert_int_equal(fixture_result(f, i)->credential_from_graph, 1);
  snprintf(f->home->token_tid, sizeof f->home->token_tid, "%s", FABRIKAM);
  f->w.mono_ms += 900 * 1000; /* the next read, with a new token */
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 1);
  assert_int_equal(app->failure, MDE_FAIL_TOKEN_INVALID);
  assert_non_null(strstr(app->reason, "tid"));
}

/* Graph down after a read: the expiry it gave keeps counting down, a note
 * says why, and nothing else changes; Graph back: read again. */
static void graph_down_keeps_the_last_expiry(void **state) {
  struct fixture *f = *state;
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  int i = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  f->home->ov[FW_GRAPH] = (struct fw_override){.reset = true, .times = -1};
  f->w.mono_ms += 3600 * 1000;
  fw_cycle(&f->w, f->e, 10);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 2);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_true(near(r->credential_ttl, 10 * DAY - 3610));
  assert_int_equal(r->credential_from_graph, 1);
  assert_non_null(strstr(r->credential_note, "connection reset"));
  assert_non_null(strstr(r->credential_note, "counts on"));
  assert_int_equal(mde_engine_app_result(f->e, 0)->failure, MDE_FAIL_NETWORK);
  assert_true(r->alerts_valid);
  f->home->ov[FW_GRAPH] = (struct fw_override){0};
  f->w.mono_ms += 60 * 1000;
  fw_cycle(&f->w, f->e, 10);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 3);
  assert_string_equal(fixture_result(f, i)->credential_note, "");
}

/* A Graph that hangs holds nobody past the deadline, and costs the
 * tenants nothing: their Defender results stand. */
static void graph_hanging_ends_with_the_cycle(void **state) {
  struct fixture *f = *state;
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  int i = fixture_add(f, &c);
  f->home->ov[FW_GRAPH] = (struct fw_override){.hang = true, .times = -1};
  fw_cycle(&f->w, f->e, 10);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_int_equal(r->failure, MDE_FAIL_NONE);
  assert_false(r->timed_out);
  assert_true(r->alerts_valid);
  assert_true(isnan(r->credential_ttl));
  assert_non_null(strstr(r->credential_note, "deadline"));
}

/* ClientSecretExpires wins over Graph; two secrets sharing the hint: the
 * earliest valid counts with a note, ClientSecretKeyId picks one. */
static void configured_expiry_and_shared_hints(void **state) {
  struct fixture *f = *state;
  char s1[512], s2[512], both[1100];
  fw_secret(&f->w, s1, sizeof s1, K1, "fak", 40);
  fw_secret(&f->w, s2, sizeof s2, K2, "fak", 10);
  snprintf(both, sizeof both, "%s,%s", s1, s2);
  fw_graph_app(&f->w, both, NULL);
  struct mde_tenant_config c = graph_config(f, "shared", CONTOSO);
  int a = fixture_add(f, &c);
  c = graph_config(f, "picked", CONTOSO);
  c.secret_key_id = K1;
  int b = fixture_add(f, &c);
  c = graph_config(f, "typed", CONTOSO);
  c.secret_expires = f->w.wall0 + 5 * 86400;
  int d = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  assert_true(near(fixture_result(f, a)->credential_ttl, 10 * DAY));
  assert_non_null(strstr(fixture_result(f, a)->credential_note,
                         "2 secrets of the app begin as the configured one"));
  assert_true(near(fixture_result(f, b)->credential_ttl, 40 * DAY));
  assert_string_equal(fixture_result(f, b)->credential_note, "");
  assert_true(near(fixture_result(f, d)->credential_ttl, 5 * DAY));
  assert_int_equal(fixture_result(f, d)->credential_from_graph, 0);
  assert_int_equal(fw_count(&f->w, FW_GRAPH, -1, 0), 1);
  assert_int_equal(mde_engine_app_result(f->e, 0)->expiring, 1);
}

/* A certificate keeps its own notAfter; one not registered on the app is
 * reported. */
static void certificate_not_registered(void **state) {
  struct fixture *f = *state;
  char dir[] = "/tmp/mde-graph-XXXXXX";
  assert_non_null(mkdtemp(dir));
  X509 *x = tk_cert(f->w.key, f->w.wall0 - 3600, f->w.wall0 + 86400 * 100);
  char *cert_pem = tk_cert_pem(x), *key_pem = tk_key_pem(f->w.key, NULL);
  char *cert = fw_write_file(dir, "cert.pem", cert_pem, 0644);
  char *key = fw_write_file(dir, "key.pem", key_pem, 0600);
  fw_graph_app(&f->w, NULL,
               "{\"customKeyIdentifier\":\"0000000000000000000000000000000000"
               "000000\",\"endDateTime\":\"2027-01-01T00:00:00Z\",\"keyId\":"
               "\"" K2 "\"}");
  struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
  c.secret_env = NULL;
  c.cert_file = cert;
  c.key_file = key;
  int i = fixture_add(f, &c);
  fw_cycle(&f->w, f->e, 10);
  const struct mde_tenant_result *r = fixture_result(f, i);
  assert_true(near(r->credential_ttl, 100 * DAY));
  assert_int_equal(r->credential_from_graph, 0);
  assert_non_null(strstr(r->credential_note, "is not registered on the app"));
  unlink(cert);
  unlink(key);
  rmdir(dir);
  free(cert);
  free(key);
  free(cert_pem);
  free(key_pem);
  X509_free(x);
}

/* Bad Graph options are refused naming the option. */
static void bad_options(void **state) {
  struct fixture *f = *state;
  static const struct {
    const char *home, *endpoint, *key_id, *want;
  } rows[] = {
      {"not a tenant", NULL, NULL, "HomeTenantId \"not a tenant\""},
      {PARTNER, "https://graph.example/v1.0", NULL, "GraphEndpoint"},
      {PARTNER, "http://graph.example", NULL, "GraphEndpoint"},
      {PARTNER, NULL, "abc", "ClientSecretKeyId \"abc\" is not a GUID"},
  };
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
    struct mde_tenant_config c = graph_config(f, "contoso", CONTOSO);
    c.home_tenant = rows[k].home;
    c.graph_endpoint = rows[k].endpoint;
    c.secret_key_id = rows[k].key_id;
    char err[512] = "";
    assert_int_equal(mde_engine_add(f->e, &c, err, sizeof err), -1);
    if (!strstr(err, rows[k].want))
      fail_msg("row %zu: \"%s\" lacks \"%s\"", k, err, rows[k].want);
  }
  assert_int_equal(mde_engine_app_count(f->e), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)
      T(one_read_feeds_every_tenant),
      T(the_read_goes_to_graph_endpoint),
      T(read_again_every_interval),
      T(us_government_graph_hosts),
      T(no_read_role_is_a_warning_class),
      T(each_read_role_is_enough),
      T(graph_refusals),
      T(graph_token_claims_not_signature),
      T(a_domain_home_tenant_is_pinned),
      T(graph_down_keeps_the_last_expiry),
      T(graph_hanging_ends_with_the_cycle),
      T(configured_expiry_and_shared_hints),
      T(certificate_not_registered),
      T(bad_options),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
