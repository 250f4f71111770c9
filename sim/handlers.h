/* SPDX-License-Identifier: MIT */
/* The simulated services' endpoints. Each handler fills the response and
 * tells the dispatcher which tenant and app the request was for (stats). */
#ifndef SIM_HANDLERS_H
#define SIM_HANDLERS_H

#include "http.h"
#include "world.h"

struct sim_call {
  int tenant; /* -1: unknown */
  int app;    /* -1: unknown */
};

/* POST /{tenant}/oauth2/token (version 1) and /oauth2/v2.0/token (2). */
void sim_token(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
               const char *tenant, int version, struct sim_call *call);
/* /{tenant}[/v2.0]/.well-known/openid-configuration */
void sim_discovery(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
                   const char *tenant, int version, struct sim_call *call);
/* /{tenant}/discovery[/v2.0]/keys */
void sim_jwks(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
              const char *tenant, int version, struct sim_call *call);
/* /api[/v1.0]/{alerts[/{id}],machines,exposureScore}; `path` is the
 * request path, for @odata.nextLink. */
void sim_api(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
             enum sim_endpoint ep, const char *item, struct sim_call *call);

/* Microsoft Graph: /v1.0/{item}, item "applications(appId='…')" or
 * "applications" (with $filter=appId eq '…'). */
void sim_graph(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
               const char *item, struct sim_call *call);

/* The https://host part clients called, for links that point back. */
void sim_base_url(const struct sim_req *rq, char *out, size_t n);

#endif
