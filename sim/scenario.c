/* SPDX-License-Identifier: MIT */
/* Scenario JSON → world (see scenario.h). */
#include "scenario.h"

#include "forge.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TENANTS 200000
#define MAX_ALERTS_PER_TENANT 1000000

struct loader {
  struct sim_world *w;
  const char *data_dir;
  char *err;
  size_t errlen;
  int64_t now;
};

static int fail(char *err, size_t errlen, const char *where, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, const char *where, const char *fmt,
                ...) {
  int n = snprintf(err, errlen, "%s: ", where);
  va_list ap;
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < errlen)
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

/* Every key of `obj` must be in `allowed` (NULL-terminated). */
static int only_keys(const cJSON *obj, const char *const *allowed,
                     const char *where, char *err, size_t errlen) {
  if (!cJSON_IsObject(obj))
    return fail(err, errlen, where, "expected an object");
  const cJSON *item;
  cJSON_ArrayForEach(item, obj) {
    bool known = false;
    for (size_t i = 0; allowed[i] && !known; i++)
      known = strcmp(item->string, allowed[i]) == 0;
    if (!known)
      return fail(err, errlen, where, "unknown key \"%s\"", item->string);
  }
  return 0;
}

static const cJSON *get(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int get_number(const cJSON *obj, const char *key, double lo, double hi,
                      double *out, const char *where, char *err,
                      size_t errlen) {
  const cJSON *v = get(obj, key);
  if (!v)
    return 0;
  if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
    return fail(err, errlen, where, "\"%s\" must be a number", key);
  if (v->valuedouble < lo || v->valuedouble > hi)
    return fail(err, errlen, where, "\"%s\" must be between %g and %g", key, lo,
                hi);
  *out = v->valuedouble;
  return 0;
}

static int get_int(const cJSON *obj, const char *key, double lo, double hi,
                   int64_t *out, const char *where, char *err, size_t errlen) {
  double d = (double)*out;
  if (get_number(obj, key, lo, hi, &d, where, err, errlen) != 0)
    return -1;
  if (d != floor(d))
    return fail(err, errlen, where, "\"%s\" must be a whole number", key);
  *out = (int64_t)d;
  return 0;
}

static int get_bool(const cJSON *obj, const char *key, bool *out,
                    const char *where, char *err, size_t errlen) {
  const cJSON *v = get(obj, key);
  if (!v)
    return 0;
  if (!cJSON_IsBool(v))
    return fail(err, errlen, where, "\"%s\" must be true or false", key);
  *out = cJSON_IsTrue(v);
  return 0;
}

/* A string member, or NULL when absent; -1 (with error) if not a string. */
static int get_string(const cJSON *obj, const char *key, const char **out,
                      const char *where, char *err, size_t errlen) {
  const cJSON *v = get(obj, key);
  *out = NULL;
  if (!v)
    return 0;
  if (!cJSON_IsString(v))
    return fail(err, errlen, where, "\"%s\" must be a string", key);
  *out = v->valuestring;
  return 0;
}

int sim_expiry_parse(const cJSON *json, const char *where, int64_t now,
                     int64_t *expires, char *err, size_t errlen) {
  const char *iso = NULL;
  int64_t in = 0;
  *expires = 0;
  if (get_string(json, "expires", &iso, where, err, errlen) != 0 ||
      get_int(json, "expires_in", -1e10, 1e10, &in, where, err, errlen) != 0)
    return -1;
  if (iso) {
    int64_t ticks;
    if (sim_parse_iso_ticks(iso, strlen(iso), &ticks) != 0)
      return fail(err, errlen, where,
                  "\"expires\" must be an ISO-8601 UTC time such as "
                  "2027-01-31T00:00:00Z");
    *expires = ticks / TICKS_PER_SECOND;
  } else if (get(json, "expires_in")) {
    *expires = now + in;
    if (*expires == 0)
      *expires = -1; /* 0 means "never" */
  }
  return 0;
}

int sim_settings_parse(struct sim_settings *s, const cJSON *json,
                       const char *where, char *err, size_t errlen) {
  static const char *const keys[] = {"token_lifetime",
                                     "api_calls_per_minute",
                                     "api_calls_per_hour",
                                     "page_size",
                                     "key_grace_seconds",
                                     "assertion_skew_seconds",
                                     "token_skew_seconds",
                                     "accept_ps256",
                                     "access_token_version",
                                     "error_status",
                                     "loop_requests_per_minute",
                                     "loop_lockout_seconds",
                                     "token_reuse",
                                     "forge_tokens",
                                     "next_link_base",
                                     "opaque_tokens",
                                     NULL};
  if (only_keys(json, keys, where, err, errlen) != 0)
    return -1;
  int64_t per_min = s->api_per_minute, per_hour = s->api_per_hour;
  int64_t page = s->page_size, version = s->access_token_version;
  int64_t loop = s->loop_requests;
  if (get_int(json, "token_lifetime", 10, 86400, &s->token_lifetime, where, err,
              errlen) ||
      get_int(json, "api_calls_per_minute", 0, 1e9, &per_min, where, err,
              errlen) ||
      get_int(json, "api_calls_per_hour", 0, 1e9, &per_hour, where, err,
              errlen) ||
      get_int(json, "page_size", 1, 10000, &page, where, err, errlen) ||
      get_int(json, "key_grace_seconds", 0, 1e8, &s->key_grace, where, err,
              errlen) ||
      get_int(json, "assertion_skew_seconds", 0, 86400, &s->assertion_skew,
              where, err, errlen) ||
      get_int(json, "token_skew_seconds", 0, 86400, &s->token_skew, where, err,
              errlen) ||
      get_bool(json, "accept_ps256", &s->accept_ps256, where, err, errlen) ||
      get_bool(json, "token_reuse", &s->token_reuse, where, err, errlen) ||
      get_bool(json, "opaque_tokens", &s->opaque_tokens, where, err, errlen) ||
      get_int(json, "access_token_version", 1, 2, &version, where, err,
              errlen) ||
      get_int(json, "loop_requests_per_minute", 0, 1e9, &loop, where, err,
              errlen) ||
      get_int(json, "loop_lockout_seconds", 0, 86400, &s->loop_lockout, where,
              err, errlen))
    return -1;
  s->loop_requests = (int)loop;
  const cJSON *forge = get(json, "forge_tokens");
  if (forge) {
    int how = cJSON_IsString(forge) ? sim_forge_parse(forge->valuestring) : -1;
    if (how < 0)
      return fail(err, errlen, where,
                  "\"forge_tokens\" is off, alg_none, hs256, unknown_kid, "
                  "other_tid or wrong_aud");
    s->forge_tokens = how;
  }
  const cJSON *nlb = get(json, "next_link_base");
  if (nlb) {
    if (!cJSON_IsString(nlb) ||
        strlen(nlb->valuestring) >= sizeof s->next_link_base)
      return fail(err, errlen, where,
                  "\"next_link_base\" is a string of at most 255 bytes");
    snprintf(s->next_link_base, sizeof s->next_link_base, "%s",
             nlb->valuestring);
  }
  s->api_per_minute = (int)per_min;
  s->api_per_hour = (int)per_hour;
  s->page_size = (long)page;
  s->access_token_version = (int)version;
  const cJSON *es = get(json, "error_status");
  if (es) {
    if (!cJSON_IsObject(es))
      return fail(err, errlen, where,
                  "\"error_status\" must map AADSTS codes to HTTP statuses");
    const cJSON *item;
    s->n_status_overrides = 0;
    cJSON_ArrayForEach(item, es) {
      char *end = NULL;
      long code = strtol(item->string, &end, 10);
      if (*end || code <= 0 || !cJSON_IsNumber(item) ||
          item->valuedouble < 100 || item->valuedouble > 599)
        return fail(err, errlen, where,
                    "error_status: \"%s\" must be an AADSTS code mapped to "
                    "an HTTP status (100-599)",
                    item->string);
      if (s->n_status_overrides == SIM_MAX_STATUS_OVERRIDES)
        return fail(err, errlen, where, "error_status: at most %d entries",
                    SIM_MAX_STATUS_OVERRIDES);
      s->status_overrides[s->n_status_overrides].code = (int)code;
      s->status_overrides[s->n_status_overrides].status = item->valueint;
      s->n_status_overrides++;
    }
  }
  return 0;
}

static char *read_file(const char *path, size_t limit, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 65536;
      buf = sim_xrealloc(buf, cap);
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0 || n > limit)
      break;
  }
  bool bad = ferror(f) || n > limit;
  fclose(f);
  if (bad) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

/* The app's Graph side: its home tenant (checked once tenants are loaded)
 * and the Graph application roles granted to it there. */
static int parse_graph(struct sim_app *app, const cJSON *j, const char *where,
                       char *err, size_t errlen) {
  const char *home = NULL;
  if (get_string(j, "home_tenant", &home, where, err, errlen))
    return -1;
  app->home_tenant = home ? sim_strdup(home) : NULL;
  const cJSON *roles = get(j, "graph_roles"), *r;
  if (roles && !cJSON_IsArray(roles))
    return fail(err, errlen, where, "\"graph_roles\" must be an array");
  const char *names[32];
  size_t n = 0;
  cJSON_ArrayForEach(r, roles) {
    if (!cJSON_IsString(r) || !*r->valuestring || n == 32)
      return fail(err, errlen, where,
                  "\"graph_roles\" holds up to 32 role names (strings)");
    names[n++] = r->valuestring;
  }
  sim_app_set_graph_roles(app, names, n);
  return 0;
}

/* Every app with a home tenant has its service principal there. */
static int link_homes(struct sim_world *w, char *err, size_t errlen) {
  for (size_t i = 0; i < w->n_apps; i++) {
    struct sim_app *app = &w->apps[i];
    if (!app->home_tenant)
      continue;
    struct sim_tenant *t = sim_app_home(w, app);
    char at[64];
    snprintf(at, sizeof at, "apps[%zu]", i);
    if (!t)
      return fail(err, errlen, at,
                  "\"home_tenant\" %.200s is not a tenant of the scenario",
                  app->home_tenant);
    sim_grant_ensure(w, t, i);
  }
  return 0;
}

static int parse_app(struct loader *ld, struct sim_app *app, const cJSON *j,
                     const char *where) {
  static const char *const keys[] = {
      "client_id",    "name",        "disabled",    "secrets",
      "certificates", "home_tenant", "graph_roles", NULL};
  char *err = ld->err;
  size_t errlen = ld->errlen;
  const char *id = NULL, *name = NULL;
  if (only_keys(j, keys, where, err, errlen) ||
      get_string(j, "client_id", &id, where, err, errlen) ||
      get_string(j, "name", &name, where, err, errlen) ||
      get_bool(j, "disabled", &app->disabled, where, err, errlen))
    return -1;
  if (!id || !sim_is_guid(id))
    return fail(err, errlen, where, "\"client_id\" must be a GUID");
  sim_lower_copy(app->id, sizeof app->id, id);
  app->name = sim_strdup(name ? name : "collectd-mde partner app");
  sim_random_guid(app->object_id);
  if (parse_graph(app, j, where, err, errlen) != 0)
    return -1;
  const cJSON *secrets = get(j, "secrets"), *s;
  if (secrets && !cJSON_IsArray(secrets))
    return fail(err, errlen, where, "\"secrets\" must be an array");
  int i = 0;
  cJSON_ArrayForEach(s, secrets) {
    char at[512];
    snprintf(at, sizeof at, "%.300s.secrets[%d]", where, i++);
    static const char *const skeys[] = {"value",  "expires",      "expires_in",
                                        "key_id", "display_name", NULL};
    const char *value = NULL, *key_id = NULL, *display = NULL;
    int64_t expires = 0;
    if (only_keys(s, skeys, at, err, errlen) ||
        get_string(s, "value", &value, at, err, errlen) ||
        get_string(s, "key_id", &key_id, at, err, errlen) ||
        get_string(s, "display_name", &display, at, err, errlen) ||
        sim_expiry_parse(s, at, ld->now, &expires, err, errlen))
      return -1;
    if (!value || !*value)
      return fail(err, errlen, at, "\"value\" must be a non-empty string");
    if (key_id && !sim_is_guid(key_id))
      return fail(err, errlen, at, "\"key_id\" must be a GUID");
    struct sim_secret *sec = sim_app_add_secret(app, value, expires);
    if (key_id)
      sim_lower_copy(sec->key_id, sizeof sec->key_id, key_id);
    sec->display_name = display ? sim_strdup(display) : NULL;
  }
  const cJSON *certs = get(j, "certificates"), *c;
  if (certs && !cJSON_IsArray(certs))
    return fail(err, errlen, where, "\"certificates\" must be an array");
  i = 0;
  cJSON_ArrayForEach(c, certs) {
    char at[512], path[4096];
    snprintf(at, sizeof at, "%.300s.certificates[%d]", where, i++);
    static const char *const ckeys[] = {"file", NULL};
    const char *file = NULL;
    if (only_keys(c, ckeys, at, err, errlen) ||
        get_string(c, "file", &file, at, err, errlen))
      return -1;
    if (!file)
      return fail(err, errlen, at, "\"file\" (a PEM certificate) is required");
    snprintf(path, sizeof path, "%s%s%s", file[0] == '/' ? "" : ld->data_dir,
             file[0] == '/' ? "" : "/", file);
    size_t len = 0;
    char *pem = read_file(path, 1 << 20, &len);
    int rc = pem ? sim_app_add_cert_pem(app, pem, len) : -1;
    free(pem);
    if (rc != 0)
      return fail(err, errlen, at, "cannot read a PEM certificate from %s",
                  path);
  }
  return 0;
}

static int parse_mix(const cJSON *j, const char *key, double *weights, int n,
                     int (*parse)(const char *), const char *where, char *err,
                     size_t errlen) {
  const cJSON *mix = get(j, key), *item;
  if (!mix)
    return 0;
  if (!cJSON_IsObject(mix))
    return fail(err, errlen, where, "\"%s\" must map names to weights", key);
  for (int i = 0; i < n; i++)
    weights[i] = 0;
  cJSON_ArrayForEach(item, mix) {
    int idx = parse(item->string);
    if (idx < 0 || !cJSON_IsNumber(item) || item->valuedouble < 0)
      return fail(err, errlen, where,
                  "%s: \"%s\" is not a known value with a weight >= 0", key,
                  item->string);
    weights[idx] = item->valuedouble;
  }
  return 0;
}

int sim_alert_parse(struct sim_alerts *a, const cJSON *j, const char *where,
                    int64_t now, char *err, size_t errlen) {
  static const char *const keys[] = {"title",   "description", "severity",
                                     "status",  "category",    "assignedTo",
                                     "created", NULL};
  const char *title, *desc, *sev, *st, *cat, *who, *created;
  if (only_keys(j, keys, where, err, errlen) ||
      get_string(j, "title", &title, where, err, errlen) ||
      get_string(j, "description", &desc, where, err, errlen) ||
      get_string(j, "severity", &sev, where, err, errlen) ||
      get_string(j, "status", &st, where, err, errlen) ||
      get_string(j, "category", &cat, where, err, errlen) ||
      get_string(j, "assignedTo", &who, where, err, errlen) ||
      get_string(j, "created", &created, where, err, errlen))
    return -1;
  int severity = sev ? sim_severity_parse(sev) : SEV_MEDIUM;
  int status = st ? sim_status_parse(st) : ST_NEW;
  if (severity < 0)
    return fail(err, errlen, where,
                "\"severity\" must be UnSpecified, Informational, Low, "
                "Medium or High");
  if (status < 0)
    return fail(err, errlen, where,
                "\"status\" must be Unknown, New, InProgress or Resolved");
  int64_t at = now;
  if (created &&
      (sim_parse_iso_ticks(created, strlen(created), &at) != 0 || at > now))
    return fail(err, errlen, where,
                "\"created\" must be an ISO-8601 UTC time, not in the future");
  struct sim_alert *al = sim_alerts_add(a, at);
  al->severity = (uint8_t)severity;
  sim_alert_set_status(al, status, at);
  al->title = title ? sim_strdup(title) : NULL;
  al->description = desc ? sim_strdup(desc) : NULL;
  al->category = cat ? sim_strdup(cat) : NULL;
  al->assigned_to = who ? sim_strdup(who) : NULL;
  return 0;
}

static int parse_alerts(struct loader *ld, struct sim_tenant *t, const cJSON *j,
                        const char *where) {
  static const char *const keys[] = {"count",          "age_days", "seed",
                                     "churn_per_hour", "severity", "status",
                                     "items",          NULL};
  char *err = ld->err;
  size_t errlen = ld->errlen;
  int64_t count = 0, seed = (int64_t)(t->machine_seed & 0x7fffffff);
  double age = 30;
  if (only_keys(j, keys, where, err, errlen) ||
      get_int(j, "count", 0, MAX_ALERTS_PER_TENANT, &count, where, err,
              errlen) ||
      get_number(j, "age_days", 0, 3650, &age, where, err, errlen) ||
      get_int(j, "seed", 0, 9e15, &seed, where, err, errlen) ||
      get_number(j, "churn_per_hour", 0, 1e6, &t->alerts.churn_per_hour, where,
                 err, errlen) ||
      parse_mix(j, "severity", t->alerts.mix.severity, SEV_COUNT,
                sim_severity_parse, where, err, errlen) ||
      parse_mix(j, "status", t->alerts.mix.status, ST_COUNT, sim_status_parse,
                where, err, errlen))
    return -1;
  t->alerts.rng = (uint64_t)seed;
  int64_t now = sim_now_ticks();
  sim_alerts_generate(&t->alerts, (size_t)count, age, now);
  const cJSON *items = get(j, "items"), *item;
  if (items && !cJSON_IsArray(items))
    return fail(err, errlen, where, "\"items\" must be an array");
  int i = 0;
  cJSON_ArrayForEach(item, items) {
    char at[512];
    snprintf(at, sizeof at, "%.300s.items[%d]", where, i++);
    if (sim_alert_parse(&t->alerts, item, at, now, err, errlen) != 0)
      return -1;
  }
  return 0;
}

static int parse_grants(struct loader *ld, struct sim_tenant *t,
                        const cJSON *apps, const char *where) {
  char *err = ld->err;
  size_t errlen = ld->errlen;
  if (!cJSON_IsObject(apps))
    return fail(err, errlen, where,
                "\"apps\" must map client ids to {\"roles\": [...]}");
  const cJSON *g;
  cJSON_ArrayForEach(g, apps) {
    char at[512];
    snprintf(at, sizeof at, "%.300s.apps.%s", where, g->string);
    struct sim_app *app = sim_app_find(ld->w, g->string);
    if (!app)
      return fail(err, errlen, at, "no app with this client_id in \"apps\"");
    static const char *const keys[] = {"roles", "enabled", NULL};
    struct sim_grant *grant =
        sim_grant_ensure(ld->w, t, sim_app_index(ld->w, app));
    if (only_keys(g, keys, at, err, errlen) ||
        get_bool(g, "enabled", &grant->enabled, at, err, errlen))
      return -1;
    const cJSON *roles = get(g, "roles"), *r;
    if (roles && !cJSON_IsArray(roles))
      return fail(err, errlen, at, "\"roles\" must be an array of strings");
    size_t n = 0;
    const char *names[64];
    cJSON_ArrayForEach(r, roles) {
      if (!cJSON_IsString(r) || n == 64)
        return fail(err, errlen, at,
                    "\"roles\" must be at most 64 role names (strings)");
      names[n++] = r->valuestring;
    }
    sim_grant_set_roles(grant, names, n);
  }
  return 0;
}

static void index_name(struct loader *ld, struct sim_tenant *t,
                       const char *name) {
  char key[256];
  sim_lower_copy(key, sizeof key, name);
  strmap_put(&ld->w->tenants_by_name, key, t);
}

/* Fields shared by explicit tenants and tenant_sets templates. */
static int parse_tenant_body(struct loader *ld, struct sim_tenant *t,
                             const cJSON *j, const char *where) {
  char *err = ld->err;
  size_t errlen = ld->errlen;
  const char *cloud = NULL, *region = NULL;
  int64_t machines = 0;
  double score = 30.0 + (double)(t->machine_seed % 4000) / 100.0;
  t->mde = true;
  if (get_string(j, "cloud", &cloud, where, err, errlen) ||
      get_string(j, "region", &region, where, err, errlen) ||
      get_bool(j, "mde", &t->mde, where, err, errlen) ||
      get_int(j, "machines", 0, 1e6, &machines, where, err, errlen) ||
      get_number(j, "exposure_score", 0, 100, &score, where, err, errlen))
    return -1;
  t->cloud = cloud ? sim_cloud_parse(cloud) : SIM_CLOUD_PUBLIC;
  if (t->cloud < 0)
    return fail(err, errlen, where,
                "\"cloud\" must be public, gcc, gcc-high or dod");
  t->region = region ? sim_strdup(region) : NULL;
  t->machines = (uint32_t)machines;
  t->exposure_score = score;
  sim_machines_init(&t->fleet);
  const cJSON *mix = get(j, "machine_mix");
  char mat[512];
  snprintf(mat, sizeof mat, "%.300s.machine_mix", where);
  if (mix &&
      (only_keys(mix, (const char *const[]){"health", "onboarding", NULL}, mat,
                 err, errlen) ||
       parse_mix(mix, "health", t->fleet.mix.health, MH_COUNT, sim_health_parse,
                 mat, err, errlen) ||
       parse_mix(mix, "onboarding", t->fleet.mix.onboarding, MO_COUNT,
                 sim_onboarding_parse, mat, err, errlen)))
    return -1;
  sim_machines_generate(&t->fleet, t->machines, t->machine_seed);
  sim_alerts_init(&t->alerts, t->machine_seed, sim_now_ticks());
  const cJSON *apps = get(j, "apps");
  if (apps && parse_grants(ld, t, apps, where) != 0)
    return -1;
  const cJSON *alerts = get(j, "alerts");
  if (alerts) {
    char at[512];
    snprintf(at, sizeof at, "%.300s.alerts", where);
    if (parse_alerts(ld, t, alerts, at) != 0)
      return -1;
  }
  return 0;
}

static const char *const tenant_body_keys[] = {
    "cloud",          "region", "mde",    "machines",
    "exposure_score", "apps",   "alerts", "machine_mix"};
#define N_BODY_KEYS (sizeof tenant_body_keys / sizeof tenant_body_keys[0])

static int parse_tenant(struct loader *ld, struct sim_tenant *t, const cJSON *j,
                        const char *where) {
  const char *keys[N_BODY_KEYS + 4] = {"id", "name", "domains"};
  memcpy(keys + 3, tenant_body_keys, sizeof tenant_body_keys);
  char *err = ld->err;
  size_t errlen = ld->errlen;
  const char *id = NULL, *name = NULL;
  if (only_keys(j, keys, where, err, errlen) ||
      get_string(j, "id", &id, where, err, errlen) ||
      get_string(j, "name", &name, where, err, errlen))
    return -1;
  if (!id || !sim_is_guid(id))
    return fail(err, errlen, where, "\"id\" must be a GUID");
  sim_lower_copy(t->id, sizeof t->id, id);
  if (sim_tenant_find(ld->w, t->id))
    return fail(err, errlen, where, "tenant %s is defined twice", t->id);
  t->name = sim_strdup(name ? name : t->id);
  const cJSON *domains = get(j, "domains"), *d;
  if (domains && !cJSON_IsArray(domains))
    return fail(err, errlen, where, "\"domains\" must be an array");
  t->domains =
      sim_xcalloc((size_t)cJSON_GetArraySize(domains) + 1, sizeof *t->domains);
  cJSON_ArrayForEach(d, domains) {
    if (!cJSON_IsString(d) || !sim_is_dns_name(d->valuestring) ||
        sim_is_guid(d->valuestring))
      return fail(err, errlen, where, "\"domains\" must hold DNS names");
    if (sim_tenant_find(ld->w, d->valuestring))
      return fail(err, errlen, where, "domain %s belongs to two tenants",
                  d->valuestring);
    t->domains[t->n_domains++] = sim_strdup(d->valuestring);
  }
  uint64_t s = 0;
  for (const char *p = t->id; *p; p++)
    s = s * 131 + (unsigned char)*p;
  t->machine_seed = s;
  if (parse_tenant_body(ld, t, j, where) != 0)
    return -1;
  index_name(ld, t, t->id);
  for (size_t i = 0; i < t->n_domains; i++)
    index_name(ld, t, t->domains[i]);
  return 0;
}

static int parse_tenant_set(struct loader *ld, const cJSON *j,
                            const char *where, size_t *next) {
  static const char *const keys[] = {"count", "seed", "name_prefix", "template",
                                     NULL};
  char *err = ld->err;
  size_t errlen = ld->errlen;
  int64_t count = 0, seed = 1;
  const char *prefix = NULL;
  if (only_keys(j, keys, where, err, errlen) ||
      get_int(j, "count", 0, MAX_TENANTS, &count, where, err, errlen) ||
      get_int(j, "seed", 0, 9e15, &seed, where, err, errlen) ||
      get_string(j, "name_prefix", &prefix, where, err, errlen))
    return -1;
  const cJSON *tpl = get(j, "template");
  char at[512];
  snprintf(at, sizeof at, "%.300s.template", where);
  if (tpl &&
      only_keys(tpl,
                (const char *const[]){"cloud", "region", "mde", "machines",
                                      "exposure_score", "apps", "alerts",
                                      "machine_mix", NULL},
                at, err, errlen))
    return -1;
  uint64_t rng = (uint64_t)seed;
  for (int64_t i = 0; i < count; i++) {
    struct sim_tenant *t = &ld->w->tenants[(*next)++];
    t->index = (size_t)(t - ld->w->tenants);
    sim_seeded_guid(&rng, t->id);
    char name[128], domain[160];
    snprintf(name, sizeof name, "%s%lld", prefix ? prefix : "tenant",
             (long long)i);
    snprintf(domain, sizeof domain, "%s.onmicrosoft.com", name);
    if (sim_tenant_find(ld->w, t->id) || sim_tenant_find(ld->w, domain))
      return fail(err, errlen, where, "generated tenant %s clashes", name);
    t->name = sim_strdup(name);
    t->domains = sim_xcalloc(1, sizeof *t->domains);
    t->domains[t->n_domains++] = sim_strdup(domain);
    t->machine_seed = sim_rng_next(&rng);
    if (tpl && parse_tenant_body(ld, t, tpl, at) != 0)
      return -1;
    if (!tpl)
      sim_alerts_init(&t->alerts, t->machine_seed, sim_now_ticks());
    if (!tpl)
      t->mde = true;
    index_name(ld, t, t->id);
    index_name(ld, t, domain);
  }
  return 0;
}

int sim_fault_parse(struct sim_world *w, const cJSON *j, const char *where,
                    struct sim_fault *f, char *err, size_t errlen) {
  static const char *const keys[] = {
      "endpoint",     "tenant",      "latency_ms", "jitter_ms", "status",
      "probability",  "retry_after", "reset",      "truncate",  "malformed",
      "slow_body_ms", "after_s",     "duration_s", "endless",   "headers",
      "aadsts",       "error",       NULL};
  *f = (struct sim_fault){.tenant = -1, .probability = 1.0};
  if (only_keys(j, keys, where, err, errlen) != 0)
    return -1;
  const cJSON *ep = get(j, "endpoint"), *e;
  if (cJSON_IsString(ep)) {
    f->endpoints = sim_endpoint_mask(ep->valuestring);
  } else if (cJSON_IsArray(ep)) {
    cJSON_ArrayForEach(e, ep) {
      unsigned m = cJSON_IsString(e) ? sim_endpoint_mask(e->valuestring) : 0;
      if (!m) {
        f->endpoints = 0;
        break;
      }
      f->endpoints |= m;
    }
  }
  if (!f->endpoints)
    return fail(err, errlen, where,
                "\"endpoint\" must name endpoints: token_v1, token_v2, "
                "discovery, keys, alerts, machines, score, or the groups "
                "token, login, api, *");
  const char *tenant = NULL, *error = NULL;
  int64_t lat = 0, jit = 0, st = 0, ra = 0, slow = 0, after = 0, dur = 0;
  int64_t hdrs = 0, code = 0;
  if (get_string(j, "tenant", &tenant, where, err, errlen) ||
      get_int(j, "latency_ms", 0, 600000, &lat, where, err, errlen) ||
      get_int(j, "jitter_ms", 0, 600000, &jit, where, err, errlen) ||
      get_int(j, "status", 0, 599, &st, where, err, errlen) ||
      get_number(j, "probability", 0, 1, &f->probability, where, err, errlen) ||
      get_int(j, "retry_after", 0, 86400, &ra, where, err, errlen) ||
      get_number(j, "reset", 0, 1, &f->reset, where, err, errlen) ||
      get_number(j, "truncate", 0, 1, &f->truncate, where, err, errlen) ||
      get_number(j, "malformed", 0, 1, &f->malformed, where, err, errlen) ||
      get_int(j, "slow_body_ms", 0, 60000, &slow, where, err, errlen) ||
      get_int(j, "after_s", 0, 1e8, &after, where, err, errlen) ||
      get_number(j, "endless", 0, 1, &f->endless, where, err, errlen) ||
      get_int(j, "headers", 0, 100000, &hdrs, where, err, errlen) ||
      get_int(j, "duration_s", 0, 1e8, &dur, where, err, errlen) ||
      get_int(j, "aadsts", 1, 999999999, &code, where, err, errlen) ||
      get_string(j, "error", &error, where, err, errlen))
    return -1;
  if (error && (!*error || strlen(error) >= sizeof f->error ||
                strspn(error, "abcdefghijklmnopqrstuvwxyz_") != strlen(error)))
    return fail(err, errlen, where,
                "\"error\" is an OAuth error such as invalid_client: "
                "lowercase letters and '_', under 40");
  if ((code || error) && st < 400)
    return fail(err, errlen, where,
                "\"aadsts\" and \"error\" go with a \"status\" >= 400");
  f->aadsts = (int)code;
  if (error)
    snprintf(f->error, sizeof f->error, "%s", error);
  if (st && st < 200)
    return fail(err, errlen, where, "\"status\" must be an HTTP status >= 200");
  if (tenant) {
    struct sim_tenant *t = sim_tenant_find(w, tenant);
    if (!t)
      return fail(err, errlen, where, "\"tenant\" %s is not in the scenario",
                  tenant);
    f->tenant = (int)t->index;
  }
  f->latency_ms = (int)lat;
  f->jitter_ms = (int)jit;
  f->status = (int)st;
  f->retry_after = (int)ra;
  f->slow_body_ms = (int)slow;
  f->headers = (int)hdrs;
  f->from = sim_now() + after;
  f->until = dur ? f->from + dur : 0;
  return 0;
}

static size_t count_tenants(const cJSON *root) {
  size_t n = (size_t)cJSON_GetArraySize(get(root, "tenants"));
  const cJSON *set;
  cJSON_ArrayForEach(set, get(root, "tenant_sets")) {
    const cJSON *c = get(set, "count");
    if (cJSON_IsNumber(c) && c->valuedouble > 0 &&
        c->valuedouble <= MAX_TENANTS)
      n += (size_t)c->valuedouble;
  }
  return n;
}

int sim_scenario_parse(struct sim_world *w, const char *text,
                       const char *data_dir, char *err, size_t errlen) {
  struct loader ld = {w, data_dir ? data_dir : ".", err, errlen, sim_now()};
  cJSON *root = cJSON_Parse(text);
  int rc = -1;
  if (!root) {
    const char *at = cJSON_GetErrorPtr();
    fail(err, errlen, "scenario", "not valid JSON (near byte %ld)",
         at ? (long)(at - text) : 0L);
    goto out;
  }
  static const char *const keys[] = {"description", "settings",    "apps",
                                     "tenants",     "tenant_sets", "faults",
                                     NULL};
  if (only_keys(root, keys, "scenario", err, errlen) != 0)
    goto out;
  const cJSON *settings = get(root, "settings");
  if (settings &&
      sim_settings_parse(&w->settings, settings, "settings", err, errlen) != 0)
    goto out;
  const cJSON *apps = get(root, "apps"), *a;
  if (!cJSON_IsArray(apps) || cJSON_GetArraySize(apps) == 0) {
    fail(err, errlen, "apps", "at least one app is required");
    goto out;
  }
  w->apps = sim_xcalloc((size_t)cJSON_GetArraySize(apps), sizeof *w->apps);
  cJSON_ArrayForEach(a, apps) {
    char at[64];
    snprintf(at, sizeof at, "apps[%zu]", w->n_apps);
    struct sim_app *app = &w->apps[w->n_apps++];
    if (parse_app(&ld, app, a, at) != 0)
      goto out;
    if (strmap_put(&w->apps_by_id, app->id, app)) {
      fail(err, errlen, at, "client_id %s is defined twice", app->id);
      goto out;
    }
  }
  const cJSON *tenants = get(root, "tenants"), *sets = get(root, "tenant_sets");
  if ((tenants && !cJSON_IsArray(tenants)) || (sets && !cJSON_IsArray(sets))) {
    fail(err, errlen, "scenario", "\"tenants\" and \"tenant_sets\" are arrays");
    goto out;
  }
  size_t total = count_tenants(root);
  if (total > MAX_TENANTS) {
    fail(err, errlen, "scenario", "more than %d tenants", MAX_TENANTS);
    goto out;
  }
  w->tenants = sim_xcalloc(total, sizeof *w->tenants);
  const cJSON *t;
  cJSON_ArrayForEach(t, tenants) {
    char at[64];
    snprintf(at, sizeof at, "tenants[%zu]", w->n_tenants);
    struct sim_tenant *tenant = &w->tenants[w->n_tenants];
    tenant->index = w->n_tenants++;
    if (parse_tenant(&ld, tenant, t, at) != 0)
      goto out;
  }
  size_t i = 0;
  cJSON_ArrayForEach(t, sets) {
    char at[64];
    snprintf(at, sizeof at, "tenant_sets[%zu]", i++);
    size_t next = w->n_tenants;
    int src = parse_tenant_set(&ld, t, at, &next);
    w->n_tenants = next;
    if (src != 0)
      goto out;
  }
  if (link_homes(w, err, errlen) != 0)
    goto out;
  const cJSON *faults = get(root, "faults"), *f;
  if (faults && !cJSON_IsArray(faults)) {
    fail(err, errlen, "faults", "must be an array");
    goto out;
  }
  w->faults =
      sim_xcalloc((size_t)cJSON_GetArraySize(faults) + 1, sizeof *w->faults);
  cJSON_ArrayForEach(f, faults) {
    char at[64];
    snprintf(at, sizeof at, "faults[%zu]", w->n_faults);
    if (sim_fault_parse(w, f, at, &w->faults[w->n_faults], err, errlen) != 0)
      goto out;
    w->n_faults++;
  }
  rc = 0;
out:
  cJSON_Delete(root);
  return rc;
}

int sim_scenario_load(struct sim_world *w, const char *path,
                      const char *data_dir, char *err, size_t errlen) {
  char *text = read_file(path, 256u << 20, NULL);
  if (!text)
    return fail(err, errlen, path, "cannot read the scenario file");
  int n = snprintf(err, errlen, "%s: ", path);
  int rc = sim_scenario_parse(w, text, data_dir, err + n, errlen - (size_t)n);
  free(text);
  return rc;
}
