/* SPDX-License-Identifier: MIT */
/* Clouds and URL builders: the Defender "US Government" table, names and
 * aliases, and every URL shape the engine and the humans reading a fix
 * will see. */
#include "mde/cloud.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TID "72f988bf-86f1-41af-91ab-2d7cd011db47"
#define CID "625bc9f6-3bf6-4b6d-94ba-e97cf07a22de"

static void clouds_match_the_government_table(void **state) {
  (void)state;
  static const struct {
    enum mde_cloud_id id;
    const char *name, *login, *api, *resource;
  } table[] = {
      /* 2026: the API moved host, the token resource did not (spec D.1) */
      {MDE_CLOUD_PUBLIC, "public", "https://login.microsoftonline.com",
       "https://api.security.microsoft.com",
       "https://api.securitycenter.microsoft.com"},
      {MDE_CLOUD_GCC, "gcc", "https://login.microsoftonline.com",
       "https://api-gcc.securitycenter.microsoft.us",
       "https://api-gcc.securitycenter.microsoft.us"},
      {MDE_CLOUD_GCC_HIGH, "gcc-high", "https://login.microsoftonline.us",
       "https://api-gov.securitycenter.microsoft.us",
       "https://api-gov.securitycenter.microsoft.us"},
      {MDE_CLOUD_DOD, "dod", "https://login.microsoftonline.us",
       "https://api-gov.securitycenter.microsoft.us",
       "https://api-gov.securitycenter.microsoft.us"},
  };
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
    const struct mde_cloud *c = mde_cloud_get(table[i].id);
    assert_non_null(c);
    assert_int_equal(c->id, table[i].id);
    assert_string_equal(c->name, table[i].name);
    assert_string_equal(c->login, table[i].login);
    assert_string_equal(c->api, table[i].api);
    /* the token is for the API's global resource, never the host called */
    assert_string_equal(c->resource, table[i].resource);
    assert_string_equal(c->sts, "https://sts.windows.net");
  }
  assert_null(mde_cloud_get(MDE_CLOUD_COUNT_));
}

static void names_and_aliases(void **state) {
  (void)state;
  static const struct {
    const char *name;
    int id; /* -1: unknown */
  } cases[] = {
      {"public", MDE_CLOUD_PUBLIC},
      {"Public", MDE_CLOUD_PUBLIC},
      {"commercial", MDE_CLOUD_PUBLIC},
      {"global", MDE_CLOUD_PUBLIC},
      {"gcc", MDE_CLOUD_GCC},
      {"GCC", MDE_CLOUD_GCC},
      {"gcc-high", MDE_CLOUD_GCC_HIGH},
      {"GCC_High", MDE_CLOUD_GCC_HIGH},
      {"gcchigh", MDE_CLOUD_GCC_HIGH},
      {"usgov", MDE_CLOUD_GCC_HIGH},
      {"dod", MDE_CLOUD_DOD},
      {"DoD", MDE_CLOUD_DOD},
      {"", -1},
      {"china", -1},
      {"gcc-", -1},
      {"publicx", -1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct mde_cloud *c = mde_cloud_from_name(cases[i].name);
    if (cases[i].id < 0) {
      assert_null(c);
    } else {
      assert_non_null(c);
      assert_int_equal(c->id, cases[i].id);
    }
  }
  assert_null(mde_cloud_from_name(NULL));
}

static void guids(void **state) {
  (void)state;
  assert_true(mde_is_guid(TID));
  assert_true(mde_is_guid("00000000-0000-0000-0000-000000000000"));
  assert_true(mde_is_guid("72F988BF-86F1-41AF-91AB-2D7CD011DB47"));
  assert_false(mde_is_guid("72f988bf-86f1-41af-91ab-2d7cd011db4"));
  assert_false(mde_is_guid("72f988bf-86f1-41af-91ab-2d7cd011db477"));
  assert_false(mde_is_guid("72f988bf86f1-41af-91ab-2d7cd011db47-"));
  assert_false(mde_is_guid("72f988bg-86f1-41af-91ab-2d7cd011db47"));
  assert_false(mde_is_guid("contoso.onmicrosoft.com"));
  assert_false(mde_is_guid(""));
  assert_false(mde_is_guid(NULL));
}

static void url_encoding(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"", ""},
      {"AZaz09-._~", "AZaz09-._~"},
      {"a b+c/d?e=f&g", "a%20b%2Bc%2Fd%3Fe%3Df%26g"},
      {"qkDw.../Dx+=", "qkDw...%2FDx%2B%3D"},
      {"https://api.securitycenter.microsoft.com/.default",
       "https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"},
      {"\xc3\xa9\x01", "%C3%A9%01"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_buf b;
    mde_buf_init(&b, 0);
    assert_int_equal(mde_url_encode(&b, cases[i].in), 0);
    assert_string_equal(b.data ? b.data : "", cases[i].out);
    mde_buf_free(&b);
  }
}

typedef char *(*url_fn)(const char *, const char *, enum mde_token_version);

static void endpoint_urls(void **state) {
  (void)state;
  static const struct {
    url_fn fn;
    const char *login, *tenant;
    enum mde_token_version v;
    const char *want;
  } cases[] = {
      {mde_url_token, "https://login.microsoftonline.com", TID, MDE_TOKEN_V1,
       "https://login.microsoftonline.com/" TID "/oauth2/token"},
      {mde_url_token, "https://login.microsoftonline.com/", TID, MDE_TOKEN_V2,
       "https://login.microsoftonline.com/" TID "/oauth2/v2.0/token"},
      {mde_url_token, "https://login.microsoftonline.us",
       "contoso.onmicrosoft.us", MDE_TOKEN_V2,
       "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/"
       "token"},
      {mde_url_token, "https://127.0.0.1:8443", "a/b?c", MDE_TOKEN_V1,
       "https://127.0.0.1:8443/a%2Fb%3Fc/oauth2/token"},
      {mde_url_discovery, "https://login.microsoftonline.com", TID,
       MDE_TOKEN_V1,
       "https://login.microsoftonline.com/" TID
       "/.well-known/openid-configuration"},
      {mde_url_discovery, "https://login.microsoftonline.com", TID,
       MDE_TOKEN_V2,
       "https://login.microsoftonline.com/" TID
       "/v2.0/.well-known/openid-configuration"},
      /* the v1 document names each cloud's v1 issuer (engine: issue 14) */
      {mde_url_discovery, "https://login.microsoftonline.us", TID, MDE_TOKEN_V1,
       "https://login.microsoftonline.us/" TID
       "/.well-known/openid-configuration"},
      {mde_url_jwks, "https://login.microsoftonline.com", TID, MDE_TOKEN_V1,
       "https://login.microsoftonline.com/common/discovery/keys"},
      {mde_url_jwks, "https://login.microsoftonline.us", TID, MDE_TOKEN_V2,
       "https://login.microsoftonline.us/" TID "/discovery/v2.0/keys"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *u = cases[i].fn(cases[i].login, cases[i].tenant, cases[i].v);
    assert_non_null(u);
    assert_string_equal(u, cases[i].want);
    free(u);
    assert_null(cases[i].fn(NULL, cases[i].tenant, cases[i].v));
    assert_null(cases[i].fn(cases[i].login, NULL, cases[i].v));
  }
}

static void admin_consent_urls(void **state) {
  (void)state;
  char *u =
      mde_url_admin_consent(mde_cloud_get(MDE_CLOUD_PUBLIC)->login, TID, CID);
  assert_string_equal(u, "https://login.microsoftonline.com/" TID
                         "/adminconsent?client_id=" CID);
  free(u);
  u = mde_url_admin_consent(mde_cloud_get(MDE_CLOUD_DOD)->login,
                            "fabrikam.onmicrosoft.us", "odd id&x=1");
  assert_string_equal(u, "https://login.microsoftonline.us/"
                         "fabrikam.onmicrosoft.us/adminconsent?client_id="
                         "odd%20id%26x%3D1");
  free(u);
  assert_null(mde_url_admin_consent("https://l", TID, NULL));
}

static void token_targets(void **state) {
  (void)state;
  const char *r = mde_cloud_get(MDE_CLOUD_PUBLIC)->resource;
  assert_string_equal(mde_token_target_param(MDE_TOKEN_V1), "resource");
  assert_string_equal(mde_token_target_param(MDE_TOKEN_V2), "scope");
  char *t = mde_token_target(r, MDE_TOKEN_V1);
  assert_string_equal(t, "https://api.securitycenter.microsoft.com");
  free(t);
  t = mde_token_target(r, MDE_TOKEN_V2);
  assert_string_equal(t, "https://api.securitycenter.microsoft.com/.default");
  free(t);
  t = mde_token_target(mde_cloud_get(MDE_CLOUD_GCC)->resource, MDE_TOKEN_V2);
  assert_string_equal(t,
                      "https://api-gcc.securitycenter.microsoft.us/.default");
  free(t);
  t = mde_token_target("https://service.contoso.com/", MDE_TOKEN_V2);
  assert_string_equal(t, "https://service.contoso.com//.default");
  free(t);
  assert_null(mde_token_target(NULL, MDE_TOKEN_V2));
}

static void issuers(void **state) {
  (void)state;
  char *i = mde_issuer_v1(mde_cloud_get(MDE_CLOUD_GCC_HIGH)->sts, TID);
  assert_string_equal(i, "https://sts.windows.net/" TID "/");
  free(i);
  i = mde_issuer_v2(mde_cloud_get(MDE_CLOUD_PUBLIC)->login, TID);
  assert_string_equal(i, "https://login.microsoftonline.com/" TID "/v2.0");
  free(i);
  i = mde_issuer_v2("https://login.microsoftonline.us/", TID);
  assert_string_equal(i, "https://login.microsoftonline.us/" TID "/v2.0");
  free(i);
  assert_null(mde_issuer_v1(NULL, TID));
  assert_null(mde_issuer_v2("https://x", NULL));
}

static void regions(void **state) {
  (void)state;
  static const struct {
    const char *name, *api;
  } cases[] = {
      {"us", "https://us.api.security.microsoft.com"},
      {"eu", "https://eu.api.security.microsoft.com"},
      {"EU", "https://eu.api.security.microsoft.com"},
      {"uk", "https://uk.api.security.microsoft.com"},
      {"au", "https://au.api.security.microsoft.com"},
      {"swa", "https://swa.api.security.microsoft.com"},
      {"ina", "https://ina.api.security.microsoft.com"},
      {"aea", "https://aea.api.security.microsoft.com"},
      {"", NULL},
      {"e", NULL},
      {"eu ", NULL},
      {"api-eu", NULL},
      {"gcc", NULL},
      {"europe", NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *api = mde_cloud_region_api(cases[i].name);
    if (!cases[i].api)
      assert_null(api);
    else
      assert_string_equal(api, cases[i].api);
  }
  assert_null(mde_cloud_region_api(NULL));
  char list[64];
  mde_cloud_region_list(list, sizeof list);
  assert_string_equal(list, "us, eu, uk, au, swa, ina, aea");
  mde_cloud_region_list(list, 8); /* cut, still a string */
  assert_string_equal(list, "us, eu,");
}

#define SIM "https://127.0.0.1:8443"

/* Where a nextLink may take the bearer token: every row is a boundary. */
static void next_links(void **state) {
  (void)state;
  static const struct {
    enum mde_cloud_id cloud;
    const char *configured; /* NULL: the cloud's own API */
    const char *url;
    bool ok;
  } cases[] = {
      /* public: the four host shapes, with a path and a query */
      {MDE_CLOUD_PUBLIC, NULL,
       "https://api.security.microsoft.com/api/alerts?$skip=10000", true},
      {MDE_CLOUD_PUBLIC, NULL, "https://eu.api.security.microsoft.com/api/x",
       true},
      {MDE_CLOUD_PUBLIC, NULL, "https://aea.api.security.microsoft.com", true},
      {MDE_CLOUD_PUBLIC, NULL, "https://newregion.api.security.microsoft.com/",
       true},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.securitycenter.microsoft.com/api",
       true},
      {MDE_CLOUD_PUBLIC, NULL,
       "https://api-eu.securitycenter.microsoft.com/api", true},
      {MDE_CLOUD_PUBLIC, NULL, "HTTPS://API.Security.Microsoft.COM/api", true},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com:443/api",
       true},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com?$skip=1",
       true},
      {MDE_CLOUD_PUBLIC, "https://eu.api.security.microsoft.com",
       "https://us.api.security.microsoft.com/api/alerts", true},
      /* lookalikes */
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com.evil.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://evilapi.security.microsoft.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.co/", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com./", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://a.b.api.security.microsoft.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://.api.security.microsoft.com/", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://-x.api.security.microsoft.com/", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api-.securitycenter.microsoft.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api-a.b.securitycenter.microsoft.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://xapi-eu.securitycenter.microsoft.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://security.microsoft.com/api", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://graph.microsoft.com/v1.0", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://evil.com/api.security.microsoft.com",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://evil.com?api.security.microsoft.com",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://evil.com#.api.security.microsoft.com",
       false},
      /* user info, tricks in the authority, other schemes */
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com@evil.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://evil.com@api.security.microsoft.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://u:p@api.security.microsoft.com/",
       false},
      /* user info is refused even where the configured URL has it */
      {MDE_CLOUD_PUBLIC, "https://u@127.0.0.1:8443",
       "https://u@127.0.0.1:8443/", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://evil.com\\@api.security.microsoft.com/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com\\.evil/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api%2esecurity.microsoft.com/", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com%00.evil/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api security.microsoft.com/", false},
      {MDE_CLOUD_PUBLIC, NULL, "http://api.security.microsoft.com/api", false},
      {MDE_CLOUD_PUBLIC, NULL, "//api.security.microsoft.com/api", false},
      {MDE_CLOUD_PUBLIC, NULL, "/api/alerts?$skip=1", false},
      {MDE_CLOUD_PUBLIC, NULL, "https:///api", false},
      {MDE_CLOUD_PUBLIC, NULL, "", false},
      {MDE_CLOUD_PUBLIC, NULL, NULL, false},
      /* ports */
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com:8443/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com:/", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com:44x/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com:0443/",
       true},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com:99999/",
       false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com:0/", false},
      {MDE_CLOUD_PUBLIC, NULL, "https://api.security.microsoft.com:443443/",
       false},
      /* the simulator on a random port: its host, and the real names on
       * its port, but nothing on another port */
      {MDE_CLOUD_PUBLIC, SIM, SIM "/api/alerts?$skip=25", true},
      {MDE_CLOUD_PUBLIC, SIM "/", SIM "/api/alerts", true},
      {MDE_CLOUD_PUBLIC, SIM,
       "https://eu.api.security.microsoft.com:8443/api/alerts", true},
      {MDE_CLOUD_PUBLIC, SIM, "https://127.0.0.1:8444/api/alerts", false},
      {MDE_CLOUD_PUBLIC, SIM, "https://127.0.0.1/api/alerts", false},
      {MDE_CLOUD_PUBLIC, SIM, "https://127.0.0.2:8443/api/alerts", false},
      {MDE_CLOUD_PUBLIC, SIM, "https://api.security.microsoft.com/api", false},
      {MDE_CLOUD_PUBLIC, "https://[::1]:8443", "https://[::1]:8443/api", true},
      {MDE_CLOUD_PUBLIC, "https://[::1]:8443", "https://[::2]:8443/api", false},
      {MDE_CLOUD_PUBLIC, "https://[::1]:8443", "https://[::1]x/api", false},
      {MDE_CLOUD_PUBLIC, "https://[::1]", "https://[::1]x443/api", false},
      /* US Government: its own host and the configured one, nothing public */
      {MDE_CLOUD_GCC_HIGH, NULL,
       "https://api-gov.securitycenter.microsoft.us/api/alerts", true},
      {MDE_CLOUD_DOD, NULL, "https://api-gov.securitycenter.microsoft.us/",
       true},
      {MDE_CLOUD_GCC, NULL, "https://api-gcc.securitycenter.microsoft.us/",
       true},
      {MDE_CLOUD_GCC, NULL, "https://api-gov.securitycenter.microsoft.us/",
       false},
      {MDE_CLOUD_GCC_HIGH, NULL, "https://api-gcc.securitycenter.microsoft.us/",
       false},
      {MDE_CLOUD_GCC_HIGH, NULL, "https://api.security.microsoft.com/", false},
      {MDE_CLOUD_GCC_HIGH, NULL, "https://eu.api.security.microsoft.com/",
       false},
      {MDE_CLOUD_GCC, NULL, "https://api-eu.securitycenter.microsoft.com/",
       false},
      {MDE_CLOUD_GCC_HIGH, NULL,
       "https://api-gov.securitycenter.microsoft.us.evil.com/", false},
      {MDE_CLOUD_GCC_HIGH, SIM, SIM "/api/alerts", true},
      {MDE_CLOUD_GCC_HIGH, SIM,
       "https://api-gov.securitycenter.microsoft.us:8443/api", true},
      {MDE_CLOUD_GCC_HIGH, SIM,
       "https://us.api.security.microsoft.com:8443/api", false},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    bool got = mde_cloud_next_link_allowed(mde_cloud_get(cases[i].cloud),
                                           cases[i].configured, cases[i].url);
    if (got != cases[i].ok)
      fail_msg("row %zu: %s from %s: %s, want %s", i,
               cases[i].url ? cases[i].url : "(null)",
               cases[i].configured ? cases[i].configured : "(cloud)",
               got ? "allowed" : "refused",
               cases[i].ok ? "allowed" : "refused");
  }
  /* no cloud: the configured host only */
  assert_true(mde_cloud_next_link_allowed(NULL, SIM, SIM "/api"));
  assert_false(mde_cloud_next_link_allowed(
      NULL, SIM, "https://api.security.microsoft.com:8443/api"));
  assert_false(mde_cloud_next_link_allowed(NULL, NULL, SIM "/api"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(clouds_match_the_government_table),
      cmocka_unit_test(names_and_aliases),
      cmocka_unit_test(guids),
      cmocka_unit_test(url_encoding),
      cmocka_unit_test(endpoint_urls),
      cmocka_unit_test(admin_consent_urls),
      cmocka_unit_test(token_targets),
      cmocka_unit_test(issuers),
      cmocka_unit_test(regions),
      cmocka_unit_test(next_links),
  };
  return cmocka_run_group_tests_name("cloud", tests, NULL, NULL);
}
