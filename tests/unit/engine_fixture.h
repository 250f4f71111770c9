/* SPDX-License-Identifier: MIT */
/* The engine tests' fixture (test_engine_sm, _machines, _graph): a fake
 * world (fakeworld.h) and an engine on it, fresh for every test. */
#ifndef MDE_TEST_ENGINE_FIXTURE_H
#define MDE_TEST_ENGINE_FIXTURE_H

#include "fakeworld.h"

struct fixture {
  struct fakeworld w;
  struct mde_engine *e;
  struct fw_tenant *home; /* the partner's own tenant, where Graph is read */
};

/* cmocka setup and teardown: a fixture in *state, then freed. */
int fixture_setup(void **state);
int fixture_teardown(void **state);
/* Adds tenant `c`; fails the test with the engine's reason if refused. */
int fixture_add(struct fixture *f, struct mde_tenant_config *c);
/* Adds a tenant that requires Alert.Read.All, syncs alerts every
 * `alerts_interval` seconds and probes no roles. */
int fixture_add_reader(struct fixture *f, const char *name, const char *id,
                       long alerts_interval);
/* Tenant i's result of the last cycle. */
const struct mde_tenant_result *fixture_result(struct fixture *f, int i);

#endif
