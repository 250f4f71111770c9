/* SPDX-License-Identifier: MIT */
/* Routes a request on the service port to its endpoint, applies the
 * faults that target it, and records it for the admin interface. */
#ifndef SIM_DISPATCH_H
#define SIM_DISPATCH_H

#include "http.h"

/* A sim_handler; `cls` is the struct sim_world. */
void sim_dispatch(void *cls, struct sim_req *rq, struct sim_resp *rs);

#endif
