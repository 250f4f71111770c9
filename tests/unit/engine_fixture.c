/* SPDX-License-Identifier: MIT */
/* The engine tests' fixture (see engine_fixture.h). */
#include "engine_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

int fixture_setup(void **state) {
  struct fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  fw_init(&f->w);
  f->e = fw_engine(&f->w);
  *state = f;
  return f->e ? 0 : -1;
}

int fixture_teardown(void **state) {
  struct fixture *f = *state;
  mde_engine_free(f->e);
  fw_free(&f->w);
  free(f);
  return 0;
}

int fixture_add(struct fixture *f, struct mde_tenant_config *c) {
  char err[512];
  int i = mde_engine_add(f->e, c, err, sizeof err);
  if (i < 0)
    fail_msg("add: %s", err);
  return i;
}

int fixture_add_reader(struct fixture *f, const char *name, const char *id,
                       long alerts_interval) {
  static const char *const alert_read[] = {"Alert.Read.All"};
  struct mde_tenant_config c = fw_config(&f->w, name, id, NULL);
  c.required_roles = alert_read;
  c.n_required_roles = 1;
  c.alerts_interval = alerts_interval;
  c.probe_roles = 0;
  return fixture_add(f, &c);
}

const struct mde_tenant_result *fixture_result(struct fixture *f, int i) {
  return mde_engine_result(f->e, (size_t)i);
}
