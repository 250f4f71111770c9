/* SPDX-License-Identifier: MIT */
/* The Defender API steps of a tenant's cycle: alerts synced (the first time
 * and every full-resync interval, all of them; otherwise only those
 * updated since the newest seen, less an overlap), then one cheap probe
 * per required role, so a role the token claims but the API refuses is
 * caught. A sync resumes where it stopped when the call budget or the
 * network ended a cycle first; a full resync builds a new index while
 * incremental syncs keep the old one current. Every call is paid from the
 * tenant's budget; a 429 stops the tenant until Retry-After; a 401
 * re-acquires the token once, then backs off. */
#include "engine_int.h"
#include "mde/entra_error.h"
#include "mde/retry_after.h"
#include "mde/roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define OVERLAP_US ((int64_t)MDE_DEFAULT_ALERTS_OVERLAP * 1000000)

/* The endpoints the engine calls, with the role each needs and its
 * cheapest call; index = the tenant's `refused[]` slot. */
enum { EP_ALERTS, EP_MACHINES, EP_SCORE };
static const struct endpoint {
  const char *role;
  const char *probe;
} endpoints[N_ENDPOINTS] = {
    [EP_ALERTS] = {"Alert.Read.All", "/api/alerts?$top=1"},
    [EP_MACHINES] = {"Machine.Read.All", "/api/machines?$top=1"},
    [EP_SCORE] = {"Score.Read.All", "/api/exposureScore"},
};

static char *join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  char *s = malloc(n);
  if (s)
    snprintf(s, n, "%s%s", a, b);
  return s;
}

void mde_sync_reset(struct alerts_sync *s) {
  free(s->next_url);
  mde_alert_index_free(s->building);
  *s = (struct alerts_sync){0};
}

/* --- what the API says about roles --- */

static void add_missing(struct mde_strlist *l, const char *role) {
  if (role && !mde_strlist_contains(l, role, 1))
    mde_strlist_add_str(l, role);
}

void mde_api_collect_missing(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  mde_strlist_free(&r->missing_roles);
  for (size_t i = 0; i < t->token_missing.n; i++)
    add_missing(&r->missing_roles, t->token_missing.v[i]);
  for (int i = 0; i < N_ENDPOINTS; i++)
    add_missing(&r->missing_roles, t->refused[i]);
  bool usable = t->token.access_token && !token_unverified(t);
  if (usable && r->missing_roles.n && r->failure == MDE_FAIL_NONE) {
    char *roles = mde_strlist_join(&r->missing_roles, ", ");
    mde_tenant_fail(t, MDE_FAIL_PERMISSION_MISSING,
                    "required role(s) missing: %s", roles ? roles : "?");
    free(roles);
  }
}

/* The API refused the endpoint: remember the role it asked for until it
 * serves that endpoint again. */
static void refused(struct tenant *t, int ep) {
  struct mde_http_req *req = &t->req;
  struct mde_api_error ae;
  mde_api_error_parse(req->status, req->body.data, req->body.len, &ae);
  const char *role =
      ae.required_roles.n ? ae.required_roles.v[0] : endpoints[ep].role;
  free(t->refused[ep]);
  t->refused[ep] = strdup(role);
  mde_tenant_fail(t, MDE_FAIL_PERMISSION_MISSING,
                  "Defender API refused %s (HTTP 403): %s", t->url,
                  ae.message[0] ? ae.message : ae.code);
  mde_api_error_free(&ae);
}

/* The endpoint answered: the token works there, now. */
static void served(struct tenant *t, int ep) {
  free(t->refused[ep]);
  t->refused[ep] = NULL;
  t->probed |= 1u << ep;
  if (t->reauthed) { /* the API accepts tokens again */
    t->reauthed = false;
    t->backoff_n = 0;
  }
}

/* --- answers both kinds of call share --- */

/* Remembers a failed alerts sync (see api_failure). */
static void sync_failed(struct tenant *t) {
  t->api_failure = t->res.failure;
  free(t->api_reason);
  t->api_reason = strdup(t->res.reason);
}

/* Reports the remembered failure on a cycle that makes no call. */
static void sync_still_failing(struct tenant *t) {
  if (t->api_failure != MDE_FAIL_NONE)
    mde_tenant_fail(t, t->api_failure,
                    "%.400s (the last call; retried when the "
                    "call budget allows)",
                    t->api_reason ? t->api_reason : "");
}

/* Sends `url` (taking it) with the bearer token, if the budget allows. */
/* A probe's answer is one item ($top=1) or an error: no page-sized body.
 * Alert pages keep the transport's cap (a 10,000-alert page is tens of
 * MB). */
#define PROBE_BODY_MAX (1024 * 1024)

static enum step call(struct tenant *t, char *url, enum step resume,
                      size_t max_body) {
  mde_tenant_release_request(t);
  if (!url) {
    mde_tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
    return STEP_END;
  }
  if (!mde_budget_take(&t->budget, mde_engine_mono(t->e))) {
    /* Not a failure in itself: the rest waits for the next cycle. */
    free(url);
    sync_still_failing(t);
    return STEP_END;
  }
  t->url = url;
  t->req = (struct mde_http_req){
      .url = t->url, .bearer = t->token.access_token, .max_body = max_body};
  t->res.api_requests++;
  return mde_tenant_send(t, resume);
}

/* What every API answer says before its own step reads it: counted, timed
 * when there was an answer, and the answers that end or redirect the
 * cycle whatever was asked (no answer, 401, 429). Returns STEP_COUNT_ to
 * let the caller read it. */
static enum step common_answer(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  struct mde_tenant_result *r = &t->res;
  mde_tenant_count_status(t, req);
  if (req->status > 0) { /* no answer, no latency */
    r->api_time = req->timing;
    r->api_timing_valid = 1;
  }
  if (req->curl_code) {
    mde_tenant_fail(t, mde_transport_failure(req), "Defender API %s: %s",
                    t->url, req->error);
    return STEP_END;
  }
  if (req->status == 401) {
    if (!t->reauthed) { /* the token was refused: get a fresh one, once */
      t->reauthed = true;
      mde_token_drop(t);
      return STEP_TOKEN;
    }
    /* A fresh token refused too: no new token every cycle, but a backoff
     * that doubles like any other failure nobody has fixed. */
    mde_tenant_fail(t, MDE_FAIL_TOKEN_INVALID,
                    "Defender API refused a freshly acquired token (HTTP 401) "
                    "at %s",
                    t->url);
    mde_token_drop(t);
    mde_tenant_back_off(t, MDE_FAIL_TOKEN_INVALID, -1);
    return STEP_END;
  }
  if (req->status == 429) {
    long wait = req->retry_after >= 0 ? req->retry_after : THROTTLE_DEFAULT;
    if (wait > MDE_RETRY_AFTER_MAX)
      wait = MDE_RETRY_AFTER_MAX;
    /* `now` is whole seconds: one more, so a retry is never early. */
    t->api_throttled_until = t->e->now + wait + 1;
    r->throttled = 1;
    r->retry_after = (double)wait;
    mde_tenant_fail(
        t, MDE_FAIL_THROTTLED,
        "Defender API throttled this tenant (HTTP 429); retry in %lds", wait);
    return STEP_END;
  }
  return STEP_COUNT_;
}

static enum step api_error(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  struct mde_api_error ae;
  enum mde_failure f =
      mde_api_error_parse(req->status, req->body.data, req->body.len, &ae);
  mde_tenant_fail(t, f, "Defender API %s: HTTP %d %s", t->url, req->status,
                  ae.message[0] ? ae.message : ae.code);
  mde_api_error_free(&ae);
  return STEP_END;
}

/* --- the step that chooses --- */

static bool alerts_wanted(const struct tenant *t) {
  return t->fetch_alerts &&
         mde_roles_grant(&t->token_roles, endpoints[EP_ALERTS].role);
}

/* Starts a sync at its first page. */
static bool sync_start(struct tenant *t, struct alerts_sync *s, bool full) {
  mde_sync_reset(s);
  s->full = full;
  s->started_us = (int64_t)t->e->now * 1000000;
  if (full) {
    s->building = mde_alert_index_new();
    s->next_url = join(t->api, "/api/alerts");
  } else {
    /* What changed since the newest update seen, with an overlap for
     * updates that land out of order. */
    int64_t newest = mde_alert_index_newest(t->alerts);
    /* After a full resync, from when it began: updates made while it ran
     * may be older than the newest alert it indexed. */
    if (t->resync_from_us && t->resync_from_us < newest)
      newest = t->resync_from_us;
    t->resync_from_us = 0;
    if (newest < 0) {
      s->next_url = join(t->api, "/api/alerts");
    } else {
      time_t since = (time_t)((newest - OVERLAP_US) / 1000000);
      struct tm tm;
      gmtime_r(&since, &tm);
      char path[128];
      strftime(path, sizeof path,
               "/api/alerts?$filter=lastUpdateTime+ge+%Y-%m-%dT%H:%M:%SZ", &tm);
      s->next_url = join(t->api, path);
    }
  }
  s->active = s->next_url && (!full || s->building);
  if (!s->active) {
    mde_sync_reset(s);
    mde_tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
  }
  return s->active;
}

enum step mde_step_api(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  time_t now = t->e->now;
  if (!t->token.access_token || token_unverified(t))
    return STEP_END;
  if (now < t->api_throttled_until) {
    r->throttled = 1;
    r->retry_after = (double)(t->api_throttled_until - now);
    mde_tenant_fail(t, MDE_FAIL_THROTTLED,
                    "Defender API throttled this tenant; next call in %lds",
                    (long)(t->api_throttled_until - now));
    return STEP_END;
  }
  if (!alerts_wanted(t))
    return STEP_MACHINES;
  bool due = now >= t->next_alerts || (t->e->flags & MDE_CYCLE_ONESHOT);
  if (!t->alerts) {
    if (!t->full.active && !sync_start(t, &t->full, true))
      return STEP_END;
  } else {
    if (due && !t->incr.active && !sync_start(t, &t->incr, false))
      return STEP_END;
    if (now >= t->next_full && !t->full.active &&
        !sync_start(t, &t->full, true))
      return STEP_END;
  }
  return STEP_ALERTS;
}

/* --- alerts --- */

/* The sync to advance: the incremental one first (it keeps the counts
 * current), then the full one; but a machines sync the budget turned away
 * goes first (it is owed a turn: alerts and it then take turns while the
 * budget is short). */
enum step mde_step_alerts(struct tenant *t) {
  if (t->machines_owed && t->msync.active)
    return STEP_MACHINES;
  struct alerts_sync *s = t->incr.active   ? &t->incr
                          : t->full.active ? &t->full
                                           : NULL;
  if (!s)
    return STEP_MACHINES;
  t->syncing = s;
  return call(t, strdup(s->next_url), STEP_ALERTS_ANSWER, 0);
}

static void finish_sync(struct tenant *t, struct alerts_sync *s) {
  struct mde_tenant_result *r = &t->res;
  bool had = t->alerts != NULL;
  if (s->full) {
    s->created = had ? mde_alert_index_missing_from(s->building, t->alerts) : 0;
    mde_alert_index_free(t->alerts);
    t->alerts = s->building;
    s->building = NULL;
    t->resync_from_us = s->started_us;
    t->next_full = t->e->now + t->full_resync;
  }
  if (had)
    r->alerts_created += s->created;
  mde_alert_index_count(t->alerts, r->alerts);
  t->fresh_ms = mde_engine_mono(t->e);
  t->sync_cycles = 0;
  t->api_failure = MDE_FAIL_NONE;
  free(t->api_reason);
  t->api_reason = NULL;
  t->next_alerts = t->e->now + t->alerts_interval;
  mde_sync_reset(s);
}

static enum step alerts_page(struct tenant *t, struct alerts_sync *s) {
  struct mde_http_req *req = &t->req;
  char err[MDE_ERR_SIZE];
  struct mde_alert_page page;
  if (mde_alert_page_parse(req->body.data, req->body.len, &page, err,
                           sizeof err) != MDE_FAIL_NONE) {
    mde_tenant_fail(t, MDE_FAIL_PROTOCOL, "alerts page from %s: %s", t->url,
                    err);
    sync_failed(t); /* the same page is asked for again next time */
    return STEP_END;
  }
  if (!s->full && !t->alerts)
    t->alerts = mde_alert_index_new();
  struct mde_alert_index *ix = s->full ? s->building : t->alerts;
  for (size_t i = 0; ix && i < page.n; i++) {
    int fresh = mde_alert_index_put(ix, &page.items[i]);
    if (fresh < 0)
      ix = NULL;
    else if (fresh && !s->full)
      s->created++;
  }
  char *next = page.next_link;
  page.next_link = NULL;
  mde_alert_page_free(&page);
  if (!ix) {
    free(next);
    mde_tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory indexing alerts");
    return STEP_END;
  }
  /* The bearer token goes with it: only to a Defender API host of this
   * cloud (lib/cloud.c), never elsewhere. */
  if (next && !mde_cloud_next_link_allowed(t->cloud, t->api, next)) {
    mde_tenant_fail(t, MDE_FAIL_PROTOCOL,
                    "@odata.nextLink leaves the Defender API (%.200s)", next);
    free(next);
    sync_failed(t);
    mde_sync_reset(s); /* that link will not be followed: start over */
    return STEP_END;
  }
  if (next) {
    free(s->next_url);
    s->next_url = next;
  } else {
    finish_sync(t, s);
  }
  return STEP_ALERTS;
}

enum step mde_step_alerts_answer(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  enum step next = common_answer(t);
  if (next != STEP_COUNT_) {
    if (req->curl_code)
      sync_failed(t);
    return next;
  }
  if (req->status == 200) {
    served(t, EP_ALERTS);
    return alerts_page(t, t->syncing);
  }
  if (req->status == 403) {
    refused(t, EP_ALERTS);
    t->probed |= 1u << EP_ALERTS;
    return STEP_MACHINES;
  }
  api_error(t);
  sync_failed(t);
  return STEP_END;
}

/* --- role probes --- */

/* Probed: the endpoints of the required roles (or, with none required,
 * of every role the token claims) that the alerts sync did not already
 * call this cycle. */
static bool probe_wanted(const struct tenant *t, int ep) {
  const char *role = endpoints[ep].role;
  if (!t->probe_roles || (t->probed & (1u << ep)) ||
      !mde_roles_grant(&t->token_roles, role))
    return false;
  if (t->required.n == 0)
    return true;
  for (size_t i = 0; i < t->required.n; i++)
    if (mde_role_grants(t->required.v[i], role))
      return true;
  return false;
}

enum step mde_step_probe(struct tenant *t) {
  for (; t->probe < N_ENDPOINTS; t->probe++) {
    if (!probe_wanted(t, t->probe))
      continue;
    t->probe_endpoint = t->probe++;
    return call(t, join(t->api, endpoints[t->probe_endpoint].probe),
                STEP_PROBE_ANSWER, PROBE_BODY_MAX);
  }
  return STEP_END;
}

enum step mde_step_probe_answer(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  enum step next = common_answer(t);
  if (next != STEP_COUNT_)
    return next;
  /* 404: nothing there yet (no machines), but the role was accepted. */
  if (req->status == 200 || req->status == 404) {
    served(t, t->probe_endpoint);
    return STEP_PROBE;
  }
  if (req->status == 403) {
    refused(t, t->probe_endpoint);
    return STEP_PROBE;
  }
  return api_error(t);
}

/* --- for the other API steps (engine_machines.c) --- */

_Static_assert(EP_ALERTS == (int)API_EP_ALERTS &&
                   EP_MACHINES == (int)API_EP_MACHINES &&
                   EP_SCORE == (int)API_EP_SCORE,
               "engine_int.h's endpoint slots are this file's");

enum step mde_api_call(struct tenant *t, char *url, enum step resume,
                       size_t max_body) {
  return call(t, url, resume, max_body);
}

enum step mde_api_common_answer(struct tenant *t) { return common_answer(t); }

void mde_api_served(struct tenant *t, enum api_endpoint ep) {
  served(t, (int)ep);
}

void mde_api_refused(struct tenant *t, enum api_endpoint ep) {
  refused(t, (int)ep);
}

enum step mde_api_error_answer(struct tenant *t) { return api_error(t); }
