/* SPDX-License-Identifier: MIT */
/* The simulated world: partner apps (secrets, certificates), customer
 * tenants (domains, cloud, which apps they consented to with which roles,
 * alerts, machines), Entra's signing keys, active faults and what clients
 * did. One mutex guards it all: handlers hold it briefly to read or change
 * state, and do the expensive parts (RSA, TLS, sleeping) outside it. */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include "alerts.h"
#include "faults.h"
#include "keys.h"
#include "machines.h"
#include "ratelimit.h"
#include "stats.h"
#include "strmap.h"

#include <openssl/x509.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sim_cloud {
  SIM_CLOUD_PUBLIC,
  SIM_CLOUD_GCC,
  SIM_CLOUD_GCC_HIGH,
  SIM_CLOUD_DOD,
  SIM_CLOUD_COUNT
};
extern const char *const sim_cloud_names[SIM_CLOUD_COUNT];
int sim_cloud_parse(const char *name);
/* Clouds a host name serves, as a bitmask of (1u << cloud); every cloud
 * for hosts that are not Microsoft's (localhost, 127.0.0.1). */
unsigned sim_host_clouds(const char *host);
/* The region of a regional Defender API host ("eu" for
 * api-eu.securitycenter.microsoft.com and eu.api.security.microsoft.com),
 * written to `out`; false for global and non-Microsoft hosts. */
bool sim_host_region(const char *host, char *out, size_t n);

/* Resources (App ID URIs) a token can be requested for. */
struct sim_resource {
  const char *uri;
  unsigned clouds; /* bitmask of (1u << cloud) where it exists */
  bool mde;        /* the Defender for Endpoint API */
};
/* Exact match, tolerating one trailing '/'; NULL if unknown. */
const struct sim_resource *sim_resource_find(const char *uri, size_t len);

struct sim_secret {
  char *value;
  int64_t expires; /* Unix seconds; 0 = never */
  /* What Microsoft Graph shows of it (passwordCredential): the keyId and
   * display name; its hint is the value's first three characters. */
  char key_id[37];
  char *display_name;
  int64_t created; /* startDateTime */
};

struct sim_cert {
  X509 *x509;
  unsigned char sha1[20], sha256[32];
  char key_id[37]; /* Graph's keyCredential keyId */
};

struct sim_app {
  char id[37]; /* client id, lowercase */
  char *name;
  bool disabled; /* accountEnabled=false on the app itself */
  struct sim_secret *secrets;
  size_t n_secrets;
  struct sim_cert *certs;
  size_t n_certs;
  /* Microsoft Graph: the tenant the app is registered in (its service
   * principal there is made at load) and the Graph application roles
   * granted to it there (e.g. Application.Read.All). */
  char *home_tenant;
  char **graph_roles;
  size_t n_graph_roles;
  char object_id[37]; /* the application object's id */
};

/* A token issued recently, reused for identical requests in the same
 * second: the claims would be byte-identical, so is the RS256 signature. */
struct sim_token_cache {
  char *token;
  int64_t iat;
  uint64_t gen;
  int acr;
  char *resource; /* as requested: it becomes the aud claim */
};

/* An app's service principal in a tenant: exists = consented. */
struct sim_grant {
  size_t app;
  bool enabled;
  char **roles;
  size_t n_roles;
  char oid[37];
  struct sim_token_cache cache;
  struct sim_rate *token_rate; /* loop detection, when enabled */
  int64_t loop_until;          /* locked out until (Unix seconds) */
};

struct sim_tenant {
  size_t index;
  char id[37];
  char *name;
  char **domains;
  size_t n_domains;
  int cloud;
  char *region; /* NULL: not pinned */
  bool mde;     /* Defender for Endpoint provisioned */
  struct sim_grant *grants;
  size_t n_grants;
  struct sim_alerts alerts;
  uint32_t machines;
  double exposure_score;
  uint64_t machine_seed;
  struct sim_machines fleet; /* `machines` devices, their states */
  struct sim_rate **rates;   /* per app index, allocated on first API call */
  struct sim_tenant_stats stats;
};

#define SIM_MAX_STATUS_OVERRIDES 16

#define SIM_NEXT_LINK_BASE 256

struct sim_settings {
  int64_t token_lifetime; /* seconds, default 3599 */
  int api_per_minute;     /* default 100 */
  int api_per_hour;       /* default 1500 */
  long page_size;         /* alerts per page, default 10000 */
  int64_t key_grace;      /* seconds a rotated-out key stays published */
  int64_t assertion_skew; /* seconds of tolerance on nbf/exp */
  int64_t token_skew;     /* seconds of tolerance on bearer exp/nbf */
  bool accept_ps256;      /* PS256 + x5t#S256 assertions */
  bool token_reuse; /* same token for identical requests within a second */
  int forge_tokens; /* enum sim_forge: hand out forged tokens (tests) */
  /* Access tokens handed out as opaque strings (no '.': the JWT's dots as
   * '~'), which the API still accepts: how a client copes with a token it
   * cannot read (Microsoft does not promise JWTs for its own APIs). */
  bool opaque_tokens;
  int loop_requests;        /* AADSTS50196 after this many token requests */
  int64_t loop_lockout;     /* per minute for one app+tenant; then locked */
  int access_token_version; /* 1 (MDE's) or 2 */
  /* Hostile-peer tests: nextLinks start with this instead of the API's own
   * base ("" = off); any text, to see what a client does with it. */
  char next_link_base[SIM_NEXT_LINK_BASE];
  struct {
    int code, status;
  } status_overrides[SIM_MAX_STATUS_OVERRIDES];
  int n_status_overrides;
};

struct sim_world {
  pthread_mutex_t lock;
  struct sim_settings settings;
  struct sim_app *apps;
  size_t n_apps;
  struct strmap apps_by_id;
  struct sim_tenant *tenants;
  size_t n_tenants;
  struct strmap tenants_by_name; /* lowercase GUID and domains */
  struct sim_keys keys;
  struct sim_fault *faults;
  size_t n_faults;
  struct sim_stats stats;
  uint64_t gen; /* bumped by every change that alters issued tokens */
  uint64_t rng;
};

void sim_settings_defaults(struct sim_settings *s);
/* Sets up an empty world with a fresh signing key. Returns 0 or -1. */
int sim_world_init(struct sim_world *w);
void sim_world_free(struct sim_world *w);

/* By GUID or verified domain, case-insensitive; NULL if unknown. */
struct sim_tenant *sim_tenant_find(struct sim_world *w, const char *name);
struct sim_app *sim_app_find(struct sim_world *w, const char *client_id);
size_t sim_app_index(const struct sim_world *w, const struct sim_app *app);
struct sim_grant *sim_grant_find(struct sim_tenant *t, size_t app);
/* Creates the app's service principal in the tenant if missing. */
struct sim_grant *sim_grant_ensure(struct sim_world *w, struct sim_tenant *t,
                                   size_t app);
/* Replaces the granted roles (copied). */
void sim_grant_set_roles(struct sim_grant *g, const char *const *roles,
                         size_t n);
void sim_grant_revoke(struct sim_tenant *t, size_t app);
bool sim_grant_has_role(const struct sim_grant *g, const char *role);

/* The HTTP status the world answers an AADSTS code with. */
int sim_status_for(const struct sim_world *w, int code, int fallback);
/* The tenant's first domain (for DNS names in alerts), or its name. */
const char *sim_tenant_domain(const struct sim_tenant *t);
struct sim_alert_ctx sim_tenant_alert_ctx(const struct sim_tenant *t);

int sim_app_add_cert_pem(struct sim_app *app, const char *pem, size_t len);
/* Adds a secret with a fresh keyId; returns it (to set Graph fields). */
struct sim_secret *sim_app_add_secret(struct sim_app *app, const char *value,
                                      int64_t expires);
/* Replaces the app's Graph roles (copied). */
void sim_app_set_graph_roles(struct sim_app *app, const char *const *roles,
                             size_t n);
/* True if the token for Graph may carry role `role` (one of the app's). */
bool sim_app_has_graph_role(const struct sim_app *app, const char *role);
/* The app's home tenant, NULL if none is set or it is unknown. */
struct sim_tenant *sim_app_home(struct sim_world *w, const struct sim_app *app);

#endif
