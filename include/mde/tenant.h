/* SPDX-License-Identifier: MIT */
/* One customer tenant as configured: who it is (tenant GUID or verified
 * domain), which partner app acts on it (client id and credential), where
 * (cloud, or explicit endpoints), what it must be allowed to do (required
 * app roles) and how often to check. The front ends fill this from their
 * own configuration (defaults set once, overridden per tenant); the engine
 * copies what it needs, so the strings need not outlive mde_engine_add. */
#ifndef MDE_TENANT_H
#define MDE_TENANT_H

#include <stddef.h>
#include <time.h>

#define MDE_DEFAULT_CREDENTIAL_CHECK 900 /* seconds */
#define MDE_DEFAULT_ALERTS_INTERVAL 300
#define MDE_DEFAULT_REFRESH_MARGIN 300
#define MDE_DEFAULT_BACKOFF_CAP 1800
#define MDE_DEFAULT_FULL_RESYNC 86400
#define MDE_DEFAULT_ALERTS_OVERLAP 300
#define MDE_DEFAULT_CREDENTIAL_WARNING (30 * 86400)
#define MDE_DEFAULT_MACHINES_INTERVAL 900

struct mde_tenant_config {
  const char *name;      /* display name: the collectd plugin instance */
  const char *tenant;    /* tenant GUID or verified domain */
  const char *client_id; /* the partner app's application (client) id */

  /* Exactly one credential: */
  const char *secret_file; /* client secret in a file (mode 0600) */
  const char *secret_env;  /* client secret in an environment variable */
  const char *cert_file;   /* certificate (PEM) ... */
  const char *key_file;    /* ... and its key (PEM; NULL: in cert_file) */
  const char *pkcs12_file; /* or both in PKCS#12 */
  const char *key_passphrase_env; /* decrypts the key / PKCS#12 if set */
  int assertion_ps256;            /* PS256 + x5t#S256 instead of RS256 */
  time_t secret_expires;          /* a secret's known expiry (0: unknown) */

  const char *cloud;          /* public | gcc | gcc-high | dod; NULL: public */
  const char *login_endpoint; /* overrides the cloud's login host */
  const char *api_endpoint;   /* overrides the cloud's API base URL,
                                 e.g. a regional host */
  const char *resource;       /* overrides what tokens are requested for */
  int token_version;          /* 1 (resource=) or 2 (scope=); 0: 2 */

  const char *const *required_roles; /* e.g. "Alert.Read.All" */
  size_t n_required_roles;
  int fetch_alerts; /* poll alerts (needs Alert.Read.All); default 1 */
  int probe_roles;  /* call a cheap endpoint per known role; default 1 */

  /* seconds; 0: the defaults above */
  long credential_check_interval;
  long alerts_interval;
  long refresh_margin;
  long backoff_cap;
  long full_resync_interval;

  /* Credential expiry from Microsoft Graph (spec D.4): the partner's home
   * tenant (GUID or domain; NULL: not read), the Graph host (scheme and
   * host only; NULL: the cloud's), the keyId of the configured secret
   * when several share its first three characters, and the days before
   * expiry an app credential counts as expiring (0: 30). */
  const char *home_tenant;
  const char *graph_endpoint;
  const char *secret_key_id;
  long credential_warning; /* seconds */
  /* Sensor health: sync /api/machines (and read the exposure score when
   * the token has Score.Read.All) every machines_interval seconds (0:
   * MDE_DEFAULT_MACHINES_INTERVAL). fetch_machines: -1 (default) when the
   * token has Machine.Read.All or Machine.ReadWrite.All, 1 always, 0
   * never (no exposure score either). */
  int fetch_machines;
  long machines_interval;
};

/* Sets every field to its default (credentials and identity left NULL). */
void mde_tenant_config_defaults(struct mde_tenant_config *c);

#endif
