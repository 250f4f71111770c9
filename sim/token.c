/* SPDX-License-Identifier: MIT */
/* Entra's token endpoint for the client-credentials grant: v1 (resource=)
 * and v2 (scope=…/.default), client secret (post or Basic on v2) or signed
 * client assertion. Checks run in the order of the spec's design notes, and
 * every failure answers with the real AADSTS code, error and message form.
 * A consented app whose roles were not granted still gets a token — with no
 * roles claim — exactly as Entra does; the API refuses it later. */
#include "errors.h"
#include "forge.h"
#include "form.h"
#include "handlers.h"
#include "mde/b64url.h"
#include "sjwt.h"
#include "util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#define CERT_DOCS                                                              \
  "Review the documentation at "                                               \
  "https://learn.microsoft.com/entra/identity-platform/"                       \
  "certificate-credentials"                                                    \
  " ."

static void missing_param(const struct sim_world *w, const struct sim_req *rq,
                          struct sim_resp *rs, const char *name) {
  sim_aad_error(w, rq, rs, 400, "invalid_request", (int[]){900144}, 1,
                "The request body must contain the following parameter: "
                "'%s'.",
                name);
}

static bool is_form(const struct sim_req *rq) {
  const char *ct = sim_req_header(rq, "Content-Type");
  return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

/* client_secret_basic (RFC 6749 2.3.1): both parts are form-encoded. */
static char *basic_secret(const struct sim_req *rq, char **client_id) {
  const char *auth = sim_req_header(rq, "Authorization");
  if (!auth || strncasecmp(auth, "Basic ", 6) != 0)
    return NULL;
  size_t n = 0;
  unsigned char *raw = sim_base64_decode(auth + 6, &n);
  if (!raw)
    return NULL;
  char *secret = NULL;
  char *colon = strchr((char *)raw, ':');
  if (colon) {
    *client_id = form_decode((char *)raw, (size_t)(colon - (char *)raw));
    secret = form_decode(colon + 1, strlen(colon + 1));
    if (!*client_id || !secret) {
      free(*client_id);
      free(secret);
      *client_id = secret = NULL;
    }
  }
  OPENSSL_cleanse(raw, n);
  free(raw);
  return secret;
}

static void hex_upper(const unsigned char *b, size_t n, char *out) {
  for (size_t i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02X", b[i]);
}

static bool audience_ok(const char *aud, const struct sim_req *rq,
                        const struct sim_tenant *t, const char *segment) {
  static const char *const login_hosts[] = {"login.microsoftonline.com",
                                            "login.microsoftonline.us",
                                            "login.windows.net"};
  const char *names[2 + 8];
  size_t n_names = 0;
  names[n_names++] = segment;
  names[n_names++] = t->id;
  for (size_t i = 0; i < t->n_domains && n_names < 10; i++)
    names[n_names++] = t->domains[i];
  const char *hosts[4] = {rq->host ? rq->host : "", login_hosts[0],
                          login_hosts[1], login_hosts[2]};
  char want[600];
  for (size_t h = 0; h < 4; h++) {
    for (size_t i = 0; i < n_names; i++) {
      for (int v = 0; v < 2; v++) {
        snprintf(want, sizeof want, "https://%s/%s/oauth2/%stoken", hosts[h],
                 names[i], v ? "v2.0/" : "");
        if (strcasecmp(aud, want) == 0)
          return true;
      }
    }
  }
  return false;
}

/* Verifies a client assertion (certificate credential). Returns true, or
 * answers the error and returns false. Called with the world locked. */
static bool check_assertion(const struct sim_world *w, const struct sim_req *rq,
                            struct sim_resp *rs, const struct sim_app *app,
                            const struct sim_tenant *t, const char *segment,
                            const char *assertion) {
  struct sjwt j;
  if (sjwt_decode(assertion, &j) != 0) {
    sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){50027}, 1,
                  "JWT token is invalid or malformed.");
    return false;
  }
  bool ok = false;
  const char *x5t = sjwt_str(j.header, "x5t");
  const char *x5t256 = sjwt_str(j.header, "x5t#S256");
  const char *thumb = x5t256 ? x5t256 : x5t;
  size_t want = x5t256 ? 32 : 20;
  size_t tlen = 0;
  unsigned char *tb =
      thumb ? mde_b64url_decode(thumb, strlen(thumb), &tlen) : NULL;
  char hex[65] = "";
  if (tb && tlen <= 32)
    hex_upper(tb, tlen, hex);
  const struct sim_cert *cert = NULL;
  for (size_t i = 0; tb && tlen == want && i < app->n_certs; i++)
    if (!memcmp(tb, x5t256 ? app->certs[i].sha256 : app->certs[i].sha1, want))
      cert = &app->certs[i];
  free(tb);

  const char *iss = sjwt_str(j.claims, "iss");
  const char *sub = sjwt_str(j.claims, "sub");
  const char *aud = sjwt_str(j.claims, "aud");
  double nbf = 0, exp = 0;
  sjwt_num(j.claims, "nbf", &nbf);
  sjwt_num(j.claims, "exp", &exp);
  int64_t now = sim_now(), skew = w->settings.assertion_skew;

  if (!thumb) {
    sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){70002, 50027}, 2,
                  "Error validating credentials. AADSTS50027: Invalid JWT "
                  "token. No certificate thumbprint specified in token "
                  "header.");
  } else if (!cert) {
    sim_aad_error(
        w, rq, rs, 401, "invalid_client", (int[]){700027}, 1,
        "The certificate with identifier used to sign the client assertion "
        "is not registered on application. [Reason - The key was not found., "
        "Thumbprint of key used by client: '%s', Please visit the Azure "
        "Portal, Graph Explorer or directly use MS Graph to see configured "
        "keys for app Id '%s'. Review the documentation at "
        "https://docs.microsoft.com/en-us/graph/deployments to determine the "
        "corresponding service endpoint and "
        "https://docs.microsoft.com/en-us/graph/api/"
        "application-get?view=graph-rest-1.0&tabs=http to build a query "
        "request URL, such as "
        "'https://graph.microsoft.com/beta/applications/%s']",
        hex, app->id, app->id);
  } else if ((j.alg == SJWT_PS256 && !w->settings.accept_ps256) ||
             j.alg == SJWT_ALG_UNKNOWN ||
             !sjwt_verify(&j, X509_get0_pubkey(cert->x509))) {
    sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){700027}, 1,
                  "Client assertion failed signature validation. [Reason - "
                  "The provided signature value did not match the expected "
                  "signature value., Thumbprint of key used by client: '%s']",
                  hex);
  } else if (!iss || !sub || strcmp(iss, sub) != 0) {
    sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){50048}, 1,
                  "Subject mismatches Issuer claim in the client assertion.");
  } else if (strcasecmp(iss, app->id) != 0) {
    sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){700021}, 1,
                  "Client assertion application identifier doesn't match "
                  "'client_id' parameter. " CERT_DOCS);
  } else if (!aud || !audience_ok(aud, rq, t, segment)) {
    sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){50012}, 1,
                  "Client assertion audience claim does not match Realm "
                  "issuer. " CERT_DOCS);
  } else if ((double)(now + skew) < nbf || (double)(now - skew) >= exp) {
    char cur[32], from[32], until[32];
    sim_format_ticks(sim_now_ticks(), cur);
    sim_format_ticks((int64_t)nbf * TICKS_PER_SECOND, from);
    sim_format_ticks((int64_t)exp * TICKS_PER_SECOND, until);
    sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){700024}, 1,
                  "Client assertion is not within its valid time range. "
                  "Current time: %s, assertion valid from %s, expiry time of "
                  "assertion %s. " CERT_DOCS,
                  cur, from, until);
  } else {
    ok = true;
  }
  sjwt_free(&j);
  return ok;
}

/* Entra's loop detection: an app asking a tenant for tokens too often is
 * locked out for a while (clients without a token cache meet this). */
static bool looping(const struct sim_world *w, struct sim_grant *g) {
  int64_t now = sim_now();
  if (now < g->loop_until) /* a lockout runs its course */
    return true;
  if (w->settings.loop_requests <= 0)
    return false;
  if (!g->token_rate)
    g->token_rate = sim_xcalloc(1, sizeof *g->token_rate);
  int retry = 0;
  if (sim_rate_admit(g->token_rate, now, w->settings.loop_requests, 0, &retry))
    return false;
  g->loop_until = now + w->settings.loop_lockout;
  return true;
}

/* The resource the client asked for: v1 `resource`, v2 `scope`. Returns
 * a malloc'd string, or answers the error and returns NULL. */
static char *requested_resource(const struct sim_world *w,
                                const struct sim_req *rq, struct sim_resp *rs,
                                const struct form *f, int version) {
  const char *resource = form_get(f, "resource");
  const char *scope = form_get(f, "scope");
  if (version == 1) {
    if (!resource || !*resource) {
      missing_param(w, rq, rs, "resource");
      return NULL;
    }
    return sim_strdup(resource);
  }
  if (resource) {
    sim_aad_error(w, rq, rs, 400, "invalid_request", (int[]){901002}, 1,
                  "The 'resource' request parameter isn't supported.");
    return NULL;
  }
  if (!scope || !*scope) {
    missing_param(w, rq, rs, "scope");
    return NULL;
  }
  char *copy = sim_strdup(scope), *save = NULL, *found = NULL;
  for (char *s = strtok_r(copy, " ", &save); s;
       s = strtok_r(NULL, " ", &save)) {
    size_t len = strlen(s), sfx = strlen("/.default");
    if (len <= sfx || strcmp(s + len - sfx, "/.default") != 0) {
      sim_aad_error(w, rq, rs, 400, "invalid_scope", (int[]){1002012}, 1,
                    "The provided value for scope %s is not valid. Client "
                    "credential flows must have a scope value with /.default "
                    "suffixed to the resource identifier (application ID "
                    "URI).",
                    scope);
      goto fail;
    }
    s[len - sfx] = '\0';
    if (found && strcasecmp(found, s) != 0) {
      sim_aad_error(w, rq, rs, 400, "invalid_scope", (int[]){700022}, 1,
                    "The provided value for the input parameter scope is not "
                    "valid because it contains more than one resource. Scope "
                    "%s is not valid.",
                    scope);
      goto fail;
    }
    found = s;
  }
  if (!found) {
    missing_param(w, rq, rs, "scope");
    goto fail;
  }
  char *out = sim_strdup(found);
  free(copy);
  return out;
fail:
  free(copy);
  return NULL;
}

static void random_b64url(size_t bytes, char *out) {
  unsigned char raw[48];
  if (bytes > sizeof raw || RAND_bytes(raw, (int)bytes) != 1)
    abort();
  mde_b64url_encode(raw, bytes, out);
}

/* The access token's header and claims (spec A.4 template). Called with
 * the world locked; the caller signs outside the lock. */
/* The roles a token carries: the grant's for the Defender API, the app's
 * Graph roles for Graph in its home tenant, none otherwise. A Graph token
 * has a `nonce` header (graph is set) and is signed so that only Graph can
 * verify it (sjwt_sign_rs256_nonce). */
struct token_roles {
  char *const *v;
  size_t n;
  bool graph;
};

static void token_json(const struct sim_world *w, const struct sim_tenant *t,
                       const struct sim_app *app, const struct sim_grant *g,
                       const char *aud, const struct token_roles *roles,
                       int acr, int64_t now, const char *kid,
                       struct mde_buf *header, struct mde_buf *claims) {
  bool v2 = w->settings.access_token_version == 2;
  char aio[80], rh[64], uti[32], iss[128];
  random_b64url(48, aio);
  random_b64url(30, rh);
  random_b64url(16, uti);
  if (v2)
    snprintf(iss, sizeof iss, "https://login.microsoftonline.com/%s/v2.0",
             t->id);
  else
    snprintf(iss, sizeof iss, "https://sts.windows.net/%s/", t->id);
  if (roles->graph) /* a format: the nonce is filled in when signing */
    mde_buf_printf(header,
                   "{\"typ\":\"JWT\",\"nonce\":\"%%s\",\"alg\":\"RS256\","
                   "\"x5t\":\"%s\",\"kid\":\"%s\"}",
                   kid, kid);
  else if (v2)
    mde_buf_printf(header, "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"%s\"}",
                   kid);
  else
    mde_buf_printf(header,
                   "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5t\":\"%s\","
                   "\"kid\":\"%s\"}",
                   kid, kid);
  mde_buf_puts(claims, "{\"aud\":");
  mde_buf_json_string(claims, aud);
  mde_buf_printf(claims,
                 ",\"iss\":\"%s\",\"iat\":%lld,\"nbf\":%lld,\"exp\":%lld,"
                 "\"aio\":\"%s\",\"%s\":\"%s\",\"%s\":\"%d\",",
                 iss, (long long)(now - 300), (long long)(now - 300),
                 (long long)(now + w->settings.token_lifetime), aio,
                 v2 ? "azp" : "appid", app->id, v2 ? "azpacr" : "appidacr",
                 acr);
  if (!v2)
    mde_buf_printf(claims, "\"idp\":\"%s\",", iss);
  mde_buf_printf(claims, "\"oid\":\"%s\",\"rh\":\"0.A%s\",", g->oid, rh);
  if (roles->n) {
    mde_buf_puts(claims, "\"roles\":[");
    for (size_t i = 0; i < roles->n; i++) {
      mde_buf_puts(claims, i ? "," : "");
      mde_buf_json_string(claims, roles->v[i]);
    }
    mde_buf_puts(claims, "],");
  }
  mde_buf_printf(claims,
                 "\"sub\":\"%s\",\"tid\":\"%s\",\"uti\":\"%s\","
                 "\"ver\":\"%s\"}",
                 g->oid, t->id, uti, v2 ? "2.0" : "1.0");
}

static void success_body(struct sim_resp *rs, int version, const char *token,
                         const char *resource, int64_t now, int64_t life) {
  struct mde_buf *b = &rs->body;
  mde_buf_reset(b);
  if (version == 1) {
    mde_buf_printf(b,
                   "{\"token_type\":\"Bearer\",\"expires_in\":\"%lld\","
                   "\"ext_expires_in\":\"%lld\",\"expires_on\":\"%lld\","
                   "\"not_before\":\"%lld\",\"resource\":",
                   (long long)life, (long long)life, (long long)(now + life),
                   (long long)(now - 300));
    mde_buf_json_string(b, resource);
    mde_buf_printf(b, ",\"access_token\":\"%s\"}", token);
  } else {
    mde_buf_printf(b,
                   "{\"token_type\":\"Bearer\",\"expires_in\":%lld,"
                   "\"ext_expires_in\":%lld,\"access_token\":\"%s\"}",
                   (long long)life, (long long)life, token);
  }
  sim_resp_json(rs, 200);
  sim_resp_header(rs, "Cache-Control", "no-store, no-cache");
  sim_resp_header(rs, "Pragma", "no-cache");
}

/* Checks the request and, if it earns a token, returns the cached one or
 * the JSON to sign (world locked). Returns 0 with *token or *to_sign set,
 * or -1 with the error answered. */
struct issue {
  char *token; /* a cached token to reuse */
  struct mde_buf header, claims;
  EVP_PKEY *key;  /* referenced; signs header+claims */
  char *resource; /* as requested */
  int acr;
  int64_t now;
  uint64_t gen;
  int forge;     /* enum sim_forge */
  char *modulus; /* the published key's n, for the HS256 forgery */
  bool graph;    /* a Graph token: signed with a nonce */
};

static int check_request(struct sim_world *w, struct sim_req *rq,
                         struct sim_resp *rs, const char *segment, int version,
                         const struct form *f, struct sim_call *call,
                         struct issue *is) {
  if (sim_is_common_tenant(segment)) {
    sim_aad_error(w, rq, rs, 400, "invalid_request", (int[]){9001023}, 1,
                  "The grant type isn't supported over the /common or "
                  "/consumers endpoints. Please use the /organizations or "
                  "tenant-specific endpoint.");
    return -1;
  }
  if (strcmp(segment, "00000000-0000-0000-0000-000000000000") == 0) {
    sim_aad_error(w, rq, rs, 400, "invalid_tenant", (int[]){90002}, 1,
                  "Requested tenant identifier "
                  "'00000000-0000-0000-0000-000000000000' is not valid. "
                  "Tenant identifiers may not be an empty GUID.");
    return -1;
  }
  struct sim_tenant *t = sim_tenant_find(w, segment);
  unsigned clouds = sim_host_clouds(rq->host);
  if (t && !(clouds & (1u << t->cloud)) && (clouds & 1u << SIM_CLOUD_PUBLIC)) {
    /* a US Government tenant asked on the public login host (spec D.2) */
    sim_aad_error(w, rq, rs, 400, "invalid_request", (int[]){900382}, 1,
                  "Confidential Client is not supported in Cross Cloud "
                  "request.");
    return -1;
  }
  if (!t || !(clouds & (1u << t->cloud))) {
    sim_aad_tenant_not_found(w, rq, rs, segment);
    return -1;
  }
  call->tenant = (int)t->index;

  char *basic_id = NULL;
  char *basic = version == 2 ? basic_secret(rq, &basic_id) : NULL;
  const char *client_id = form_get(f, "client_id");
  if (!client_id)
    client_id = basic_id;
  int rc = -1;
  if (!client_id || !*client_id) {
    missing_param(w, rq, rs, "client_id");
    goto out;
  }
  struct sim_app *app = sim_app_find(w, client_id);
  struct sim_grant *g = app ? sim_grant_find(t, sim_app_index(w, app)) : NULL;
  if (app)
    call->app = (int)sim_app_index(w, app);
  if (!g) {
    sim_aad_error(w, rq, rs, 400, "unauthorized_client", (int[]){700016}, 1,
                  "Application with identifier '%s' was not found in the "
                  "directory '%s'. This can happen if the application has "
                  "not been installed by the administrator of the tenant or "
                  "consented to by any user in the tenant. You may have sent "
                  "your authentication request to the wrong tenant.",
                  client_id, segment);
    goto out;
  }
  if (looping(w, g)) {
    sim_aad_error(w, rq, rs, 400, "invalid_grant", (int[]){50196}, 1,
                  "The server terminated an operation because it encountered "
                  "a client request loop. Please contact your app vendor.");
    goto out;
  }
  if (app->disabled || !g->enabled) {
    sim_aad_error(w, rq, rs, 400, "unauthorized_client", (int[]){7000112}, 1,
                  "Application '%s'(%s) is disabled.", app->id,
                  app->name ? app->name : app->id);
    goto out;
  }

  const char *secret = form_get(f, "client_secret");
  if (!secret)
    secret = basic;
  const char *assertion_type = form_get(f, "client_assertion_type");
  const char *assertion = form_get(f, "client_assertion");
  int64_t now = sim_now();
  if (assertion && assertion_type && !strcmp(assertion_type, ASSERTION_TYPE)) {
    if (!check_assertion(w, rq, rs, app, t, segment, assertion))
      goto out;
    is->acr = 2;
  } else if (secret) {
    /* A live secret wins over an expired one with the same value. */
    const struct sim_secret *match = NULL;
    for (size_t i = 0; i < app->n_secrets; i++) {
      const struct sim_secret *s = &app->secrets[i];
      if (sim_secret_equal(s->value, secret) &&
          (!match || !s->expires || s->expires > now))
        match = s;
    }
    if (!match) {
      sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){7000215}, 1,
                    "Invalid client secret provided. Ensure the secret being "
                    "sent in the request is the client secret value, not the "
                    "client secret ID, for a secret added to app '%s'.",
                    app->id);
      goto out;
    }
    if (match->expires && match->expires <= now) {
      sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){7000222}, 1,
                    "The provided client secret keys for app '%s' are "
                    "expired. Visit the Azure portal to create new keys for "
                    "your app: https://aka.ms/NewClientSecret, or consider "
                    "using certificate credentials for added security: "
                    "https://aka.ms/certCreds.",
                    app->id);
      goto out;
    }
    is->acr = 1;
  } else {
    sim_aad_error(w, rq, rs, 401, "invalid_client", (int[]){7000216}, 1,
                  "'client_assertion', 'client_secret' or 'request' is "
                  "required for the 'client_credentials' grant type.");
    goto out;
  }

  is->resource = requested_resource(w, rq, rs, f, version);
  if (!is->resource)
    goto out;
  const struct sim_resource *res =
      sim_resource_find(is->resource, strlen(is->resource));
  if (!res || !(res->clouds & (1u << t->cloud)) || (res->mde && !t->mde)) {
    sim_aad_error(w, rq, rs, 400, "invalid_resource", (int[]){500011}, 1,
                  "The resource principal named %s was not found in the "
                  "tenant named %s. This can happen if the application has "
                  "not been installed by the administrator of the tenant or "
                  "consented to by any user in the tenant. You might have "
                  "sent your authentication request to the wrong tenant.",
                  is->resource, t->name ? t->name : t->id);
    goto out;
  }

  struct sim_tenant *home = sim_app_home(w, app);
  bool graph = strcasecmp(res->uri, "https://graph.microsoft.com") == 0;
  struct token_roles roles = {.v = res->mde ? g->roles : NULL,
                              .n = res->mde ? g->n_roles : 0,
                              .graph = graph};
  if (graph && home == t) { /* Graph roles exist in the home tenant only */
    roles.v = app->graph_roles;
    roles.n = app->n_graph_roles;
  }
  is->graph = graph;
  is->now = now;
  is->gen = w->gen;
  t->stats.tokens_issued++;
  w->stats.tokens_issued++;
  const struct sim_token_cache *c = &g->cache;
  is->forge = w->settings.forge_tokens;
  if (is->forge) { /* a hostile Entra (tests): never from the cache */
    const struct sim_tenant *as = t;
    if (is->forge == FORGE_OTHER_TID && w->n_tenants > 1)
      as = &w->tenants[(t->index + 1) % w->n_tenants];
    is->key = w->keys.keys[0].pkey;
    EVP_PKEY_up_ref(is->key);
    is->modulus = sim_strdup(w->keys.keys[0].n_b64url);
    token_json(
        w, as, app, g,
        is->forge == FORGE_WRONG_AUD ? "https://graph.microsoft.com"
                                     : is->resource,
        &(struct token_roles){g->roles, res->mde ? g->n_roles : 0, false},
        is->acr, now, w->keys.keys[0].kid, &is->header, &is->claims);
  } else if (w->settings.token_reuse && c->token && c->iat == now &&
             c->gen == w->gen && c->acr == is->acr &&
             strcmp(c->resource, is->resource) == 0) {
    is->token = sim_strdup(c->token);
  } else {
    is->key = w->keys.keys[0].pkey;
    EVP_PKEY_up_ref(is->key);
    token_json(w, t, app, g, is->resource, &roles, is->acr, now,
               w->keys.keys[0].kid, &is->header, &is->claims);
  }
  rc = 0;
out:
  if (basic) {
    OPENSSL_cleanse(basic, strlen(basic));
    free(basic);
  }
  free(basic_id);
  return rc;
}

/* Remembers a freshly signed token for identical requests this second. */
static void cache_token(struct sim_world *w, int tenant, int app,
                        const struct issue *is) {
  if (tenant < 0 || app < 0 || is->gen != w->gen)
    return;
  struct sim_grant *g = sim_grant_find(&w->tenants[tenant], (size_t)app);
  if (!g)
    return;
  free(g->cache.token);
  free(g->cache.resource);
  g->cache = (struct sim_token_cache){.token = sim_strdup(is->token),
                                      .iat = is->now,
                                      .gen = is->gen,
                                      .acr = is->acr,
                                      .resource = sim_strdup(is->resource)};
}

void sim_token(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
               const char *segment, int version, struct sim_call *call) {
  if (strcmp(rq->method, "POST") != 0) {
    sim_aad_error(w, rq, rs, 400, "invalid_request", (int[]){900561}, 1,
                  "The endpoint only accepts POST, OPTIONS requests. Received "
                  "a %s request.",
                  rq->method);
    return;
  }
  if (rq->body_too_large) {
    sim_resp_text(rs, 413, "Request Entity Too Large");
    return;
  }
  if (!sim_is_tenant_name(segment)) {
    sim_aad_error(w, rq, rs, 400, "invalid_request", (int[]){900023}, 1,
                  "Specified tenant identifier '%.200s' is neither a valid "
                  "DNS name, nor a valid external domain.",
                  segment);
    return;
  }
  /* A body that is not a form is, to Entra, a body without parameters. */
  struct form f;
  const char *dup = NULL;
  enum form_result fr = is_form(rq)
                            ? form_parse(&f, rq->body, rq->body_len, &dup)
                            : form_parse(&f, "", 0, &dup);
  if (fr == FORM_DUPLICATE) {
    sim_aad_error(w, rq, rs, 400, "invalid_request", (int[]){9000411}, 1,
                  "The request is not properly formatted. The parameter "
                  "'%.64s' is duplicated.",
                  dup);
    form_free(&f);
    return;
  }
  const char *grant = fr == FORM_OK ? form_get(&f, "grant_type") : NULL;
  if (!grant) {
    missing_param(w, rq, rs, "grant_type");
    form_free(&f);
    return;
  }
  if (strcmp(grant, "client_credentials") != 0) {
    sim_aad_error(w, rq, rs, 400, "unsupported_grant_type", (int[]){70003}, 1,
                  "The app requested an unsupported grant type '%.64s'.",
                  grant);
    form_free(&f);
    return;
  }

  struct issue is = {0};
  mde_buf_init(&is.header, 0);
  mde_buf_init(&is.claims, 0);
  pthread_mutex_lock(&w->lock);
  int rc = check_request(w, rq, rs, segment, version, &f, call, &is);
  int64_t life = w->settings.token_lifetime;
  pthread_mutex_unlock(&w->lock);
  form_free(&f);

  if (rc == 0 && !is.token && is.forge && is.forge != FORGE_OTHER_TID &&
      is.forge != FORGE_WRONG_AUD) {
    is.token = sim_forge_token(is.forge, is.claims.data, is.modulus);
  } else if (rc == 0 && !is.token && is.graph) {
    char nonce[48];
    random_b64url(32, nonce);
    is.token =
        sjwt_sign_rs256_nonce(is.key, is.header.data, nonce, is.claims.data);
  } else if (rc == 0 && !is.token) {
    is.token = sjwt_sign_rs256(is.key, is.header.data, is.claims.data);
    if (is.token && !is.forge) {
      pthread_mutex_lock(&w->lock);
      cache_token(w, call->tenant, call->app, &is);
      pthread_mutex_unlock(&w->lock);
    }
  }
  pthread_mutex_lock(&w->lock);
  bool opaque = w->settings.opaque_tokens;
  pthread_mutex_unlock(&w->lock);
  for (char *p = is.token; opaque && p && *p; p++)
    if (*p == '.')
      *p = '~'; /* still base64url elsewhere: '~' marks the parts */
  if (rc == 0 && is.token)
    success_body(rs, version, is.token, is.resource, is.now, life);
  else if (rc == 0)
    sim_aad_error(w, rq, rs, 500, "temporarily_unavailable", (int[]){90033}, 1,
                  "A transient error has occurred. Please try again.");
  EVP_PKEY_free(is.key);
  mde_buf_free(&is.header);
  mde_buf_free(&is.claims);
  free(is.token);
  free(is.resource);
  free(is.modulus);
}
