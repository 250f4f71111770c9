/* SPDX-License-Identifier: MIT */
/* Credential expiry from Microsoft Graph (spec D.4): with HomeTenantId
 * set, one read per distinct ClientId + home tenant — a Graph token in the
 * home tenant, then GET /v1.0/applications(appId='…') — in the first cycle
 * and every CredentialCheckInterval, shared by the tenants using that app
 * like the key set is (tenants that end their cycle during a read wait for
 * it). Graph tokens carry a `nonce` header and cannot be verified by
 * clients (spec D.2): their signature is not checked, their aud, tid, exp
 * and roles are. What Graph says feeds each tenant's credential_ttl for the
 * credential it is configured with, and the app-level counts. A read that
 * fails keeps the last answer, so the expiry it gave keeps counting down;
 * only a missing permission is reported as a class of the tenants
 * (graph_permission_missing, a WARNING): their Defender monitoring is not
 * affected by Graph at all. */
#include "engine_int.h"
#include "mde/entra_error.h"
#include "mde/jwt.h"
#include "mde/roles.h"

#include <math.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Graph's application id: the `aud` of some Graph tokens. */
#define GRAPH_APP_ID "00000003-0000-0000-c000-000000000000"
/* A read that failed for a reason that may heal is tried again after this
 * many seconds (or the interval, if shorter). */
#define GRAPH_RETRY 60
#define SELECT "$select=id,appId,passwordCredentials,keyCredentials"

/* Any of these lets the app read its own object (spec D.4); the ReadWrite
 * and Directory roles imply the first (lib/roles.c). */
static const char *const read_role = "Application.Read.All";

static char *concat(const char *a, const char *b, const char *c,
                    const char *d) {
  size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
  char *s = malloc(n);
  if (s)
    snprintf(s, n, "%s%s%s%s", a, b, c, d);
  return s;
}

static void wipe(char **s) {
  if (*s) {
    OPENSSL_cleanse(*s, strlen(*s));
    free(*s);
    *s = NULL;
  }
}

static void release(struct graph_entry *g) {
  mde_http_req_release(&g->req);
  wipe(&g->form);
  wipe(&g->bearer);
}

static void entry_free(struct graph_entry *g) {
  release(g);
  mde_graph_app_free(&g->app);
  free(g->waiters);
  free(g->client_id);
  free(g->home);
  free(g->token_url);
  free(g->app_url);
  free(g->resource);
  free(g);
}

void mde_graph_free_all(struct graph_entry *g) {
  while (g) {
    struct graph_entry *next = g->next;
    entry_free(g);
    g = next;
  }
}

int mde_graph_attach(struct tenant *t, const struct mde_tenant_config *c,
                     char *err, size_t err_size) {
  if (!c->home_tenant)
    return 0;
  struct mde_engine *e = t->e;
  struct graph_entry **tail = &e->graph;
  for (struct graph_entry *g = e->graph; g; g = g->next) {
    if (strcasecmp(g->client_id, t->client_id) == 0 &&
        strcasecmp(g->home, c->home_tenant) == 0) {
      t->graph = g;
      if (t->cred_check < g->interval) /* the most eager tenant sets it */
        g->interval = t->cred_check;
      return 0;
    }
    tail = &g->next;
  }
  struct graph_entry *g = calloc(1, sizeof *g);
  if (!g) {
    mde_say(err, err_size, "tenant \"%s\": out of memory", t->name);
    return -1;
  }
  /* A graph host as configured is a scheme and host; the token is still
   * for the cloud's Graph (what Entra knows the resource as). */
  size_t n = c->graph_endpoint ? strlen(c->graph_endpoint) : 0;
  while (n > 0 && c->graph_endpoint[n - 1] == '/')
    n--;
  char base[512];
  snprintf(base, sizeof base, "%.*s", (int)n,
           c->graph_endpoint ? c->graph_endpoint : "");
  char path[128];
  snprintf(path, sizeof path, "/v1.0/applications(appId='%s')?", t->client_id);
  g->e = e;
  g->owner = t;
  g->client_id = strdup(t->client_id);
  g->home = strdup(c->home_tenant);
  g->token_url = mde_url_token(t->login, c->home_tenant, t->version);
  g->resource = strdup(t->cloud->graph);
  g->app_url = concat(n ? base : t->cloud->graph, path, SELECT, "");
  g->interval = t->cred_check;
  g->warn = c->credential_warning > 0 ? c->credential_warning
                                      : MDE_DEFAULT_CREDENTIAL_WARNING;
  g->res = (struct mde_app_result){.earliest_ttl = NAN, .age = NAN};
  if (!g->client_id || !g->home || !g->token_url || !g->resource ||
      !g->app_url) {
    entry_free(g);
    mde_say(err, err_size, "tenant \"%s\": out of memory", t->name);
    return -1;
  }
  g->res.client_id = g->client_id;
  g->res.home_tenant = g->home;
  *tail = g;
  t->graph = g;
  return 0;
}

size_t mde_engine_app_count(const struct mde_engine *e) {
  size_t n = 0;
  for (const struct graph_entry *g = e->graph; g; g = g->next)
    n++;
  return n;
}

const struct mde_app_result *mde_engine_app_result(const struct mde_engine *e,
                                                   size_t i) {
  for (const struct graph_entry *g = e->graph; g; g = g->next)
    if (i-- == 0)
      return &g->res;
  return NULL;
}

/* The app-level values, from the last answer, at the cycle's time. */
static void summarize(struct graph_entry *g) {
  struct mde_app_result *r = &g->res;
  time_t now = g->e->now;
  r->valid = g->have_app;
  r->earliest_ttl = NAN;
  r->expiring = r->expired = 0;
  r->age =
      g->have_app ? (double)(mde_engine_mono(g->e) - g->read_ms) / 1000.0 : NAN;
  if (!g->have_app)
    return;
  struct mde_graph_summary s;
  mde_graph_summarize(&g->app, now, g->warn, &s);
  r->earliest_ttl = s.earliest ? (double)(s.earliest - now) : NAN;
  r->expiring = s.expiring;
  r->expired = s.expired;
}

/* The read is over (f: how): waiting tenants end their cycles. */
static void finish(struct graph_entry *g, enum mde_failure f, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
static void finish(struct graph_entry *g, enum mde_failure f, const char *fmt,
                   ...) {
  struct mde_engine *e = g->e;
  g->busy = false;
  release(g);
  g->res.failure = f;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g->res.reason, sizeof g->res.reason, fmt, ap);
  va_end(ap);
  if (f == MDE_FAIL_NONE) {
    g->due = e->now + g->interval;
  } else {
    long retry = f == MDE_FAIL_GRAPH_PERMISSION || g->interval < GRAPH_RETRY
                     ? g->interval
                     : GRAPH_RETRY;
    g->due = e->now + retry;
    mde_engine_log(e, MDE_LOG_WARNING,
                   "app %s: credential expiry from Microsoft Graph: %s",
                   g->client_id, g->res.reason);
  }
  summarize(g);
  size_t n = g->n_waiters;
  g->n_waiters = 0;
  for (size_t i = 0; i < n; i++)
    mde_tenant_resume(g->waiters[i], STEP_END);
}

/* The error a Graph answer carries ({"error":{"code","message"}}). */
static void graph_error(const struct mde_http_req *req, char *out,
                        size_t size) {
  struct mde_api_error ae;
  mde_api_error_parse(req->status, req->body.data, req->body.len, &ae);
  snprintf(out, size, "%.60s%s%.300s", ae.code, ae.code[0] ? ": " : "",
           ae.message);
  mde_api_error_free(&ae);
}

static void on_app(struct mde_http_req *req) {
  struct graph_entry *g = req->user;
  char why[400];
  if (req->curl_code) {
    finish(g, mde_transport_failure(req), "Graph at %s: %s", g->app_url,
           req->error);
    return;
  }
  if (req->status != 200) {
    graph_error(req, why, sizeof why);
    enum mde_failure f = req->status == 403 || req->status == 404
                             ? MDE_FAIL_GRAPH_PERMISSION
                         : req->status == 401 ? MDE_FAIL_TOKEN_INVALID
                         : req->status == 429 ? MDE_FAIL_THROTTLED
                         : req->status >= 500 ? MDE_FAIL_API_ERROR
                                              : MDE_FAIL_PROTOCOL;
    if (req->status == 404)
      finish(g, f,
             "application %s is not registered in home tenant %s "
             "(HomeTenantId): Graph answered HTTP 404 %s",
             g->client_id, g->home, why);
    else
      finish(g, f, "Graph refused to read application %s in %s: HTTP %d %s",
             g->client_id, g->home, req->status, why);
    return;
  }
  struct mde_graph_app app;
  enum mde_failure f = mde_graph_app_parse(req->body.data, req->body.len,
                                           g->client_id, &app, why, sizeof why);
  if (f != MDE_FAIL_NONE) {
    finish(g, f, "Graph's application %s: %s", g->client_id, why);
    return;
  }
  mde_graph_app_free(&g->app);
  g->app = app;
  g->have_app = true;
  g->read_at = g->e->now;
  g->read_ms = mde_engine_mono(g->e);
  finish(g, MDE_FAIL_NONE, "%s", "");
}

/* The Graph token's claims (its signature cannot be checked: spec D.2).
 * Returns MDE_FAIL_NONE, or the class with the reason. A token that is no
 * JWT is used unchecked: Graph's answer decides. */
static enum mde_failure check_token(struct graph_entry *g,
                                    const struct mde_token *tok, char *why,
                                    size_t size) {
  if (!memchr(tok->access_token, '.', tok->access_token_len))
    return MDE_FAIL_NONE;
  struct mde_jwt jwt;
  char err[MDE_ERR_SIZE];
  if (mde_jwt_decode(tok->access_token, tok->access_token_len, &jwt, err,
                     sizeof err) != MDE_FAIL_NONE) {
    mde_say(why, size, "the Graph token is malformed: %s", err);
    return MDE_FAIL_TOKEN_INVALID;
  }
  const char *want_tid = mde_is_guid(g->home) ? g->home
                         : g->tid[0]          ? g->tid
                                              : NULL;
  struct mde_jwt_expect x = {
      .tenant_id = want_tid, .client_id = g->client_id, .now = g->e->now};
  enum mde_failure f = mde_jwt_check_claims(&jwt, &x, NULL, err, sizeof err);
  const char *aud = mde_jwt_claim_string(&jwt, "aud");
  size_t rl = strlen(g->resource);
  bool aud_ok = aud && (strcasecmp(aud, GRAPH_APP_ID) == 0 ||
                        (strncasecmp(aud, g->resource, rl) == 0 &&
                         (aud[rl] == '\0' || !strcmp(aud + rl, "/"))));
  const char *tid = mde_jwt_claim_string(&jwt, "tid");
  struct mde_strlist roles = {0};
  int has_roles = mde_jwt_roles(&jwt, &roles);
  if (f == MDE_FAIL_NONE && (!tid || !mde_is_guid(tid))) {
    f = MDE_FAIL_TOKEN_INVALID;
    snprintf(err, sizeof err, "no tenant GUID in tid");
  }
  if (f != MDE_FAIL_NONE) {
    mde_say(why, size, "the Graph token of home tenant %s: %s", g->home, err);
  } else if (!aud_ok) {
    f = MDE_FAIL_TOKEN_INVALID;
    mde_say(why, size,
            "the Graph token of home tenant %s is for %.200s, not %s", g->home,
            aud ? aud : "nothing", g->resource);
  } else if (has_roles < 0 || !mde_roles_grant(&roles, read_role)) {
    char *held = roles.n ? mde_strlist_join(&roles, ", ") : NULL;
    f = MDE_FAIL_GRAPH_PERMISSION;
    mde_say(why, size,
            "the Graph token of home tenant %s carries none of "
            "Application.Read.All, Application.ReadWrite.All, "
            "Directory.Read.All (roles: %.200s)",
            g->home, held ? held : "none");
    free(held);
  }
  if (f == MDE_FAIL_NONE && !g->tid[0]) /* a domain: pin its GUID */
    snprintf(g->tid, sizeof g->tid, "%s", tid);
  mde_strlist_free(&roles);
  mde_jwt_free(&jwt);
  return f;
}

static void on_token(struct mde_http_req *req) {
  struct graph_entry *g = req->user;
  struct mde_engine *e = g->e;
  char why[MDE_ERR_SIZE];
  if (req->curl_code) {
    finish(g, mde_transport_failure(req), "Graph token at %s: %s", g->token_url,
           req->error);
    return;
  }
  if (req->status != 200) {
    struct mde_entra_error ee;
    enum mde_failure f =
        mde_entra_error_parse_for(req->status, req->body.data, req->body.len,
                                  g->owner->cred != NULL, &ee);
    /* The app unknown in the "home" tenant, or no such tenant: the
     * partner's setup, not the customers'. */
    if (f == MDE_FAIL_APP_NOT_IN_TENANT || f == MDE_FAIL_TENANT_NOT_FOUND ||
        f == MDE_FAIL_CONSENT_REQUIRED)
      f = MDE_FAIL_GRAPH_PERMISSION;
    finish(g, f, "Graph token in home tenant %s refused (HTTP %d): %.300s",
           g->home, req->status, ee.message[0] ? ee.message : ee.error);
    return;
  }
  struct mde_token tok;
  enum mde_failure f = mde_token_parse(req->body.data, req->body.len, e->now,
                                       &tok, why, sizeof why);
  if (f != MDE_FAIL_NONE) {
    finish(g, f, "Graph token endpoint answered 200 but: %s", why);
    return;
  }
  f = check_token(g, &tok, why, sizeof why);
  if (f == MDE_FAIL_NONE)
    g->bearer = strdup(tok.access_token);
  mde_token_free(&tok);
  if (f != MDE_FAIL_NONE) {
    finish(g, f, "%s", why);
    return;
  }
  if (!g->bearer) {
    finish(g, MDE_FAIL_INTERNAL, "out of memory");
    return;
  }
  mde_http_req_release(&g->req);
  wipe(&g->form);
  g->req = (struct mde_http_req){.url = g->app_url,
                                 .bearer = g->bearer,
                                 .max_body = MDE_GRAPH_BODY_MAX,
                                 .done = on_app,
                                 .user = g};
  if (e->transport.submit(e->transport.ctx, &g->req) != 0)
    finish(g, MDE_FAIL_INTERNAL, "out of memory: Graph request not queued");
}

static void start(struct graph_entry *g) {
  struct mde_engine *e = g->e;
  char err[MDE_ERR_SIZE] = "out of memory";
  release(g);
  g->busy = true;
  g->form =
      mde_token_form(g->owner, g->resource, g->token_url, err, sizeof err);
  if (!g->form) {
    finish(g, MDE_FAIL_CREDENTIAL_UNUSABLE,
           "cannot build the Graph token request: %s", err);
    return;
  }
  g->req = (struct mde_http_req){.url = g->token_url,
                                 .form = g->form,
                                 .max_body = MDE_TOKEN_BODY_MAX,
                                 .done = on_token,
                                 .user = g};
  if (e->transport.submit(e->transport.ctx, &g->req) != 0)
    finish(g, MDE_FAIL_INTERNAL,
           "out of memory: Graph token request not queued");
}

void mde_graph_cycle(struct mde_engine *e) {
  for (struct graph_entry *g = e->graph; g; g = g->next) {
    g->n_waiters = 0;
    summarize(g);
    if (!g->busy && ((e->flags & MDE_CYCLE_ONESHOT) || e->now >= g->due))
      start(g);
  }
}

bool mde_graph_wait(struct tenant *t) {
  struct graph_entry *g = t->graph;
  if (!g || !g->busy)
    return false;
  if (g->n_waiters == g->cap_waiters) {
    size_t cap = g->cap_waiters ? g->cap_waiters * 2 : 8;
    struct tenant **w = realloc(g->waiters, cap * sizeof *w);
    if (!w)
      return false; /* it ends now, without this cycle's answer */
    g->waiters = w;
    g->cap_waiters = cap;
  }
  g->waiters[g->n_waiters++] = t;
  t->resume = STEP_END;
  return true;
}

static void note(struct mde_tenant_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct mde_tenant_result *r, const char *fmt, ...) {
  size_t n = strlen(r->credential_note);
  if (n && n + 2 < sizeof r->credential_note) {
    memcpy(r->credential_note + n, "; ", 3);
    n += 2;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->credential_note + n, sizeof r->credential_note - n, fmt, ap);
  va_end(ap);
}

void mde_graph_apply(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  struct graph_entry *g = t->graph;
  r->credential_from_graph = 0;
  r->credential_note[0] = '\0';
  if (!g)
    return;
  time_t now = t->e->now;
  if (g->res.failure == MDE_FAIL_GRAPH_PERMISSION)
    mde_tenant_fail(t, MDE_FAIL_GRAPH_PERMISSION, "%s", g->res.reason);
  else if (g->res.failure != MDE_FAIL_NONE)
    note(r, "Microsoft Graph: %.300s%s", g->res.reason,
         g->have_app ? " (the expiry it last gave counts on)" : "");
  if (!g->have_app)
    return;
  struct mde_graph_match m;
  if (t->cred) {
    mde_graph_match_certificate(&g->app, mde_credential_thumbprint(t->cred),
                                now, &m);
  } else {
    char hint[MDE_GRAPH_HINT_LEN + 1]; /* all of the secret Graph needs */
    snprintf(hint, sizeof hint, "%.3s", t->secret.value ? t->secret.value : "");
    mde_graph_match_secret(&g->app, hint, t->secret_key_id, now, &m);
    OPENSSL_cleanse(hint, sizeof hint);
  }
  if (m.note[0])
    note(r, "%s", m.note);
  /* A configured ClientSecretExpires wins; a certificate's own notAfter
   * stays the source (Graph's copy of it can only agree). */
  if (!t->cred && !t->secret_expires && m.found && m.end) {
    r->credential_ttl = (double)(m.end - now);
    r->credential_from_graph = 1;
  }
}
