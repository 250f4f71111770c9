/* SPDX-License-Identifier: MIT */
/* <Plugin mde> parsing (see options.h). One table lists every option, where
 * it may appear and how it is read, so the README's option table, the
 * parser and its errors cannot drift apart. */
#include "options.h"

#include "mde/budget.h"
#include "mde/cloud.h"
#include "mde/escape.h"
#include "value_groups.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum scope { TOP = 1, TENANT = 2, BOTH = 3 };
/* How a value is read; ALGORITHM, DATE and REGION are strings checked as
 * they are read, so that the error names the option where it is written. */
enum kind {
  STRING,
  INT,
  BOOL,
  ROLES,
  CREDENTIAL,
  ALGORITHM,
  DATE,
  REGION,
  VALUES
};

/* Every error is reported and kept: the plugin reports a skipped tenant
 * with it, and check_mde prints it. */
static char last_error[1024];
static options_log_fn *log_fn, *warn_fn;
#define FAIL(...)                                                              \
  (snprintf(last_error, sizeof last_error, __VA_ARGS__), report(last_error))

static void report(const char *msg) {
  if (log_fn)
    log_fn(msg);
}

void options_set_log(options_log_fn *log) { log_fn = log; }

void options_set_warn(options_log_fn *warn) { warn_fn = warn; }

const char *options_last_error(void) { return last_error; }

#define T(f) offsetof(struct tenant_options, f)
#define G(f) offsetof(struct plugin_options, f)

static const struct option {
  const char *name;
  enum scope scope;
  enum kind kind;
  size_t offset; /* in tenant_options (TENANT/BOTH) or plugin_options (TOP) */
  int min, max;  /* for INT */
} options[] = {
    {"TenantId", TENANT, STRING, T(tenant_id), 0, 0},
    {"ClientId", BOTH, STRING, T(client_id), 0, 0},
    {"ClientSecretFile", BOTH, CREDENTIAL, T(secret_file), 0, 0},
    {"ClientSecretEnv", BOTH, CREDENTIAL, T(secret_env), 0, 0},
    {"ClientCertificate", BOTH, CREDENTIAL, T(certificate), 0, 0},
    {"ClientKey", BOTH, CREDENTIAL, T(key), 0, 0},
    {"ClientPKCS12", BOTH, CREDENTIAL, T(pkcs12), 0, 0},
    {"KeyPassphraseEnv", BOTH, STRING, T(key_passphrase_env), 0, 0},
    {"AssertionAlgorithm", BOTH, ALGORITHM, T(assertion_algorithm), 0, 0},
    {"ClientSecretExpires", BOTH, DATE, T(secret_expires), 0, 0},
    {"Cloud", BOTH, STRING, T(cloud), 0, 0},
    {"LoginEndpoint", BOTH, STRING, T(login_endpoint), 0, 0},
    {"ApiEndpoint", BOTH, STRING, T(api_endpoint), 0, 0},
    {"Region", BOTH, REGION, T(region), 0, 0},
    {"Resource", BOTH, STRING, T(resource), 0, 0},
    {"TokenVersion", BOTH, INT, T(token_version), 1, 2},
    {"RequireRole", BOTH, ROLES, 0, 0, 0},
    {"FetchAlerts", BOTH, BOOL, T(fetch_alerts), 0, 0},
    {"ProbeRoles", BOTH, BOOL, T(probe_roles), 0, 0},
    {"CredentialCheckInterval", BOTH, INT, T(credential_check_interval), 10,
     86400},
    {"AlertsInterval", BOTH, INT, T(alerts_interval), 1, 86400},
    {"RefreshMargin", BOTH, INT, T(refresh_margin), 0, 3000},
    {"BackoffCap", BOTH, INT, T(backoff_cap), 60, 86400},
    {"FullResyncInterval", BOTH, INT, T(full_resync_interval), 60, 604800},
    {"CACert", TOP, STRING, G(ca_file), 0, 0},
    {"CAPath", TOP, STRING, G(ca_path), 0, 0},
    {"Proxy", TOP, STRING, G(proxy), 0, 0},
    {"UserAgent", TOP, STRING, G(user_agent), 0, 0},
    {"Timeout", TOP, INT, G(timeout), 1, 300},
    {"MaxConnections", TOP, INT, G(max_connections), 1, 1024},
    {"MemoryBudget", TOP, INT, G(memory_budget), 8, 65536},
    {"KeyRefetchInterval", TOP, INT, G(jwks_refetch_interval), 1, 86400},
    {"Shard", TOP, STRING, G(shard_text), 0, 0},
    {"HomeTenantId", BOTH, STRING, T(home_tenant), 0, 0},
    {"GraphEndpoint", BOTH, STRING, T(graph_endpoint), 0, 0},
    {"ClientSecretKeyId", BOTH, STRING, T(secret_key_id), 0, 0},
    {"CredentialWarning", TOP, INT, G(credential_warning), 1, 3650},
    {"CredentialCritical", TOP, INT, G(credential_critical), 1, 3650},
    {"FetchMachines", BOTH, BOOL, T(fetch_machines), 0, 0},
    {"MachinesInterval", BOTH, INT, T(machines_interval), 1, 86400},
    {"Values", BOTH, VALUES, T(values), 0, 0},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static const struct option *lookup(const char *key) {
  for (size_t i = 0; i < N_OPTIONS; i++)
    if (strcasecmp(options[i].name, key) == 0)
      return &options[i];
  return NULL;
}

/* Every string a tenant owns, for freeing and for copying. */
static const size_t string_fields[] = {
    T(name),
    T(tenant_id),
    T(client_id),
    T(secret_file),
    T(secret_env),
    T(certificate),
    T(key),
    T(pkcs12),
    T(key_passphrase_env),
    T(assertion_algorithm),
    T(secret_expires),
    T(cloud),
    T(login_endpoint),
    T(api_endpoint),
    T(resource),
    T(region),
    T(home_tenant),
    T(graph_endpoint),
    T(secret_key_id),
};
#define FIELD(t, off) ((char **)((char *)(t) + (off)))

static void tenant_free(struct tenant_options *t) {
  for (size_t i = 0; i < sizeof string_fields / sizeof string_fields[0]; i++) {
    free(*FIELD(t, string_fields[i]));
    *FIELD(t, string_fields[i]) = NULL;
  }
  for (size_t i = 0; i < t->n_roles; i++)
    free(t->roles[i]);
  free(t->roles);
  t->roles = NULL;
  t->n_roles = 0;
}

static int roles_copy(struct tenant_options *to,
                      const struct tenant_options *from) {
  to->roles = from->n_roles ? calloc(from->n_roles, sizeof *to->roles) : NULL;
  to->n_roles = 0;
  for (size_t i = 0; i < from->n_roles; i++) {
    if (!(to->roles[i] = strdup(from->roles[i])))
      return -1;
    to->n_roles++;
  }
  return 0;
}

/* A tenant starts as a copy of the defaults (name and id are its own). */
static int tenant_inherit(struct tenant_options *t,
                          const struct tenant_options *d) {
  *t = *d;
  int rc = 0;
  for (size_t i = 0; i < sizeof string_fields / sizeof string_fields[0]; i++) {
    char **f = FIELD(t, string_fields[i]);
    if (*f && !(*f = strdup(*f)))
      rc = -1;
  }
  return roles_copy(t, d) || rc;
}

static const char *where(const struct tenant_options *t, char *buf, size_t n) {
  if (t && t->name)
    snprintf(buf, n, "<Tenant \"%s\">", t->name);
  else
    snprintf(buf, n, "<Plugin mde>");
  return buf;
}

/* The value of a one-string option, as collectd's cf_util_get_string takes
 * it, or NULL. */
static const char *one_string(const struct conf_item *ci) {
  return ci->values_num == 1 && ci->values[0].type == CONF_STRING
             ? ci->values[0].value.string
             : NULL;
}

/* A boolean, or a string collectd's cf_util_get_boolean takes for one. */
static int one_boolean(const struct conf_item *ci, bool *b) {
  static const char *const truths[] = {"true", "yes", "on"};
  static const char *const lies[] = {"false", "no", "off"};
  if (ci->values_num == 1 && ci->values[0].type == CONF_BOOLEAN) {
    *b = ci->values[0].value.boolean != 0;
    return 0;
  }
  const char *s = one_string(ci);
  for (size_t i = 0; s && i < sizeof truths / sizeof truths[0]; i++) {
    if (strcasecmp(s, truths[i]) == 0 || strcasecmp(s, lies[i]) == 0) {
      *b = strcasecmp(s, truths[i]) == 0;
      return 0;
    }
  }
  return -1;
}

/* Checks a string value of a checked kind where it is read. Returns 0, or
 * -1 after reporting it, named by option and place. */
static int check_string(const struct option *opt, const char *place,
                        const char *v) {
  char safe[256];
  time_t when;
  switch (opt->kind) {
  case ALGORITHM:
    if (strcasecmp(v, "PS256") == 0 || strcasecmp(v, "RS256") == 0)
      return 0;
    FAIL("%s: \"%s\" is RS256 or PS256, not \"%s\"", place, opt->name,
         mde_escape(safe, sizeof safe, v, 0));
    return -1;
  case DATE:
    if (options_parse_date(v, &when) == 0)
      return 0;
    FAIL("%s: \"%s\" is a date such as \"2027-01-31\", not \"%s\"", place,
         opt->name, mde_escape(safe, sizeof safe, v, 0));
    return -1;
  case REGION:
    if (mde_cloud_region_api(v))
      return 0;
    char list[64];
    mde_cloud_region_list(list, sizeof list);
    FAIL("%s: \"%s\" is one of %s, not \"%s\"", place, opt->name, list,
         mde_escape(safe, sizeof safe, v, 0));
    return -1;
  default:
    return 0;
  }
}

/* Valid, but not kept as written: the counts stay current (their freshness
 * is judged against what the budget allows), yet the user should know. */
static void budget_hint(const struct option *opt, const char *place,
                        int seconds) {
  /* The intervals of calls the tenant's budget (mde/budget.h) bounds, and
   * what each polls. */
  static const struct {
    const char *option, *polls;
  } budgeted[] = {{"AlertsInterval", "alerts"},
                  {"MachinesInterval", "devices"}};
  const char *polls = NULL;
  for (size_t i = 0; i < sizeof budgeted / sizeof budgeted[0]; i++)
    if (strcmp(opt->name, budgeted[i].option) == 0)
      polls = budgeted[i].polls;
  if (!polls || !warn_fn || (long)seconds * 1000 >= MDE_BUDGET_SUSTAINED_GAP_MS)
    return;
  char msg[OPTIONS_NAME_MAX + 320];
  snprintf(msg, sizeof msg,
           "%s: \"%s\" %d s cannot be kept: once its burst of calls is "
           "spent, a tenant's %s are polled at most every %d s (its call "
           "budget stays within Microsoft's 100 calls a minute and 1,500 an "
           "hour)",
           place, opt->name, seconds, polls,
           MDE_BUDGET_SUSTAINED_GAP_MS / 1000);
  warn_fn(msg);
}

/* Applies one option. `t` is the tenant being read (NULL at the top). */
static int apply(const struct conf_item *ci, struct plugin_options *o,
                 struct tenant_options *t, bool *credential_set,
                 bool *roles_set) {
  char place[OPTIONS_NAME_MAX + 16];
  const struct option *opt = lookup(ci->key);
  if (!opt) {
    FAIL("%s: unknown option \"%s\"", where(t, place, sizeof place), ci->key);
    return -1;
  }
  if (!(opt->scope & (t ? TENANT : TOP))) {
    FAIL("%s: option \"%s\" belongs %s", where(t, place, sizeof place),
         opt->name,
         opt->scope == TOP ? "at the top of <Plugin mde>"
                           : "inside a <Tenant> block");
    return -1;
  }
  struct tenant_options *target = t ? t : &o->defaults;
  char *base = opt->scope == TOP ? (char *)o : (char *)target;
  if (opt->kind == CREDENTIAL && t && !*credential_set) {
    /* A tenant with its own credential inherits none of the defaults'. */
    *credential_set = true;
    char **cred[] = {&t->secret_file, &t->secret_env, &t->certificate, &t->key,
                     &t->pkcs12};
    for (size_t i = 0; i < sizeof cred / sizeof cred[0]; i++) {
      free(*cred[i]);
      *cred[i] = NULL;
    }
  }
  switch (opt->kind) {
  case STRING:
  case CREDENTIAL:
  case ALGORITHM:
  case DATE:
  case REGION: {
    char **field = (char **)(base + opt->offset);
    const char *v = one_string(ci);
    if (!v) {
      FAIL("%s: \"%s\" takes one string", where(t, place, sizeof place),
           opt->name);
      return -1;
    }
    if (check_string(opt, where(t, place, sizeof place), v) != 0)
      return -1;
    char *copy = strdup(v);
    if (!copy) {
      FAIL("%s: out of memory", where(t, place, sizeof place));
      return -1;
    }
    free(*field);
    *field = copy;
    return 0;
  }
  case INT: {
    int *field = (int *)(base + opt->offset);
    /* The number is checked before collectd casts it: (int)1e30 is
     * undefined (found by fuzzing), and 2.5 is not a whole number. */
    double d = ci->values_num == 1 && ci->values[0].type == CONF_NUMBER
                   ? ci->values[0].value.number
                   : (double)opt->min - 1;
    if (!(d >= opt->min && d <= opt->max) || d != (double)(long)d) {
      FAIL("%s: \"%s\" takes a whole number from %d to %d",
           where(t, place, sizeof place), opt->name, opt->min, opt->max);
      return -1;
    }
    *field = (int)d;
    budget_hint(opt, where(t, place, sizeof place), *field);
    return 0;
  }
  case BOOL: {
    bool b = false;
    if (one_boolean(ci, &b) != 0) {
      FAIL("%s: \"%s\" takes true or false", where(t, place, sizeof place),
           opt->name);
      return -1;
    }
    *(int *)(base + opt->offset) = b;
    return 0;
  }
  case ROLES: {
    const char *v = one_string(ci);
    char *role = v ? strdup(v) : NULL;
    if (!role) {
      FAIL("%s: \"RequireRole\" takes one role name, e.g. "
           "\"Alert.Read.All\"",
           where(t, place, sizeof place));
      return -1;
    }
    if (t && !*roles_set) { /* a tenant's roles replace the defaults' */
      for (size_t i = 0; i < t->n_roles; i++)
        free(t->roles[i]);
      t->n_roles = 0;
    }
    *roles_set = true;
    char **roles =
        realloc(target->roles, (target->n_roles + 1) * sizeof *target->roles);
    if (!roles) {
      free(role);
      FAIL("%s: out of memory", where(t, place, sizeof place));
      return -1;
    }
    target->roles = roles;
    target->roles[target->n_roles++] = role;
    return 0;
  }
  case VALUES: { /* plugin/value_groups.c */
    char err[512];
    if (value_groups_option(ci, (unsigned *)(base + opt->offset), err,
                            sizeof err) != 0) {
      FAIL("%s: %s", where(t, place, sizeof place), err);
      return -1;
    }
    return 0;
  }
  }
  return -1;
}

static bool valid_instance(const char *s) {
  if (!*s || strlen(s) >= OPTIONS_NAME_MAX)
    return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
      return false;
  return true;
}

/* Region names a public-cloud host: with another Cloud (the tenant's own
 * or inherited, known only once the block is read) it is an error. */
static int region_fits_cloud(const struct tenant_options *t) {
  const struct mde_cloud *cl =
      mde_cloud_from_name(t->cloud ? t->cloud : "public");
  if (!t->region || !cl || cl->id == MDE_CLOUD_PUBLIC)
    return 0;
  FAIL("<Tenant \"%s\">: \"Region\" is for the public cloud "
       "only; Cloud \"%s\" has one API host (drop Region, or use "
       "ApiEndpoint)",
       t->name, t->cloud);
  return -1;
}

static int parse_tenant(const struct conf_item *ci, struct plugin_options *o) {
  const char *given = one_string(ci);
  char *name = given && valid_instance(given) ? strdup(given) : NULL;
  if (!name) {
    FAIL("<Tenant> needs a name of letters, digits, '_', '.' or "
         "'-' (it becomes the plugin instance), e.g. <Tenant \"contoso\">");
    free(name);
    return -1;
  }
  for (size_t i = 0; i < o->n_tenants; i++) {
    if (strcmp(o->tenants[i].name, name) == 0) {
      FAIL("<Tenant \"%s\"> appears twice", name);
      free(name);
      return -1;
    }
  }
  struct tenant_options *v =
      realloc(o->tenants, (o->n_tenants + 1) * sizeof *v);
  if (!v) {
    free(name);
    return -1;
  }
  o->tenants = v;
  struct tenant_options *t = &o->tenants[o->n_tenants++];
  if (tenant_inherit(t, &o->defaults) != 0) {
    t->name = name;
    return -1;
  }
  t->name = name;
  bool credential_set = false, roles_set = false;
  for (int i = 0; i < ci->children_num; i++)
    if (apply(&ci->children[i], o, t, &credential_set, &roles_set) != 0)
      return -1;
  if (!t->tenant_id) {
    FAIL("<Tenant \"%s\">: \"TenantId\" is required (the "
         "customer's tenant GUID or verified domain)",
         name);
    return -1;
  }
  return region_fits_cloud(t);
}

int options_skip(struct plugin_options *o, const char *name,
                 enum mde_failure failure, const char *reason) {
  struct skipped_tenant *v =
      realloc(o->skipped, (o->n_skipped + 1) * sizeof *v);
  if (!v)
    return -1;
  o->skipped = v;
  struct skipped_tenant *s = &o->skipped[o->n_skipped];
  *s = (struct skipped_tenant){
      .name = strdup(name), .failure = failure, .reason = strdup(reason)};
  if (!s->name || !s->reason) {
    free(s->name);
    free(s->reason);
    return -1;
  }
  o->n_skipped++;
  char msg[OPTIONS_NAME_MAX + 64];
  snprintf(msg, sizeof msg, "<Tenant \"%s\"> skipped (%s)", name,
           mde_failure_name(failure));
  report(msg);
  return 0;
}

/* A <Tenant> block that failed: with `skip`, taken out of the tenants (and
 * kept in o->skipped when it has a name of its own to be reported under).
 * Returns 0 when the parse may go on. */
static int tenant_failed(struct plugin_options *o, size_t before, bool skip) {
  if (!skip)
    return -1;
  if (o->n_tenants == before) { /* no usable name, or a repeated one */
    report("that <Tenant> block is skipped");
    return 0;
  }
  struct tenant_options *t = &o->tenants[--o->n_tenants];
  int rc = options_skip(o, t->name, MDE_FAIL_CONFIG, last_error);
  tenant_free(t);
  return rc;
}

/* Value groups that only a call brings: a `Values` set written with one of
 * them beside that call switched off is valid (the calls decide), but those
 * values can never come, so the user hears it once, naming a tenant. */
static const struct {
  unsigned groups;
  size_t fetch; /* an int in tenant_options: 0 is "false" as written */
  const char *values, *option;
} fetched_by[] = {
    {VG_ALERTS | VG_ALERTS_BY_SEV, T(fetch_alerts), "alert counts",
     "FetchAlerts"},
    {VG_MACHINES, T(fetch_machines), "device health", "FetchMachines"},
};

static void values_hint(const struct plugin_options *o) {
  for (size_t r = 0; warn_fn && r < sizeof fetched_by / sizeof *fetched_by;
       r++) {
    size_t n = 0;
    const char *first = NULL;
    for (size_t i = 0; i < o->n_tenants; i++) {
      const struct tenant_options *t = &o->tenants[i];
      int fetch = *(const int *)((const char *)t + fetched_by[r].fetch);
      if ((t->values & VG_SET) && (t->values & fetched_by[r].groups) &&
          fetch == 0 && n++ == 0)
        first = t->name;
    }
    if (n == 0)
      continue;
    char msg[OPTIONS_NAME_MAX + 200], more[48] = "";
    if (n > 1)
      snprintf(more, sizeof more, " (and %zu more)", n - 1);
    snprintf(msg, sizeof msg,
             "<Tenant \"%s\">%s: \"Values\" selects %s but \"%s\" is false: "
             "none will be dispatched",
             first, more, fetched_by[r].values, fetched_by[r].option);
    warn_fn(msg);
  }
}

static int parse(const struct conf_item *ci, struct plugin_options *o,
                 bool skip) {
  *o = (struct plugin_options){0};
  o->defaults.fetch_alerts = o->defaults.probe_roles = -1;
  o->defaults.fetch_machines = -1;
  bool unused = false, roles = false;
  /* Defaults first, wherever they are written, then the tenants. */
  for (int i = 0; i < ci->children_num; i++)
    if (strcasecmp(ci->children[i].key, "Tenant") != 0 &&
        apply(&ci->children[i], o, NULL, &unused, &roles) != 0)
      return -1;
  char err[160];
  if (o->shard_text &&
      mde_shard_parse(o->shard_text, &o->shard, err, sizeof err) != 0) {
    /* err quotes the value: escaped where it leaves (the log) */
    char safe[sizeof err * 4];
    FAIL("<Plugin mde>: \"Shard\" %s", mde_escape(safe, sizeof safe, err, 0));
    return -1;
  }
  for (int i = 0; i < ci->children_num; i++) {
    size_t before = o->n_tenants;
    if (strcasecmp(ci->children[i].key, "Tenant") == 0 &&
        parse_tenant(&ci->children[i], o) != 0 &&
        tenant_failed(o, before, skip) != 0)
      return -1;
  }
  if (o->n_tenants == 0) {
    if (o->n_skipped)
      FAIL("no usable <Tenant> block (%zu skipped): nothing to monitor",
           o->n_skipped);
    else
      FAIL("no <Tenant> block: nothing to monitor");
    return -1;
  }
  values_hint(o);
  return 0;
}

int options_parse(const struct conf_item *ci, struct plugin_options *o) {
  return parse(ci, o, false);
}

int options_parse_skipping(const struct conf_item *ci,
                           struct plugin_options *o) {
  return parse(ci, o, true);
}

void options_skipped_free(struct skipped_tenant *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(s[i].name);
    free(s[i].reason);
  }
  free(s);
}

void options_free(struct plugin_options *o) {
  tenant_free(&o->defaults);
  for (size_t i = 0; i < o->n_tenants; i++)
    tenant_free(&o->tenants[i]);
  free(o->tenants);
  options_skipped_free(o->skipped, o->n_skipped);
  free(o->ca_file);
  free(o->ca_path);
  free(o->proxy);
  free(o->user_agent);
  free(o->shard_text);
  *o = (struct plugin_options){0};
}

const struct tenant_options *options_tenant(const struct plugin_options *o,
                                            const char *name) {
  for (size_t i = 0; i < o->n_tenants; i++)
    if (strcmp(o->tenants[i].name, name) == 0)
      return &o->tenants[i];
  return NULL;
}

size_t options_apply_shard(struct plugin_options *o,
                           const struct mde_shard *s) {
  size_t kept = 0, n = o->n_tenants;
  for (size_t i = 0; i < n; i++) {
    if (mde_shard_keeps(s, o->tenants[i].tenant_id))
      o->tenants[kept++] = o->tenants[i];
    else
      tenant_free(&o->tenants[i]);
  }
  o->n_tenants = kept;
  return n - kept;
}

/* Digits where `shape` has 'd', the same byte elsewhere: sscanf's %d would
 * also take a sign or blanks ("2027-01-+1", found by fuzzing). */
static bool shaped(const char *s, const char *shape) {
  for (; *shape; s++, shape++)
    if (*shape == 'd' ? !isdigit((unsigned char)*s) : *s != *shape)
      return false;
  return true;
}

/* "2027-01-31" or "2027-01-31T12:00:00Z", UTC. */
int options_parse_date(const char *s, time_t *out) {
  struct tm tm = {0};
  bool date_only = strlen(s) == 10 && shaped(s, "dddd-dd-dd");
  if (!date_only && !(strlen(s) == 20 && shaped(s, "dddd-dd-ddTdd:dd:ddZ")))
    return -1;
  sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
  if (!date_only)
    sscanf(s + 10, "T%2d:%2d:%2d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
  if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
    return -1;
  int day = tm.tm_mday, mon = tm.tm_mon;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *out = timegm(&tm);
  /* timegm normalises 2027-02-30; a date that moved was not a date */
  if (*out == (time_t)-1 || tm.tm_mday != day || tm.tm_mon != mon - 1)
    return -1;
  /* The engine reads 0 as "no date": the epoch itself, long past like any
   * other past date (an expired secret), becomes one second after it. */
  if (*out == 0)
    *out = 1;
  return 0;
}

void options_tenant_config(const struct plugin_options *o, size_t i,
                           struct mde_tenant_config *c) {
  const struct tenant_options *t = &o->tenants[i];
  mde_tenant_config_defaults(c);
  c->name = t->name;
  c->tenant = t->tenant_id;
  c->client_id = t->client_id;
  c->secret_file = t->secret_file;
  c->secret_env = t->secret_env;
  c->cert_file = t->certificate;
  c->key_file = t->key;
  c->pkcs12_file = t->pkcs12;
  c->key_passphrase_env = t->key_passphrase_env;
  c->cloud = t->cloud;
  c->login_endpoint = t->login_endpoint;
  c->api_endpoint = t->api_endpoint;
  c->resource = t->resource;
  if (t->token_version)
    c->token_version = t->token_version;
  c->required_roles = (const char *const *)t->roles;
  c->n_required_roles = t->n_roles;
  if (t->fetch_alerts >= 0)
    c->fetch_alerts = t->fetch_alerts;
  if (t->probe_roles >= 0)
    c->probe_roles = t->probe_roles;
  c->credential_check_interval = t->credential_check_interval;
  c->alerts_interval = t->alerts_interval;
  c->refresh_margin = t->refresh_margin;
  c->backoff_cap = t->backoff_cap;
  c->full_resync_interval = t->full_resync_interval;
  c->home_tenant = t->home_tenant;
  c->graph_endpoint = t->graph_endpoint;
  c->secret_key_id = t->secret_key_id;
  c->credential_warning =
      86400L * (o->credential_warning ? o->credential_warning
                                      : OPTIONS_CREDENTIAL_WARNING_DAYS);
  c->fetch_machines = t->fetch_machines;
  c->machines_interval = t->machines_interval;
  if (t->region) /* a known region: checked when read */
    c->api_endpoint = mde_cloud_region_api(t->region);
  if (t->api_endpoint) /* the override wins over a region */
    c->api_endpoint = t->api_endpoint;
  if (t->assertion_algorithm) /* PS256 or RS256: checked when read */
    c->assertion_ps256 = strcasecmp(t->assertion_algorithm, "PS256") == 0;
  if (t->secret_expires) /* a date: checked when read */
    (void)options_parse_date(t->secret_expires, &c->secret_expires);
}

void options_engine(const struct plugin_options *o,
                    struct mde_engine_options *e) {
  *e = (struct mde_engine_options){0};
  e->http.ca_file = o->ca_file;
  e->http.ca_path = o->ca_path;
  e->http.proxy = o->proxy;
  e->http.user_agent = o->user_agent;
  e->http.timeout_ms = o->timeout ? o->timeout * 1000L : 10000;
  e->http.max_connections = o->max_connections ? o->max_connections : 32;
  e->http.memory_budget = (size_t)o->memory_budget * 1024 * 1024; /* MiB */
  e->jwks_refetch_interval = o->jwks_refetch_interval;
}
