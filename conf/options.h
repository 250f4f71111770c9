/* SPDX-License-Identifier: MIT */
/* The <Plugin mde> block: options set once at the top (the partner app,
 * usually shared by every tenant) and <Tenant "name"> blocks that inherit
 * them and may override any. Read from our own item shape (conf_item.h),
 * without collectd's headers, so collectd and check_mde --config read the
 * block alike; every value is checked when read, and every error names the
 * option and the tenant. */
#ifndef MDE_CONF_OPTIONS_H
#define MDE_CONF_OPTIONS_H

#include "conf_item.h"
#include "mde/engine.h"
#include "mde/shard.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

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
  char *home_tenant, *graph_endpoint, *secret_key_id; /* Microsoft Graph */
  int fetch_machines; /* -1: not set (the token's roles decide) */
  int machines_interval;
  unsigned values; /* the Values option (value_groups.h); 0: not set */
};

/* A <Tenant> block the plugin cannot use: skipped, and reported under its
 * name with its failure class while the other tenants run. */
struct skipped_tenant {
  char *name;
  enum mde_failure failure; /* config or credential_unusable */
  char *reason;             /* the logged error, naming the option */
};

struct plugin_options {
  struct tenant_options defaults;
  struct tenant_options *tenants;
  size_t n_tenants;
  struct skipped_tenant *skipped;
  size_t n_skipped;
  char *ca_file, *ca_path, *proxy, *user_agent;
  int timeout, max_connections, jwks_refetch_interval;
  int memory_budget;      /* MiB; 0: the HTTP layer's default */
  char *shard_text;       /* Shard "K/N" as written */
  struct mde_shard shard; /* parsed; n == 0: every tenant */
  /* days before a credential's expiry: WARNING, then FAILURE (0: 30, 7) */
  int credential_warning, credential_critical;
};

/* A tenant name becomes the plugin instance: shorter than collectd's
 * DATA_MAX_NAME_LEN (the plugin asserts the two agree). */
#define OPTIONS_NAME_MAX 128

#define OPTIONS_CREDENTIAL_WARNING_DAYS 30
#define OPTIONS_CREDENTIAL_CRITICAL_DAYS 7

/* Where every error (and every skipped tenant) is reported, besides
 * options_last_error(): the plugin logs it with plugin_log, check_mde
 * prints it with -v. `msg` has no "mde plugin: " prefix. NULL, the
 * default: nowhere. */
typedef void options_log_fn(const char *msg);
void options_set_log(options_log_fn *log);
/* Where hints go: a value that is valid but cannot be kept as written (an
 * AlertsInterval shorter than the tenant's call budget allows), said once,
 * where it is written. For the plugin's log at WARNING; check_mde makes
 * one sync a run, so no interval applies to it and it sets none. NULL, the
 * default: nowhere. */
void options_set_warn(options_log_fn *warn);

/* Parses the block. Returns 0, or -1 after reporting what is wrong. */
int options_parse(const struct conf_item *ci, struct plugin_options *out);
/* As options_parse, but a <Tenant> block with a bad option is skipped
 * (logged, and kept in o->skipped) instead of failing the whole block: one
 * bad tenant must not take collectd down. Returns -1 only when the block
 * itself is unusable (a bad option outside the tenants) or no tenant is. */
int options_parse_skipping(const struct conf_item *ci,
                           struct plugin_options *o);
/* Adds a skipped tenant to o->skipped and logs that it is skipped. Returns
 * 0, or -1 when out of memory. */
int options_skip(struct plugin_options *o, const char *name,
                 enum mde_failure failure, const char *reason);
void options_skipped_free(struct skipped_tenant *s, size_t n);
/* The last error this parser reported ("" if none). */
const char *options_last_error(void);
void options_free(struct plugin_options *o);
/* The tenant named `name`, or NULL. */
const struct tenant_options *options_tenant(const struct plugin_options *o,
                                            const char *name);
/* Keeps the tenants `s` keeps (see mde/shard.h), dropping the others.
 * Returns how many were dropped. */
size_t options_apply_shard(struct plugin_options *o, const struct mde_shard *s);
/* "2027-01-31" or "2027-01-31T12:00:00Z" (UTC) to *out; -1 if neither, or
 * not a real date. Also check_mde's --secret-expires. A past date is a
 * date (the secret has expired); the epoch comes back as 1, never 0. */
int options_parse_date(const char *s, time_t *out);

/* The engine's view of tenant i; points into `o`. Every value was checked
 * when the block was read, so the conversion cannot fail. */
void options_tenant_config(const struct plugin_options *o, size_t i,
                           struct mde_tenant_config *c);
void options_engine(const struct plugin_options *o,
                    struct mde_engine_options *e);

#endif
