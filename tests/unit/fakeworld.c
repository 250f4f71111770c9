/* SPDX-License-Identifier: MIT */
/* The scripted world of the engine's state-machine tests (see
 * fakeworld.h). It answers as Entra and the Defender API do, in the forms
 * libmde parses (token response, v1 discovery, JWKS, OData pages, the
 * API's error envelope), and keeps the transport's contract: requests
 * complete only inside run, and at its deadline whatever is left is cut. */
#include "fakeworld.h"

#include "mde/jwt.h"
#include "testkeys.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KID "fw-key-1"

static int64_t fw_mono(void *ctx) { return ((struct fakeworld *)ctx)->mono_ms; }

static time_t fw_wall(void *ctx) {
  struct fakeworld *w = ctx;
  return w->wall0 + (time_t)(w->mono_ms / 1000);
}

/* Refuses, as mde_http does out of memory, when the queue is full or
 * the test says so (the w->refuse_submit'th submission). */
static int fw_submit(void *ctx, struct mde_http_req *req) {
  struct fakeworld *w = ctx;
  mde_http_req_reset(req);
  if (++w->submits == w->refuse_submit)
    return -1;
  if (w->n_queue >= (int)(sizeof w->queue / sizeof w->queue[0]))
    return -1;
  w->queue[w->n_queue++] = req;
  return 0;
}

static int find_tenant(const struct fakeworld *w, const char *seg, size_t len) {
  for (int i = 0; i < w->n_tenants; i++) {
    const struct fw_tenant *t = &w->t[i];
    if ((strlen(t->id) == len && strncmp(t->id, seg, len) == 0) ||
        (t->domain[0] && strlen(t->domain) == len &&
         strncmp(t->domain, seg, len) == 0))
      return i;
  }
  return -1;
}

/* The tenant a bearer token was issued for. */
static int bearer_tenant(const struct fakeworld *w, const char *bearer) {
  if (bearer && !strncmp(bearer, "opaque-", 7))
    return find_tenant(w, bearer + 7, strlen(bearer + 7));
  struct mde_jwt jwt;
  char err[128];
  if (!bearer || mde_jwt_decode(bearer, strlen(bearer), &jwt, err,
                                sizeof err) != MDE_FAIL_NONE)
    return -1;
  const char *tid = mde_jwt_claim_string(&jwt, "tid");
  int i = -1;
  for (int k = 0; tid && k < w->n_tenants; k++)
    if (!strcmp(w->t[k].id, tid) || !strcmp(w->t[k].token_tid, tid))
      i = k;
  mde_jwt_free(&jwt);
  return i;
}

static enum fw_endpoint classify(const struct fakeworld *w,
                                 const struct mde_http_req *req, int *tenant) {
  const char *u = req->url;
  *tenant = -1;
  if (!strncmp(u, FW_LOGIN "/", sizeof FW_LOGIN)) {
    const char *seg = u + sizeof FW_LOGIN;
    size_t len = strcspn(seg, "/");
    const char *rest = seg + len;
    *tenant = find_tenant(w, seg, len);
    if (strstr(rest, "/oauth2/"))
      return FW_TOKEN;
    if (!strcmp(rest, "/discovery/keys"))
      return FW_KEYS;
    if (!strcmp(rest, "/.well-known/openid-configuration"))
      return FW_DISCOVERY;
    return FW_OTHER;
  }
  if (!strncmp(u, FW_GRAPH_HOST "/v1.0/applications",
               sizeof FW_GRAPH_HOST + 17)) {
    *tenant = bearer_tenant(w, req->bearer);
    return FW_GRAPH;
  }
  if (!strncmp(u, FW_API "/api/", sizeof FW_API + 4)) {
    *tenant = bearer_tenant(w, req->bearer);
    const char *p = u + sizeof FW_API + 4;
    if (!strncmp(p, "alerts", 6))
      return FW_ALERTS;
    if (!strncmp(p, "machines", 8))
      return FW_MACHINES;
    if (!strncmp(p, "exposureScore", 13))
      return FW_SCORE;
  }
  return FW_OTHER;
}

static void put(struct mde_http_req *req, int status, const char *body) {
  req->status = status;
  mde_buf_puts(&req->body, body);
}

static void token(struct fakeworld *w, struct fw_tenant *t,
                  struct mde_http_req *req) {
  time_t now = fw_wall(w);
  const char *tid = t->token_tid[0] ? t->token_tid : t->id;
  if (t->opaque) {
    char body[256];
    snprintf(body, sizeof body,
             "{\"token_type\":\"Bearer\",\"expires_in\":3599,"
             "\"access_token\":\"opaque-%s\"}",
             tid);
    put(req, 200, body);
    return;
  }
  /* A Graph token: Graph's audience and roles, and a `nonce` header as
   * the real one, signed with a key nobody publishes (clients cannot
   * verify Graph tokens and must not try). */
  bool graph = req->form && strstr(req->form, "graph.microsoft");
  cJSON *c = cJSON_CreateObject();
  char iss[96];
  const char *base = t->token_issuer ? t->token_issuer
                     : t->issuer     ? t->issuer
                                     : "https://sts.windows.net";
  snprintf(iss, sizeof iss, "%s/%s/", base, tid);
  cJSON_AddStringToObject(c, "aud",
                          !graph ? "https://api.securitycenter.microsoft.com"
                          : t->graph_aud ? t->graph_aud
                                         : "https://graph.microsoft.com");
  cJSON_AddStringToObject(c, "iss", iss);
  cJSON_AddNumberToObject(c, "iat", (double)now);
  cJSON_AddNumberToObject(c, "nbf", (double)now);
  cJSON_AddNumberToObject(c, "exp", (double)now + 3599);
  cJSON_AddStringToObject(c, "appid", FW_APP);
  cJSON_AddStringToObject(c, "tid", tid);
  cJSON_AddStringToObject(c, "ver", "1.0");
  const char *const *roles = graph ? t->graph_roles : t->roles;
  int n = 0;
  while (n < 4 && roles[n])
    n++;
  if (n)
    cJSON_AddItemToObject(c, "roles", cJSON_CreateStringArray(roles, n));
  char *claims = cJSON_PrintUnformatted(c);
  cJSON_Delete(c);
  if (graph && !w->graph_key)
    w->graph_key = tk_rsa(2048);
  char header[128];
  snprintf(header, sizeof header, "{\"alg\":\"RS256\",\"kid\":\"%s\"}",
           t->kid ? t->kid : KID);
  char *jws = tk_sign(graph ? w->graph_key : w->key, 0,
                      graph ? "{\"typ\":\"JWT\",\"nonce\":\"n0nce\",\"alg\":"
                              "\"RS256\",\"kid\":\"" KID "\"}"
                            : header,
                      claims);
  free(claims);
  char body[16384];
  snprintf(body, sizeof body,
           "{\"token_type\":\"Bearer\",\"expires_in\":3599,"
           "\"ext_expires_in\":3599,\"access_token\":\"%s\"}",
           jws);
  free(jws);
  put(req, 200, body);
}

/* An OData page of the tenant's alerts from $skip, page_size at a time. */
static void alerts(struct fw_tenant *t, struct mde_http_req *req) {
  const char *skip = strstr(req->url, "$skip=");
  long from = skip ? atol(skip + 6) : 0;
  bool incremental = strstr(req->url, "$filter=") != NULL;
  long n = incremental ? 0 : t->alerts - from;
  if (n > t->page_size)
    n = t->page_size;
  if (n < 0)
    n = 0;
  struct mde_buf *b = &req->body;
  req->status = 200;
  mde_buf_puts(b, "{\"value\":[");
  for (long i = 0; i < n; i++)
    mde_buf_printf(b,
                   "%s{\"id\":\"da%s_%ld\",\"severity\":\"High\","
                   "\"status\":\"%s\","
                   "\"lastUpdateTime\":\"2026-11-01T00:00:00Z\"}",
                   i ? "," : "", t->id, from + i,
                   t->status ? t->status : "New");
  mde_buf_puts(b, "]");
  if (!incremental && from + n < t->alerts)
    mde_buf_printf(b, ",\"@odata.nextLink\":\"%s/api/alerts?$skip=%ld\"",
                   t->next_base ? t->next_base : FW_API, from + n);
  mde_buf_puts(b, "}");
}

/* Graph's application read: 403 without a read role in the bearer, the
 * scripted object otherwise. */
static void graph(struct fakeworld *w, struct fw_tenant *t,
                  struct mde_http_req *req) {
  bool may = false;
  for (int i = 0; i < 4 && t->graph_roles[i]; i++)
    may = may || !strcmp(t->graph_roles[i], "Application.Read.All") ||
          !strcmp(t->graph_roles[i], "Application.ReadWrite.All") ||
          !strcmp(t->graph_roles[i], "Directory.Read.All");
  if (!may)
    put(req, 403,
        "{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":"
        "\"Insufficient privileges to complete the operation.\"}}");
  else if (!w->graph_app[0])
    put(req, 404,
        "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":"
        "\"Resource does not exist.\"}}");
  else
    put(req, 200, w->graph_app);
}

void fw_graph_app(struct fakeworld *w, const char *password_credentials,
                  const char *key_credentials) {
  snprintf(w->graph_app, sizeof w->graph_app,
           "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/"
           "$metadata#applications/$entity\",\"id\":\"obj\",\"appId\":"
           "\"%s\",\"passwordCredentials\":[%s],\"keyCredentials\":[%s]}",
           FW_APP, password_credentials ? password_credentials : "",
           key_credentials ? key_credentials : "");
}

void fw_secret(const struct fakeworld *w, char *out, size_t n,
               const char *key_id, const char *hint, double days) {
  time_t end = fw_wall((void *)w) + (time_t)(days * 86400);
  struct tm tm;
  gmtime_r(&end, &tm);
  char iso[40];
  strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
  snprintf(out, n,
           "{\"customKeyIdentifier\":null,\"displayName\":null,"
           "\"endDateTime\":\"%s\",\"hint\":\"%s\",\"keyId\":\"%s\","
           "\"secretText\":null}",
           iso, hint, key_id);
}

/* A page of the tenant's devices from $skip (404 when it has none, as the
 * real API answers). */
static void machines(struct fw_tenant *t, struct mde_http_req *req) {
  if (t->machines == 0) {
    put(req, 404,
        "{\"error\":{\"code\":\"NotFound\",\"message\":\"No machines\"}}");
    return;
  }
  const char *skip = strstr(req->url, "$skip=");
  const char *top = strstr(req->url, "$top=");
  long from = skip ? atol(skip + 6) : 0;
  long page = t->machines_page ? t->machines_page : 10000;
  if (top && atol(top + 5) < page)
    page = atol(top + 5);
  long n = t->machines - from < page ? t->machines - from : page;
  struct mde_buf *b = &req->body;
  req->status = 200;
  mde_buf_puts(b, "{\"value\":[");
  for (long i = from; i < from + n; i++)
    mde_buf_printf(b,
                   "%s{\"id\":\"m%ld\",\"healthStatus\":\"%s\","
                   "\"onboardingStatus\":\"onboarded\"}",
                   i > from ? "," : "", i,
                   i < t->inactive ? "Inactive" : "Active");
  mde_buf_puts(b, "]");
  if (!top && from + n < t->machines)
    mde_buf_printf(b, ",\"@odata.nextLink\":\"%s/api/machines?$skip=%ld\"",
                   t->next_base ? t->next_base : FW_API, from + n);
  mde_buf_puts(b, "}");
}

/* Answers one request now; false if it hangs or is slow (then it is in
 * w->slow). `rest`: the rest of a slow answer, logged already. */
static bool answer(struct fakeworld *w, struct mde_http_req *req, bool rest) {
  int ti;
  enum fw_endpoint ep = classify(w, req, &ti);
  struct fw_request *l =
      !rest && w->n_log < FW_MAX_LOG ? &w->log[w->n_log++] : NULL;
  if (l) {
    *l = (struct fw_request){
        .ms = w->mono_ms,
        .ep = ep,
        .tenant = ti,
        .graph_token = req->form && strstr(req->form, "graph.microsoft.com")};
    snprintf(l->url, sizeof l->url, "%s", req->url);
  }
  struct fw_tenant *t = ti >= 0 ? &w->t[ti] : NULL;
  struct fw_override *o = t ? &t->ov[ep] : NULL;
  if (!rest && o && o->times != 0 && o->slow > 0 && w->n_slow < 32) {
    if (o->times > 0)
      o->times--;
    w->slow[w->n_slow++] = (struct fw_slow){req, o->slow, 0, false};
    return false;
  }
  if (o && o->times != 0 && (o->status || o->hang || o->reset || o->dropped)) {
    if (o->times > 0)
      o->times--;
    if (o->hang)
      return false;
    if (o->reset) {
      req->curl_code = 56;
      snprintf(req->error, sizeof req->error, "connection reset");
      return true;
    }
    if (o->dropped) {
      req->status = 200;
      req->curl_code = o->oversized ? 63 : 18;
      req->too_large = o->oversized;
      req->held_back = 1;
      req->asked_again = !o->oversized;
      snprintf(req->error, sizeof req->error, "%s",
               o->oversized
                   ? "response larger than 67108864 bytes"
                   : "transfer closed with outstanding read data remaining");
      return true;
    }
    put(req, o->status, o->body ? o->body : "{}");
    req->retry_after = o->retry_after;
  } else if (ep == FW_KEYS) {
    char *jwk = tk_jwk(w->key, KID);
    char body[4096];
    snprintf(body, sizeof body, "{\"keys\":[%s]}", jwk);
    free(jwk);
    put(req, 200, body);
  } else if (!t) {
    put(req, 400,
        "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS90002: "
        "Tenant not found.\",\"error_codes\":[90002]}");
  } else if (ep == FW_TOKEN) {
    token(w, t, req);
  } else if (ep == FW_DISCOVERY) {
    char body[256];
    snprintf(body, sizeof body, "{\"issuer\":\"%s/%s/\"}",
             t->issuer ? t->issuer : "https://sts.windows.net", t->id);
    put(req, 200, body);
  } else if (ep == FW_ALERTS) {
    alerts(t, req);
  } else if (ep == FW_GRAPH) {
    graph(w, t, req);
  } else if (ep == FW_MACHINES) {
    machines(t, req);
  } else if (ep == FW_SCORE) {
    char body[128];
    snprintf(body, sizeof body,
             "{\"time\":\"2026-11-01T00:00:00Z\","
             "\"score\":%.17g}",
             t->score);
    put(req, 200, body);
  } else {
    put(req, 404, "{}");
  }
  if (req->status > 0)
    req->timing = (struct mde_http_timing){.total = w->latency_ms / 1000.0};
  return true;
}

static void complete(struct mde_http_req *req) {
  if (req->done)
    req->done(req);
}

static void drop_slow(struct fakeworld *w, int i) {
  memmove(&w->slow[i], &w->slow[i + 1],
          (size_t)(--w->n_slow - i) * sizeof *w->slow);
}

/* Slow answers that have ended reach their callers: those that arrived
 * between runs, and carried ones whose last deadline has passed, in a
 * later cycle's run (the same cycle's second run keeps them). */
static void deliver_slow(struct fakeworld *w, int64_t deadline_ms) {
  for (int i = 0; i < w->n_slow;) {
    struct fw_slow *s = &w->slow[i];
    bool ended =
        s->arrived || (s->deadlines == 0 && s->carried_at != deadline_ms);
    if (!(s->req->carried && ended)) {
      i++;
      continue;
    }
    struct mde_http_req *req = s->req;
    drop_slow(w, i);
    req->carried = 0;
    answer(w, req, true);
    complete(req);
  }
}

/* At the deadline, as lib/http.c: a slow answer is carried if allowed and
 * within half the slots, or kept if carried past this very deadline;
 * otherwise cut (once carried, at its second deadline), its peer silent:
 * the fake world reads every answer as it comes. */
static int deadline_slow(struct fakeworld *w, int64_t deadline_ms) {
  int carried = 0, cut = 0;
  for (int i = 0; i < w->n_slow; i++)
    carried += w->slow[i].carried_at == deadline_ms;
  for (int i = 0; i < w->n_slow;) {
    struct fw_slow *s = &w->slow[i];
    struct mde_http_req *req = s->req;
    if (s->carried_at == deadline_ms) {
      i++;
      continue;
    }
    if (!req->carried && req->may_carry && carried < w->slots / 2) {
      req->may_carry = 0;
      req->carried = 1;
      s->carried_at = deadline_ms;
      s->deadlines--;
      carried++;
      i++;
      continue;
    }
    drop_slow(w, i);
    req->carried = 0;
    req->deadline_cut = 1;
    req->peer_silent = 1; /* a slow peer: nothing of it waits unread */
    req->started = 1;
    req->curl_code = 28;
    snprintf(req->error, sizeof req->error, "cycle deadline reached");
    cut++;
    complete(req);
  }
  return cut;
}

static int fw_run(void *ctx, int64_t deadline_ms) {
  struct fakeworld *w = ctx;
  struct mde_http_req *hung[1024];
  int n_hung = 0;
  deliver_slow(w, deadline_ms);
  /* FIFO, as mde_http's window: answers may submit more. */
  while (w->n_queue > 0 && n_hung + w->n_slow < w->slots) {
    struct mde_http_req *req = w->queue[0];
    memmove(w->queue, w->queue + 1, (size_t)--w->n_queue * sizeof *w->queue);
    if (answer(w, req, false))
      complete(req);
    else if (!w->n_slow || w->slow[w->n_slow - 1].req != req)
      hung[n_hung++] = req;
  }
  if (n_hung == 0 && w->n_queue == 0 && w->n_slow == 0)
    return 0;
  /* The deadline: what hangs, and whatever waits, is cut. */
  if (w->mono_ms < deadline_ms)
    w->mono_ms = deadline_ms;
  int cut = deadline_slow(w, deadline_ms);
  for (int i = 0; i < n_hung; i++, cut++) {
    hung[i]->deadline_cut = 1;
    hung[i]->peer_silent = 1; /* sent, never answered */
    hung[i]->started = 1;
    hung[i]->curl_code = 28;
    snprintf(hung[i]->error, sizeof hung[i]->error, "cycle deadline reached");
    complete(hung[i]);
  }
  while (w->n_queue > 0) {
    struct mde_http_req *req = w->queue[0];
    memmove(w->queue, w->queue + 1, (size_t)--w->n_queue * sizeof *w->queue);
    req->deadline_cut = 1;
    req->curl_code = 28;
    snprintf(req->error, sizeof req->error,
             "cycle deadline reached before the request could start");
    cut++;
    complete(req);
  }
  return cut;
}

/* Between runs, carried answers whose last deadline has passed arrive,
 * to be delivered by the next run. */
static int fw_run_carried(void *ctx, int64_t until_ms) {
  (void)until_ms;
  struct fakeworld *w = ctx;
  w->carried_runs++;
  int left = 0;
  for (int i = 0; i < w->n_slow; i++) {
    if (w->slow[i].deadlines == 0)
      w->slow[i].arrived = true;
    else
      left++;
  }
  return left;
}

static void fw_wake(void *ctx) {
  struct fakeworld *w = ctx;
  w->wakes++;
}

void fw_init(struct fakeworld *w) {
  memset(w, 0, sizeof *w);
  w->wall0 = 1790000000; /* 2026-09-21 */
  w->mono_ms = 1000;
  w->slots = 32;
  w->latency_ms = 20;
  w->key = tk_rsa(2048);
  w->clock = (struct mde_clock){fw_mono, fw_wall, w};
  w->transport = (struct mde_transport){.submit = fw_submit,
                                        .run = fw_run,
                                        .ctx = w,
                                        .run_carried = fw_run_carried,
                                        .wake = fw_wake};
  setenv("FW_SECRET", "fake-secret-value", 1);
}

void fw_free(struct fakeworld *w) {
  EVP_PKEY_free(w->key);
  EVP_PKEY_free(w->graph_key);
}

struct fw_tenant *fw_tenant(struct fakeworld *w, const char *id) {
  struct fw_tenant *t = &w->t[w->n_tenants++];
  memset(t, 0, sizeof *t);
  snprintf(t->id, sizeof t->id, "%s", id);
  t->roles[0] = "Alert.Read.All";
  t->page_size = 10000;
  for (int i = 0; i <= FW_OTHER; i++)
    t->ov[i].retry_after = -1;
  return t;
}

struct mde_engine *fw_engine(struct fakeworld *w) {
  struct mde_engine_options o = {.clock = &w->clock,
                                 .transport = &w->transport};
  char err[256];
  return mde_engine_new(&o, err, sizeof err);
}

struct mde_tenant_config fw_config(struct fakeworld *w, const char *name,
                                   const char *tenant, const char *secret_env) {
  (void)w;
  struct mde_tenant_config c;
  mde_tenant_config_defaults(&c);
  c.name = name;
  c.tenant = tenant;
  c.client_id = FW_APP;
  c.secret_env = secret_env ? secret_env : "FW_SECRET";
  c.login_endpoint = FW_LOGIN;
  c.api_endpoint = FW_API;
  return c;
}

void fw_cycle_flags(struct fakeworld *w, struct mde_engine *e, int step_s,
                    unsigned flags) {
  int64_t start = w->mono_ms;
  mde_engine_cycle(e, start + 1000, flags);
  w->mono_ms = start + (int64_t)step_s * 1000;
}

void fw_cycle(struct fakeworld *w, struct mde_engine *e, int step_s) {
  fw_cycle_flags(w, e, step_s, 0);
}

int fw_count(const struct fakeworld *w, enum fw_endpoint ep, int tenant,
             int from) {
  int n = 0;
  for (int i = from; i < w->n_log; i++)
    n += w->log[i].ep == ep && (tenant < 0 || w->log[i].tenant == tenant);
  return n;
}

char *fw_write_file(const char *dir, const char *name, const char *text,
                    unsigned mode) {
  char *path = malloc(512);
  if (!path)
    abort();
  snprintf(path, 512, "%s/%s", dir, name);
  FILE *fp = fopen(path, "w");
  if (!fp)
    abort();
  fputs(text, fp);
  fclose(fp);
  chmod(path, (mode_t)mode);
  return path;
}
