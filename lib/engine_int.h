/* SPDX-License-Identifier: MIT */
/* Internal to the engine (lib/engine*.c): the per-tenant state machine and
 * the shared key-set cache. Not installed, not used by the front ends.
 *
 * A tenant's cycle is a walk through steps. engine.c is the only
 * dispatcher: it calls the current step, which returns the next one —
 * another step, STEP_WAIT (a request is out; its answer resumes the tenant
 * at `resume`) or STEP_END (the one place a tenant's cycle ends). Steps
 * never call each other. */
#ifndef MDE_ENGINE_INT_H
#define MDE_ENGINE_INT_H

#include "mde/assertion.h"
#include "mde/budget.h"
#include "mde/cloud.h"
#include "mde/engine.h"
#include "mde/graph_app.h"
#include "mde/jwks.h"
#include "mde/machines.h"
#include "mde/secret.h"
#include "mde/token_response.h"

#include <stdbool.h>
#include <time.h>

#define BACKOFF_BASE 60     /* seconds, doubled per failure */
#define THROTTLE_DEFAULT 60 /* a 429 without Retry-After */
/* Cycles a first alerts sync may take before the tenant reports
 * sync_incomplete (a sync resumes where it stopped, so only a tenant whose
 * pages cannot all be fetched ever gets there). */
#define SYNC_INCOMPLETE_CYCLES 10

struct tenant;

/* One authority's signing keys, shared by its tenants; fetched by one of
 * them while the others wait. */
struct jwks_entry {
  struct mde_engine *e;
  char *url;
  struct mde_jwks *keys;
  int64_t fetched_ms; /* monotonic; 0: never */
  bool fetching;
  struct tenant **waiters;
  size_t n_waiters, cap_waiters;
  struct mde_http_req req;
  char error[MDE_ERR_SIZE]; /* why the last fetch failed, "" if it did not */
  struct jwks_entry *next;
};

/* One partner app in Microsoft Graph (one per ClientId + HomeTenantId),
 * shared by the tenants using it and read by its owner's credential (the
 * first such tenant) in the first cycle and every CredentialCheckInterval;
 * tenants that end their cycle while a read is under way wait for it. */
struct graph_entry {
  struct mde_engine *e;
  char *client_id, *home; /* the key, as configured */
  /* A domain home tenant's GUID, pinned by the first Graph token that
   * passed its checks: later tokens must claim the same tid. */
  char tid[40];
  struct tenant *owner;
  char *token_url, *app_url, *resource;
  long interval, warn;
  time_t due; /* when the next read is due; 0: now */
  bool busy;  /* a read is under way */
  struct mde_http_req req;
  char *form, *bearer; /* owned, wiped */
  struct mde_graph_app app;
  bool have_app;
  time_t read_at; /* wall clock of the last successful read */
  int64_t read_ms;
  struct tenant **waiters;
  size_t n_waiters, cap_waiters;
  struct mde_app_result res;
  struct graph_entry *next;
};

enum step {
  STEP_START,    /* a changed secret file, backoff */
  STEP_DISCOVER, /* a domain tenant: its GUID from OpenID discovery */
  STEP_DISCOVER_ANSWER,
  STEP_TOKEN, /* use the cached token or acquire one */
  STEP_TOKEN_ANSWER,
  STEP_KEYS,  /* wait for the authority's key set */
  STEP_CHECK, /* check the new token against the keys and the config */
  STEP_API,   /* throttled? then alerts, then probes */
  STEP_ALERTS,
  STEP_ALERTS_ANSWER,
  STEP_PROBE,
  STEP_PROBE_ANSWER,
  STEP_MACHINES, /* after alerts, before probes: engine_machines.c */
  STEP_MACHINES_ANSWER,
  STEP_SCORE,
  STEP_SCORE_ANSWER,
  STEP_COUNT_,
  STEP_WAIT = STEP_COUNT_, /* a request is out */
  STEP_END,                /* the tenant's cycle is over */
  STEP_IDLE                /* between cycles */
};

/* What the key set in hand is, for the token being checked. */
enum keys_state {
  KEYS_CACHED,       /* from an earlier fetch */
  KEYS_FRESH,        /* fetched just now, for this token */
  KEYS_FETCH_FAILED, /* a fetch for this token failed; older keys, if any */
};

/* One alerts sync in progress: where it stands survives cycles, so a
 * tenant with more pages than one cycle's call budget still completes. */
struct alerts_sync {
  bool active;
  bool full;                        /* every alert, into `building` */
  char *next_url;                   /* the page to fetch next */
  struct mde_alert_index *building; /* a full sync's index until done */
  uint64_t created;                 /* new ids seen by this sync */
  int64_t started_us;               /* wall clock when it began */
};

#define N_ENDPOINTS 3 /* the API endpoints role probes call */
/* Their `refused[]` slots, for the steps outside engine_api.c. */
enum api_endpoint { API_EP_ALERTS, API_EP_MACHINES, API_EP_SCORE };

/* One machines sync in progress: the counts of the pages so far, published
 * only when the last page arrives; where it stands survives cycles. */
struct machines_sync {
  bool active;
  char *next_url;                     /* the page to fetch next */
  struct mde_machine_counts building; /* pages counted so far */
};

struct tenant {
  struct mde_engine *e;
  size_t index;

  /* configuration, owned */
  char *name, *tenant, *client_id;
  char *secret_file, *secret_env, *cert_file, *key_file, *pkcs12_file;
  char *pass_env;
  int ps256;
  time_t secret_expires;
  char *login, *api, *resource;
  enum mde_token_version version;
  const struct mde_cloud *cloud;
  struct mde_strlist required;
  int fetch_alerts, probe_roles;
  long cred_check, alerts_interval, margin, backoff_cap, full_resync;
  char *token_url;
  struct jwks_entry *jwks;
  struct graph_entry *graph; /* NULL: no HomeTenantId */
  char *secret_key_id;

  /* credential */
  struct mde_secret secret;
  struct mde_credential *cred;

  /* the tenant GUID (configured, or resolved by discovery) and the v1
   * issuer, both pinned by discovery before the first token */
  char tid[40];
  char *issuer_v1;
  struct { /* why discovery was refused, while issuer_v1 is NULL */
    enum mde_failure failure;
    long aadsts;
    char *reason; /* owned; NULL if it was not */
  } discovery;

  /* the cached token */
  struct mde_token token;
  time_t token_exp; /* set once the token passed its checks; 0 before */
  time_t token_acquired;
  struct mde_strlist token_roles;
  struct mde_strlist token_missing; /* required roles the token lacks */
  enum keys_state keys;             /* for STEP_CHECK */
  bool reauthed; /* this token was acquired because the API said 401 */
  bool opaque;   /* not a JWT: used unchecked (token_opaque) */

  /* backoff at the token endpoint */
  time_t backoff_until;
  int backoff_n;
  struct { /* reported while backing off */
    enum mde_failure failure;
    char *reason; /* owned, allocated only once something failed */
    long aadsts;
  } last;

  /* the Defender API */
  struct mde_alert_index *alerts; /* the last complete index, kept current
                                     by incremental syncs */
  struct alerts_sync full, incr;
  int64_t resync_from_us; /* the next incremental sync starts there */
  int sync_cycles;        /* cycles the first full sync has been under way */
  int64_t fresh_ms;       /* when a sync last completed (monotonic); 0 never */
  int64_t last_cycle_ms, cycle_gap_ms; /* cycle spacing, for staleness */
  time_t next_alerts, next_full, api_throttled_until;
  struct mde_budget budget;
  struct alerts_sync *syncing; /* the sync whose page is out */
  int probe;                   /* next probe row this cycle */
  unsigned probed;             /* endpoints answered this cycle */
  int probe_endpoint;          /* the endpoint of the probe that is out */
  /* What the API said last about each endpoint: NULL if it served us,
   * else the role it asked for (owned). Cleared by the next 200. */
  char *refused[N_ENDPOINTS];
  /* The last alerts sync's failure, until a sync succeeds: reported again
   * on cycles the call budget leaves without a call, so that a failing API
   * does not read as OK every other cycle. */
  enum mde_failure api_failure;
  char *api_reason;

  /* sensor health (engine_machines.c) */
  int fetch_machines; /* -1: when the token has the role */
  long machines_interval;
  struct machines_sync msync;
  /* The sync found the call budget spent (alerts, asked first, had drawn
   * it): it goes before alerts at the next call, or alerts polled often
   * would starve device health for ever, with nothing to say so. */
  bool machines_owed;
  struct mde_machine_counts machines; /* the last complete sync's */
  int64_t machines_fresh_ms;          /* monotonic; 0: never */
  time_t next_machines, next_score;
  double score;
  int64_t score_fresh_ms;

  /* this cycle */
  enum step step, resume;
  bool hung; /* a request of its hung until the deadline: next cycle it
                starts after the others */
  struct mde_http_req req;
  char *form, *url; /* the request's body and URL, owned, wiped */
  struct mde_tenant_result res;
};

struct mde_engine {
  struct mde_http *http; /* the default transport's, or NULL */
  struct mde_transport transport;
  struct mde_clock clock;
  struct tenant **tenants;
  struct tenant **order; /* this cycle's start order */
  size_t n, cap;
  size_t rotate; /* turns the start order among equals */
  struct jwks_entry *jwks;
  struct graph_entry *graph; /* in the order first configured */
  void (*log)(void *ctx, enum mde_log_level level, const char *msg);
  void *log_ctx;
  int64_t jwks_refetch_ms;
  enum mde_front_end front;
  unsigned flags; /* of the running cycle */
  time_t now;     /* wall clock at the start of the cycle */
  int64_t mono;   /* monotonic clock at the start of the cycle */
};

/* engine.c: the dispatcher and what every step shares */
void mde_engine_log(struct mde_engine *e, enum mde_log_level level,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int64_t mde_engine_mono(struct mde_engine *e);
/* Sends the tenant's request (t->req, its strings set by the caller) and
 * returns STEP_WAIT; the answer resumes the tenant at `resume`. */
enum step mde_tenant_send(struct tenant *t, enum step resume);
/* Records the outcome of an HTTP exchange in the tenant's result. */
/* How long a completed sync counts as current: two polls and a cycle,
 * a poll coming every `interval_s`, or as often as the call budget allows
 * if that is less often (an interval of 1 s would flicker stale). */
int64_t mde_tenant_fresh_window_ms(const struct tenant *t, long interval_s);
void mde_tenant_count_status(struct tenant *t, const struct mde_http_req *req);
/* The class of a request that failed in transport: `network`, unless the
 * cycle's deadline cut it while its peer was not silent, or the memory
 * budget had held its answer back (`overrun`: this process's doing). */
enum mde_failure mde_transport_failure(const struct mde_http_req *req);
/* Sets the cycle's failure if `f` is worse than what is there. */
void mde_tenant_fail(struct tenant *t, enum mde_failure f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Frees the request's URL/body and response. */
void mde_tenant_release_request(struct tenant *t);
/* Resumes a tenant that waited (a request's answer, the key set). */
void mde_tenant_resume(struct tenant *t, enum step next);
/* Backs off after a failure (exponentially, or for a 429 as long as the
 * peer asked), remembering it for the cycles in between. */
void mde_tenant_back_off(struct tenant *t, enum mde_failure f,
                         long retry_after);

/* engine_token.c: STEP_START .. STEP_CHECK */
enum step mde_step_start(struct tenant *t);
enum step mde_step_discover(struct tenant *t);
enum step mde_step_discover_answer(struct tenant *t);
enum step mde_step_token(struct tenant *t);
enum step mde_step_token_answer(struct tenant *t);
enum step mde_step_keys(struct tenant *t);
enum step mde_step_check(struct tenant *t);
/* A token acquired but not yet checked against the authority's keys (the
 * key set could not be fetched, or Entra rotated its keys faster than
 * KeyRefetchInterval lets us follow): never used for the API nor reported
 * valid; checked again next cycle rather than acquired again. */
static inline bool token_unverified(const struct tenant *t) {
  return t->token.access_token && t->token_exp == 0;
}
void mde_token_drop(struct tenant *t);
void mde_keyset_free_all(struct jwks_entry *j);
struct jwks_entry *mde_keyset_get(struct mde_engine *e, const char *url);

/* engine_api.c: STEP_API .. STEP_PROBE_ANSWER */
enum step mde_step_api(struct tenant *t);
enum step mde_step_alerts(struct tenant *t);
enum step mde_step_alerts_answer(struct tenant *t);
enum step mde_step_probe(struct tenant *t);
enum step mde_step_probe_answer(struct tenant *t);
void mde_sync_reset(struct alerts_sync *s);
/* The required roles the token lacks plus those the API refused, as the
 * result reports them (end of every cycle). */
void mde_api_collect_missing(struct tenant *t);
/* For the other API steps: a budgeted call of `url` (taken), the answers
 * every call shares (STEP_COUNT_: read it yourself), an endpoint served or
 * refused, an error answer (STEP_END). */
enum step mde_api_call(struct tenant *t, char *url, enum step resume,
                       size_t max_body);
enum step mde_api_common_answer(struct tenant *t);
void mde_api_served(struct tenant *t, enum api_endpoint ep);
void mde_api_refused(struct tenant *t, enum api_endpoint ep);
enum step mde_api_error_answer(struct tenant *t);

/* engine_machines.c: STEP_MACHINES .. STEP_SCORE_ANSWER */
enum step mde_step_machines(struct tenant *t);
enum step mde_step_machines_answer(struct tenant *t);
enum step mde_step_score(struct tenant *t);
enum step mde_step_score_answer(struct tenant *t);
void mde_machines_sync_reset(struct machines_sync *s);
/* The device counts as the result reports them (end of every cycle). */
void mde_machines_freshness(struct tenant *t);

/* engine_token.c: the client-credentials form for `resource` at
 * `token_url`, with the tenant's credential (wiped by the caller). */
char *mde_token_form(struct tenant *t, const char *resource,
                     const char *token_url, char *err, size_t err_size);

/* engine_graph.c: credential expiry from Microsoft Graph */
/* Joins the tenant to the entry for its ClientId + HomeTenantId (creating
 * it). Returns 0, or -1 with the error naming the option. */
int mde_graph_attach(struct tenant *t, const struct mde_tenant_config *c,
                     char *err, size_t err_size);
void mde_graph_free_all(struct graph_entry *g);
/* Starts the reads due this cycle (before the tenants run). */
void mde_graph_cycle(struct mde_engine *e);
/* A tenant whose cycle is over while its app's read is under way is
 * queued (true), and resumed at STEP_END when the read is done. */
bool mde_graph_wait(struct tenant *t);
/* What Graph says of the tenant's credential, into its result (at the end
 * of its cycle). */
void mde_graph_apply(struct tenant *t);

#endif
