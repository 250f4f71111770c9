/* The token step of a tenant's cycle: use the cached token, or acquire one
 * (client secret or signed assertion, v1 or v2), check it against the
 * authority's keys and the configuration, and back off after failures
 * that will not heal by themselves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "engine_int.h"
#include "mde/entra_error.h"
#include "mde/jwt.h"

#define ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

/* --- the key-set cache --- */

struct jwks_entry *jwks_get(struct mde_engine *e, const char *url) {
  for (struct jwks_entry *j = e->jwks; j; j = j->next)
    if (strcmp(j->url, url) == 0)
      return j;
  struct jwks_entry *j = calloc(1, sizeof *j);
  if (!j || !(j->url = strdup(url))) {
    free(j);
    return NULL;
  }
  j->next = e->jwks;
  e->jwks = j;
  return j;
}

void jwks_free_all(struct jwks_entry *j) {
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

void token_drop(struct tenant *t) {
  mde_token_free(&t->token);
  t->token_exp = 0;
  mde_strlist_free(&t->token_roles);
}

/* --- backoff --- */

static void remember(struct tenant *t) {
  t->last.failure = t->res.failure;
  t->last.aadsts = t->res.aadsts;
  snprintf(t->last.reason, sizeof t->last.reason, "%s", t->res.reason);
}

static void back_off(struct tenant *t, enum mde_failure f, long retry_after) {
  time_t now = t->e->now;
  if (f == MDE_FAIL_THROTTLED) {
    long wait = retry_after >= 0         ? retry_after
                : t->res.aadsts == 50196 ? 120
                                         : THROTTLE_DEFAULT;
    /* `now` is whole seconds: one more, so a retry is never early. */
    t->backoff_until = now + wait + 1;
    t->res.throttled = 1;
    t->res.retry_after = (double)wait;
  } else if (!mde_failure_is_transient(f)) {
    long delay = BACKOFF_BASE;
    for (int i = 0; i < t->backoff_n && delay < t->backoff_cap; i++)
      delay *= 2;
    if (delay > t->backoff_cap)
      delay = t->backoff_cap;
    t->backoff_n++;
    t->backoff_until = now + delay;
  }
  remember(t);
}

/* --- acquiring --- */

static int put_param(struct mde_buf *b, const char *name, const char *value) {
  int rc = mde_buf_puts(b, b->len ? "&" : "");
  rc = rc ? rc : mde_buf_puts(b, name);
  rc = rc ? rc : mde_buf_puts(b, "=");
  return rc ? rc : mde_url_encode(b, value);
}

/* The form body; it holds the secret or the assertion, and is wiped. */
static char *token_form(struct tenant *t, char *err, size_t err_size) {
  struct mde_buf b;
  mde_buf_init(&b, 0);
  char *target = mde_token_target(t->resource, t->version);
  int rc = !target;
  rc = rc ? rc : put_param(&b, "grant_type", "client_credentials");
  rc = rc ? rc : put_param(&b, "client_id", t->client_id);
  rc = rc ? rc : put_param(&b, mde_token_target_param(t->version), target);
  free(target);
  if (!rc && t->cred) {
    struct mde_assertion_opts opts = {.alg = t->ps256 ? MDE_ASSERTION_PS256
                                                      : MDE_ASSERTION_RS256};
    char *assertion = NULL;
    if (mde_assertion_sign(t->cred, &opts, t->client_id, t->token_url,
                           t->e->now, &assertion, err,
                           err_size) != MDE_FAIL_NONE) {
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

static void on_token(struct mde_http_req *req);

static void submit_token(struct tenant *t) {
  char err[MDE_ERR_SIZE] = "out of memory";
  tenant_release_request(t);
  t->form = token_form(t, err, sizeof err);
  if (!t->form) {
    tenant_fail(t, MDE_FAIL_CREDENTIAL_UNUSABLE,
                "cannot build the token "
                "request: %s",
                err);
    tenant_done(t);
    return;
  }
  t->req = (struct mde_http_req){
      .url = t->token_url, .form = t->form, .done = on_token, .user = t};
  t->res.token_requests++;
  mde_http_submit(t->e->http, &t->req);
}

/* After the token step failed: carry on with a cached token that is still
 * good (a transient failure during a forced re-check), or stop. */
static void after_failure(struct tenant *t) {
  if (t->token.access_token && t->token_exp > t->e->now) {
    t->step = STEP_API;
    api_begin(t);
  } else {
    tenant_done(t);
  }
}

/* --- checking --- */

/* What the key set in hand is, for the token being checked. */
enum keys_state {
  KEYS_CACHED,       /* from an earlier fetch */
  KEYS_FRESH,        /* fetched just now, for this token */
  KEYS_FETCH_FAILED, /* a fetch for this token failed; older keys, if any */
};

static void validate(struct tenant *t, enum keys_state keys);

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
  mde_http_req_release(req);
  snprintf(j->error, sizeof j->error, "%s", err);
  if (keys) {
    mde_jwks_free(j->keys);
    j->keys = keys;
    j->fetched_ms = mde_monotonic_ms();
  }
  size_t n = j->n_waiters;
  j->n_waiters = 0;
  for (size_t i = 0; i < n; i++) {
    struct tenant *t = j->waiters[i];
    tenant_count_status(t, req);
    if (req->deadline_cut) {
      tenant_fail(t, MDE_FAIL_NETWORK, "%s", err);
      tenant_done(t);
    } else {
      validate(t, keys ? KEYS_FRESH : KEYS_FETCH_FAILED);
    }
  }
}

/* Queues the tenant for the key set, starting the fetch if nobody has. */
static void wait_for_keys(struct tenant *t) {
  struct jwks_entry *j = t->jwks;
  if (j->n_waiters == j->cap_waiters) {
    size_t cap = j->cap_waiters ? j->cap_waiters * 2 : 8;
    struct tenant **w = realloc(j->waiters, cap * sizeof *w);
    if (!w) {
      tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
      tenant_done(t);
      return;
    }
    j->waiters = w;
    j->cap_waiters = cap;
  }
  j->waiters[j->n_waiters++] = t;
  t->step = STEP_KEYS;
  if (j->fetching)
    return;
  j->fetching = true;
  j->req = (struct mde_http_req){.url = j->url, .done = on_jwks, .user = j};
  mde_http_submit(t->e->http, &j->req);
}

static char *expected_issuer(struct tenant *t, const struct mde_jwt *jwt,
                             const char *tid) {
  const char *ver = mde_jwt_claim_string(jwt, "ver");
  if (ver && strcmp(ver, "2.0") == 0)
    return mde_issuer_v2(t->login, tid);
  return mde_issuer_v1(t->cloud->sts, tid);
}

/* The token's key id is not in the key set, and no fetch for it has
 * completed: that is not proof of a bad token (Entra may have rotated its
 * keys since the last fetch). The token is kept, unverified and unused,
 * and checked again next cycle; the fetch is retried at once if it failed,
 * else once KeyRefetchInterval allows. */
static void keys_pending(struct tenant *t, enum keys_state keys,
                         const char *reason) {
  struct jwks_entry *j = t->jwks;
  if (keys == KEYS_FETCH_FAILED) {
    tenant_fail(t, MDE_FAIL_NETWORK, "%s, and the key set: %s", reason,
                j->error);
  } else {
    int64_t age = mde_monotonic_ms() - j->fetched_ms;
    tenant_fail(t, MDE_FAIL_AUTH_SERVICE,
                "%s fetched %llds ago: Entra rotated its keys; they are "
                "fetched again in %llds (KeyRefetchInterval)",
                reason, (long long)(age / 1000),
                (long long)((t->e->jwks_refetch_ms - age + 999) / 1000));
  }
  tenant_done(t);
}

/* Checks the freshly acquired token (t->token) against the keys; fetches
 * the key set when it is missing or lacks the token's kid (at most every
 * jwks_refetch_ms). Accepts or drops the token, then goes on. */
static void validate(struct tenant *t, enum keys_state keys) {
  struct jwks_entry *j = t->jwks;
  int64_t mono = mde_monotonic_ms();
  if (!j->keys) {
    if (keys != KEYS_CACHED) {
      tenant_fail(t, MDE_FAIL_NETWORK, "%s", j->error);
      tenant_done(t); /* the token stays, checked again next cycle */
    } else {
      wait_for_keys(t);
    }
    return;
  }
  char err[MDE_ERR_SIZE];
  struct mde_jwt jwt;
  if (mde_jwt_decode(t->token.access_token, t->token.access_token_len, &jwt,
                     err, sizeof err) != MDE_FAIL_NONE) {
    tenant_fail(t, MDE_FAIL_TOKEN_INVALID, "token rejected: %s", err);
    token_drop(t);
    tenant_done(t);
    return;
  }
  const char *claimed = mde_jwt_claim_string(&jwt, "tid");
  char tid[40]; /* the token is freed below; keep the tenant it names */
  snprintf(tid, sizeof tid, "%.39s",
           t->tid[0] ? t->tid
           : claimed ? claimed
                     : "");
  char *issuer = expected_issuer(t, &jwt, tid);
  mde_jwt_free(&jwt);
  struct mde_jwt_expect x = {.tenant_id = tid,
                             .issuer = issuer,
                             .audience = t->resource,
                             .client_id = t->client_id,
                             .now = t->e->now,
                             .roles = &t->required};
  struct mde_jwt_result res;
  enum mde_failure f = mde_jwt_validate(
      t->token.access_token, t->token.access_token_len, j->keys, &x, &res);
  free(issuer);
  if (res.unknown_kid && keys != KEYS_FRESH) {
    if (keys == KEYS_CACHED && mono - j->fetched_ms >= t->e->jwks_refetch_ms)
      wait_for_keys(t); /* Entra rotated its keys: fetch them once */
    else
      keys_pending(t, keys, res.reason);
    mde_jwt_result_free(&res);
    return;
  }
  if (f == MDE_FAIL_NONE || f == MDE_FAIL_PERMISSION_MISSING) {
    if (!t->tid[0] && res.tid[0]) /* a domain, resolved from the token */
      snprintf(t->tid, sizeof t->tid, "%.39s", res.tid);
    t->token_exp = res.exp ? res.exp : t->token.expires_on;
    t->token_acquired = t->e->now;
    t->backoff_n = 0;
    t->backoff_until = 0;
    mde_strlist_free(&t->token_roles);
    t->token_roles = res.roles;
    res.roles = (struct mde_strlist){0};
    mde_strlist_free(&t->res.missing_roles);
    t->res.missing_roles = res.missing_roles;
    res.missing_roles = (struct mde_strlist){0};
    t->res.permissions = f == MDE_FAIL_NONE ? 1 : 0;
    t->res.consent = 1;
    if (f == MDE_FAIL_PERMISSION_MISSING)
      tenant_fail(t, f, "%s", res.reason);
    mde_jwt_result_free(&res);
    t->step = STEP_API;
    api_begin(t);
    return;
  }
  tenant_fail(t, f, "token rejected: %s", res.reason);
  mde_jwt_result_free(&res);
  token_drop(t);
  tenant_done(t);
}

static void on_token(struct mde_http_req *req) {
  struct tenant *t = req->user;
  struct mde_tenant_result *r = &t->res;
  tenant_count_status(t, req);
  r->token_time = req->timing;
  r->token_timing_valid = 1;
  char err[MDE_ERR_SIZE];
  if (req->curl_code) {
    tenant_fail(t, MDE_FAIL_NETWORK, "token endpoint %s: %s", t->token_url,
                req->error);
    tenant_release_request(t);
    after_failure(t);
    return;
  }
  if (req->status == 200) {
    struct mde_token fresh;
    enum mde_failure f = mde_token_parse(req->body.data, req->body.len,
                                         t->e->now, &fresh, err, sizeof err);
    tenant_release_request(t);
    if (f != MDE_FAIL_NONE) {
      tenant_fail(t, f, "token endpoint answered 200 but: %s", err);
      after_failure(t);
      return;
    }
    token_drop(t);
    t->token = fresh;
    validate(t, KEYS_CACHED);
    return;
  }
  struct mde_entra_error ee;
  enum mde_failure f =
      mde_entra_error_parse(req->status, req->body.data, req->body.len, &ee);
  tenant_release_request(t);
  tenant_fail(t, f, "token request refused (HTTP %d): %s", req->status,
              ee.message[0] ? ee.message : ee.error);
  if (r->failure == f) {
    r->aadsts = ee.code;
    snprintf(r->trace_id, sizeof r->trace_id, "%s", ee.trace_id);
    snprintf(r->correlation_id, sizeof r->correlation_id, "%s",
             ee.correlation_id);
    snprintf(r->timestamp, sizeof r->timestamp, "%s", ee.timestamp);
  }
  back_off(t, f, req->retry_after);
  if (!mde_failure_is_transient(f) && f != MDE_FAIL_THROTTLED)
    token_drop(t);
  after_failure(t);
}

/* --- the step --- */

void token_begin(struct tenant *t) {
  struct mde_engine *e = t->e;
  struct mde_tenant_result *r = &t->res;
  time_t now = e->now;
  bool oneshot = e->flags & MDE_CYCLE_ONESHOT;
  /* A changed secret file is read again (before backoff is considered: a
   * new secret deserves a try at once). */
  if (t->secret_file && mde_secret_file_changed(t->secret_file, &t->secret)) {
    char err[MDE_ERR_SIZE], warn[MDE_ERR_SIZE];
    struct mde_secret fresh;
    token_drop(t); /* a new secret: nothing cached may outlive the old */
    if (mde_secret_load_file(t->secret_file, &fresh, warn, sizeof warn, err,
                             sizeof err) != MDE_FAIL_NONE) {
      tenant_fail(t, MDE_FAIL_CREDENTIAL_UNUSABLE, "%s", err);
      remember(t);
      tenant_done(t);
      return;
    }
    mde_secret_free(&t->secret);
    t->secret = fresh;
    t->backoff_n = 0;
    t->backoff_until = 0; /* someone acted: try the new secret now */
  }
  if (!oneshot && now < t->backoff_until) {
    r->failure = t->last.failure;
    r->aadsts = t->last.aadsts;
    snprintf(r->reason, sizeof r->reason, "%.440s (next try in %lds)",
             t->last.reason, (long)(t->backoff_until - now));
    r->backoff = 1;
    if (r->failure == MDE_FAIL_THROTTLED) {
      r->throttled = 1;
      r->retry_after = (double)(t->backoff_until - now);
    }
    after_failure(t);
    return;
  }
  bool need = !t->token.access_token || oneshot ||
              now >= t->token_exp - t->margin ||
              now >= t->token_acquired + t->cred_check;
  if (need && token_unverified(t) && !oneshot &&
      now < t->token.expires_on - t->margin) {
    validate(t, KEYS_CACHED); /* acquired earlier, its keys were not at hand */
  } else if (need) {
    submit_token(t);
  } else {
    t->step = STEP_API;
    api_begin(t);
  }
}
