/* SPDX-License-Identifier: MIT */
/* The token step of a tenant's cycle: use the cached token, or acquire one
 * (client secret or signed assertion, v1 or v2), check it against the
 * authority's keys and the configuration, and back off after failures
 * that will not heal by themselves. */
#include "engine_int.h"
#include "mde/entra_error.h"
#include "mde/jwt.h"

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A discovery document is a few KiB; Entra's error envelope is capped by
 * its parser (MDE_ERROR_BODY_MAX). */
#define DISCOVERY_MAX (256 * 1024)
#define ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

/* --- the key-set cache --- */

struct jwks_entry *mde_keyset_get(struct mde_engine *e, const char *url) {
  for (struct jwks_entry *j = e->jwks; j; j = j->next)
    if (strcmp(j->url, url) == 0)
      return j;
  struct jwks_entry *j = calloc(1, sizeof *j);
  if (!j || !(j->url = strdup(url))) {
    free(j);
    return NULL;
  }
  j->e = e;
  j->next = e->jwks;
  e->jwks = j;
  return j;
}

void mde_keyset_free_all(struct jwks_entry *j) {
  while (j) {
    struct jwks_entry *next = j->next;
    mde_http_req_release(&j->req);
    mde_jwks_free(j->keys);
    free(j->waiters);
    free(j->url);
    free(j);
    j = next;
  }
}

void mde_token_drop(struct tenant *t) {
  mde_token_free(&t->token);
  t->token_exp = 0;
  t->opaque = false;
  mde_strlist_free(&t->token_roles);
  mde_strlist_free(&t->token_missing);
}

/* --- acquiring --- */

static int put_param(struct mde_buf *b, const char *name, const char *value) {
  int rc = mde_buf_puts(b, b->len ? "&" : "");
  rc = rc ? rc : mde_buf_puts(b, name);
  rc = rc ? rc : mde_buf_puts(b, "=");
  return rc ? rc : mde_url_encode(b, value);
}

/* The form body; it holds the secret or the assertion, and is wiped. */
char *mde_token_form(struct tenant *t, const char *resource,
                     const char *token_url, char *err, size_t err_size) {
  struct mde_buf b;
  mde_buf_init(&b, 0);
  char *target = mde_token_target(resource, t->version);
  int rc = !target;
  rc = rc ? rc : put_param(&b, "grant_type", "client_credentials");
  rc = rc ? rc : put_param(&b, "client_id", t->client_id);
  rc = rc ? rc : put_param(&b, mde_token_target_param(t->version), target);
  free(target);
  if (!rc && t->cred) {
    struct mde_assertion_opts opts = {.alg = t->ps256 ? MDE_ASSERTION_PS256
                                                      : MDE_ASSERTION_RS256};
    char *assertion = NULL;
    if (mde_assertion_sign(t->cred, &opts, t->client_id, token_url, t->e->now,
                           &assertion, err, err_size) != MDE_FAIL_NONE) {
      rc = -1;
    } else {
      rc = put_param(&b, "client_assertion_type", ASSERTION_TYPE);
      rc = rc ? rc : put_param(&b, "client_assertion", assertion);
    }
    mde_assertion_free(assertion);
  } else if (!rc) {
    rc = put_param(&b, "client_secret", t->secret.value);
  }
  if (rc) {
    if (b.data)
      OPENSSL_cleanse(b.data, b.len);
    mde_buf_free(&b);
    return NULL;
  }
  return mde_buf_steal(&b, NULL);
}

/* After the token step failed: carry on with a cached token that is still
 * good (a transient failure during a forced re-check), or stop. */
static enum step after_failure(struct tenant *t) {
  return t->token.access_token && t->token_exp > t->e->now ? STEP_API
                                                           : STEP_END;
}

/* --- the domain's tenant GUID --- */

/* The GUID segment of an issuer URL ("https://sts.windows.net/{tid}/",
 * "https://login.microsoftonline.com/{tid}/v2.0"), or false. */
static bool issuer_tid(const char *issuer, char tid[40]) {
  const char *p = issuer ? strstr(issuer, "://") : NULL;
  if (!p)
    return false;
  for (p = strchr(p + 3, '/'); p; p = strchr(p + 1, '/')) {
    size_t n = strcspn(p + 1, "/");
    if (n == 36) {
      char seg[37];
      memcpy(seg, p + 1, 36);
      seg[36] = '\0';
      if (mde_is_guid(seg)) {
        snprintf(tid, 40, "%s", seg);
        return true;
      }
    }
  }
  return false;
}

/* Once per tenant, before its first token: Entra's v1 discovery document
 * for the tenant as configured names, in its issuer, the tenant GUID and
 * the issuer this cloud's v1 tokens carry (the Defender resource issues v1
 * tokens whichever endpoint asked). Both are pinned: a domain's `tid` is
 * never taken from a token, and no cloud's issuer is assumed. */
enum step mde_step_discover(struct tenant *t) {
  if (t->issuer_v1)
    return STEP_TOKEN;
  mde_tenant_release_request(t);
  t->url = mde_url_discovery(t->login, t->tenant, MDE_TOKEN_V1);
  if (!t->url) {
    mde_tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
    return STEP_END;
  }
  t->req = (struct mde_http_req){.url = t->url, .max_body = DISCOVERY_MAX};
  return mde_tenant_send(t, STEP_DISCOVER_ANSWER);
}

enum step mde_step_discover_answer(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  mde_tenant_count_status(t, req);
  if (req->curl_code) {
    mde_tenant_fail(t, mde_transport_failure(req), "OpenID discovery %s: %s",
                    t->url, req->error);
    return STEP_END;
  }
  if (req->status != 200) {
    struct mde_entra_error ee;
    enum mde_failure f = mde_entra_error_parse_for(
        req->status, req->body.data, req->body.len, t->cred != NULL, &ee);
    char reason[MDE_ERR_SIZE];
    snprintf(reason, sizeof reason,
             "OpenID discovery for \"%s\" refused (HTTP %d): %.400s", t->tenant,
             req->status, ee.message[0] ? ee.message : ee.error);
    if (req->status >= 500 || req->status == 429) {
      mde_tenant_fail(t, f, "%s", reason);
      mde_tenant_back_off(t, f, req->retry_after);
      return STEP_END;
    }
    /* Entra refused to describe the tenant (not found here, another
     * cloud): its token endpoint names the cause best, so ask it; no
     * token is accepted until discovery succeeds (see mde_step_check). */
    t->discovery.failure = f;
    t->discovery.aadsts = ee.code;
    free(t->discovery.reason);
    t->discovery.reason = strdup(reason);
    return STEP_TOKEN;
  }
  cJSON *doc = cJSON_ParseWithLength(req->body.data, req->body.len);
  const cJSON *iss = cJSON_GetObjectItemCaseSensitive(doc, "issuer");
  char tid[40];
  bool ok = cJSON_IsString(iss) &&
            strncmp(iss->valuestring, "https://", 8) == 0 &&
            strlen(iss->valuestring) < 256 && issuer_tid(iss->valuestring, tid);
  char *issuer = ok ? strdup(iss->valuestring) : NULL;
  cJSON_Delete(doc);
  if (!ok) {
    mde_tenant_fail(t, MDE_FAIL_PROTOCOL,
                    "OpenID discovery %s: no https issuer naming a tenant GUID",
                    t->url);
    return STEP_END;
  }
  if (!issuer) {
    mde_tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
    return STEP_END;
  }
  if (t->tid[0] && strcasecmp(t->tid, tid) != 0) {
    mde_tenant_fail(t, MDE_FAIL_PROTOCOL,
                    "OpenID discovery for %s names tenant %s", t->tenant, tid);
    free(issuer);
    return STEP_END;
  }
  if (!t->tid[0])
    mde_engine_log(t->e, MDE_LOG_INFO, "tenant \"%s\": %s is tenant %s",
                   t->name, t->tenant, tid);
  snprintf(t->tid, sizeof t->tid, "%s", tid);
  t->issuer_v1 = issuer;
  free(t->discovery.reason);
  t->discovery.reason = NULL;
  return STEP_TOKEN;
}

/* --- the start of a cycle: credential and backoff --- */

enum step mde_step_start(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  time_t now = t->e->now;
  /* A changed secret file is read again (before backoff is considered: a
   * new secret deserves a try at once). */
  if (t->secret_file && mde_secret_file_changed(t->secret_file, &t->secret)) {
    char err[MDE_ERR_SIZE], warn[MDE_ERR_SIZE];
    struct mde_secret fresh;
    mde_token_drop(t); /* a new secret: nothing cached may outlive the old */
    if (mde_secret_load_file(t->secret_file, &fresh, warn, sizeof warn, err,
                             sizeof err) != MDE_FAIL_NONE) {
      mde_tenant_fail(t, MDE_FAIL_CREDENTIAL_UNUSABLE, "%s", err);
      return STEP_END; /* read again next cycle: the file differs */
    }
    mde_secret_free(&t->secret);
    t->secret = fresh;
    t->backoff_n = 0;
    t->backoff_until = 0; /* someone acted: try the new secret now */
  }
  /* A key file someone opened to others (or replaced by a FIFO) since
   * start: the key in memory is no longer a secret of ours alone. */
  if (t->cred) {
    char err[MDE_ERR_SIZE];
    if (mde_credential_check_files(t->cert_file, t->key_file, t->pkcs12_file,
                                   err, sizeof err) != MDE_FAIL_NONE) {
      mde_token_drop(t);
      mde_tenant_fail(t, MDE_FAIL_CREDENTIAL_UNUSABLE, "%s", err);
      return STEP_END;
    }
  }
  if (!(t->e->flags & MDE_CYCLE_ONESHOT) && now < t->backoff_until) {
    r->failure = t->last.failure;
    r->aadsts = t->last.aadsts;
    snprintf(r->reason, sizeof r->reason, "%.440s (next try in %lds)",
             t->last.reason ? t->last.reason : "",
             (long)(t->backoff_until - now));
    r->backoff = 1;
    if (r->failure == MDE_FAIL_THROTTLED) {
      r->throttled = 1;
      r->retry_after = (double)(t->backoff_until - now);
    }
    return after_failure(t);
  }
  return STEP_DISCOVER;
}

/* --- the token --- */

enum step mde_step_token(struct tenant *t) {
  time_t now = t->e->now;
  bool oneshot = t->e->flags & MDE_CYCLE_ONESHOT;
  bool need = !t->token.access_token || oneshot ||
              now >= t->token_exp - t->margin ||
              now >= t->token_acquired + t->cred_check;
  if (!need)
    return STEP_API;
  if (token_unverified(t) && !oneshot &&
      now < t->token.expires_on - t->margin) {
    t->keys = KEYS_CACHED; /* acquired earlier, its keys were not at hand */
    return STEP_CHECK;
  }
  char err[MDE_ERR_SIZE] = "out of memory";
  mde_tenant_release_request(t);
  t->form = mde_token_form(t, t->resource, t->token_url, err, sizeof err);
  if (!t->form) {
    mde_tenant_fail(t, MDE_FAIL_CREDENTIAL_UNUSABLE,
                    "cannot build the token request: %s", err);
    return STEP_END;
  }
  /* No more than the token parser accepts (errors are smaller still). */
  t->req = (struct mde_http_req){
      .url = t->token_url, .form = t->form, .max_body = MDE_TOKEN_BODY_MAX};
  t->res.token_requests++;
  return mde_tenant_send(t, STEP_TOKEN_ANSWER);
}

enum step mde_step_token_answer(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  struct mde_tenant_result *r = &t->res;
  mde_tenant_count_status(t, req);
  if (req->status > 0) { /* no answer, no latency */
    r->token_time = req->timing;
    r->token_timing_valid = 1;
  }
  char err[MDE_ERR_SIZE];
  if (req->curl_code) {
    mde_tenant_fail(t, mde_transport_failure(req), "token endpoint %s: %s",
                    t->token_url, req->error);
    return after_failure(t);
  }
  if (req->status == 200) {
    struct mde_token fresh;
    enum mde_failure f = mde_token_parse(req->body.data, req->body.len,
                                         t->e->now, &fresh, err, sizeof err);
    if (f != MDE_FAIL_NONE) {
      mde_tenant_fail(t, f, "token endpoint answered 200 but: %s", err);
      return after_failure(t);
    }
    mde_token_drop(t);
    t->token = fresh;
    t->keys = KEYS_CACHED;
    return STEP_CHECK;
  }
  struct mde_entra_error ee;
  enum mde_failure f = mde_entra_error_parse_for(
      req->status, req->body.data, req->body.len, t->cred != NULL, &ee);
  mde_tenant_fail(t, f, "token request refused (HTTP %d): %s", req->status,
                  ee.message[0] ? ee.message : ee.error);
  if (r->failure == f) {
    r->aadsts = ee.code;
    snprintf(r->trace_id, sizeof r->trace_id, "%s", ee.trace_id);
    snprintf(r->correlation_id, sizeof r->correlation_id, "%s",
             ee.correlation_id);
    snprintf(r->timestamp, sizeof r->timestamp, "%s", ee.timestamp);
  }
  mde_tenant_back_off(t, f, req->retry_after);
  if (!mde_failure_is_transient(f) && f != MDE_FAIL_THROTTLED)
    mde_token_drop(t);
  return after_failure(t);
}

/* --- the key set --- */

static void on_jwks(struct mde_http_req *req) {
  struct jwks_entry *j = req->user;
  j->fetching = false;
  char err[MDE_ERR_SIZE] = "";
  struct mde_jwks *keys = NULL;
  if (req->curl_code)
    snprintf(err, sizeof err, "cannot fetch signing keys from %s: %s", j->url,
             req->error);
  else if (req->status != 200)
    snprintf(err, sizeof err, "signing keys at %s: HTTP %d", j->url,
             req->status);
  else
    mde_jwks_parse(req->body.data, req->body.len, &keys, err, sizeof err);
  snprintf(j->error, sizeof j->error, "%s", err);
  size_t n = j->n_waiters;
  j->n_waiters = 0;
  if (keys) {
    mde_jwks_free(j->keys);
    j->keys = keys;
    j->fetched_ms = mde_engine_mono(j->e);
  }
  for (size_t i = 0; i < n; i++) {
    struct tenant *t = j->waiters[i];
    mde_tenant_count_status(t, req);
    if (req->deadline_cut) {
      mde_tenant_fail(t, mde_transport_failure(req), "%s", err);
      mde_tenant_resume(t, STEP_END);
    } else {
      t->keys = keys ? KEYS_FRESH : KEYS_FETCH_FAILED;
      mde_tenant_resume(t, STEP_CHECK);
    }
  }
  mde_http_req_release(req);
}

/* Queues the tenant for the key set, starting the fetch if nobody has. */
enum step mde_step_keys(struct tenant *t) {
  struct jwks_entry *j = t->jwks;
  if (j->n_waiters == j->cap_waiters) {
    size_t cap = j->cap_waiters ? j->cap_waiters * 2 : 8;
    struct tenant **w = realloc(j->waiters, cap * sizeof *w);
    if (!w) {
      mde_tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
      return STEP_END;
    }
    j->waiters = w;
    j->cap_waiters = cap;
  }
  if (!j->fetching) {
    j->req = (struct mde_http_req){.url = j->url,
                                   .done = on_jwks,
                                   .user = j,
                                   .max_body = MDE_JWKS_BODY_MAX};
    if (t->e->transport.submit(t->e->transport.ctx, &j->req) != 0) {
      mde_tenant_fail(t, MDE_FAIL_INTERNAL,
                      "out of memory: key set request to %s not queued",
                      j->url);
      return STEP_END;
    }
    j->fetching = true;
  }
  j->waiters[j->n_waiters++] = t;
  return STEP_WAIT;
}

/* --- checking the token --- */

static char *expected_issuer(struct tenant *t, const struct mde_jwt *jwt) {
  const char *ver = mde_jwt_claim_string(jwt, "ver");
  if (ver && strcmp(ver, "2.0") == 0)
    return mde_issuer_v2(t->login, t->tid);
  return strdup(t->issuer_v1); /* from discovery */
}

/* The token's key id is not in the key set, and no fetch for it has
 * completed: that is not proof of a bad token (Entra may have rotated its
 * keys since the last fetch). The token is kept, unverified and unused,
 * and checked again next cycle; the fetch is retried at once if it failed,
 * else once KeyRefetchInterval allows. */
static enum step keys_pending(struct tenant *t, const char *reason) {
  struct jwks_entry *j = t->jwks;
  if (t->keys == KEYS_FETCH_FAILED) {
    mde_tenant_fail(t, MDE_FAIL_NETWORK, "%s, and the key set: %s", reason,
                    j->error);
  } else {
    int64_t age = mde_engine_mono(t->e) - j->fetched_ms;
    mde_tenant_fail(t, MDE_FAIL_AUTH_SERVICE,
                    "%s fetched %llds ago: Entra rotated its keys; they are "
                    "fetched again in %llds (KeyRefetchInterval)",
                    reason, (long long)(age / 1000),
                    (long long)((t->e->jwks_refetch_ms - age + 999) / 1000));
  }
  return STEP_END;
}

/* A token with no '.' is no JWT (a JWT always has two): Entra may one day
 * hand out opaque reference tokens. Rather than go blind, the engine uses
 * it unchecked — the roles it needs are assumed, and the API's 401/403
 * decide — and says so every cycle (token_opaque, a WARNING). Anything
 * shaped like a JWT is still checked in full. */
static enum step accept_opaque(struct tenant *t) {
  mde_strlist_free(&t->token_roles);
  mde_strlist_free(&t->token_missing);
  for (size_t i = 0; i < t->required.n; i++)
    mde_strlist_add_str(&t->token_roles, t->required.v[i]);
  if (t->required.n == 0)
    mde_strlist_add_str(&t->token_roles, "Alert.Read.All");
  t->token_exp = t->token.expires_on;
  t->token_acquired = t->e->now;
  t->opaque = true;
  if (!t->reauthed) {
    t->backoff_n = 0;
    t->backoff_until = 0;
  }
  return STEP_API;
}

/* Checks the freshly acquired token (t->token) against the keys (fetching
 * the key set when it is missing or lacks the token's kid, at most every
 * jwks_refetch_ms) and against the pinned tenant; accepts or drops it. */
enum step mde_step_check(struct tenant *t) {
  if (!t->issuer_v1) { /* a token, but the tenant is not pinned */
    mde_tenant_fail(t, t->discovery.failure, "%s",
                    t->discovery.reason ? t->discovery.reason
                                        : "OpenID discovery refused");
    t->res.aadsts = t->discovery.aadsts;
    mde_token_drop(t);
    mde_tenant_back_off(t, t->discovery.failure, -1);
    return STEP_END;
  }
  if (!memchr(t->token.access_token, '.', t->token.access_token_len))
    return accept_opaque(t);
  struct jwks_entry *j = t->jwks;
  if (!j->keys) {
    if (t->keys == KEYS_CACHED)
      return STEP_KEYS;
    mde_tenant_fail(t, MDE_FAIL_NETWORK, "%s", j->error);
    return STEP_END; /* the token stays, checked again next cycle */
  }
  char err[MDE_ERR_SIZE];
  struct mde_jwt jwt;
  if (mde_jwt_decode(t->token.access_token, t->token.access_token_len, &jwt,
                     err, sizeof err) != MDE_FAIL_NONE) {
    mde_tenant_fail(t, MDE_FAIL_TOKEN_INVALID, "token rejected: %s", err);
    mde_token_drop(t);
    return STEP_END;
  }
  char *issuer = expected_issuer(t, &jwt);
  mde_jwt_free(&jwt);
  struct mde_jwt_expect x = {.tenant_id = t->tid,
                             .issuer = issuer,
                             .audience = t->resource,
                             .client_id = t->client_id,
                             .now = t->e->now,
                             .roles = &t->required};
  struct mde_jwt_result res;
  enum mde_failure f = mde_jwt_validate(
      t->token.access_token, t->token.access_token_len, j->keys, &x, &res);
  free(issuer);
  if (res.unknown_kid && t->keys != KEYS_FRESH) {
    bool refetch =
        t->keys == KEYS_CACHED &&
        mde_engine_mono(t->e) - j->fetched_ms >= t->e->jwks_refetch_ms;
    enum step next = refetch ? STEP_KEYS /* Entra rotated: fetch once */
                             : keys_pending(t, res.reason);
    mde_jwt_result_free(&res);
    return next;
  }
  if (f != MDE_FAIL_NONE && f != MDE_FAIL_PERMISSION_MISSING) {
    mde_tenant_fail(t, f, "token rejected: %s", res.reason);
    mde_jwt_result_free(&res);
    mde_token_drop(t);
    return STEP_END;
  }
  t->token_exp = res.exp ? res.exp : t->token.expires_on;
  t->token_acquired = t->e->now;
  t->opaque = false;
  /* Entra is healthy again; unless the API refused the last token, in
   * which case only an answer from the API proves it (see mde_step_api). */
  if (!t->reauthed) {
    t->backoff_n = 0;
    t->backoff_until = 0;
  }
  mde_strlist_free(&t->token_roles);
  t->token_roles = res.roles;
  res.roles = (struct mde_strlist){0};
  mde_strlist_free(&t->token_missing);
  t->token_missing = res.missing_roles;
  res.missing_roles = (struct mde_strlist){0};
  t->res.consent = 1;
  if (f == MDE_FAIL_PERMISSION_MISSING)
    mde_tenant_fail(t, f, "%s", res.reason);
  mde_jwt_result_free(&res);
  return STEP_API;
}
