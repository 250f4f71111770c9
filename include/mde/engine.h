/* SPDX-License-Identifier: MIT */
/* The engine: every configured tenant checked concurrently in one cycle —
 * token (cached, refreshed ahead of expiry, re-acquired every credential-
 * check interval), token checks (signature against the authority's JWKS,
 * tid, aud, iss, lifetime, roles), then the Defender API (alerts synced
 * fully then incrementally, role probes) — all on one libcurl multi handle,
 * bounded in connections and in time. Each tenant yields one result per
 * cycle; one tenant's failure never affects another's. The engine knows
 * nothing of collectd or Nagios. */
#ifndef MDE_ENGINE_H
#define MDE_ENGINE_H

#include "mde/alerts.h"
#include "mde/entra_error.h"
#include "mde/failure.h"
#include "mde/http.h"
#include "mde/machines.h"
#include "mde/strlist.h"
#include "mde/tenant.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum mde_log_level {
  MDE_LOG_ERR,
  MDE_LOG_WARNING,
  MDE_LOG_INFO,
  MDE_LOG_DEBUG
};

/* The engine's two seams (see ../shared/design/ARCHITECTURE.md): time and
 * the network. Production passes neither (the real clocks, libcurl); unit
 * tests script both and drive hours of a tenant's life in milliseconds. */
struct mde_clock {
  int64_t (*monotonic_ms)(void *ctx); /* deadlines, budgets, intervals */
  time_t (*wall)(void *ctx);          /* token lifetimes, expiry dates */
  void *ctx;
};

/* Requests go out through submit and are answered during run, which
 * returns by its deadline (mde_http's contract, include/mde/http.h).
 * submit returns 0, or -1 when it cannot take the request (out of memory):
 * then no answer comes, and the caller fails at once. */
struct mde_transport {
  int (*submit)(void *ctx, struct mde_http_req *req);
  int (*run)(void *ctx, int64_t deadline_ms);
  void *ctx;
  /* Optional, any thread: makes the running and every later run return at
   * once, as at their deadline (mde_http_interrupt). */
  void (*interrupt)(void *ctx);
  /* Optional, together: carrying transfers past a deadline (requests with
   * may_carry; mde_http_run_carried and mde_http_wake). Without them,
   * nothing is carried. */
  int (*run_carried)(void *ctx, int64_t until_ms);
  void (*wake)(void *ctx);
};

struct mde_engine_options {
  struct mde_http_options http;          /* for the default transport */
  const struct mde_clock *clock;         /* NULL: the real clocks */
  const struct mde_transport *transport; /* NULL: libcurl; must outlive
                                            the engine */
  /* How the fixes in results spell options: `Cloud` for the collectd
   * plugin, `--cloud` for check_mde; MDE_FRONT_ANY names both. */
  enum mde_front_end front;
  /* A token signed with a key the cached JWKS lacks makes the engine fetch
   * the set again, at most this often (seconds; 0: 300). */
  long jwks_refetch_interval;
  /* Where the engine's log lines go (never a secret or a token). NULL:
   * nowhere. */
  void (*log)(void *ctx, enum mde_log_level level, const char *msg);
  void *log_ctx;
};

#define MDE_MAX_STATUS_CODES 16

struct mde_status_count {
  int status; /* HTTP status; 0 for "no response" */
  unsigned count;
};

struct mde_tenant_result {
  const char *name;   /* as configured */
  char tenant_id[40]; /* the tenant GUID, once known */

  /* The worst failure of the cycle, or MDE_FAIL_NONE. While a tenant is in
   * backoff, its last failure is carried and `backoff` is set. */
  enum mde_failure failure;
  char reason[MDE_ERR_SIZE]; /* what failed, for humans */
  char *fix;                 /* one line: what to do; NULL if nothing */
  long aadsts;               /* Entra error code, 0 if none */
  char trace_id[64], correlation_id[64], timestamp[40];
  int backoff;   /* no request sent this cycle: backing off */
  int timed_out; /* the cycle deadline, not the peer, ended it */
  /* Its answer was arriving at the deadline (MDE_CYCLE_CARRY): the cycle
   * goes on into the next one, and this result is not one to report. */
  int carried;

  int token_valid; /* a usable token passed every check */
  int consent;     /* 1 yes, 0 no, -1 unknown (yet) */
  int permissions; /* every required role granted and the API agrees:
                      1 yes, 0 no, -1 unknown */
  struct mde_strlist missing_roles;
  double token_ttl;      /* seconds left on the cached token; <0: none */
  double credential_ttl; /* seconds until the certificate (or a configured
                            secret expiry) runs out; NAN when unknown */

  int token_timing_valid, api_timing_valid;    /* a request went out */
  struct mde_http_timing token_time, api_time; /* the last of each kind */
  struct mde_status_count codes[MDE_MAX_STATUS_CODES]; /* this cycle */
  size_t n_codes;

  int throttled;      /* a 429 holds this tenant back */
  double retry_after; /* seconds still to wait, 0 if none */

  /* Alert counts are reported (alerts_valid) only while the last completed
   * sync is recent: within 2 x AlertsInterval plus one cycle. */
  int alerts_valid;    /* the counts below are current */
  int alerts_complete; /* 1: a full sync completed; 0: the first is
                          still under way; -1: alerts not synced */
  double alerts_age;   /* seconds since the last completed sync; NAN */
  uint32_t alerts[MDE_STATUS_COUNT][MDE_SEVERITY_COUNT];

  /* Devices by sensor health and onboarding state, from the last complete
   * sync of /api/machines; reported (machines_valid) only while it is
   * recent: within 2 x MachinesInterval plus one cycle, as alerts. */
  int machines_valid;
  double machines_age; /* seconds since the last completed sync; NAN */
  struct mde_machine_counts machines;
  int exposure_valid; /* as machines_valid, for the last score read */
  double exposure_score;

  /* Counters since start (for rates). */
  uint64_t token_requests, api_requests;
  uint64_t alerts_created; /* new alert ids seen after the first sync */
  uint64_t failures[MDE_FAIL_COUNT_]; /* cycles that ended in each class */

  /* Microsoft Graph (HomeTenantId set): whether credential_ttl came from
   * Graph's record of the configured credential (1), and what a human
   * should know about that credential ("" if nothing): several secrets
   * sharing its hint, a certificate not registered on the app, Graph
   * unreachable since a time. Never holds any of the secret. */
  int credential_from_graph;
  char credential_note[MDE_ERR_SIZE];
};

/* One partner app as Microsoft Graph describes it (one per distinct
 * ClientId and HomeTenantId): app-level values, plugin instance empty. */
struct mde_app_result {
  const char *client_id, *home_tenant;
  int valid;                /* Graph has been read at least once */
  double earliest_ttl;      /* seconds to the earliest expiry of a credential
                               still valid; NAN when none or unknown */
  unsigned expiring;        /* valid, expiring within CredentialWarning */
  unsigned expired;         /* expired, still registered */
  double age;               /* seconds since the last successful read; NAN */
  enum mde_failure failure; /* why the last read failed, NONE if it did not */
  char reason[MDE_ERR_SIZE];
};

struct mde_engine;

struct mde_engine *mde_engine_new(const struct mde_engine_options *opt,
                                  char *err, size_t err_size);
void mde_engine_free(struct mde_engine *e);

/* Validates and adds a tenant. Returns its index, or -1 with an error
 * naming the field (unknown cloud, malformed GUID, no or two credentials,
 * unreadable or world-readable secret file, bad URL, ...). */
int mde_engine_add(struct mde_engine *e, const struct mde_tenant_config *c,
                   char *err, size_t err_size);
/* mde_engine_add, and the class of a refusal in *why (NULL: not wanted):
 * MDE_FAIL_CREDENTIAL_UNUSABLE for a credential that cannot be loaded
 * (missing, world-readable, not a regular file, ...), MDE_FAIL_INTERNAL
 * when out of memory, MDE_FAIL_CONFIG for any other value. The collectd plugin
 * reports a refused tenant with it. */
int mde_engine_add_why(struct mde_engine *e, const struct mde_tenant_config *c,
                       char *err, size_t err_size, enum mde_failure *why);
size_t mde_engine_count(const struct mde_engine *e);

/* One-shot callers (check_mde) ignore backoff and re-check credentials. */
#define MDE_CYCLE_ONESHOT 1u
/* A daemon's cycles: a tenant whose answer is arriving at the deadline
 * (a slow page) is carried instead of cut: its result says `carried`, its
 * transfer goes on in mde_engine_carry and the next cycle, whose deadline
 * cuts it if it has still not ended. Carried transfers take at most half
 * the connections, and a tenant is carried one cycle at a time. */
#define MDE_CYCLE_CARRY 2u

/* Runs one cycle for every tenant, returning by `deadline_ms` (the
 * engine clock's monotonic_ms) whatever the network does. Returns 0, or -1
 * when the engine itself failed (out of memory). */
int mde_engine_cycle(struct mde_engine *e, int64_t deadline_ms, unsigned flags);
/* From any thread: the running cycle, and every later one, ends now as if
 * its deadline had passed (a stopping daemon). Only mde_engine_free may
 * follow usefully. */
void mde_engine_interrupt(struct mde_engine *e);
/* Between cycles: moves carried transfers on until they end, `until_ms`
 * or mde_engine_wake; their answers wait for the next cycle. Returns how
 * many are still under way (0 at once when nothing is carried). */
int mde_engine_carry(struct mde_engine *e, int64_t until_ms);
/* From any thread: the running (or next) mde_engine_carry returns now. */
void mde_engine_wake(struct mde_engine *e);
const struct mde_tenant_result *mde_engine_result(const struct mde_engine *e,
                                                  size_t i);
/* The apps read from Microsoft Graph, in the order first configured. */
size_t mde_engine_app_count(const struct mde_engine *e);
const struct mde_app_result *mde_engine_app_result(const struct mde_engine *e,
                                                   size_t i);

#endif
