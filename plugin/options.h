/* The <Plugin mde> block: options set once at the top (the partner app,
 * usually shared by every tenant) and <Tenant "name"> blocks that inherit
 * them and may override any. Parsed with collectd's own cf_util helpers;
 * every error names the option and the tenant. */
#ifndef MDE_PLUGIN_OPTIONS_H
#define MDE_PLUGIN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "collectd.h"

#include "liboconfig/oconfig.h"

#include "mde/engine.h"

struct tenant_options {
  char *name, *tenant_id;
  char *client_id, *secret_file, *secret_env, *certificate, *key, *pkcs12;
  char *key_passphrase_env, *assertion_algorithm, *secret_expires;
  char *cloud, *login_endpoint, *api_endpoint, *resource, *region;
  int token_version;
  char **roles;
  size_t n_roles;
  int fetch_alerts, probe_roles; /* -1: not set */
  int credential_check_interval, alerts_interval, refresh_margin, backoff_cap,
      full_resync_interval;
  int fetch_machines; /* -1: not set (the token's roles decide) */
  int machines_interval;
};

struct plugin_options {
  struct tenant_options defaults;
  struct tenant_options *tenants;
  size_t n_tenants;
  char *ca_file, *ca_path, *proxy, *user_agent;
  int timeout, max_connections, jwks_refetch_interval;
};

/* Parses the block. Returns 0, or -1 after logging what is wrong. */
int options_parse(const oconfig_item_t *ci, struct plugin_options *out);
void options_free(struct plugin_options *o);
/* "2027-01-31" or "2027-01-31T12:00:00Z" (UTC) to *out; -1 if neither, or
 * not a real date. Also check_mde's --secret-expires. A past date is a
 * date (the secret has expired); the epoch comes back as 1, never 0. */
int options_parse_date(const char *s, time_t *out);

/* The Defender API host of `region` for the tenant named `tenant` (its
 * `cloud` NULL: public) into *api (static). Returns 0, or -1 after logging
 * an unknown region, or a region with another cloud, naming "Region". */
int options_region(const char *tenant, const char *cloud, const char *region,
                   const char **api);

/* The engine's view of tenant i; points into `o` (and `roles`, which must
 * hold o->tenants[i].n_roles pointers). Returns 0, or -1 after logging a
 * value that cannot be converted (a bad expiry date). */
int options_tenant_config(const struct plugin_options *o, size_t i,
                          struct mde_tenant_config *c);
void options_engine(const struct plugin_options *o,
                    struct mde_engine_options *e);

#endif
