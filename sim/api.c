/* SPDX-License-Identifier: MIT */
/* The Defender for Endpoint API: bearer token checked like the real
 * service (signature against Entra's published keys, lifetime, issuer,
 * tenant; a token for another resource is refused with 403), quotas per
 * app+tenant, app roles per endpoint with the real "Missing application
 * roles" message, and alerts with $filter/$top/$skip and nextLink paging. */
#include "errors.h"
#include "handlers.h"
#include "odata.h"
#include "sjwt.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct bearer {
  struct sjwt jwt;
  struct sim_tenant *tenant;
  int app;
  bool mde_audience;
};

static const char *const alert_roles[] = {"Alert.Read.All",
                                          "Alert.ReadWrite.All", NULL};
static const char *const machine_roles[] = {"Machine.Read.All",
                                            "Machine.ReadWrite.All", NULL};
static const char *const score_roles[] = {"Score.Read.All", NULL};

static void unauthorized(struct sim_resp *rs) {
  sim_mde_error(rs, 401, "Unauthorized", "Unauthorized");
}

/* Signature, lifetime, issuer, tenant and app. Returns 0, or answers 401
 * and returns -1. Takes the world lock only for lookups. */
static int authenticate(struct sim_world *w, struct sim_req *rq,
                        struct sim_resp *rs, struct bearer *b) {
  const char *auth = sim_req_header(rq, "Authorization");
  if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 ||
      strlen(auth + 7) > SJWT_MAX_LEN) {
    unauthorized(rs);
    return -1;
  }
  /* An opaque token (settings.opaque_tokens) is a JWT with '~' for '.'. */
  char token[SJWT_MAX_LEN + 1];
  snprintf(token, sizeof token, "%s", auth + 7);
  if (!strchr(token, '.'))
    for (char *p = token; *p; p++)
      if (*p == '~')
        *p = '.';
  if (sjwt_decode(token, &b->jwt) != 0) {
    unauthorized(rs);
    return -1;
  }
  const char *kid = sjwt_str(b->jwt.header, "kid");
  pthread_mutex_lock(&w->lock);
  sim_keys_expire(&w->keys, sim_now());
  EVP_PKEY *key = kid ? sim_keys_get(&w->keys, kid) : NULL;
  int64_t skew = w->settings.token_skew;
  pthread_mutex_unlock(&w->lock);
  /* A Graph token (nonce-signed) is a genuine Entra token too: refused
   * below for its audience (403), as observed, not as a forgery (401). */
  bool ok = key && b->jwt.alg == SJWT_RS256 &&
            (sjwt_verify(&b->jwt, key) || sjwt_verify_nonce(&b->jwt, key));
  EVP_PKEY_free(key);

  double exp = 0, nbf = 0;
  int64_t now = sim_now();
  ok = ok && sjwt_num(b->jwt.claims, "exp", &exp) &&
       (double)(now - skew) < exp &&
       (!sjwt_num(b->jwt.claims, "nbf", &nbf) || (double)(now + skew) >= nbf);
  const char *tid = sjwt_str(b->jwt.claims, "tid");
  const char *iss = sjwt_str(b->jwt.claims, "iss");
  const char *appid = sjwt_str(b->jwt.claims, "appid");
  if (!appid)
    appid = sjwt_str(b->jwt.claims, "azp");
  const char *aud = sjwt_str(b->jwt.claims, "aud");
  char v1[128], v2[128];
  ok = ok && tid && iss && appid && aud && sim_is_guid(tid);
  if (ok) {
    snprintf(v1, sizeof v1, "https://sts.windows.net/%s/", tid);
    snprintf(v2, sizeof v2, "https://login.microsoftonline.com/%s/v2.0", tid);
    ok = strcmp(iss, v1) == 0 || strcmp(iss, v2) == 0;
  }
  if (ok) {
    pthread_mutex_lock(&w->lock);
    b->tenant = sim_tenant_find(w, tid);
    struct sim_app *app = sim_app_find(w, appid);
    b->app = app ? (int)sim_app_index(w, app) : -1;
    pthread_mutex_unlock(&w->lock);
    ok = b->tenant && b->app >= 0;
  }
  if (!ok) {
    unauthorized(rs);
    return -1;
  }
  const struct sim_resource *res = sim_resource_find(aud, strlen(aud));
  b->mde_audience = res && res->mde;
  return 0;
}

static bool token_has_role(const struct bearer *b, const char *role) {
  const cJSON *roles = cJSON_GetObjectItemCaseSensitive(b->jwt.claims, "roles");
  const cJSON *r;
  cJSON_ArrayForEach(r, roles) {
    if (cJSON_IsString(r) && strcmp(r->valuestring, role) == 0)
      return true;
  }
  return false;
}

/* 403 unless the token holds one of `required` (and was issued for the
 * Defender API at all). */
static bool authorize(const struct bearer *b, struct sim_resp *rs,
                      const char *const *required) {
  for (size_t i = 0; b->mde_audience && required[i]; i++)
    if (token_has_role(b, required[i]))
      return true;
  struct mde_buf need, have;
  mde_buf_init(&need, 0);
  mde_buf_init(&have, 4096);
  for (size_t i = 0; required[i]; i++)
    mde_buf_printf(&need, "%s%s", i ? "," : "", required[i]);
  const cJSON *r;
  cJSON_ArrayForEach(r,
                     cJSON_GetObjectItemCaseSensitive(b->jwt.claims, "roles")) {
    if (cJSON_IsString(r))
      mde_buf_printf(&have, "%s%s", have.len ? "," : "", r->valuestring);
  }
  sim_mde_error(rs, 403, "Forbidden",
                "Missing application roles. API required roles: %s, "
                "application roles: %s.",
                need.data, have.data ? have.data : "");
  mde_buf_free(&need);
  mde_buf_free(&have);
  return false;
}

/* Quota per app+tenant (world locked). */
static bool admit(struct sim_world *w, struct bearer *b, struct sim_resp *rs) {
  struct sim_tenant *t = b->tenant;
  if (!t->rates)
    t->rates = sim_xcalloc(w->n_apps, sizeof *t->rates);
  if (!t->rates[b->app])
    t->rates[b->app] = sim_xcalloc(1, sizeof **t->rates);
  int retry = 0;
  if (sim_rate_admit(t->rates[b->app], sim_now(), w->settings.api_per_minute,
                     w->settings.api_per_hour, &retry))
    return true;
  char ra[16];
  snprintf(ra, sizeof ra, "%d", retry);
  sim_mde_error(rs, 429, "TooManyRequests",
                "Rate limit is exceeded. Try again in %d seconds.", retry);
  sim_resp_header(rs, "Retry-After", ra);
  t->stats.throttled++;
  w->stats.throttled++;
  return false;
}

static void url_encode(struct mde_buf *b, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || strchr("-._~:", c))
      mde_buf_append(b, s, 1);
    else
      mde_buf_printf(b, "%%%02X", c);
  }
}

struct paging {
  long top; /* -1: none */
  long skip;
  const char *filter;
  char next_base[SIM_NEXT_LINK_BASE]; /* settings.next_link_base, or "" */
};

static int parse_paging(const struct sim_req *rq, struct sim_resp *rs,
                        struct paging *pg, struct odata_filter *f) {
  char err[512];
  const char *top = sim_req_arg(rq, "$top");
  const char *skip = sim_req_arg(rq, "$skip");
  pg->filter = sim_req_arg(rq, "$filter");
  pg->top = -1;
  pg->skip = 0;
  if ((top && odata_parse_count("$top", top, ODATA_MAX_TOP, &pg->top, err,
                                sizeof err) != 0) ||
      (skip &&
       odata_parse_count("$skip", skip, -1, &pg->skip, err, sizeof err) != 0) ||
      (f && pg->filter &&
       odata_parse_filter(pg->filter, f, err, sizeof err) != 0)) {
    sim_mde_error(rs, 400, "ODataError", "%s", err);
    return -1;
  }
  return 0;
}

/* The link back to this API, unless a hostile-peer test set another base
 * (settings.next_link_base, any text: it is JSON-escaped here). */
static void next_link(struct mde_buf *b, const struct sim_req *rq,
                      const struct paging *pg, long emitted) {
  char base[300];
  sim_base_url(rq, base, sizeof base);
  struct mde_buf url;
  mde_buf_init(&url, 0);
  mde_buf_printf(&url, "%s%s?", pg->next_base[0] ? pg->next_base : base,
                 rq->path);
  if (pg->filter) {
    mde_buf_puts(&url, "$filter=");
    url_encode(&url, pg->filter);
    mde_buf_puts(&url, "&");
  }
  if (pg->top >= 0)
    mde_buf_printf(&url, "$top=%ld&", pg->top - emitted);
  mde_buf_printf(&url, "$skip=%ld", pg->skip + emitted);
  mde_buf_puts(b, ",\"@odata.nextLink\":");
  mde_buf_json_string(b, url.data ? url.data : "");
  mde_buf_free(&url);
}

/* Starts a collection response: {"@odata.context": …, "value": [. Returns
 * how many items the page may hold and sets *limit from $top. */
static long begin_collection(const struct sim_world *w,
                             const struct sim_req *rq, struct sim_resp *rs,
                             struct paging *pg, const char *entity,
                             long *limit) {
  *limit = pg->top >= 0 ? pg->top : LONG_MAX;
  snprintf(pg->next_base, sizeof pg->next_base, "%s",
           w->settings.next_link_base);
  char base[300];
  sim_base_url(rq, base, sizeof base);
  mde_buf_reset(&rs->body);
  mde_buf_printf(&rs->body,
                 "{\"@odata.context\":\"%s/api/$metadata#%s\",\"value\":[",
                 base, entity);
  return *limit < w->settings.page_size ? *limit : w->settings.page_size;
}

/* The page is chosen with the world locked, and rendered after unlocking
 * from a copy: alert strings live as long as the world, so the copy's
 * pointers stay valid, and other requests are not held up by rendering. */
struct alert_page {
  struct sim_alert *v;
  long n;
  bool more;
  struct paging pg;
  struct sim_alert_ctx ctx; /* tenants and their names never change */
};

static int select_alerts(struct sim_world *w, struct sim_req *rq,
                         struct sim_resp *rs, struct sim_tenant *t,
                         struct alert_page *out) {
  struct odata_filter f = {0};
  if (parse_paging(rq, rs, &out->pg, &f) != 0)
    return -1;
  sim_alerts_advance(&t->alerts, sim_now_ticks());
  long limit;
  long page = begin_collection(w, rq, rs, &out->pg, "Alerts", &limit);
  long matched = 0;
  size_t cap = 0;
  for (size_t i = 0; i < t->alerts.n; i++) {
    const struct sim_alert *al = &t->alerts.v[i];
    int64_t values[OD_FIELD_COUNT] = {
        [OD_LAST_UPDATE_TIME] = al->updated,
        [OD_ALERT_CREATION_TIME] = al->created,
        [OD_STATUS] = al->status,
        [OD_SEVERITY] = al->severity,
    };
    if (!odata_match(&f, values) || matched++ < out->pg.skip)
      continue;
    if (out->n == page) {
      out->more = out->n < limit;
      break;
    }
    if ((size_t)out->n == cap) {
      cap = cap ? cap * 2 : 64;
      out->v = sim_xrealloc(out->v, cap * sizeof *out->v);
    }
    out->v[out->n++] = *al;
  }
  out->ctx = sim_tenant_alert_ctx(t);
  return 0;
}

static void render_alerts(const struct sim_req *rq, struct sim_resp *rs,
                          const struct alert_page *page) {
  struct mde_buf *b = &rs->body;
  for (long i = 0; i < page->n; i++) {
    mde_buf_puts(b, i ? "," : "");
    sim_alert_render(&page->v[i], &page->ctx, b);
  }
  mde_buf_puts(b, "]");
  if (page->more)
    next_link(b, rq, &page->pg, page->n);
  mde_buf_puts(b, "}");
  sim_resp_json(rs, 200);
}

static void get_alert(struct sim_req *rq, struct sim_resp *rs,
                      struct sim_tenant *t, const char *id) {
  sim_alerts_advance(&t->alerts, sim_now_ticks());
  struct sim_alert *al = sim_alerts_find(&t->alerts, id);
  if (!al) {
    sim_mde_error(rs, 404, "ResourceNotFound", "Alert %.64s was not found", id);
    return;
  }
  struct sim_alert_ctx ctx = sim_tenant_alert_ctx(t);
  struct mde_buf one;
  mde_buf_init(&one, 0);
  sim_alert_render(al, &ctx, &one);
  char base[300];
  sim_base_url(rq, base, sizeof base);
  mde_buf_reset(&rs->body);
  mde_buf_printf(&rs->body,
                 "{\"@odata.context\":\"%s/api/$metadata#Alerts/$entity\",%s",
                 base, one.data + 1);
  mde_buf_free(&one);
  sim_resp_json(rs, 200);
}

static void render_machine(struct mde_buf *b, const struct sim_tenant *t,
                           uint32_t i) {
  static const char *const risk[] = {"None", "Low", "Medium", "High"};
  struct sim_alert_ctx ctx = sim_tenant_alert_ctx(t);
  char id[41], aad[37];
  sim_machine_id(&ctx, i, id);
  uint64_t s = t->machine_seed + i;
  sim_seeded_guid(&s, aad);
  mde_buf_printf(
      b,
      "{\"id\":\"%s\",\"computerDnsName\":\"ws%04u.%s\","
      "\"firstSeen\":\"2024-03-01T08:00:00Z\","
      "\"lastSeen\":\"2026-11-01T08:00:00Z\",\"osPlatform\":\"Windows11\","
      "\"osProcessor\":\"x64\",\"version\":\"23H2\",\"osBuild\":22631,"
      "\"lastIpAddress\":\"10.0.%u.%u\","
      "\"lastExternalIpAddress\":\"203.0.113.%u\","
      "\"healthStatus\":\"%s\",\"rbacGroupId\":0,"
      "\"rbacGroupName\":\"UnassignedGroup\",\"riskScore\":\"%s\","
      "\"exposureLevel\":\"Medium\",\"isAadJoined\":true,"
      "\"aadDeviceId\":\"%s\",\"machineTags\":[],\"deviceValue\":\"Normal\","
      "\"onboardingStatus\":\"%s\",\"osArchitecture\":\"64-bit\","
      "\"ipAddresses\":[{\"ipAddress\":\"10.0.%u.%u\","
      "\"macAddress\":\"0050B6%06X\",\"operationalStatus\":\"Up\"}]}",
      id, i, sim_tenant_domain(t), i / 250 % 256, i % 250 + 1, i % 250 + 1,
      sim_health_names[t->fleet.health[i] % MH_COUNT], risk[i % 4], aad,
      sim_onboarding_names[t->fleet.onboarding[i] % MO_COUNT], i / 250 % 256,
      i % 250 + 1, i & 0xffffff);
}

static void list_machines(struct sim_world *w, struct sim_req *rq,
                          struct sim_resp *rs, struct sim_tenant *t) {
  struct paging pg;
  if (parse_paging(rq, rs, &pg, NULL) != 0)
    return;
  if (t->machines == 0 || pg.skip >= (long)t->machines) {
    sim_mde_error(rs, 404, "NotFound", "No recent machines found.");
    return;
  }
  long limit;
  long page = begin_collection(w, rq, rs, &pg, "Machines", &limit);
  long left = (long)t->machines - pg.skip;
  long n = left < page ? left : page;
  struct mde_buf *b = &rs->body;
  for (long i = 0; i < n; i++) {
    mde_buf_puts(b, i ? "," : "");
    render_machine(b, t, (uint32_t)(pg.skip + i));
  }
  mde_buf_puts(b, "]");
  if (n < left && n < limit)
    next_link(b, rq, &pg, n);
  mde_buf_puts(b, "}");
  sim_resp_json(rs, 200);
}

static void exposure_score(struct sim_req *rq, struct sim_resp *rs,
                           const struct sim_tenant *t) {
  char base[300], ts[32];
  sim_base_url(rq, base, sizeof base);
  sim_format_ticks(sim_now_ticks(), ts);
  mde_buf_reset(&rs->body);
  mde_buf_printf(&rs->body,
                 "{\"@odata.context\":\"%s/api/$metadata#ExposureScore/"
                 "$entity\",\"time\":\"%s\",\"score\":%.15g}",
                 base, ts, t->exposure_score);
  sim_resp_json(rs, 200);
}

void sim_api(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
             enum sim_endpoint ep, const char *item, struct sim_call *call) {
  if (ep == EP_OTHER) {
    sim_mde_error(rs, 404, "ResourceNotFound", "Resource %.100s wasn't found.",
                  rq->path);
    return;
  }
  if (strcmp(rq->method, "GET") != 0) {
    sim_mde_error(rs, 405, "BadRequest",
                  "The HTTP method '%.16s' is not "
                  "supported for this resource.",
                  rq->method);
    return;
  }
  struct bearer b = {.app = -1};
  if (authenticate(w, rq, rs, &b) != 0) {
    sjwt_free(&b.jwt);
    return;
  }
  call->tenant = (int)b.tenant->index;
  call->app = b.app;
  const char *const *roles = ep == EP_ALERTS     ? alert_roles
                             : ep == EP_MACHINES ? machine_roles
                                                 : score_roles;
  struct alert_page page = {0};
  int selected = -1;
  char region[32];
  pthread_mutex_lock(&w->lock);
  if (b.tenant->region && sim_host_region(rq->host, region, sizeof region) &&
      strcasecmp(region, b.tenant->region) != 0)
    b.tenant->stats.other_region++;
  if (admit(w, &b, rs) && authorize(&b, rs, roles)) {
    if (ep == EP_ALERTS && item)
      get_alert(rq, rs, b.tenant, item);
    else if (ep == EP_ALERTS)
      selected = select_alerts(w, rq, rs, b.tenant, &page);
    else if (ep == EP_MACHINES)
      list_machines(w, rq, rs, b.tenant);
    else
      exposure_score(rq, rs, b.tenant);
  }
  pthread_mutex_unlock(&w->lock);
  if (selected == 0)
    render_alerts(rq, rs, &page);
  free(page.v);
  sjwt_free(&b.jwt);
}
