/* SPDX-License-Identifier: MIT */
/* The admin interface: plain HTTP on a loopback port, JSON in and out.
 * Tests change the world while clients run (consent, roles, secrets, keys,
 * alerts, faults) and read what the clients did (requests, tokens, headers,
 * the request log) and the ground truth (alert counts). The routes are
 * documented in examples/scenarios/README.md. */
#ifndef SIM_ADMIN_H
#define SIM_ADMIN_H

#include "http.h"

/* A sim_handler; `cls` is the struct sim_world. */
void sim_admin(void *cls, struct sim_req *rq, struct sim_resp *rs);

#endif
