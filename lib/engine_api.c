/* The Defender API step of a tenant's cycle: alerts synced (the first time
 * and every full-resync interval, all of them; otherwise only those
 * updated since the newest seen, less an overlap), then one cheap probe
 * per required role, so a role the token claims but the API refuses is
 * caught. Every call is paid from the tenant's budget; a 429 stops the
 * tenant until Retry-After; a 401 re-acquires the token once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine_int.h"
#include "mde/entra_error.h"

#define OVERLAP_US ((int64_t)MDE_DEFAULT_ALERTS_OVERLAP * 1000000)

static const struct probe {
  const char *role;
  const char *path;
  unsigned bit;
} probes[] = {
    {"Alert.Read.All", "/api/alerts?$top=1", 1},
    {"Alert.ReadWrite.All", "/api/alerts?$top=1", 1},
    {"Machine.Read.All", "/api/machines?$top=1", 2},
    {"Machine.ReadWrite.All", "/api/machines?$top=1", 2},
    {"Score.Read.All", "/api/exposureScore", 4},
};
#define N_PROBES (sizeof probes / sizeof probes[0])

static bool has_role(const struct tenant *t, const char *role) {
  return mde_strlist_contains(&t->token_roles, role, 1);
}

static void on_api(struct mde_http_req *req);

/* Remembers a failed alerts sync (see api_failure). */
static void sync_failed(struct tenant *t) {
  if (t->call != CALL_ALERTS)
    return;
  t->api_failure = t->res.failure;
  free(t->api_reason);
  t->api_reason = strdup(t->res.reason);
}

/* Reports the remembered failure on a cycle that makes no call. */
static void sync_still_failing(struct tenant *t) {
  if (t->api_failure != MDE_FAIL_NONE)
    tenant_fail(t, t->api_failure,
                "%.400s (the last call; retried when the "
                "call budget allows)",
                t->api_reason ? t->api_reason : "");
}

/* Sends `url` (taking it) with the bearer token, if the budget allows. */
static void submit(struct tenant *t, enum api_call call, char *url) {
  tenant_release_request(t);
  if (!url) {
    tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
    tenant_done(t);
    return;
  }
  if (!mde_budget_take(&t->budget, mde_monotonic_ms())) {
    /* Not a failure in itself: the rest waits for the next cycle. */
    free(url);
    mde_alert_index_free(t->building);
    t->building = NULL;
    sync_still_failing(t);
    tenant_done(t);
    return;
  }
  t->url = url;
  t->call = call;
  t->req = (struct mde_http_req){.url = t->url,
                                 .bearer = t->token.access_token,
                                 .done = on_api,
                                 .user = t};
  t->res.api_requests++;
  mde_http_submit(t->e->http, &t->req);
}

static char *join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  char *s = malloc(n);
  if (s)
    snprintf(s, n, "%s%s", a, b);
  return s;
}

static void next_probe(struct tenant *t) {
  for (; t->probe_roles && t->probe < (int)N_PROBES; t->probe++) {
    const struct probe *p = &probes[t->probe];
    /* the required roles, or with none required, what the token claims */
    bool wanted =
        t->required.n == 0 || mde_strlist_contains(&t->required, p->role, 1);
    if (!wanted || !has_role(t, p->role) || (t->probed & p->bit) ||
        (p->bit == 1 && t->alerts_probed))
      continue;
    t->probed |= p->bit;
    t->probe++;
    submit(t, CALL_PROBE, join(t->api, p->path));
    return;
  }
  tenant_done(t);
}

static void start_sync(struct tenant *t) {
  t->full_sync = !t->synced || t->e->now >= t->next_full;
  mde_alert_index_free(t->building);
  t->building = NULL;
  if (t->full_sync) {
    t->building = mde_alert_index_new();
    if (!t->building) {
      tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
      tenant_done(t);
      return;
    }
  }
  t->created_this_sync = 0;
  int64_t newest = t->alerts ? mde_alert_index_newest(t->alerts) : -1;
  if (t->full_sync || newest < 0) {
    submit(t, CALL_ALERTS, join(t->api, "/api/alerts"));
    return;
  }
  /* Incremental: what changed since the newest update seen, with an
   * overlap for updates that land out of order. */
  time_t since = (time_t)((newest - OVERLAP_US) / 1000000);
  struct tm tm;
  gmtime_r(&since, &tm);
  char path[128];
  strftime(path, sizeof path,
           "/api/alerts?$filter=lastUpdateTime+ge+%Y-%m-%dT%H:%M:%SZ", &tm);
  submit(t, CALL_ALERTS, join(t->api, path));
}

void api_begin(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  time_t now = t->e->now;
  t->probed = 0;
  if (!t->token.access_token) {
    tenant_done(t);
    return;
  }
  /* A cached token lacks the same roles every cycle, not just the one that
   * acquired it (the roles it was refused by the API count too). */
  if (r->missing_roles.n && r->failure == MDE_FAIL_NONE) {
    char *roles = mde_strlist_join(&r->missing_roles, ", ");
    tenant_fail(t, MDE_FAIL_PERMISSION_MISSING, "required role(s) missing: %s",
                roles ? roles : "?");
    free(roles);
  }
  if (now < t->api_throttled_until) {
    r->throttled = 1;
    r->retry_after = (double)(t->api_throttled_until - now);
    tenant_fail(t, MDE_FAIL_THROTTLED,
                "Defender API throttled this tenant; next call in %lds",
                (long)(t->api_throttled_until - now));
    tenant_done(t);
    return;
  }
  bool alert_role =
      has_role(t, "Alert.Read.All") || has_role(t, "Alert.ReadWrite.All");
  if (t->fetch_alerts && alert_role &&
      (now >= t->next_alerts || (t->e->flags & MDE_CYCLE_ONESHOT))) {
    start_sync(t);
    return;
  }
  next_probe(t);
}

/* A nextLink must stay on the API we were configured for: the bearer
 * token goes with it. */
static bool same_api(const struct tenant *t, const char *link) {
  size_t n = strlen(t->api);
  return strncasecmp(link, t->api, n) == 0 && link[n] == '/';
}

static void finish_sync(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  if (t->full_sync) {
    uint64_t created =
        t->alerts ? mde_alert_index_missing_from(t->building, t->alerts) : 0;
    t->created_this_sync = created;
    mde_alert_index_free(t->alerts);
    t->alerts = t->building;
    t->building = NULL;
    t->next_full = t->e->now + t->full_resync;
  }
  if (t->synced)
    r->alerts_created += t->created_this_sync;
  mde_alert_index_count(t->alerts, r->alerts);
  r->alerts_valid = 1;
  t->synced = true;
  t->api_failure = MDE_FAIL_NONE;
  free(t->api_reason);
  t->api_reason = NULL;
  t->next_alerts = t->e->now + t->alerts_interval;
  t->alerts_probed = true;
  next_probe(t);
}

static void on_page(struct tenant *t, struct mde_http_req *req) {
  char err[MDE_ERR_SIZE];
  struct mde_alert_page page;
  if (mde_alert_page_parse(req->body.data, req->body.len, &page, err,
                           sizeof err) != MDE_FAIL_NONE) {
    tenant_fail(t, MDE_FAIL_PROTOCOL, "alerts page from %s: %s", t->url, err);
    sync_failed(t);
    tenant_done(t);
    return;
  }
  if (!t->full_sync && !t->alerts)
    t->alerts = mde_alert_index_new();
  struct mde_alert_index *ix = t->full_sync ? t->building : t->alerts;
  for (size_t i = 0; ix && i < page.n; i++) {
    int fresh = mde_alert_index_put(ix, &page.items[i]);
    if (fresh < 0)
      ix = NULL;
    else if (fresh && !t->full_sync)
      t->created_this_sync++;
  }
  char *next = page.next_link;
  page.next_link = NULL;
  mde_alert_page_free(&page);
  if (!ix) {
    free(next);
    tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory indexing alerts");
    tenant_done(t);
  } else if (next && !same_api(t, next)) {
    tenant_fail(t, MDE_FAIL_PROTOCOL,
                "@odata.nextLink leaves the configured API (%.200s)", next);
    free(next);
    sync_failed(t);
    tenant_done(t);
  } else if (next) {
    submit(t, CALL_ALERTS, next);
  } else {
    finish_sync(t);
  }
}

/* The API refused a role: add what it asked for to the missing roles. */
static void refused(struct tenant *t, struct mde_http_req *req) {
  struct mde_api_error ae;
  mde_api_error_parse(req->status, req->body.data, req->body.len, &ae);
  struct mde_tenant_result *r = &t->res;
  bool named = false;
  for (size_t i = 0; i < ae.required_roles.n && !named; i++)
    named = mde_strlist_contains(&r->missing_roles, ae.required_roles.v[i], 1);
  if (!named && ae.required_roles.n)
    mde_strlist_add_str(&r->missing_roles, ae.required_roles.v[0]);
  r->permissions = 0;
  tenant_fail(t, MDE_FAIL_PERMISSION_MISSING,
              "Defender API refused %s (HTTP 403): %s", t->url,
              ae.message[0] ? ae.message : ae.code);
  mde_api_error_free(&ae);
}

static void on_api(struct mde_http_req *req) {
  struct tenant *t = req->user;
  struct mde_tenant_result *r = &t->res;
  tenant_count_status(t, req);
  r->api_time = req->timing;
  r->api_timing_valid = 1;
  if (req->curl_code) {
    tenant_fail(t, MDE_FAIL_NETWORK, "Defender API %s: %s", t->url, req->error);
    sync_failed(t);
    tenant_done(t);
    return;
  }
  if (t->call == CALL_ALERTS && req->status == 200) {
    on_page(t, req);
    return;
  }
  if (t->call == CALL_PROBE && (req->status == 200 || req->status == 404)) {
    next_probe(t); /* 404: no machines yet, but the role was accepted */
    return;
  }
  if (req->status == 401 && !t->reauthed) {
    t->reauthed = true; /* the token was refused: get a fresh one, once */
    token_drop(t);
    t->step = STEP_TOKEN;
    token_begin(t);
    return;
  }
  if (req->status == 403) {
    refused(t, req);
    if (t->call == CALL_ALERTS) {
      mde_alert_index_free(t->building);
      t->building = NULL;
      t->alerts_probed = true;
    }
    next_probe(t);
    return;
  }
  if (req->status == 429) {
    long wait = req->retry_after >= 0 ? req->retry_after : THROTTLE_DEFAULT;
    /* `now` is whole seconds: one more, so a retry is never early. */
    t->api_throttled_until = t->e->now + wait + 1;
    r->throttled = 1;
    r->retry_after = (double)wait;
    tenant_fail(t, MDE_FAIL_THROTTLED,
                "Defender API throttled this tenant (HTTP 429); retry in %lds",
                wait);
    tenant_done(t);
    return;
  }
  struct mde_api_error ae;
  enum mde_failure f =
      mde_api_error_parse(req->status, req->body.data, req->body.len, &ae);
  tenant_fail(t, f == MDE_FAIL_TOKEN_INVALID ? MDE_FAIL_TOKEN_INVALID : f,
              "Defender API %s: HTTP %d %s", t->url, req->status,
              ae.message[0] ? ae.message : ae.code);
  mde_api_error_free(&ae);
  sync_failed(t);
  tenant_done(t);
}
