/* SPDX-License-Identifier: MIT */
/* World lifecycle, lookups and consent changes (see world.h). */
#include "world.h"

#include "util.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const sim_cloud_names[SIM_CLOUD_COUNT] = {"public", "gcc",
                                                      "gcc-high", "dod"};

int sim_cloud_parse(const char *name) {
  for (int i = 0; i < SIM_CLOUD_COUNT; i++)
    if (strcasecmp(name, sim_cloud_names[i]) == 0)
      return i;
  return -1;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

unsigned sim_host_clouds(const char *host) {
  char name[256];
  sim_lower_copy(name, sizeof name, host ? host : "");
  char *colon = strrchr(name, ':');
  if (colon && !strchr(name, ']')) /* strip a port, not an IPv6 address */
    *colon = '\0';
  const unsigned gov = 1u << SIM_CLOUD_GCC_HIGH | 1u << SIM_CLOUD_DOD;
  if (strcmp(name, "login.microsoftonline.us") == 0 ||
      strncmp(name, "api-gov.", 8) == 0)
    return gov;
  if (strncmp(name, "api-gcc.", 8) == 0)
    return 1u << SIM_CLOUD_GCC;
  if (strcmp(name, "login.microsoftonline.com") == 0 ||
      strcmp(name, "login.windows.net") == 0)
    return 1u << SIM_CLOUD_PUBLIC | 1u << SIM_CLOUD_GCC;
  if (ends_with(name, ".securitycenter.microsoft.com") ||
      ends_with(name, ".security.microsoft.com") ||
      strcmp(name, "api.security.microsoft.com") == 0)
    return 1u << SIM_CLOUD_PUBLIC;
  return (1u << SIM_CLOUD_COUNT) - 1;
}

#define ALL_CLOUDS ((1u << SIM_CLOUD_COUNT) - 1)
#define GOV_CLOUDS (1u << SIM_CLOUD_GCC_HIGH | 1u << SIM_CLOUD_DOD)

static const struct sim_resource resources[] = {
    {"https://api.securitycenter.microsoft.com", 1u << SIM_CLOUD_PUBLIC, true},
    {"https://securitycenter.onmicrosoft.com/windowsatpservice", ALL_CLOUDS,
     true},
    {"https://api-gcc.securitycenter.microsoft.us", 1u << SIM_CLOUD_GCC, true},
    {"https://api-gov.securitycenter.microsoft.us", GOV_CLOUDS, true},
    /* not Defender: a token for it is valid, and useless at the API */
    {"https://graph.microsoft.com", ALL_CLOUDS, false},
};

const struct sim_resource *sim_resource_find(const char *uri, size_t len) {
  if (len > 0 && uri[len - 1] == '/')
    len--;
  for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
    if (strlen(resources[i].uri) == len &&
        strncasecmp(resources[i].uri, uri, len) == 0)
      return &resources[i];
  return NULL;
}

bool sim_host_region(const char *host, char *out, size_t n) {
  char name[256];
  sim_lower_copy(name, sizeof name, host ? host : "");
  const char *dot = strchr(name, '.');
  if (!dot || dot - name > 16)
    return false;
  size_t len = (size_t)(dot - name);
  if (strncmp(name, "api-", 4) == 0 &&
      strncmp(dot, ".securitycenter.microsoft.", 26) == 0 && len > 4 &&
      strncmp(name, "api-gcc", len) != 0 &&
      strncmp(name, "api-gov", len) != 0) {
    snprintf(out, n, "%.*s", (int)(len - 4), name + 4);
    return true;
  }
  if (strncmp(dot, ".api.security.microsoft.com", 27) == 0) {
    snprintf(out, n, "%.*s", (int)len, name);
    return true;
  }
  return false;
}

void sim_settings_defaults(struct sim_settings *s) {
  *s = (struct sim_settings){
      .token_lifetime = 3599,
      .api_per_minute = 100,
      .api_per_hour = 1500,
      .page_size = 10000,
      .key_grace = 86400,
      .assertion_skew = 300,
      .token_skew = 300,
      .accept_ps256 = true,
      .token_reuse = true,
      .loop_lockout = 120,
      .access_token_version = 1,
  };
}

int sim_world_init(struct sim_world *w) {
  *w = (struct sim_world){0};
  sim_settings_defaults(&w->settings);
  pthread_mutex_init(&w->lock, NULL);
  strmap_init(&w->apps_by_id);
  strmap_init(&w->tenants_by_name);
  sim_stats_init(&w->stats);
  w->rng = (uint64_t)sim_now_ticks();
  return sim_keys_init(&w->keys);
}

static void free_grant(struct sim_grant *g) {
  for (size_t i = 0; i < g->n_roles; i++)
    free(g->roles[i]);
  free(g->roles);
  free(g->cache.token);
  free(g->cache.resource);
  free(g->token_rate);
}

static void free_tenant(struct sim_tenant *t, size_t n_apps) {
  free(t->name);
  for (size_t i = 0; i < t->n_domains; i++)
    free(t->domains[i]);
  free(t->domains);
  free(t->region);
  for (size_t i = 0; i < t->n_grants; i++)
    free_grant(&t->grants[i]);
  free(t->grants);
  sim_alerts_free(&t->alerts);
  sim_machines_free(&t->fleet);
  if (t->rates)
    for (size_t i = 0; i < n_apps; i++)
      free(t->rates[i]);
  free(t->rates);
}

static void free_app(struct sim_app *a) {
  free(a->name);
  for (size_t i = 0; i < a->n_secrets; i++) {
    OPENSSL_cleanse(a->secrets[i].value, strlen(a->secrets[i].value));
    free(a->secrets[i].value);
    free(a->secrets[i].display_name);
  }
  free(a->secrets);
  free(a->home_tenant);
  for (size_t i = 0; i < a->n_graph_roles; i++)
    free(a->graph_roles[i]);
  free(a->graph_roles);
  for (size_t i = 0; i < a->n_certs; i++)
    X509_free(a->certs[i].x509);
  free(a->certs);
}

void sim_world_free(struct sim_world *w) {
  for (size_t i = 0; i < w->n_tenants; i++)
    free_tenant(&w->tenants[i], w->n_apps);
  free(w->tenants);
  for (size_t i = 0; i < w->n_apps; i++)
    free_app(&w->apps[i]);
  free(w->apps);
  strmap_free(&w->apps_by_id);
  strmap_free(&w->tenants_by_name);
  sim_keys_free(&w->keys);
  free(w->faults);
  sim_stats_free(&w->stats);
  pthread_mutex_destroy(&w->lock);
}

struct sim_tenant *sim_tenant_find(struct sim_world *w, const char *name) {
  char key[256];
  if (!sim_lower_copy(key, sizeof key, name))
    return NULL;
  return strmap_get(&w->tenants_by_name, key);
}

struct sim_app *sim_app_find(struct sim_world *w, const char *client_id) {
  char key[64];
  if (!sim_lower_copy(key, sizeof key, client_id))
    return NULL;
  return strmap_get(&w->apps_by_id, key);
}

size_t sim_app_index(const struct sim_world *w, const struct sim_app *app) {
  return (size_t)(app - w->apps);
}

struct sim_grant *sim_grant_find(struct sim_tenant *t, size_t app) {
  for (size_t i = 0; i < t->n_grants; i++)
    if (t->grants[i].app == app)
      return &t->grants[i];
  return NULL;
}

struct sim_grant *sim_grant_ensure(struct sim_world *w, struct sim_tenant *t,
                                   size_t app) {
  struct sim_grant *g = sim_grant_find(t, app);
  if (g)
    return g;
  t->grants = sim_xrealloc(t->grants, (t->n_grants + 1) * sizeof *t->grants);
  g = &t->grants[t->n_grants++];
  *g = (struct sim_grant){.app = app, .enabled = true};
  sim_seeded_guid(&w->rng, g->oid);
  w->gen++;
  return g;
}

void sim_grant_set_roles(struct sim_grant *g, const char *const *roles,
                         size_t n) {
  /* tokens carry roles: a cached one is stale now */
  free(g->cache.token);
  free(g->cache.resource);
  g->cache = (struct sim_token_cache){0};
  for (size_t i = 0; i < g->n_roles; i++)
    free(g->roles[i]);
  free(g->roles);
  g->roles = n ? sim_xcalloc(n, sizeof *g->roles) : NULL;
  g->n_roles = n;
  for (size_t i = 0; i < n; i++)
    g->roles[i] = sim_strdup(roles[i]);
}

void sim_grant_revoke(struct sim_tenant *t, size_t app) {
  struct sim_grant *g = sim_grant_find(t, app);
  if (!g)
    return;
  size_t i = (size_t)(g - t->grants);
  free_grant(g);
  if (i != --t->n_grants)
    t->grants[i] = t->grants[t->n_grants];
}

bool sim_grant_has_role(const struct sim_grant *g, const char *role) {
  for (size_t i = 0; i < g->n_roles; i++)
    if (strcmp(g->roles[i], role) == 0)
      return true;
  return false;
}

int sim_status_for(const struct sim_world *w, int code, int fallback) {
  for (int i = 0; i < w->settings.n_status_overrides; i++)
    if (w->settings.status_overrides[i].code == code)
      return w->settings.status_overrides[i].status;
  return fallback;
}

const char *sim_tenant_domain(const struct sim_tenant *t) {
  return t->n_domains ? t->domains[0] : t->name;
}

struct sim_alert_ctx sim_tenant_alert_ctx(const struct sim_tenant *t) {
  return (struct sim_alert_ctx){.tenant_id = t->id,
                                .domain = sim_tenant_domain(t),
                                .machine_seed = t->machine_seed};
}

int sim_app_add_cert_pem(struct sim_app *app, const char *pem, size_t len) {
  BIO *bio = BIO_new_mem_buf(pem, (int)len);
  X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
  BIO_free(bio);
  if (!x)
    return -1;
  app->certs =
      sim_xrealloc(app->certs, (app->n_certs + 1) * sizeof *app->certs);
  struct sim_cert *c = &app->certs[app->n_certs++];
  *c = (struct sim_cert){.x509 = x};
  sim_random_guid(c->key_id);
  unsigned int n = 0;
  X509_digest(x, EVP_sha1(), c->sha1, &n);
  X509_digest(x, EVP_sha256(), c->sha256, &n);
  return 0;
}

struct sim_secret *sim_app_add_secret(struct sim_app *app, const char *value,
                                      int64_t expires) {
  app->secrets =
      sim_xrealloc(app->secrets, (app->n_secrets + 1) * sizeof *app->secrets);
  struct sim_secret *s = &app->secrets[app->n_secrets++];
  *s = (struct sim_secret){
      .value = sim_strdup(value), .expires = expires, .created = sim_now()};
  sim_random_guid(s->key_id);
  return s;
}

void sim_app_set_graph_roles(struct sim_app *app, const char *const *roles,
                             size_t n) {
  for (size_t i = 0; i < app->n_graph_roles; i++)
    free(app->graph_roles[i]);
  free(app->graph_roles);
  app->graph_roles = n ? sim_xcalloc(n, sizeof *app->graph_roles) : NULL;
  for (size_t i = 0; i < n; i++)
    app->graph_roles[i] = sim_strdup(roles[i]);
  app->n_graph_roles = n;
}

bool sim_app_has_graph_role(const struct sim_app *app, const char *role) {
  for (size_t i = 0; i < app->n_graph_roles; i++)
    if (strcmp(app->graph_roles[i], role) == 0)
      return true;
  return false;
}

struct sim_tenant *sim_app_home(struct sim_world *w,
                                const struct sim_app *app) {
  return app->home_tenant ? sim_tenant_find(w, app->home_tenant) : NULL;
}
