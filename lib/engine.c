/* SPDX-License-Identifier: MIT */
/* The engine's lifecycle, tenant validation and the dispatcher (see
 * include/mde/engine.h and lib/engine_int.h; the steps are in
 * engine_token.c and engine_api.c). */
#include "engine_int.h"
#include "mde/entra_error.h"
#include "mde/retry_after.h"
#include "mde/roles.h"

#include <math.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void mde_tenant_config_defaults(struct mde_tenant_config *c) {
  *c = (struct mde_tenant_config){
      .token_version = 2,
      .assertion_ps256 = 1, /* PS256 + x5t#S256, as Entra recommends */
      .fetch_alerts = 1,
      .probe_roles = 1,
      .credential_check_interval = MDE_DEFAULT_CREDENTIAL_CHECK,
      .alerts_interval = MDE_DEFAULT_ALERTS_INTERVAL,
      .refresh_margin = MDE_DEFAULT_REFRESH_MARGIN,
      .backoff_cap = MDE_DEFAULT_BACKOFF_CAP,
      .full_resync_interval = MDE_DEFAULT_FULL_RESYNC,
      .fetch_machines = -1,
      .machines_interval = MDE_DEFAULT_MACHINES_INTERVAL,
  };
}

void mde_engine_log(struct mde_engine *e, enum mde_log_level level,
                    const char *fmt, ...) {
  if (!e->log)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  e->log(e->log_ctx, level, msg);
}

static int64_t real_monotonic(void *ctx) {
  (void)ctx;
  return mde_monotonic_ms();
}

static time_t real_wall(void *ctx) {
  (void)ctx;
  return time(NULL);
}

static int http_submit(void *ctx, struct mde_http_req *req) {
  return mde_http_submit(ctx, req);
}

static int http_run(void *ctx, int64_t deadline_ms) {
  return mde_http_run(ctx, deadline_ms);
}

static void http_interrupt(void *ctx) { mde_http_interrupt(ctx); }

static int http_run_carried(void *ctx, int64_t until_ms) {
  return mde_http_run_carried(ctx, until_ms);
}

static void http_wake(void *ctx) { mde_http_wake(ctx); }

int64_t mde_engine_mono(struct mde_engine *e) {
  return e->clock.monotonic_ms(e->clock.ctx);
}

struct mde_engine *mde_engine_new(const struct mde_engine_options *opt,
                                  char *err, size_t err_size) {
  struct mde_engine *e = calloc(1, sizeof *e);
  if (!e) {
    snprintf(err, err_size, "out of memory");
    return NULL;
  }
  e->clock = (struct mde_clock){real_monotonic, real_wall, NULL};
  if (opt && opt->clock)
    e->clock = *opt->clock;
  if (opt && opt->transport) {
    e->transport = *opt->transport;
  } else {
    e->http = mde_http_new(opt ? &opt->http : NULL, err, err_size);
    if (!e->http) {
      free(e);
      return NULL;
    }
    e->transport =
        (struct mde_transport){http_submit,    http_run,         e->http,
                               http_interrupt, http_run_carried, http_wake};
  }
  e->jwks_refetch_ms = 300 * 1000;
  if (opt) {
    e->log = opt->log;
    e->log_ctx = opt->log_ctx;
    e->front = opt->front;
    if (opt->jwks_refetch_interval > 0)
      e->jwks_refetch_ms = opt->jwks_refetch_interval * 1000;
  }
  return e;
}

static void tenant_free(struct tenant *t) {
  if (!t)
    return;
  mde_tenant_release_request(t);
  free(t->name);
  free(t->tenant);
  free(t->client_id);
  free(t->secret_file);
  free(t->secret_env);
  free(t->cert_file);
  free(t->key_file);
  free(t->pkcs12_file);
  free(t->pass_env);
  free(t->login);
  free(t->api);
  free(t->resource);
  free(t->token_url);
  free(t->secret_key_id);
  free(t->issuer_v1);
  free(t->last.reason);
  free(t->discovery.reason);
  mde_sync_reset(&t->full);
  mde_sync_reset(&t->incr);
  mde_machines_sync_reset(&t->msync);
  for (int i = 0; i < N_ENDPOINTS; i++)
    free(t->refused[i]);
  mde_strlist_free(&t->required);
  mde_strlist_free(&t->token_roles);
  mde_strlist_free(&t->token_missing);
  mde_secret_free(&t->secret);
  mde_credential_free(t->cred);
  mde_token_free(&t->token);
  mde_alert_index_free(t->alerts);
  free(t->api_reason);
  mde_strlist_free(&t->res.missing_roles);
  free(t->res.fix);
  free(t);
}

void mde_engine_free(struct mde_engine *e) {
  if (!e)
    return;
  /* First: a carried transfer still writes into its tenant's request. */
  mde_http_free(e->http);
  for (size_t i = 0; i < e->n; i++)
    tenant_free(e->tenants[i]);
  free(e->tenants);
  free(e->order);
  mde_keyset_free_all(e->jwks);
  mde_graph_free_all(e->graph);
  free(e);
}

size_t mde_engine_count(const struct mde_engine *e) { return e->n; }

const struct mde_tenant_result *mde_engine_result(const struct mde_engine *e,
                                                  size_t i) {
  return i < e->n ? &e->tenants[i]->res : NULL;
}

/* --- adding a tenant: every check names the field and the tenant --- */

static int bad(char *err, size_t err_size, const char *name, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));
static int bad(char *err, size_t err_size, const char *name, const char *fmt,
               ...) {
  int n = snprintf(err, err_size, "tenant \"%s\": ", name ? name : "?");
  va_list ap;
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < err_size)
    vsnprintf(err + n, err_size - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

static bool https_url(const char *u) {
  return u && strncasecmp(u, "https://", 8) == 0 && u[8] && u[8] != '/' &&
         !strpbrk(u, " \t\r\n?#");
}

static char *strip_slash(const char *s) {
  char *c = strdup(s);
  size_t n = c ? strlen(c) : 0;
  while (n > 0 && c[n - 1] == '/')
    c[--n] = '\0';
  return c;
}

/* https://host[:port], nothing after but slashes. */
static bool host_only(const char *u) {
  if (!https_url(u))
    return false;
  const char *p = strchr(u + 8, '/');
  return !p || p[strspn(p, "/")] == '\0';
}

static bool valid_tenant_name(const char *s) {
  if (mde_is_guid(s))
    return true;
  size_t n = strlen(s);
  if (n == 0 || n > 253 || !strchr(s, '.'))
    return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
      return false;
  return true;
}

/* Returns the class of a refusal (MDE_FAIL_NONE: loaded): a credential
 * that is missing or not one is a configuration error; one that cannot be
 * read or used is the loader's class (credential_unusable). */
static enum mde_failure load_credential(struct tenant *t, char *err,
                                        size_t err_size) {
  char reason[MDE_ERR_SIZE], warn[MDE_ERR_SIZE];
  int kinds =
      !!t->secret_file + !!t->secret_env + !!t->cert_file + !!t->pkcs12_file;
  if (kinds == 0) {
    bad(err, err_size, t->name,
        "no credential: set ClientSecretFile, ClientSecretEnv, "
        "ClientCertificate (with ClientKey) or ClientPKCS12");
    return MDE_FAIL_CONFIG;
  }
  if (kinds > 1) {
    bad(err, err_size, t->name,
        "%d credentials given; keep one of ClientSecretFile, "
        "ClientSecretEnv, ClientCertificate or ClientPKCS12",
        kinds);
    return MDE_FAIL_CONFIG;
  }
  const char *pass = t->pass_env ? getenv(t->pass_env) : NULL;
  enum mde_failure f = MDE_FAIL_NONE;
  if (t->secret_file) {
    f = mde_secret_load_file(t->secret_file, &t->secret, warn, sizeof warn,
                             reason, sizeof reason);
    if (f == MDE_FAIL_NONE && warn[0])
      mde_engine_log(t->e, MDE_LOG_WARNING, "tenant \"%s\": %s", t->name, warn);
  } else if (t->secret_env) {
    f = mde_secret_load_env(t->secret_env, &t->secret, reason, sizeof reason);
  } else if (t->cert_file) {
    f = mde_credential_load_pem(t->cert_file, t->key_file, pass, &t->cred,
                                reason, sizeof reason);
  } else {
    f = mde_credential_load_pkcs12(t->pkcs12_file, pass, &t->cred, reason,
                                   sizeof reason);
  }
  if (f != MDE_FAIL_NONE)
    bad(err, err_size, t->name, "%s", reason);
  return f;
}

int mde_engine_add(struct mde_engine *e, const struct mde_tenant_config *c,
                   char *err, size_t err_size) {
  return mde_engine_add_why(e, c, err, err_size, NULL);
}

int mde_engine_add_why(struct mde_engine *e, const struct mde_tenant_config *c,
                       char *err, size_t err_size, enum mde_failure *why) {
  enum mde_failure unused;
  if (!why)
    why = &unused;
  *why = MDE_FAIL_CONFIG; /* every refusal below but the credential's */
  const char *name = c->name ? c->name : c->tenant;
  if (!name || !*name)
    return bad(err, err_size, "", "a tenant needs a name");
  if (!c->tenant || !valid_tenant_name(c->tenant))
    return bad(err, err_size, name,
               "TenantId \"%s\" is neither a GUID nor a domain name",
               c->tenant ? c->tenant : "");
  if (!c->client_id || !mde_is_guid(c->client_id))
    return bad(err, err_size, name,
               "ClientId \"%s\" is not a GUID (the application id of the "
               "partner app)",
               c->client_id ? c->client_id : "");
  const struct mde_cloud *cloud =
      mde_cloud_from_name(c->cloud ? c->cloud : "public");
  if (!cloud)
    return bad(err, err_size, name,
               "Cloud \"%s\" is not one of public, gcc, gcc-high, dod",
               c->cloud);
  if (c->login_endpoint && !https_url(c->login_endpoint))
    return bad(err, err_size, name,
               "LoginEndpoint \"%s\" is not an https:// URL without query",
               c->login_endpoint);
  if (c->api_endpoint && !https_url(c->api_endpoint))
    return bad(err, err_size, name,
               "ApiEndpoint \"%s\" is not an https:// URL without query",
               c->api_endpoint);
  if (c->token_version != 0 && c->token_version != 1 && c->token_version != 2)
    return bad(err, err_size, name, "TokenVersion must be 1 or 2, not %d",
               c->token_version);
  if (c->home_tenant && !valid_tenant_name(c->home_tenant))
    return bad(err, err_size, name,
               "HomeTenantId \"%s\" is neither a GUID nor a domain name",
               c->home_tenant);
  if (c->graph_endpoint && !host_only(c->graph_endpoint))
    return bad(err, err_size, name,
               "GraphEndpoint \"%s\" is not an https:// scheme and host "
               "(such as https://graph.microsoft.com; /v1.0/... is appended)",
               c->graph_endpoint);
  if (c->secret_key_id && !mde_is_guid(c->secret_key_id))
    return bad(err, err_size, name,
               "ClientSecretKeyId \"%s\" is not a GUID (the secret's "
               "Secret ID in Certificates & secrets)",
               c->secret_key_id);
  for (size_t i = 0; i < c->n_required_roles; i++)
    if (!c->required_roles[i] || !*c->required_roles[i] ||
        strpbrk(c->required_roles[i], " ,\t"))
      return bad(err, err_size, name, "RequireRole \"%s\" is not a role name",
                 c->required_roles[i] ? c->required_roles[i] : "");

  struct tenant *t = calloc(1, sizeof *t);
  if (!t)
    return *why = MDE_FAIL_INTERNAL, bad(err, err_size, name, "out of memory");
  t->e = e;
  t->cloud = cloud;
  t->name = strdup(name);
  t->tenant = strdup(c->tenant);
  t->client_id = strdup(c->client_id);
#define DUP(f) (c->f ? (t->f = strdup(c->f)) == NULL : 0)
  bool oom = !t->name || !t->tenant || !t->client_id || DUP(secret_file) ||
             DUP(secret_env) || DUP(cert_file) || DUP(key_file) ||
             DUP(pkcs12_file);
#undef DUP
  t->pass_env = c->key_passphrase_env ? strdup(c->key_passphrase_env) : NULL;
  t->secret_key_id = c->secret_key_id ? strdup(c->secret_key_id) : NULL;
  oom = oom || (c->secret_key_id && !t->secret_key_id);
  t->login = strip_slash(c->login_endpoint ? c->login_endpoint : cloud->login);
  t->api = strip_slash(c->api_endpoint ? c->api_endpoint : cloud->api);
  t->resource = strdup(c->resource ? c->resource : cloud->resource);
  t->version = c->token_version == 1 ? MDE_TOKEN_V1 : MDE_TOKEN_V2;
  t->ps256 = c->assertion_ps256;
  t->secret_expires = c->secret_expires;
  t->fetch_alerts = c->fetch_alerts;
  t->probe_roles = c->probe_roles;
#define OR(v, d) ((v) > 0 ? (v) : (d))
  t->cred_check =
      OR(c->credential_check_interval, MDE_DEFAULT_CREDENTIAL_CHECK);
  t->alerts_interval = OR(c->alerts_interval, MDE_DEFAULT_ALERTS_INTERVAL);
  t->margin = OR(c->refresh_margin, MDE_DEFAULT_REFRESH_MARGIN);
  t->backoff_cap = OR(c->backoff_cap, MDE_DEFAULT_BACKOFF_CAP);
  t->full_resync = OR(c->full_resync_interval, MDE_DEFAULT_FULL_RESYNC);
  t->fetch_machines = c->fetch_machines;
  t->machines_interval =
      OR(c->machines_interval, MDE_DEFAULT_MACHINES_INTERVAL);
#undef OR
  for (size_t i = 0; i < c->n_required_roles && !oom; i++)
    oom = mde_strlist_add_str(&t->required, c->required_roles[i]) != 0;
  t->token_url =
      t->login ? mde_url_token(t->login, t->tenant, t->version) : NULL;
  /* Entra signs every tenant's tokens with the authority's keys: one key
   * set per authority (the v1 metadata's jwks_uri), fetched once for all. */
  char *jwks_url =
      t->login ? mde_url_jwks(t->login, "common", MDE_TOKEN_V1) : NULL;
  t->jwks = jwks_url ? mde_keyset_get(e, jwks_url) : NULL;
  free(jwks_url);
  oom = oom || (c->key_passphrase_env && !t->pass_env) || !t->login ||
        !t->api || !t->resource || !t->token_url || !t->jwks;
  if (oom) {
    tenant_free(t);
    return *why = MDE_FAIL_INTERNAL, bad(err, err_size, name, "out of memory");
  }
  if (mde_is_guid(t->tenant))
    snprintf(t->tid, sizeof t->tid, "%s", t->tenant);
  if ((*why = load_credential(t, err, err_size)) != MDE_FAIL_NONE) {
    tenant_free(t);
    return -1;
  }
  if (e->n == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 16;
    struct tenant **v = realloc(e->tenants, cap * sizeof *v);
    if (v)
      e->tenants = v;
    struct tenant **o = v ? realloc(e->order, cap * sizeof *o) : NULL;
    if (!o) {
      tenant_free(t);
      return *why = MDE_FAIL_INTERNAL,
             bad(err, err_size, name, "out of memory");
    }
    e->order = o;
    e->cap = cap;
  }
  t->index = e->n;
  t->res = (struct mde_tenant_result){.name = t->name,
                                      .consent = -1,
                                      .permissions = -1,
                                      .token_ttl = -1,
                                      .credential_ttl = NAN,
                                      .alerts_complete = -1,
                                      .alerts_age = NAN,
                                      .machines_age = NAN};
  snprintf(t->res.tenant_id, sizeof t->res.tenant_id, "%s", t->tid);
  t->step = STEP_IDLE;
  mde_budget_init(&t->budget, mde_engine_mono(e));
  if (mde_graph_attach(t, c, err, err_size) != 0) {
    tenant_free(t);
    return -1;
  }
  e->tenants[e->n++] = t;
  return (int)t->index;
}

/* --- what every step shares --- */

void mde_tenant_release_request(struct tenant *t) {
  mde_http_req_release(&t->req);
  if (t->form) {
    OPENSSL_cleanse(t->form, strlen(t->form));
    free(t->form);
    t->form = NULL;
  }
  free(t->url);
  t->url = NULL;
}

void mde_tenant_count_status(struct tenant *t, const struct mde_http_req *req) {
  struct mde_tenant_result *r = &t->res;
  if (req->deadline_cut)
    r->timed_out = 1;
  if (req->deadline_cut && req->started)
    t->hung = true;
  for (size_t i = 0; i < r->n_codes; i++) {
    if (r->codes[i].status == req->status) {
      r->codes[i].count++;
      return;
    }
  }
  if (r->n_codes < MDE_MAX_STATUS_CODES)
    r->codes[r->n_codes++] = (struct mde_status_count){req->status, 1};
}

enum mde_failure mde_transport_failure(const struct mde_http_req *req) {
  /* held back: its connection failed because we stopped reading, but a
   * body past its cap is the peer's however long it waited */
  bool ours = (req->held_back && !req->too_large) ||
              (req->deadline_cut && !req->peer_silent);
  return ours ? MDE_FAIL_OVERRUN : MDE_FAIL_NETWORK;
}

void mde_tenant_fail(struct tenant *t, enum mde_failure f, const char *fmt,
                     ...) {
  struct mde_tenant_result *r = &t->res;
  if (r->failure != MDE_FAIL_NONE &&
      mde_failure_worst(r->failure, f) == r->failure)
    return;
  r->failure = f;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->reason, sizeof r->reason, fmt, ap);
  va_end(ap);
}

static void remember(struct tenant *t) {
  t->last.failure = t->res.failure;
  t->last.aadsts = t->res.aadsts;
  free(t->last.reason);
  t->last.reason = strdup(t->res.reason);
}

void mde_tenant_back_off(struct tenant *t, enum mde_failure f,
                         long retry_after) {
  time_t now = t->e->now;
  if (f == MDE_FAIL_THROTTLED) {
    long wait = retry_after >= 0         ? retry_after
                : t->res.aadsts == 50196 ? 120
                                         : THROTTLE_DEFAULT;
    if (wait > MDE_RETRY_AFTER_MAX) /* the transport clamps; so do we */
      wait = MDE_RETRY_AFTER_MAX;
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

/* --- the dispatcher --- */

static enum step (*const steps[STEP_COUNT_])(struct tenant *) = {
    [STEP_START] = mde_step_start,
    [STEP_DISCOVER] = mde_step_discover,
    [STEP_DISCOVER_ANSWER] = mde_step_discover_answer,
    [STEP_TOKEN] = mde_step_token,
    [STEP_TOKEN_ANSWER] = mde_step_token_answer,
    [STEP_KEYS] = mde_step_keys,
    [STEP_CHECK] = mde_step_check,
    [STEP_API] = mde_step_api,
    [STEP_ALERTS] = mde_step_alerts,
    [STEP_ALERTS_ANSWER] = mde_step_alerts_answer,
    [STEP_PROBE] = mde_step_probe,
    [STEP_PROBE_ANSWER] = mde_step_probe_answer,
    [STEP_MACHINES] = mde_step_machines,
    [STEP_MACHINES_ANSWER] = mde_step_machines_answer,
    [STEP_SCORE] = mde_step_score,
    [STEP_SCORE_ANSWER] = mde_step_score_answer,
};

static void end_cycle(struct tenant *t);

static void dispatch(struct tenant *t) {
  while (t->step < STEP_COUNT_)
    t->step = steps[t->step](t);
  if (t->step == STEP_END && mde_graph_wait(t))
    t->step = STEP_WAIT; /* its app's Graph read ends the cycle */
  else if (t->step == STEP_END)
    end_cycle(t);
}

void mde_tenant_resume(struct tenant *t, enum step next) {
  if (t->step != STEP_WAIT)
    return; /* its cycle is over: nothing waits for this any more */
  t->step = next;
  dispatch(t);
}

static void on_answer(struct mde_http_req *req) {
  struct tenant *t = req->user;
  mde_tenant_resume(t, t->resume);
}

enum step mde_tenant_send(struct tenant *t, enum step resume) {
  t->req.done = on_answer;
  t->req.user = t;
  t->req.may_carry = (t->e->flags & MDE_CYCLE_CARRY) &&
                     t->e->transport.run_carried && !t->res.carried;
  t->resume = resume;
  if (t->e->transport.submit(t->e->transport.ctx, &t->req) != 0) {
    mde_tenant_fail(t, MDE_FAIL_INTERNAL,
                    "out of memory: request to %s not queued", t->req.url);
    return STEP_END;
  }
  return STEP_WAIT;
}

/* What the cycle's clocks set, for a carried tenant too. */
static void begin_clock(struct tenant *t) {
  time_t not_after =
      t->cred ? mde_credential_not_after(t->cred) : t->secret_expires;
  t->res.credential_ttl = not_after ? (double)(not_after - t->e->now) : NAN;
  t->hung = false; /* order_tenants has read it */
  t->cycle_gap_ms = t->last_cycle_ms ? t->e->mono - t->last_cycle_ms : 0;
  t->last_cycle_ms = t->e->mono;
}

/* A tenant's cycle starts afresh, or goes on from its carried request
 * (its answer, delivered in this cycle's run, resumes it). */
static void begin(struct tenant *t) {
  begin_clock(t);
  if (t->res.carried) /* its result says so until its cycle ends */
    return;
  struct mde_tenant_result *r = &t->res;
  r->failure = MDE_FAIL_NONE;
  r->reason[0] = '\0';
  free(r->fix);
  r->fix = NULL;
  r->aadsts = 0;
  r->trace_id[0] = r->correlation_id[0] = r->timestamp[0] = '\0';
  r->backoff = 0;
  r->timed_out = 0;
  r->token_timing_valid = r->api_timing_valid = 0;
  r->n_codes = 0;
  r->throttled = 0;
  r->retry_after = 0;
  t->probe = 0;
  t->probed = 0;
  t->step = STEP_START;
}

/* The fix for humans, built once per cycle from the final failure. */
static void attach_fix(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  if (r->failure == MDE_FAIL_NONE)
    return;
  char *roles =
      r->missing_roles.n ? mde_strlist_join(&r->missing_roles, ", ") : NULL;
  /* Graph's permission is the home tenant's to grant */
  bool home = r->failure == MDE_FAIL_GRAPH_PERMISSION && t->graph;
  struct mde_fix_ctx ctx = {.login = t->login,
                            .tenant = home ? t->graph->home
                                           : t->tenant, /* as configured */
                            .client_id = t->client_id,
                            .resource = t->resource,
                            .roles = roles,
                            .front = t->e->front};
  r->fix = mde_failure_fix(r->failure, r->aadsts, &ctx);
  free(roles);
}

/* Alert counts as the result reports them: complete or not, and shown
 * only while the last completed sync is recent enough to be called
 * current (two alerts intervals and one cycle); after that, a gap. */
int64_t mde_tenant_fresh_window_ms(const struct tenant *t, long interval_s) {
  int64_t every = (int64_t)interval_s * 1000;
  if (every < MDE_BUDGET_SUSTAINED_GAP_MS)
    every = MDE_BUDGET_SUSTAINED_GAP_MS;
  return 2 * every + t->cycle_gap_ms;
}

static void alerts_freshness(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  bool wanted =
      t->fetch_alerts && (t->alerts || t->full.active ||
                          mde_roles_grant(&t->token_roles, "Alert.Read.All"));
  r->alerts_complete = !wanted ? -1 : t->alerts ? 1 : 0;
  r->alerts_age =
      t->fresh_ms ? (double)(t->e->mono - t->fresh_ms) / 1000.0 : NAN;
  r->alerts_valid = t->alerts && t->fresh_ms &&
                    t->e->mono - t->fresh_ms <=
                        mde_tenant_fresh_window_ms(t, t->alerts_interval);
  if (t->full.active && !t->alerts && ++t->sync_cycles > SYNC_INCOMPLETE_CYCLES)
    mde_tenant_fail(t, MDE_FAIL_SYNC_INCOMPLETE,
                    "the first alerts sync is not complete after %d cycles "
                    "(%zu alerts so far); counts are not reported until it is",
                    t->sync_cycles,
                    t->full.building ? mde_alert_index_size(t->full.building)
                                     : (size_t)0);
}

/* The one place a tenant's cycle ends. */
static void end_cycle(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  r->carried = 0;
  mde_tenant_release_request(t);
  mde_api_collect_missing(t);
  if (t->opaque && t->token.access_token)
    mde_tenant_fail(t, MDE_FAIL_TOKEN_OPAQUE,
                    "the access token is not a JWT: its tenant, audience and "
                    "roles cannot be checked; the API's answers decide");
  alerts_freshness(t);
  mde_graph_apply(t);
  mde_machines_freshness(t);
  bool checked = t->token.access_token && !token_unverified(t);
  r->token_valid = checked && r->failure != MDE_FAIL_TOKEN_INVALID;
  r->token_ttl = checked ? (double)(t->token_exp - t->e->now) : -1;
  if (r->token_valid && r->consent != 0)
    r->consent = 1;
  if (r->failure == MDE_FAIL_APP_NOT_IN_TENANT ||
      r->failure == MDE_FAIL_CONSENT_REQUIRED) {
    r->consent = 0;
    r->permissions = 0; /* no consent, no role granted */
  } else if (r->token_valid) {
    r->permissions = r->missing_roles.n ? 0 : 1;
  }
  if (r->failure < MDE_FAIL_COUNT_)
    r->failures[r->failure]++;
  snprintf(r->tenant_id, sizeof r->tenant_id, "%s", t->tid);
  attach_fix(t);
}

/* Tenants start in turn, rotating, so every one gets to go first; but a
 * tenant whose request hung until the deadline last cycle starts only
 * once every other tenant is done: with few connections, a hung peer at
 * the head of the queue would otherwise starve all the rest. Returns how
 * many tenants are not suspect (they come first in e->order). */
static size_t order_tenants(struct mde_engine *e) {
  size_t k = 0, healthy = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < e->n; i++) {
      struct tenant *t = e->tenants[(i + e->rotate) % e->n];
      if (t->hung == (pass == 1))
        e->order[k++] = t;
    }
    if (pass == 0)
      healthy = k;
  }
  e->rotate = e->n ? (e->rotate + 1) % e->n : 0;
  return healthy;
}

void mde_engine_interrupt(struct mde_engine *e) {
  if (e->transport.interrupt)
    e->transport.interrupt(e->transport.ctx);
}

int mde_engine_cycle(struct mde_engine *e, int64_t deadline_ms,
                     unsigned flags) {
  e->flags = flags;
  e->now = e->clock.wall(e->clock.ctx);
  e->mono = mde_engine_mono(e);
  for (struct jwks_entry *j = e->jwks; j; j = j->next)
    j->n_waiters = 0;
  size_t healthy = order_tenants(e);
  for (size_t i = 0; i < e->n; i++)
    begin(e->order[i]);
  mde_graph_cycle(e);
  for (size_t i = 0; i < healthy; i++)
    dispatch(e->order[i]);
  e->transport.run(e->transport.ctx, deadline_ms);
  for (size_t i = healthy; i < e->n; i++)
    dispatch(e->order[i]);
  e->transport.run(e->transport.ctx, deadline_ms);
  /* Anything still waiting now (keys that never came) ends here, as a
   * failure of this cycle; but a request the transport carried goes on,
   * and so does its tenant's cycle. */
  for (size_t i = 0; i < e->n; i++) {
    struct tenant *t = e->tenants[i];
    if (t->step == STEP_WAIT && t->req.carried) {
      t->res.carried = 1;
    } else if (t->step == STEP_WAIT) {
      t->res.timed_out = 1;
      mde_tenant_fail(t, MDE_FAIL_NETWORK, "cycle deadline reached");
      mde_tenant_resume(t, STEP_END);
    }
  }
  for (size_t i = 0; i < e->n; i++)
    if (!e->tenants[i]->res.carried)
      e->tenants[i]->step = STEP_IDLE;
  return 0;
}

int mde_engine_carry(struct mde_engine *e, int64_t until_ms) {
  return e->transport.run_carried
             ? e->transport.run_carried(e->transport.ctx, until_ms)
             : 0;
}

void mde_engine_wake(struct mde_engine *e) {
  if (e->transport.wake)
    e->transport.wake(e->transport.ctx);
}
