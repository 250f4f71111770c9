/* SPDX-License-Identifier: MIT */
/* A scripted clock, transport and cloud for the engine's state-machine
 * tests: Entra's token endpoint, discovery and key set, and the Defender
 * API's alerts and probe endpoints, answered in process with real RS256
 * tokens (keys made at run time), so a test drives hours of a tenant's
 * life in milliseconds with no sleep and no socket. Each request is
 * logged with the clock's time, so tests assert on what was sent when. */
#ifndef MDE_FAKEWORLD_H
#define MDE_FAKEWORLD_H

#include "mde/engine.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define FW_LOGIN "https://login.example"
#define FW_API "https://api.example"
#define FW_GRAPH_HOST "https://graph.example"
#define FW_APP "11111111-2222-3333-4444-555555555555"
#define FW_MAX_TENANTS 8
#define FW_MAX_LOG 4096

enum fw_endpoint {
  FW_TOKEN,
  FW_KEYS,
  FW_DISCOVERY,
  FW_ALERTS,
  FW_MACHINES,
  FW_SCORE,
  FW_GRAPH, /* GET /v1.0/applications(appId='…') */
  FW_OTHER
};

/* A scripted answer that overrides the world for one endpoint. */
struct fw_override {
  int status;       /* 0: none (the world answers) */
  const char *body; /* NULL: "{}" */
  long retry_after; /* -1: no header */
  bool hang;        /* no answer until the run's deadline */
  /* The world's answer, begun but still arriving at this many deadlines
   * (carried past the first if allowed, see fakeworld.carried) */
  int slow;
  bool reset; /* the connection dies without an answer */
  /* The answer was held back by the memory budget while its peer closed
   * the connection, on both tries (as lib/http.c reports it); or, with
   * `oversized`, held back and then past its cap */
  bool dropped, oversized;
  int times; /* answers left; <0: for ever */
};

struct fw_tenant {
  char id[40];        /* the GUID */
  char domain[64];    /* "" or a domain that discovery resolves to id */
  char token_tid[40]; /* "" or the tid its tokens claim instead of id */
  const char *roles[4];
  long alerts;              /* alerts held by the API */
  long page_size;           /* alerts a page holds */
  const char *status;       /* every alert's status, "New" if NULL */
  const char *issuer;       /* v1 issuer base in discovery; NULL: sts */
  const char *token_issuer; /* ... in its tokens; NULL: as discovery */
  const char *next_base;    /* nextLinks point there; NULL: FW_API */
  bool opaque;              /* its access tokens are not JWTs */
  const char *kid;          /* its tokens' key id; NULL: the key set's */
  /* Microsoft Graph: the roles of its Graph tokens (the home tenant's
   * app permissions), and the aud they claim (NULL: Graph's) */
  const char *graph_roles[4];
  const char *graph_aud;
  struct fw_override ov[FW_OTHER + 1];
  long machines;      /* devices behind /api/machines (0: 404, as real) */
  long machines_page; /* devices a page holds; 0: 10000 */
  long inactive;      /* the first `inactive` are Inactive, the rest Active */
  double score;       /* /api/exposureScore */
};

/* An answer under way at a deadline: carried (as lib/http.c carries) or
 * cut. It ends once `deadlines` more have passed. */
struct fw_slow {
  struct mde_http_req *req;
  int deadlines;      /* still to pass before it ends */
  int64_t carried_at; /* the deadline it was carried past; 0: not yet */
  bool arrived;       /* ended between runs: delivered by the next run */
};

struct fw_request {
  int64_t ms; /* the clock when it was sent */
  enum fw_endpoint ep;
  int tenant; /* index, -1 if none */
  char url[256];
  bool graph_token; /* a token request for Microsoft Graph */
};

struct fakeworld {
  int64_t mono_ms;
  time_t wall0;
  long latency_ms; /* every answer's latency, in the timing */
  int slots;       /* transfers at once; hung ones keep theirs */
  EVP_PKEY *key;
  struct fw_tenant t[FW_MAX_TENANTS];
  int n_tenants;
  struct mde_clock clock;
  struct mde_transport transport;
  struct mde_http_req *queue[1024];
  int n_queue;
  struct fw_slow slow[32]; /* answers under way */
  int n_slow;
  int carried_runs, wakes; /* calls of the transport's run_carried, wake */
  int submits;             /* submissions so far */
  int refuse_submit;       /* the submission with this number fails (0: none) */
  struct fw_request log[FW_MAX_LOG];
  int n_log;
  /* Graph's application object as the tests script it (with "%s" for
   * nothing: the body as it is); "" answers 404 Request_ResourceNotFound */
  char graph_app[4096];
  EVP_PKEY *graph_key; /* signs Graph tokens; published nowhere */
};

void fw_init(struct fakeworld *w);
void fw_free(struct fakeworld *w);
/* Adds a tenant with Alert.Read.All and no alerts; returns it. */
struct fw_tenant *fw_tenant(struct fakeworld *w, const char *id);
/* An engine on the fake clock and transport; the tenant config defaults
 * point at the fake hosts. */
struct mde_engine *fw_engine(struct fakeworld *w);
struct mde_tenant_config fw_config(struct fakeworld *w, const char *name,
                                   const char *tenant, const char *secret_env);
/* Graph's application object for FW_APP with these credentials (JSON
 * array members, e.g. from fw_secret). */
void fw_graph_app(struct fakeworld *w, const char *password_credentials,
                  const char *key_credentials);
/* A passwordCredential expiring `days` after the world's wall clock. */
void fw_secret(const struct fakeworld *w, char *out, size_t n,
               const char *key_id, const char *hint, double days);

/* Writes `text` to dir/name with `mode`; returns the path (malloc'd). */
char *fw_write_file(const char *dir, const char *name, const char *text,
                    unsigned mode);

/* One engine cycle with a 1 s deadline, then the clock moves on by
 * `step_s` seconds. */
void fw_cycle(struct fakeworld *w, struct mde_engine *e, int step_s);
/* The same with the cycle flags a daemon passes (MDE_CYCLE_CARRY). */
void fw_cycle_flags(struct fakeworld *w, struct mde_engine *e, int step_s,
                    unsigned flags);
/* Requests to an endpoint (tenant -1: any) since log entry `from`. */
int fw_count(const struct fakeworld *w, enum fw_endpoint ep, int tenant,
             int from);

#endif
