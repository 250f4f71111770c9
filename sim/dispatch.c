/* SPDX-License-Identifier: MIT */
/* Routing, faults and accounting for the service port (see dispatch.h). */
#include "dispatch.h"

#include "errors.h"
#include "handlers.h"
#include "sjwt.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SEGMENTS 8
/* HTTP.sys, in front of Microsoft's services, refuses longer segments. */
#define MAX_SEGMENT_LEN 260

struct route {
  enum sim_endpoint ep;
  bool invalid_url;
  int version;
  char tenant[MAX_SEGMENT_LEN + 1];
  char item[128]; /* /api/alerts/{id} */
};

/* Splits "/a/b/c" into segments: -1 if too many, -2 if one is too long. */
static int split(const char *path,
                 char seg[MAX_SEGMENTS][MAX_SEGMENT_LEN + 1]) {
  int n = 0;
  for (const char *p = path; *p;) {
    while (*p == '/')
      p++;
    if (!*p)
      break;
    const char *end = strchr(p, '/');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > MAX_SEGMENT_LEN)
      return -2;
    if (n == MAX_SEGMENTS)
      return -1;
    memcpy(seg[n], p, len);
    seg[n][len] = '\0';
    n++;
    p += len;
  }
  return n;
}

static bool eq(const char *a, const char *b) { return strcmp(a, b) == 0; }

static void parse_route(const char *path, struct route *rt) {
  char s[MAX_SEGMENTS][MAX_SEGMENT_LEN + 1];
  int n = split(path, s);
  *rt = (struct route){.ep = EP_OTHER, .invalid_url = n == -2};
  if (n <= 0)
    return;
  if (eq(s[0], "v1.0") && n == 2) { /* Microsoft Graph */
    rt->ep = EP_GRAPH;
    snprintf(rt->item, sizeof rt->item, "%.127s", s[1]);
    return;
  }
  if (eq(s[0], "api")) {
    int i = n > 1 && eq(s[1], "v1.0") ? 2 : 1;
    if (n == i + 1 || (n == i + 2 && eq(s[i], "alerts"))) {
      rt->ep = eq(s[i], "alerts")          ? EP_ALERTS
               : eq(s[i], "machines")      ? EP_MACHINES
               : eq(s[i], "exposureScore") ? EP_SCORE
                                           : EP_OTHER;
      if (n == i + 2)
        snprintf(rt->item, sizeof rt->item, "%s", s[i + 1]);
    }
    return;
  }
  snprintf(rt->tenant, sizeof rt->tenant, "%s", s[0]);
  static const struct {
    int n;
    const char *a, *b, *c;
    enum sim_endpoint ep;
    int version;
  } login[] = {
      {3, "oauth2", "token", NULL, EP_TOKEN_V1, 1},
      {4, "oauth2", "v2.0", "token", EP_TOKEN_V2, 2},
      {3, ".well-known", "openid-configuration", NULL, EP_DISCOVERY, 1},
      {4, "v2.0", ".well-known", "openid-configuration", EP_DISCOVERY, 2},
      {3, "discovery", "keys", NULL, EP_KEYS, 1},
      {4, "discovery", "v2.0", "keys", EP_KEYS, 2},
  };
  for (size_t i = 0; i < sizeof login / sizeof login[0]; i++) {
    if (login[i].n == n && eq(s[1], login[i].a) && eq(s[2], login[i].b) &&
        (n == 3 || eq(s[3], login[i].c))) {
      rt->ep = login[i].ep;
      rt->version = login[i].version;
    }
  }
}

/* The tenant a request is for, before any handler has checked anything:
 * the path's tenant at Entra, the bearer's (unverified) tid at the API.
 * Only used to aim faults and count requests. World locked. */
static int target_tenant(struct sim_world *w, const struct sim_req *rq,
                         const struct route *rt) {
  if (rt->ep == EP_OTHER)
    return -1;
  if (rt->ep < EP_ALERTS) {
    struct sim_tenant *t = sim_tenant_find(w, rt->tenant);
    return t ? (int)t->index : -1;
  }
  const char *auth = sim_req_header(rq, "Authorization");
  struct sjwt j;
  if (!auth || strlen(auth) < 8 || sjwt_decode(auth + 7, &j) != 0)
    return -1;
  const char *tid = sjwt_str(j.claims, "tid");
  struct sim_tenant *t = tid ? sim_tenant_find(w, tid) : NULL;
  sjwt_free(&j);
  return t ? (int)t->index : -1;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (ms > 0 && nanosleep(&ts, &ts) != 0)
    ;
}

/* The answer an injected status gets, in the endpoint's own error shape. */
static void fault_response(struct sim_world *w, struct sim_req *rq,
                           struct sim_resp *rs, enum sim_endpoint ep,
                           const struct sim_fault_plan *plan) {
  char ra[16];
  snprintf(ra, sizeof ra, "%d", plan->retry_after > 0 ? plan->retry_after : 1);
  bool login = ep < EP_ALERTS;
  if (login && plan->status == 429) {
    sim_aad_throttled(rs, plan->retry_after);
    return;
  }
  if (login && (plan->aadsts || plan->error[0])) {
    sim_aad_error(w, rq, rs, plan->status,
                  plan->error[0] ? plan->error : "invalid_request",
                  (int[]){plan->aadsts ? plan->aadsts : 90033}, 1,
                  "An error injected by a test (%s).",
                  plan->error[0] ? plan->error : "no error value");
  } else if (login) {
    sim_aad_error(
        w, rq, rs, plan->status,
        plan->status >= 500 ? "temporarily_unavailable" : "invalid_request",
        (int[]){90033}, 1, "A transient error has occurred. Please try again.");
  } else {
    const char *code = plan->status == 429   ? "TooManyRequests"
                       : plan->status == 401 ? "Unauthorized"
                       : plan->status == 403 ? "Forbidden"
                       : plan->status == 404 ? "NotFound"
                       : plan->status == 503 ? "ServiceUnavailable"
                       : plan->status >= 500 ? "InternalServerError"
                                             : "BadRequest";
    sim_mde_error(rs, plan->status, code, "%s",
                  plan->status == 429 ? "Rate limit is exceeded." : "");
  }
  if (plan->status == 429 || plan->status == 503)
    sim_resp_header(rs, "Retry-After", ra);
}

void sim_dispatch(void *cls, struct sim_req *rq, struct sim_resp *rs) {
  struct sim_world *w = cls;
  struct route rt;
  parse_route(rq->path, &rt);
  struct sim_fault_plan plan;
  int64_t arrived_ms = sim_now_ticks() / (TICKS_PER_SECOND / 1000);
  pthread_mutex_lock(&w->lock);
  struct sim_call call = {.tenant = target_tenant(w, rq, &rt), .app = -1};
  sim_faults_plan(w->faults, w->n_faults, rt.ep, call.tenant, sim_now(),
                  &w->rng, &plan);
  pthread_mutex_unlock(&w->lock);
  sleep_ms(plan.delay_ms);

  if (rq->host && !sim_is_host_header(rq->host)) {
    /* HTTP.sys's answer; and the Host is echoed into discovery documents
     * and nextLinks, so nothing but a host name may get that far. */
    sim_resp_text(rs, 400, "Bad Request - Invalid Hostname");
  } else if (plan.status) {
    fault_response(w, rq, rs, rt.ep, &plan);
  } else {
    switch (rt.ep) {
    case EP_TOKEN_V1:
    case EP_TOKEN_V2:
      sim_token(w, rq, rs, rt.tenant, rt.version, &call);
      break;
    case EP_DISCOVERY:
      sim_discovery(w, rq, rs, rt.tenant, rt.version, &call);
      break;
    case EP_KEYS:
      sim_jwks(w, rq, rs, rt.tenant, rt.version, &call);
      break;
    case EP_GRAPH:
      sim_graph(w, rq, rs, rt.item, &call);
      break;
    case EP_ALERTS:
    case EP_MACHINES:
    case EP_SCORE:
      sim_api(w, rq, rs, rt.ep, rt.item[0] ? rt.item : NULL, &call);
      break;
    default:
      if (rt.invalid_url)
        sim_resp_text(rs, 400, "Bad Request - Invalid URL");
      else if (strncmp(rq->path, "/api/", 5) == 0)
        sim_api(w, rq, rs, EP_OTHER, NULL, &call);
      else
        sim_resp_text(rs, 404, "Not Found");
    }
  }
  rs->reset = plan.reset;
  rs->truncate = plan.truncate;
  rs->malformed = plan.malformed;
  rs->slow_body_ms = plan.slow_body_ms;
  rs->endless = plan.endless;
  rs->flood_headers = plan.headers;

  char *headers = sim_req_headers_json(rq);
  pthread_mutex_lock(&w->lock);
  struct sim_tenant_stats *ts =
      call.tenant >= 0 ? &w->tenants[call.tenant].stats : NULL;
  int64_t answered_ms = sim_now_ticks() / (TICKS_PER_SECOND / 1000);
  sim_stats_record(&w->stats, ts, rt.ep, call.tenant, call.app,
                   rs->reset ? 0 : rs->status, arrived_ms, answered_ms,
                   plan.delay_ms, rq->host, sim_req_header(rq, "User-Agent"));
  sim_stats_set_headers(&w->stats, rt.ep, headers);
  pthread_mutex_unlock(&w->lock);
}
