/* SPDX-License-Identifier: MIT */
/* check_mde: the Nagios/Icinga/Naemon check. One engine cycle, with backoff
 * ignored, for one tenant given on the command line or for the tenants of
 * the <Plugin mde> block collectd uses (--config), and the result in the
 * form the monitoring-plugins guidelines ask for. A secret is read from a
 * file or MDE_CLIENT_SECRET, never from the command line. */
#include "conffile.h"
#include "mde/cloud.h"
#include "mde/engine.h"
#include "mde/escape.h"
#include "options.h"
#include "report.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <unistd.h>

static const char usage[] =
    "Usage:\n"
    "  check_mde -T TENANT -C CLIENT_ID (--secret-file FILE | --cert PEM "
    "--key PEM)\n"
    "            [-r ROLE]... [--api] [--cloud public|gcc|gcc-high|dod]\n"
    "            [--region REGION] [--login-endpoint URL] [--api-endpoint "
    "URL]\n"
    "            [--token-version 1|2] [--assertion-algorithm PS256|RS256]\n"
    "            [--cacert FILE] [-w SECONDS] [-c SECONDS] [--cred-warn DAYS]\n"
    "            [--cred-crit DAYS] [--secret-expires DATE] [-t TIMEOUT] "
    "[-v]\n"
    "            [--home-tenant TENANT [--graph-endpoint URL]]\n"
    "            [--machines [--unhealthy-warn RANGE] [--unhealthy-crit "
    "RANGE]\n"
    "             [--unprotected-warn RANGE] [--unprotected-crit RANGE]]\n"
    "  check_mde --config FILE [--tenant NAME]... [--shard K/N] [--api]\n"
    "            [--machines ...]\n"
    "            [-w/-c/-t ...]\n"
    "  check_mde --config FILE --validate\n"
    "  check_mde --help | --version\n";

static const char help[] =
    "\n"
    "Checks that a partner's multi-tenant Entra ID app can still act on a\n"
    "customer's Microsoft Defender for Endpoint tenant: the app is consented,\n"
    "its secret or certificate is accepted, the token passes its checks\n"
    "(signature, tenant, audience, issuer, lifetime) and carries the required\n"
    "app roles, and (with --api) the Defender API answers. The first line "
    "says\n"
    "what broke and how to fix it (for missing consent: the tenant's\n"
    "admin-consent URL).\n"
    "\n"
    "  -T, --tenant-id TENANT   tenant GUID or verified domain\n"
    "  -C, --client-id GUID     the partner app's application (client) id\n"
    "      --secret-file FILE   client secret in a file (mode 0600); or set\n"
    "                           MDE_CLIENT_SECRET. There is no option that\n"
    "                           takes the secret itself: process lists are\n"
    "                           readable by every user.\n"
    "      --cert PEM --key PEM certificate credential instead of a secret\n"
    "      --assertion-algorithm PS256|RS256   sign the assertion with PS256 "
    "+\n"
    "                           x5t#S256 (default) or RS256 + x5t\n"
    "      --ps256              the same as --assertion-algorithm PS256\n"
    "  -r, --role ROLE          an app role the token must carry (repeat)\n"
    "      --api                also call the Defender API: one cheap request\n"
    "                           per required role (alerts, machines, score)\n"
    "      --cloud NAME         public (default), gcc, gcc-high or dod\n"
    "      --region REGION      public cloud only: the Defender API host of\n"
    "                           us, eu, uk, au, swa, ina or aea\n"
    "                           (https://REGION.api.security.microsoft.com)\n"
    "      --login-endpoint URL, --api-endpoint URL   override the cloud's\n"
    "      --token-version 1|2  1: resource=, 2: scope=.../.default (default)\n"
    "      --cacert FILE        CA bundle for TLS (verification is never off)\n"
    "  -w, --warning RANGE      token/API latency, seconds (Nagios range)\n"
    "  -c, --critical RANGE     token/API latency, seconds (Nagios range)\n"
    "      --cred-warn DAYS     WARNING when the credential expires within\n"
    "      --cred-crit DAYS     CRITICAL when it expires within (days: 0 to\n"
    "                           36525; an expired one is always CRITICAL)\n"
    "      --secret-expires DATE  the secret's expiry (2027-01-31 or\n"
    "                           2027-01-31T12:00:00Z, from the app's\n"
    "                           Certificates & secrets page), so that\n"
    "                           --cred-warn/--cred-crit apply to a secret\n"
    "      --home-tenant TENANT the partner's own tenant (GUID or domain), "
    "where\n"
    "                           the app is registered: the credential's "
    "expiry\n"
    "                           is read from Microsoft Graph there (needs the\n"
    "                           Graph permission Application.Read.All, "
    "granted\n"
    "                           in that tenant); --cred-warn/--cred-crit then\n"
    "                           apply to it (--config: HomeTenantId)\n"
    "      --graph-endpoint URL Graph's scheme and host (default: the "
    "cloud's,\n"
    "                           https://graph.microsoft.com); /v1.0/... is\n"
    "                           appended\n"
    "      --machines           also count the tenant's devices (every page "
    "of\n"
    "                           /api/machines; needs Machine.Read.All or\n"
    "                           Machine.ReadWrite.All) by sensor health and\n"
    "                           onboarding state, and read the exposure "
    "score\n"
    "                           when the token has Score.Read.All\n"
    "      --unhealthy-warn RANGE, --unhealthy-crit RANGE   onboarded "
    "devices\n"
    "                           not Active (Nagios range: 10 alerts above "
    "10)\n"
    "      --unprotected-warn RANGE, --unprotected-crit RANGE   devices that\n"
    "                           CanBeOnboarded but are not\n"
    "  -t, --timeout SECONDS    give up after this long (default 10): UNKNOWN\n"
    "      --config FILE        read tenants and defaults from the <Plugin "
    "mde>\n"
    "                           block of a collectd configuration\n"
    "      --tenant NAME        with --config: only this <Tenant> (repeat)\n"
    "      --shard K/N          with --config: only the tenants of shard K of\n"
    "                           N (overrides the file's Shard)\n"
    "      --validate           with --config: check the configuration as the\n"
    "                           collectd plugin would (options, ids, URLs,\n"
    "                           credentials readable), contact nothing\n"
    "  -v, --verbose            details on stderr\n"
    "  https_proxy, no_proxy    (environment) used as libcurl reads them\n"
    "  -h, --help, -V, --version\n"
    "\n"
    "Exit: 0 OK, 1 WARNING (throttled, slow, credential expiring, Defender "
    "not\n"
    "provisioned), 2 CRITICAL (consent, role, secret, certificate, tenant,\n"
    "cloud, token, network, Entra or API errors), 3 UNKNOWN (usage,\n"
    "configuration, timeout, internal error). With --config, the worst "
    "state:\n"
    "OK < WARNING < UNKNOWN < CRITICAL. Perfdata: token_time, api_time,\n"
    "token_ttl, roles_missing, credential_ttl; with --machines "
    "machines_active,\n"
    "machines_inactive, machines_impairedcommunication, "
    "machines_nosensordata,\n"
    "machines_nosensordataimpairedcommunication, machines_unknown (health of\n"
    "onboarded devices), machines_onboarded, machines_canbeonboarded,\n"
    "machines_unsupported, machines_insufficientinfo,\n"
    "machines_onboarding_unknown, machines_unhealthy (not Active) and\n"
    "exposure_score.\n";

static void on_alarm(int sig) {
  (void)sig;
  /* write(2): the only output that is safe in a signal handler */
  static const char msg[] = "MDE UNKNOWN - plugin timed out\n";
  if (write(STDOUT_FILENO, msg, sizeof msg - 1) < 0)
    _exit(STATE_UNKNOWN);
  _exit(STATE_UNKNOWN);
}

/* A step that settles the exit state (help, a usage error, an unusable
 * configuration) says so: it returns true with the state in *state. */
static bool stop(int *state, int s) {
  *state = s;
  return true;
}

/* UNKNOWN with the message: stops (see stop()). The message may hold argv,
 * a configuration value or a message naming one: escaped as a whole, so
 * that it can neither start a line of its own nor become perfdata. */
static bool unknown(int *state, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool unknown(int *state, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  printf("MDE UNKNOWN - ");
  mde_escape_fputs(msg, MDE_ESC_PIPE, stdout);
  printf("\n");
  return stop(state, STATE_UNKNOWN);
}

struct cli {
  const char *tenant_id, *client_id, *secret_file, *cert, *key, *cloud;
  const char *login, *api_endpoint, *cacert, *config, *region;
  const char *home, *graph; /* Microsoft Graph */
  time_t secret_expires;
  const char *roles[64];
  size_t n_roles;
  const char *names[256];
  size_t n_names;
  int token_version, ps256 /* -1: the default */, verbose, api, validate;
  struct mde_shard shard; /* --shard; n == 0: the file's Shard */
  int machines;
  int timeout_s; /* -t */
  struct thresholds th;
};

/* argv into *c. Returns false to carry on, or stops (see stop()). */
static bool parse_cli(int argc, char **argv, struct cli *c, int *state) {
  enum {
    OPT_VALIDATE = 255,
    OPT_SECRET = 256,
    OPT_CERT,
    OPT_KEY,
    OPT_PS256,
    OPT_API,
    OPT_CLOUD,
    OPT_LOGIN,
    OPT_APIEP,
    OPT_VERSION,
    OPT_CACERT,
    OPT_CWARN,
    OPT_CCRIT,
    OPT_CONFIG,
    OPT_TENANT,
    OPT_SEXPIRES,
    OPT_REGION,
    OPT_ALG,
    OPT_SHARD,
    OPT_HOME,
    OPT_GRAPH,
    OPT_MACHINES,
    OPT_UHWARN,
    OPT_UHCRIT,
    OPT_UPWARN,
    OPT_UPCRIT
  };
  static const struct option opts[] = {
      {"tenant-id", required_argument, NULL, 'T'},
      {"client-id", required_argument, NULL, 'C'},
      {"secret-file", required_argument, NULL, OPT_SECRET},
      {"cert", required_argument, NULL, OPT_CERT},
      {"key", required_argument, NULL, OPT_KEY},
      {"ps256", no_argument, NULL, OPT_PS256}, /* before PS256 was default */
      {"assertion-algorithm", required_argument, NULL, OPT_ALG},
      {"region", required_argument, NULL, OPT_REGION},
      {"role", required_argument, NULL, 'r'},
      {"api", no_argument, NULL, OPT_API},
      {"cloud", required_argument, NULL, OPT_CLOUD},
      {"login-endpoint", required_argument, NULL, OPT_LOGIN},
      {"api-endpoint", required_argument, NULL, OPT_APIEP},
      {"token-version", required_argument, NULL, OPT_VERSION},
      {"cacert", required_argument, NULL, OPT_CACERT},
      {"warning", required_argument, NULL, 'w'},
      {"critical", required_argument, NULL, 'c'},
      {"cred-warn", required_argument, NULL, OPT_CWARN},
      {"cred-crit", required_argument, NULL, OPT_CCRIT},
      {"secret-expires", required_argument, NULL, OPT_SEXPIRES},
      {"home-tenant", required_argument, NULL, OPT_HOME},
      {"graph-endpoint", required_argument, NULL, OPT_GRAPH},
      {"timeout", required_argument, NULL, 't'},
      {"config", required_argument, NULL, OPT_CONFIG},
      {"tenant", required_argument, NULL, OPT_TENANT},
      {"validate", no_argument, NULL, OPT_VALIDATE},
      {"shard", required_argument, NULL, OPT_SHARD},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {"machines", no_argument, NULL, OPT_MACHINES},
      {"unhealthy-warn", required_argument, NULL, OPT_UHWARN},
      {"unhealthy-crit", required_argument, NULL, OPT_UHCRIT},
      {"unprotected-warn", required_argument, NULL, OPT_UPWARN},
      {"unprotected-crit", required_argument, NULL, OPT_UPCRIT},
      {NULL, 0, NULL, 0},
  };
  c->th.cred_warn_days = c->th.cred_crit_days = -1;
  c->ps256 = -1;
  c->timeout_s = 10;
  for (int o;
       (o = getopt_long(argc, argv, "T:C:r:w:c:t:vhV", opts, NULL)) != -1;) {
    char *end = NULL;
    switch (o) {
    case 'T':
      c->tenant_id = optarg;
      break;
    case 'C':
      c->client_id = optarg;
      break;
    case OPT_SECRET:
      c->secret_file = optarg;
      break;
    case OPT_CERT:
      c->cert = optarg;
      break;
    case OPT_KEY:
      c->key = optarg;
      break;
    case OPT_PS256:
      c->ps256 = 1;
      break;
    case OPT_ALG:
      if (strcasecmp(optarg, "PS256") != 0 && strcasecmp(optarg, "RS256") != 0)
        return unknown(state,
                       "--assertion-algorithm is PS256 or RS256, not \"%s\"",
                       optarg);
      c->ps256 = strcasecmp(optarg, "PS256") == 0;
      break;
    case OPT_REGION:
      c->region = optarg;
      break;
    case OPT_API:
      c->api = 1;
      break;
    case OPT_CLOUD:
      c->cloud = optarg;
      break;
    case OPT_LOGIN:
      c->login = optarg;
      break;
    case OPT_APIEP:
      c->api_endpoint = optarg;
      break;
    case OPT_CACERT:
      c->cacert = optarg;
      break;
    case OPT_CONFIG:
      c->config = optarg;
      break;
    case OPT_HOME:
      c->home = optarg;
      break;
    case OPT_GRAPH:
      c->graph = optarg;
      break;
    case 'v':
      c->verbose = 1;
      break;
    case OPT_VALIDATE:
      c->validate = 1;
      break;
    case OPT_SHARD: {
      char why[160], msg[200];
      if (mde_shard_parse(optarg, &c->shard, why, sizeof why) != 0) {
        snprintf(msg, sizeof msg, "--shard %s", why);
        return unknown(state, "%s", msg);
      }
      break;
    }
    case 'r':
      if (c->n_roles == 64)
        return unknown(state, "too many --role options (64 at most)");
      c->roles[c->n_roles++] = optarg;
      break;
    case OPT_TENANT:
      if (c->n_names == 256)
        return unknown(state, "too many --tenant options (256 at most)");
      c->names[c->n_names++] = optarg;
      break;
    case OPT_VERSION:
      c->token_version = (int)strtol(optarg, &end, 10);
      if (*end || (c->token_version != 1 && c->token_version != 2))
        return unknown(state, "--token-version is 1 or 2, not \"%s\"", optarg);
      break;
    case 'w':
    case 'c':
      if (range_parse(optarg, o == 'w' ? &c->th.warn : &c->th.crit) != 0)
        return unknown(state,
                       "-w/-c take a Nagios range such as 2, 1:5 or @0:1, "
                       "not \"%s\"",
                       optarg);
      break;
    case OPT_CWARN:
    case OPT_CCRIT:
      if (range_parse_days(optarg, o == OPT_CWARN ? &c->th.cred_warn_days
                                                  : &c->th.cred_crit_days) != 0)
        return unknown(state,
                       "--cred-warn/--cred-crit take days (0 to 36525), not "
                       "\"%s\"",
                       optarg);
      break;
    case OPT_SEXPIRES:
      if (options_parse_date(optarg, &c->secret_expires) != 0)
        return unknown(state,
                       "--secret-expires takes a date such as 2027-01-31 or "
                       "2027-01-31T12:00:00Z, not \"%s\"",
                       optarg);
      break;
    case 't':
      c->timeout_s = (int)strtol(optarg, &end, 10);
      if (*end || c->timeout_s < 1 || c->timeout_s > 3600)
        return unknown(state, "-t takes seconds (1-3600), not \"%s\"", optarg);
      break;
    case OPT_MACHINES:
      c->machines = 1;
      break;
    case OPT_UHWARN:
    case OPT_UHCRIT:
    case OPT_UPWARN:
    case OPT_UPCRIT: {
      struct range *r = o == OPT_UHWARN   ? &c->th.unhealthy_warn
                        : o == OPT_UHCRIT ? &c->th.unhealthy_crit
                        : o == OPT_UPWARN ? &c->th.unprotected_warn
                                          : &c->th.unprotected_crit;
      if (range_parse(optarg, r) != 0)
        return unknown(state,
                       "--unhealthy-warn/-crit and --unprotected-warn/-crit "
                       "take a Nagios range of devices such as 10, 5:20 or "
                       "@1:, not \"%s\"",
                       optarg);
      break;
    }
    case 'h':
      printf("check_mde %s\n%s%s", MDE_VERSION, usage, help);
      return stop(state, STATE_UNKNOWN);
    case 'V':
      printf("check_mde %s\n", MDE_VERSION);
      return stop(state, STATE_UNKNOWN);
    default:
      printf("MDE UNKNOWN - bad usage\n%s", usage);
      return stop(state, STATE_UNKNOWN);
    }
  }
  if (optind < argc)
    return unknown(state,
                   "unexpected argument \"%s\" (secrets are never given on "
                   "the command line: use --secret-file or "
                   "MDE_CLIENT_SECRET)",
                   argv[optind]);
  if (c->validate && !c->config)
    return unknown(state, "--validate goes with --config FILE");
  if (c->shard.n && !c->config)
    return unknown(state, "--shard goes with --config FILE");
  if (c->config && (c->tenant_id || c->client_id))
    return unknown(state, "use either --config or -T/-C");
  if (!c->config && (!c->tenant_id || !c->client_id))
    return unknown(state, "-T TENANT and -C CLIENT_ID are required (or "
                          "--config FILE)");
  if (!c->config && !!c->cert != !!c->key)
    return unknown(state, "--cert and --key go together");
  if (c->config && c->region)
    return unknown(state,
                   "with --config, a tenant's region is its Region option");
  if (c->region && !mde_cloud_region_api(c->region)) {
    char list[64];
    mde_cloud_region_list(list, sizeof list);
    printf("MDE UNKNOWN - --region is one of %s, not \"%s\"\n", list,
           c->region);
    return stop(state, STATE_UNKNOWN);
  }
  const struct mde_cloud *cl = mde_cloud_from_name(c->cloud ? c->cloud : "");
  if (c->region && cl && cl->id != MDE_CLOUD_PUBLIC)
    return unknown(state,
                   "--region is for the public cloud only; --cloud %s has one "
                   "API host (drop --region, or use --api-endpoint)",
                   c->cloud);
  if (c->secret_expires && (c->config || c->cert))
    return unknown(state,
                   "--secret-expires is for a secret given on the command "
                   "line (--config has ClientSecretExpires; a certificate "
                   "has its own date)");
  if (c->graph && !c->home && !c->config)
    return unknown(state, "--graph-endpoint goes with --home-tenant TENANT");
  bool limits = c->th.unhealthy_warn.set || c->th.unhealthy_crit.set ||
                c->th.unprotected_warn.set || c->th.unprotected_crit.set;
  if (limits && !c->machines)
    return unknown(state,
                   "--unhealthy-* and --unprotected-* judge device counts: "
                   "add --machines");
  c->th.api = c->api;
  c->th.machines = c->machines;
  return false;
}

/* One tenant from the command line, as the engine takes it. Returns false
 * to carry on, or stops (see stop()). */
static bool add_cli_tenant(struct mde_engine *e, const struct cli *c,
                           int *state) {
  struct mde_tenant_config t;
  mde_tenant_config_defaults(&t);
  t.name = c->tenant_id;
  t.tenant = c->tenant_id;
  t.client_id = c->client_id;
  t.secret_file = c->secret_file;
  t.cert_file = c->cert;
  t.key_file = c->key;
  if (!c->secret_file && !c->cert) {
    const char *env = getenv("MDE_CLIENT_SECRET");
    if (!env || !*env)
      return unknown(state, "no credential: use --secret-file FILE, --cert PEM "
                            "--key PEM, or set MDE_CLIENT_SECRET");
    t.secret_env = "MDE_CLIENT_SECRET";
  }
  t.secret_expires = c->secret_expires;
  if (c->ps256 >= 0)
    t.assertion_ps256 = c->ps256;
  t.cloud = c->cloud;
  t.login_endpoint = c->login;
  /* --api-endpoint is the override, a region the shorthand */
  t.api_endpoint =
      c->api_endpoint ? c->api_endpoint : mde_cloud_region_api(c->region);
  if (c->token_version)
    t.token_version = c->token_version;
  t.required_roles = c->roles;
  t.n_required_roles = c->n_roles;
  t.home_tenant = c->home;
  t.graph_endpoint = c->graph;
  t.fetch_alerts = 0; /* a check probes; it does not sync thousands */
  t.fetch_machines = c->machines; /* a check syncs devices if asked */
  t.probe_roles = c->api;
  char err[MDE_ERR_SIZE];
  if (mde_engine_add(e, &t, err, sizeof err) < 0)
    return unknown(state, "%s", err);
  return false;
}

static bool wanted(const struct cli *c, const char *name) {
  if (!c->n_names)
    return true;
  for (size_t i = 0; i < c->n_names; i++)
    if (!strcmp(c->names[i], name))
      return true;
  return false;
}

/* -v: each error of the <Plugin mde> block as it is read (the status line
 * has the one that stopped it). Config values in it are escaped. */
static void log_option_error(const char *msg) {
  fputs("check_mde: ", stderr);
  mde_escape_fputs(msg, 0, stderr);
  fputc('\n', stderr);
}

/* The <Plugin mde> block of the parsed configuration `root`: its options
 * into *po, its tenants (this host's shard's, those --tenant names) into a
 * new engine *e. Returns false to carry on, or stops (see stop()). */
static bool add_config_block(struct mde_engine **e, const struct cli *c,
                             const struct conf_item *root,
                             struct plugin_options *po, int *state) {
  const struct conf_item *block = conffile_plugin_block(root, "mde");
  if (!block)
    return unknown(state, "%s has no <Plugin mde> block", c->config);
  if (conffile_plugin_blocks(root, "mde") > 1) /* collectd refuses it too */
    return unknown(state,
                   "%s has more than one <Plugin mde> block "
                   "(with its Includes); collectd refuses that: "
                   "keep one",
                   c->config);
  if (options_parse(block, po) != 0)
    return unknown(state, "%s", options_last_error());
  struct mde_engine_options eo;
  options_engine(po, &eo);
  eo.front = MDE_FRONT_CHECK; /* fixes name `--cloud`, not `Cloud` */
  if (c->cacert)
    eo.http.ca_file = c->cacert;
  eo.http.timeout_ms = c->timeout_s * 1000L;
  char err[MDE_ERR_SIZE];
  if (!(*e = mde_engine_new(&eo, err, sizeof err)))
    return unknown(state, "%s", err);
  /* --validate checks every block; a run, this host's shard only. */
  struct mde_shard every = {0, 0};
  const struct mde_shard *shard = c->validate  ? &every
                                  : c->shard.n ? &c->shard
                                               : &po->shard;
  size_t added = 0, outside = 0;
  for (size_t i = 0; i < po->n_tenants; i++) {
    if (!wanted(c, po->tenants[i].name))
      continue;
    if (!mde_shard_keeps(shard, po->tenants[i].tenant_id)) {
      outside++;
      continue;
    }
    struct mde_tenant_config t;
    options_tenant_config(po, i, &t);
    t.fetch_alerts = 0;
    t.fetch_machines = c->machines;
    t.probe_roles = c->api;
    if (c->home) /* the command line wins over HomeTenantId */
      t.home_tenant = c->home;
    if (c->graph)
      t.graph_endpoint = c->graph;
    if (mde_engine_add(*e, &t, err, sizeof err) < 0)
      return unknown(state, "%s", err);
    added++;
  }
  if (added == 0 && outside > 0) {
    char msg[64];
    snprintf(msg, sizeof msg, "shard %u/%u", shard->k, shard->n);
    printf("MDE OK - no tenant of ");
    mde_escape_fputs(c->config, MDE_ESC_PIPE, stdout);
    printf(" is in %s", msg);
    printf("|tenants=0\n");
    return stop(state, STATE_OK);
  }
  if (added == 0)
    return unknown(state, "no <Tenant> matched in %s", c->config);
  return false;
}

/* The tenants of the collectd configuration, with its defaults, into a new
 * engine *e. Returns false to carry on, or stops (see stop()). */
static bool add_config_tenants(struct mde_engine **e, const struct cli *c,
                               struct plugin_options *po, int *state) {
  char err[1024];
  struct conf_item *root = conffile_parse_file(c->config, err, sizeof err);
  if (!root)
    return unknown(state, "%s", err);
  bool stopped = add_config_block(e, c, root, po, state);
  conffile_free(root);
  return stopped;
}

int main(int argc, char **argv) {
  /* Secrets are in memory from here on: no core dumps, no ptrace peeking
   * by other users' processes. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct cli c = {0};
  int rc = STATE_OK;
  if (parse_cli(argc, argv, &c, &rc))
    return rc;
  if (c.verbose)
    options_set_log(log_option_error);
  signal(SIGALRM, on_alarm);
  alarm((unsigned)c.timeout_s + 1); /* the engine's deadline comes first */

  struct plugin_options po = {0};
  struct mde_engine *e = NULL;
  bool stopped;
  if (c.config) {
    stopped = add_config_tenants(&e, &c, &po, &rc);
  } else {
    char err[MDE_ERR_SIZE];
    struct mde_engine_options eo = {
        .http = {.ca_file = c.cacert, .timeout_ms = c.timeout_s * 1000L},
        .front = MDE_FRONT_CHECK};
    e = mde_engine_new(&eo, err, sizeof err);
    stopped = e ? add_cli_tenant(e, &c, &rc) : unknown(&rc, "%s", err);
  }
  if (!stopped && c.validate) {
    printf("MDE OK - ");
    mde_escape_fputs(c.config, MDE_ESC_PIPE, stdout);
    printf(": valid, %zu tenant%s|tenants=%zu\n", mde_engine_count(e),
           mde_engine_count(e) == 1 ? "" : "s", mde_engine_count(e));
    stopped = stop(&rc, STATE_OK);
  }
  if (!stopped) {
    int64_t deadline = mde_monotonic_ms() + c.timeout_s * 1000L - 200;
    mde_engine_cycle(e, deadline, MDE_CYCLE_ONESHOT);
    size_t n = mde_engine_count(e);
    struct verdict *v = calloc(n, sizeof *v);
    const struct mde_tenant_result **r = calloc(n, sizeof *r);
    rc = STATE_OK;
    for (size_t i = 0; v && r && i < n; i++) {
      r[i] = mde_engine_result(e, i);
      report_judge(r[i], &c.th, &v[i]);
      if (r[i]->timed_out) { /* the guidelines: a timeout is UNKNOWN */
        v[i].state = STATE_UNKNOWN;
        snprintf(v[i].text, sizeof v[i].text,
                 "%s: plugin timed out after %d s (%s)", r[i]->name,
                 c.timeout_s, r[i]->reason);
      }
    }
    if (!v || !r) {
      unknown(&rc, "out of memory");
    } else if (!c.config) {
      report_single(stdout, r[0], &v[0], &c.th);
      rc = v[0].state;
    } else {
      report_multi(stdout, r, v, n);
      for (size_t i = 0; i < n; i++)
        rc = report_worse(rc, v[i].state);
    }
    free(v);
    free(r);
  }
  mde_engine_free(e);
  options_free(&po);
  return rc;
}
