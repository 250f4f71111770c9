/* Internal to the engine (lib/engine*.c): the per-tenant state machine and
 * the shared key-set cache. Not installed, not used by the front ends. */
#ifndef MDE_ENGINE_INT_H
#define MDE_ENGINE_INT_H

#include <stdbool.h>
#include <time.h>

#include "mde/assertion.h"
#include "mde/budget.h"
#include "mde/cloud.h"
#include "mde/engine.h"
#include "mde/jwks.h"
#include "mde/secret.h"
#include "mde/token_response.h"

#define BACKOFF_BASE 60     /* seconds, doubled per failure */
#define THROTTLE_DEFAULT 60 /* a 429 without Retry-After */

struct tenant;

/* One authority's signing keys, shared by its tenants; fetched by one of
 * them while the others wait. */
struct jwks_entry {
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

enum step { STEP_IDLE, STEP_TOKEN, STEP_KEYS, STEP_API, STEP_DONE };

enum api_call { CALL_ALERTS, CALL_PROBE };

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

  /* credential */
  struct mde_secret secret;
  struct mde_credential *cred;

  /* the cached token */
  struct mde_token token;
  time_t token_exp; /* set once the token passed its checks; 0 before */
  time_t token_acquired;
  char tid[40];
  struct mde_strlist token_roles;

  /* backoff at the token endpoint */
  time_t backoff_until;
  int backoff_n;
  struct {
    enum mde_failure failure;
    char reason[MDE_ERR_SIZE];
    long aadsts;
  } last;

  /* the Defender API */
  struct mde_alert_index *alerts, *building;
  bool synced, full_sync, reauthed;
  time_t next_alerts, next_full, api_throttled_until;
  struct mde_budget budget;
  int probe;          /* next probe to run this cycle */
  unsigned probed;    /* endpoints probed this cycle (bit per path) */
  bool alerts_probed; /* the alerts endpoint answered this cycle */
  enum api_call call;
  char *next_url; /* nextLink being followed */
  uint64_t created_this_sync;
  /* The last alerts sync's failure, until a sync succeeds: reported again
   * on cycles the call budget leaves without a call, so that a failing API
   * does not read as OK every other cycle. */
  enum mde_failure api_failure;
  char *api_reason;

  /* this cycle */
  enum step step;
  struct mde_http_req req;
  char *form, *url; /* the request's body and URL, owned, wiped */
  struct mde_tenant_result res;
};

struct mde_engine {
  struct mde_http *http;
  struct tenant **tenants;
  size_t n, cap;
  struct jwks_entry *jwks;
  void (*log)(void *ctx, enum mde_log_level level, const char *msg);
  void *log_ctx;
  int64_t jwks_refetch_ms;
  unsigned flags; /* of the running cycle */
  time_t now;     /* wall clock at the start of the cycle */
};

/* engine.c */
void engine_log(struct mde_engine *e, enum mde_log_level level, const char *fmt,
                ...) __attribute__((format(printf, 3, 4)));
/* Records the outcome of an HTTP exchange in the tenant's result. */
void tenant_count_status(struct tenant *t, const struct mde_http_req *req);
/* Sets the cycle's failure if `f` is worse than what is there. */
void tenant_fail(struct tenant *t, enum mde_failure f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tenant_done(struct tenant *t);
/* Frees the request's URL/body and response. */
void tenant_release_request(struct tenant *t);

/* engine_token.c */
/* A token acquired but not yet checked against the authority's keys (the
 * key set could not be fetched, or Entra rotated its keys faster than
 * KeyRefetchInterval lets us follow): never used for the API nor reported
 * valid; checked again next cycle rather than acquired again. */
static inline bool token_unverified(const struct tenant *t) {
  return t->token.access_token && t->token_exp == 0;
}
void token_begin(struct tenant *t);
void token_drop(struct tenant *t);
void jwks_free_all(struct jwks_entry *j);
struct jwks_entry *jwks_get(struct mde_engine *e, const char *url);

/* engine_api.c */
void api_begin(struct tenant *t);

#endif
