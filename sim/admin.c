/* SPDX-License-Identifier: MIT */
/* Admin routes (see admin.h). Every route runs with the world locked; what
 * is slow and needs no world (a new signing key) is made before. */
#include "admin.h"

#include "scenario.h"
#include "util.h"
#include "world.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARTS 6

struct admin {
  struct sim_world *w;
  struct sim_req *rq;
  struct sim_resp *rs;
  char part[MAX_PARTS][256];
  int n;
  cJSON *body;                  /* parsed request body, when JSON */
  struct sim_signing_key fresh; /* for POST /keys/rotate, made unlocked */
};

static void reply(struct admin *a, int status, cJSON *json) {
  char *text = cJSON_PrintUnformatted(json);
  cJSON_Delete(json);
  mde_buf_reset(&a->rs->body);
  mde_buf_puts(&a->rs->body, text ? text : "{}");
  mde_buf_puts(&a->rs->body, "\n");
  free(text);
  sim_resp_json(a->rs, status);
}

static void reply_error(struct admin *a, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void reply_error(struct admin *a, int status, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "error", msg);
  reply(a, status, j);
}

static void reply_ok(struct admin *a) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddBoolToObject(j, "ok", true);
  reply(a, 200, j);
}

static bool is(const struct admin *a, const char *method, int n, ...) {
  if (strcmp(a->rq->method, method) != 0 || a->n != n)
    return false;
  va_list ap;
  va_start(ap, n);
  bool ok = true;
  for (int i = 0; i < n && ok; i++) {
    const char *want = va_arg(ap, const char *);
    ok = !want || strcmp(want, a->part[i]) == 0; /* NULL: any value */
  }
  va_end(ap);
  return ok;
}

static cJSON *status_counts(const struct sim_ep_stats *es) {
  cJSON *j = cJSON_CreateObject();
  for (int i = 0; i < SIM_STATUS_SLOTS && es->by_status[i].n; i++) {
    char key[16];
    snprintf(key, sizeof key, "%d", es->by_status[i].status);
    cJSON_AddNumberToObject(j, key, (double)es->by_status[i].n);
  }
  return j;
}

static cJSON *tenant_stats(const struct sim_tenant *t) {
  cJSON *j = cJSON_CreateObject();
  for (int e = 0; e < EP_COUNT; e++)
    cJSON_AddNumberToObject(j, sim_endpoint_names[e], t->stats.requests[e]);
  cJSON_AddNumberToObject(j, "tokens_issued", t->stats.tokens_issued);
  cJSON_AddNumberToObject(j, "throttled", t->stats.throttled);
  cJSON_AddNumberToObject(j, "other_region", t->stats.other_region);
  return j;
}

static void get_stats(struct admin *a) {
  struct sim_world *w = a->w;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "requests", (double)w->stats.requests);
  cJSON_AddNumberToObject(j, "tokens_issued", (double)w->stats.tokens_issued);
  cJSON_AddNumberToObject(j, "throttled", (double)w->stats.throttled);
  cJSON *eps = cJSON_AddObjectToObject(j, "endpoints");
  for (int e = 0; e < EP_COUNT; e++) {
    cJSON *ep = cJSON_AddObjectToObject(eps, sim_endpoint_names[e]);
    cJSON_AddNumberToObject(ep, "requests", (double)w->stats.ep[e].requests);
    cJSON_AddItemToObject(ep, "status", status_counts(&w->stats.ep[e]));
  }
  cJSON *tenants = cJSON_AddObjectToObject(j, "tenants");
  for (size_t i = 0; i < w->n_tenants; i++) {
    const struct sim_tenant *t = &w->tenants[i];
    uint32_t any = t->stats.tokens_issued + t->stats.throttled;
    for (int e = 0; e < EP_COUNT; e++)
      any += t->stats.requests[e];
    if (any) /* quiet tenants are left out: a world may hold 10,000 */
      cJSON_AddItemToObject(tenants, t->id, tenant_stats(t));
  }
  reply(a, 200, j);
}

static void get_requests(struct admin *a) {
  const char *since_s = sim_req_arg(a->rq, "since");
  const char *limit_s = sim_req_arg(a->rq, "limit");
  uint64_t next = a->w->stats.log_next;
  uint64_t oldest = next > SIM_LOG_CAP ? next - SIM_LOG_CAP : 0;
  uint64_t since = since_s ? strtoull(since_s, NULL, 10) : oldest;
  uint64_t limit = limit_s ? strtoull(limit_s, NULL, 10) : 10000;
  if (since < oldest)
    since = oldest;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "next", (double)next);
  cJSON_AddNumberToObject(
      j, "lost",
      (double)(since_s && strtoull(since_s, NULL, 10) < oldest
                   ? oldest - strtoull(since_s, NULL, 10)
                   : 0));
  cJSON *arr = cJSON_AddArrayToObject(j, "requests");
  for (uint64_t s = since; s < next && limit-- > 0; s++) {
    const struct sim_log_entry *e = &a->w->stats.log[s % SIM_LOG_CAP];
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "seq", (double)e->seq);
    cJSON_AddNumberToObject(r, "t_ms", (double)e->t_ms);
    cJSON_AddNumberToObject(r, "answered_ms", (double)e->answered_ms);
    if (e->delay_ms > 0)
      cJSON_AddNumberToObject(r, "delay_ms", e->delay_ms);
    cJSON_AddStringToObject(r, "endpoint", sim_endpoint_names[e->ep]);
    if (e->tenant >= 0)
      cJSON_AddStringToObject(r, "tenant", a->w->tenants[e->tenant].id);
    if (e->app >= 0)
      cJSON_AddStringToObject(r, "client_id", a->w->apps[e->app].id);
    cJSON_AddNumberToObject(r, "status", e->status);
    if (e->host)
      cJSON_AddStringToObject(r, "host",
                              sim_stats_string(&a->w->stats, e->host));
    if (e->user_agent)
      cJSON_AddStringToObject(r, "user_agent",
                              sim_stats_string(&a->w->stats, e->user_agent));
    cJSON_AddItemToArray(arr, r);
  }
  reply(a, 200, j);
}

static void get_last_request(struct admin *a) {
  unsigned mask = sim_endpoint_mask(a->part[1]);
  int ep = -1;
  for (int e = 0; e < EP_COUNT; e++)
    if (mask == 1u << e)
      ep = e;
  if (ep < 0) {
    reply_error(a, 404, "unknown endpoint '%s'", a->part[1]);
    return;
  }
  const char *h = a->w->stats.ep[ep].last_headers;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddItemToObject(j, "headers",
                        h ? cJSON_Parse(h) : cJSON_CreateObject());
  reply(a, 200, j);
}

static cJSON *truth(struct sim_tenant *t) {
  sim_alerts_advance(&t->alerts, sim_now_ticks());
  uint64_t counts[ST_COUNT][SEV_COUNT];
  sim_alerts_count(&t->alerts, counts);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "total", (double)t->alerts.n);
  cJSON_AddNumberToObject(j, "created_total", (double)t->alerts.created_total);
  cJSON *by = cJSON_AddObjectToObject(j, "counts");
  for (int st = 0; st < ST_COUNT; st++) {
    cJSON *row = cJSON_AddObjectToObject(by, sim_status_names[st]);
    for (int sev = 0; sev < SEV_COUNT; sev++)
      cJSON_AddNumberToObject(row, sim_severity_names[sev],
                              (double)counts[st][sev]);
  }
  return j;
}

/* Ground truth of the tenant's devices, as clients should count them:
 * health of onboarded devices, onboarding state of all. */
static cJSON *machines_truth(const struct sim_tenant *t) {
  uint64_t health[MH_COUNT], onboarding[MO_COUNT];
  sim_machines_count(&t->fleet, health, onboarding);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "total", (double)t->fleet.n);
  cJSON_AddNumberToObject(j, "exposure_score", t->exposure_score);
  cJSON *h = cJSON_AddObjectToObject(j, "health");
  for (int i = 0; i < MH_COUNT; i++)
    cJSON_AddNumberToObject(h, sim_health_names[i], (double)health[i]);
  cJSON *o = cJSON_AddObjectToObject(j, "onboarding");
  for (int i = 0; i < MO_COUNT; i++)
    cJSON_AddNumberToObject(o, sim_onboarding_names[i], (double)onboarding[i]);
  return j;
}

static cJSON *tenant_json(const struct sim_world *w, struct sim_tenant *t,
                          bool full) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "id", t->id);
  cJSON_AddStringToObject(j, "name", t->name);
  cJSON *d = cJSON_AddArrayToObject(j, "domains");
  for (size_t i = 0; i < t->n_domains; i++)
    cJSON_AddItemToArray(d, cJSON_CreateString(t->domains[i]));
  cJSON_AddStringToObject(j, "cloud", sim_cloud_names[t->cloud]);
  cJSON_AddBoolToObject(j, "mde", t->mde);
  if (t->region)
    cJSON_AddStringToObject(j, "region", t->region);
  if (!full)
    return j;
  cJSON *apps = cJSON_AddObjectToObject(j, "apps");
  for (size_t i = 0; i < t->n_grants; i++) {
    const struct sim_grant *g = &t->grants[i];
    cJSON *ga = cJSON_AddObjectToObject(apps, w->apps[g->app].id);
    cJSON_AddBoolToObject(ga, "enabled", g->enabled);
    cJSON *roles = cJSON_AddArrayToObject(ga, "roles");
    for (size_t r = 0; r < g->n_roles; r++)
      cJSON_AddItemToArray(roles, cJSON_CreateString(g->roles[r]));
  }
  cJSON_AddItemToObject(j, "alerts", truth(t));
  cJSON_AddItemToObject(j, "machines", machines_truth(t));
  cJSON_AddItemToObject(j, "stats", tenant_stats(t));
  return j;
}

static struct sim_tenant *tenant_arg(struct admin *a) {
  struct sim_tenant *t = sim_tenant_find(a->w, a->part[1]);
  if (!t)
    reply_error(a, 404, "no tenant '%s'", a->part[1]);
  return t;
}

static struct sim_app *app_arg(struct admin *a, int i) {
  struct sim_app *app = sim_app_find(a->w, a->part[i]);
  if (!app)
    reply_error(a, 404, "no app '%s'", a->part[i]);
  return app;
}

static bool body_object(struct admin *a) {
  if (cJSON_IsObject(a->body))
    return true;
  reply_error(a, 400, "the body must be a JSON object");
  return false;
}

/* POST /tenants/{t}/apps/{client}: {"consented", "roles", "enabled"} */
static void set_grant(struct admin *a, struct sim_tenant *t) {
  struct sim_app *app = app_arg(a, 3);
  if (!app || !body_object(a))
    return;
  size_t idx = sim_app_index(a->w, app);
  const cJSON *consented = cJSON_GetObjectItem(a->body, "consented");
  const cJSON *roles = cJSON_GetObjectItem(a->body, "roles");
  const cJSON *enabled = cJSON_GetObjectItem(a->body, "enabled");
  const char *names[64];
  size_t n = 0;
  const cJSON *r;
  if (roles && !cJSON_IsArray(roles)) {
    reply_error(a, 400, "\"roles\" must be an array of strings");
    return;
  }
  cJSON_ArrayForEach(r, roles) {
    if (!cJSON_IsString(r) || n == 64) {
      reply_error(a, 400, "\"roles\" must be at most 64 strings");
      return;
    }
    names[n++] = r->valuestring;
  }
  if (consented && cJSON_IsFalse(consented)) {
    sim_grant_revoke(t, idx);
  } else {
    struct sim_grant *g = sim_grant_find(t, idx);
    if (!g && !(consented || roles || enabled)) {
      reply_error(a, 400, "nothing to change");
      return;
    }
    g = sim_grant_ensure(a->w, t, idx);
    if (roles)
      sim_grant_set_roles(g, names, n);
    if (enabled)
      g->enabled = cJSON_IsTrue(enabled);
  }
  a->w->gen++;
  reply(a, 200, tenant_json(a->w, t, true));
}

static void add_alert(struct admin *a, struct sim_tenant *t) {
  char err[512];
  if (!body_object(a))
    return;
  if (sim_alert_parse(&t->alerts, a->body, "alert", sim_now_ticks(), err,
                      sizeof err) != 0) {
    reply_error(a, 400, "%s", err);
    return;
  }
  char id[48];
  sim_alert_id(&t->alerts.v[t->alerts.n - 1], id);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "id", id);
  reply(a, 200, j);
}

static void update_alert(struct admin *a, struct sim_tenant *t) {
  struct sim_alert *al = sim_alerts_find(&t->alerts, a->part[3]);
  if (!al) {
    reply_error(a, 404, "no alert '%s'", a->part[3]);
    return;
  }
  if (!body_object(a))
    return;
  const cJSON *st = cJSON_GetObjectItem(a->body, "status");
  const cJSON *sev = cJSON_GetObjectItem(a->body, "severity");
  int status = cJSON_IsString(st) ? sim_status_parse(st->valuestring) : -2;
  int severity =
      cJSON_IsString(sev) ? sim_severity_parse(sev->valuestring) : -2;
  if (status == -1 || severity == -1 || (st && status == -2) ||
      (sev && severity == -2)) {
    reply_error(a, 400, "unknown status or severity");
    return;
  }
  int64_t now = sim_now_ticks();
  if (severity >= 0) {
    al->severity = (uint8_t)severity;
    al->updated = now;
  }
  if (status >= 0)
    sim_alert_set_status(al, status, now);
  reply_ok(a);
}

/* POST /tenants/{t}/alerts/resolve: every open alert becomes Resolved. */
static void resolve_alerts(struct admin *a, struct sim_tenant *t) {
  int64_t now = sim_now_ticks();
  int n = 0;
  for (size_t i = 0; i < t->alerts.n; i++) {
    if (t->alerts.v[i].status != ST_RESOLVED) {
      sim_alert_set_status(&t->alerts.v[i], ST_RESOLVED, now);
      n++;
    }
  }
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "resolved", n);
  reply(a, 200, j);
}

static void generate_alerts(struct admin *a, struct sim_tenant *t) {
  const cJSON *count = a->body ? cJSON_GetObjectItem(a->body, "count") : NULL;
  if (!cJSON_IsNumber(count) || count->valuedouble < 1 ||
      count->valuedouble > 1e6) {
    reply_error(a, 400, "\"count\" must be 1..1000000");
    return;
  }
  int64_t now = sim_now_ticks();
  for (int i = 0; i < count->valueint; i++)
    sim_alerts_add(&t->alerts, now);
  reply(a, 200, truth(t));
}

/* POST /tenants/{t}/machines/{index}: {"healthStatus", "onboardingStatus"}
 * (enum names, any case); the device keeps its index and id. */
static void update_machine(struct admin *a, struct sim_tenant *t) {
  char *end;
  unsigned long i = strtoul(a->part[3], &end, 10);
  if (*end || !a->part[3][0] || i >= t->fleet.n) {
    reply_error(a, 404, "no machine '%s' (devices are numbered 0..%u)",
                a->part[3], t->fleet.n ? t->fleet.n - 1 : 0);
    return;
  }
  if (!body_object(a))
    return;
  const cJSON *h = cJSON_GetObjectItem(a->body, "healthStatus");
  const cJSON *o = cJSON_GetObjectItem(a->body, "onboardingStatus");
  int health = cJSON_IsString(h) ? sim_health_parse(h->valuestring) : -2;
  int onb = cJSON_IsString(o) ? sim_onboarding_parse(o->valuestring) : -2;
  if (health == -1 || onb == -1 || (h && health == -2) || (o && onb == -2) ||
      (!h && !o)) {
    reply_error(a, 400,
                "\"healthStatus\" and/or \"onboardingStatus\" must "
                "name a documented value");
    return;
  }
  if (health >= 0)
    t->fleet.health[i] = (uint8_t)health;
  if (onb >= 0)
    t->fleet.onboarding[i] = (uint8_t)onb;
  reply(a, 200, machines_truth(t));
}

/* POST /tenants/{t}/exposure_score: {"score": 0..100} */
static void set_score(struct admin *a, struct sim_tenant *t) {
  const cJSON *sc = a->body ? cJSON_GetObjectItem(a->body, "score") : NULL;
  if (!cJSON_IsNumber(sc) || !(sc->valuedouble >= 0) || sc->valuedouble > 100) {
    reply_error(a, 400, "\"score\" must be a number 0..100");
    return;
  }
  t->exposure_score = sc->valuedouble;
  reply(a, 200, machines_truth(t));
}

static void route_tenant(struct admin *a) {
  struct sim_tenant *t = tenant_arg(a);
  if (!t)
    return;
  if (is(a, "GET", 2, "tenants", NULL))
    reply(a, 200, tenant_json(a->w, t, true));
  else if (is(a, "GET", 4, "tenants", NULL, "alerts", "truth"))
    reply(a, 200, truth(t));
  else if (is(a, "POST", 4, "tenants", NULL, "apps", NULL))
    set_grant(a, t);
  else if (is(a, "POST", 3, "tenants", NULL, "mde")) {
    const cJSON *p =
        a->body ? cJSON_GetObjectItem(a->body, "provisioned") : NULL;
    if (!cJSON_IsBool(p)) {
      reply_error(a, 400, "\"provisioned\" must be true or false");
      return;
    }
    t->mde = cJSON_IsTrue(p);
    reply(a, 200, tenant_json(a->w, t, false));
  } else if (is(a, "POST", 3, "tenants", NULL, "alerts"))
    add_alert(a, t);
  else if (is(a, "POST", 4, "tenants", NULL, "alerts", "resolve"))
    resolve_alerts(a, t);
  else if (is(a, "POST", 4, "tenants", NULL, "alerts", "generate"))
    generate_alerts(a, t);
  else if (is(a, "POST", 4, "tenants", NULL, "alerts", NULL))
    update_alert(a, t);
  else if (is(a, "GET", 4, "tenants", NULL, "machines", "truth"))
    reply(a, 200, machines_truth(t));
  else if (is(a, "POST", 4, "tenants", NULL, "machines", NULL))
    update_machine(a, t);
  else if (is(a, "POST", 3, "tenants", NULL, "exposure_score"))
    set_score(a, t);
  else
    reply_error(a, 404, "no such route");
}

/* expire/delete act on the secret with this "value", or on all. */
static void change_secrets(struct admin *a, struct sim_app *app, bool delete) {
  const cJSON *v = a->body ? cJSON_GetObjectItem(a->body, "value") : NULL;
  const char *value = cJSON_IsString(v) ? v->valuestring : NULL;
  int n = 0;
  for (size_t i = 0; i < app->n_secrets;) {
    struct sim_secret *s = &app->secrets[i];
    if (value && strcmp(s->value, value) != 0) {
      i++;
      continue;
    }
    n++;
    if (!delete) {
      s->expires = sim_now() - 1;
      i++;
      continue;
    }
    free(s->value);
    free(s->display_name);
    app->secrets[i] = app->secrets[--app->n_secrets];
  }
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, delete ? "deleted" : "expired", n);
  reply(a, 200, j);
}

/* POST /apps/{client}/graph {"roles": [...]}: the app's Graph roles in
 * its home tenant (tokens issued from now on carry them). */
static void set_graph_roles(struct admin *a, struct sim_app *app) {
  const cJSON *r = a->body ? cJSON_GetObjectItem(a->body, "roles") : NULL, *x;
  const char *names[32];
  size_t n = 0;
  if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) > 32) {
    reply_error(a, 400, "\"roles\" must be an array of up to 32 names");
    return;
  }
  cJSON_ArrayForEach(x, r) {
    if (!cJSON_IsString(x)) {
      reply_error(a, 400, "\"roles\" must hold strings");
      return;
    }
    names[n++] = x->valuestring;
  }
  sim_app_set_graph_roles(app, names, n);
  a->w->gen++;
  reply_ok(a);
}

static void route_app(struct admin *a) {
  struct sim_app *app = app_arg(a, 1);
  if (!app)
    return;
  char err[512];
  if (is(a, "POST", 2, "apps", NULL)) {
    const cJSON *d = a->body ? cJSON_GetObjectItem(a->body, "disabled") : NULL;
    if (!cJSON_IsBool(d)) {
      reply_error(a, 400, "\"disabled\" must be true or false");
      return;
    }
    app->disabled = cJSON_IsTrue(d);
    reply_ok(a);
  } else if (is(a, "POST", 3, "apps", NULL, "secrets")) {
    const cJSON *v = a->body ? cJSON_GetObjectItem(a->body, "value") : NULL;
    int64_t expires = 0;
    if (!cJSON_IsString(v) || !*v->valuestring) {
      reply_error(a, 400, "\"value\" must be a non-empty string");
      return;
    }
    if (sim_expiry_parse(a->body, "secret", sim_now(), &expires, err,
                         sizeof err) != 0) {
      reply_error(a, 400, "%s", err);
      return;
    }
    const cJSON *k = cJSON_GetObjectItem(a->body, "key_id");
    const cJSON *dn = cJSON_GetObjectItem(a->body, "display_name");
    if ((k && (!cJSON_IsString(k) || !sim_is_guid(k->valuestring))) ||
        (dn && !cJSON_IsString(dn))) {
      reply_error(a, 400,
                  "\"key_id\" must be a GUID, \"display_name\" a "
                  "string");
      return;
    }
    struct sim_secret *s = sim_app_add_secret(app, v->valuestring, expires);
    if (k)
      sim_lower_copy(s->key_id, sizeof s->key_id, k->valuestring);
    s->display_name = dn ? sim_strdup(dn->valuestring) : NULL;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "key_id", s->key_id);
    reply(a, 200, j);
  } else if (is(a, "POST", 4, "apps", NULL, "secrets", "expire")) {
    change_secrets(a, app, false);
  } else if (is(a, "POST", 4, "apps", NULL, "secrets", "delete")) {
    change_secrets(a, app, true);
  } else if (is(a, "POST", 3, "apps", NULL, "graph")) {
    set_graph_roles(a, app);
  } else if (is(a, "POST", 4, "apps", NULL, "certificates", "delete")) {
    for (size_t i = 0; i < app->n_certs; i++)
      X509_free(app->certs[i].x509);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "deleted", (double)app->n_certs);
    app->n_certs = 0;
    reply(a, 200, j);
  } else if (is(a, "POST", 3, "apps", NULL, "certificates")) {
    if (sim_app_add_cert_pem(app, a->rq->body, a->rq->body_len) != 0)
      reply_error(a, 400, "the body must be a PEM certificate");
    else
      reply_ok(a);
  } else {
    reply_error(a, 404, "no such route");
  }
}

static void rotate_keys(struct admin *a) {
  const cJSON *g =
      a->body ? cJSON_GetObjectItem(a->body, "grace_seconds") : NULL;
  int64_t grace =
      cJSON_IsNumber(g) ? (int64_t)g->valuedouble : a->w->settings.key_grace;
  if (!a->fresh.pkey) {
    reply_error(a, 500, "key generation failed");
    return;
  }
  sim_keys_rotate(&a->w->keys, &a->fresh, sim_now(), grace);
  a->w->gen++;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "current", a->w->keys.keys[0].kid);
  cJSON_AddStringToObject(j, "upcoming", a->w->keys.keys[1].kid);
  cJSON *pub = cJSON_AddArrayToObject(j, "published");
  for (int i = 0; i < a->w->keys.n; i++)
    cJSON_AddItemToArray(pub, cJSON_CreateString(a->w->keys.keys[i].kid));
  reply(a, 200, j);
}

static void set_faults(struct admin *a, bool append) {
  char err[512];
  const cJSON *list = a->body;
  size_t n = append ? 1 : (size_t)cJSON_GetArraySize(list);
  if (append ? !cJSON_IsObject(list) : !cJSON_IsArray(list)) {
    reply_error(a, 400,
                append ? "the body must be one fault object"
                       : "the body must be an array of faults");
    return;
  }
  struct sim_fault *parsed = sim_xcalloc(n + 1, sizeof *parsed);
  size_t i = 0;
  const cJSON *f;
  if (append) {
    if (sim_fault_parse(a->w, list, "fault", &parsed[0], err, sizeof err))
      goto bad;
  } else {
    cJSON_ArrayForEach(f, list) {
      char at[32];
      snprintf(at, sizeof at, "faults[%zu]", i);
      if (sim_fault_parse(a->w, f, at, &parsed[i++], err, sizeof err))
        goto bad;
    }
  }
  if (append) {
    size_t old = a->w->n_faults;
    a->w->faults = sim_xrealloc(a->w->faults, (old + 1) * sizeof *parsed);
    a->w->faults[old] = parsed[0];
    a->w->n_faults = old + 1;
    free(parsed);
  } else {
    free(a->w->faults);
    a->w->faults = parsed;
    a->w->n_faults = n;
  }
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "faults", (double)a->w->n_faults);
  reply(a, 200, j);
  return;
bad:
  free(parsed);
  reply_error(a, 400, "%s", err);
}

static void route(struct admin *a) {
  struct sim_world *w = a->w;
  char err[512];
  if (is(a, "GET", 1, "health"))
    reply_ok(a);
  else if (is(a, "GET", 1, "stats"))
    get_stats(a);
  else if (is(a, "POST", 2, "stats", "reset")) {
    sim_stats_reset(&w->stats);
    for (size_t i = 0; i < w->n_tenants; i++)
      w->tenants[i].stats = (struct sim_tenant_stats){0};
    reply_ok(a);
  } else if (is(a, "GET", 1, "requests"))
    get_requests(a);
  else if (is(a, "GET", 2, "last-request", NULL))
    get_last_request(a);
  else if (is(a, "GET", 1, "tenants")) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < w->n_tenants; i++)
      cJSON_AddItemToArray(arr, tenant_json(w, &w->tenants[i], false));
    reply(a, 200, arr);
  } else if (a->n >= 2 && strcmp(a->part[0], "tenants") == 0)
    route_tenant(a);
  else if (a->n >= 2 && strcmp(a->part[0], "apps") == 0)
    route_app(a);
  else if (is(a, "POST", 2, "keys", "rotate"))
    rotate_keys(a);
  else if (is(a, "GET", 1, "faults")) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "faults", (double)w->n_faults);
    reply(a, 200, j);
  } else if (is(a, "PUT", 1, "faults"))
    set_faults(a, false);
  else if (is(a, "POST", 1, "faults"))
    set_faults(a, true);
  else if (is(a, "DELETE", 1, "faults")) {
    w->n_faults = 0;
    reply_ok(a);
  } else if (is(a, "POST", 1, "settings")) {
    struct sim_settings s = w->settings;
    if (!body_object(a))
      return;
    if (sim_settings_parse(&s, a->body, "settings", err, sizeof err) != 0) {
      reply_error(a, 400, "%s", err);
      return;
    }
    w->settings = s;
    w->gen++;
    reply_ok(a);
  } else
    reply_error(a, 404, "no such route: %s %s", a->rq->method, a->rq->path);
}

void sim_admin(void *cls, struct sim_req *rq, struct sim_resp *rs) {
  struct admin a = {.w = cls, .rq = rq, .rs = rs};
  for (const char *p = rq->path; *p && a.n <= MAX_PARTS;) {
    while (*p == '/')
      p++;
    size_t len = strcspn(p, "/");
    if (!len)
      break;
    if (a.n == MAX_PARTS || len >= sizeof a.part[0]) {
      reply_error(&a, 404, "no such route");
      return;
    }
    memcpy(a.part[a.n], p, len);
    a.part[a.n++][len] = '\0';
    p += len;
  }
  if (rq->body_too_large) {
    reply_error(&a, 413, "body too large");
    return;
  }
  if (rq->body_len)
    a.body = cJSON_ParseWithLength(rq->body, rq->body_len);
  /* An RSA 2048 generation takes about 0.2 s: under the lock it held every
   * answer that long (issue 13's soak saw one 230 ms late). */
  if (is(&a, "POST", 2, "keys", "rotate"))
    sim_keys_make(&a.fresh); /* a failure leaves fresh.pkey NULL: a 500 */
  pthread_mutex_lock(&a.w->lock);
  route(&a);
  pthread_mutex_unlock(&a.w->lock);
  sim_keys_discard(&a.fresh); /* (nothing left when it was rotated in) */
  cJSON_Delete(a.body);
}
