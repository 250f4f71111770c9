/* SPDX-License-Identifier: MIT */
/* How much memory the engine holds per tenant, measured on the heap
 * (glibc mallinfo2) after real cycles against mde-sim: configured but not
 * yet run, then after a cycle (token cached, alerts indexed). Prints one
 * markdown row per phase. With "minimal", the tenants are configured as
 * README's minimal set (no alerts, devices or role probes: no API call).
 * Usage:
 *   engine-memory BASE_URL CA_FILE SECRET_FILE N_TENANTS PREFIX ALERTS
 *                 [DEVICES [minimal]] */
#include "mde/engine.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t heap(void) { return mallinfo2().uordblks; }

int main(int argc, char **argv) {
  if (argc < 7 || argc > 9 || (argc == 9 && strcmp(argv[8], "minimal"))) {
    fprintf(stderr,
            "usage: %s BASE CA SECRET N PREFIX ALERTS [DEVICES [minimal]]\n",
            argv[0]);
    return 2;
  }
  bool minimal = argc == 9;
  /* DEVICES only labels the row: the world gives the tenants their
   * devices and the token's roles turn the sync on. */
  const char *devices = argc >= 8 ? argv[7] : "0";
  const char *base = argv[1], *ca = argv[2], *secret = argv[3];
  long n = strtol(argv[4], NULL, 10);
  const char *prefix = argv[5], *alerts = argv[6];
  char err[512];
  struct mde_engine_options o = {
      .http = {.ca_file = ca, .timeout_ms = 30000, .max_connections = 32}};
  size_t h0 = heap();
  struct mde_engine *e = mde_engine_new(&o, err, sizeof err);
  if (!e) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  size_t h1 = heap();
  static const char *const roles[] = {"Alert.Read.All"};
  for (long i = 0; i < n; i++) {
    char name[64], domain[96];
    snprintf(name, sizeof name, "%s%ld", prefix, i);
    snprintf(domain, sizeof domain, "%s.onmicrosoft.com", name);
    struct mde_tenant_config c;
    mde_tenant_config_defaults(&c);
    c.name = name;
    c.tenant = domain;
    c.client_id = "11111111-2222-3333-4444-555555555555";
    c.secret_file = secret;
    c.login_endpoint = base;
    c.api_endpoint = base;
    c.required_roles = roles;
    c.n_required_roles = 1;
    if (minimal)
      c.fetch_alerts = c.probe_roles = c.fetch_machines = 0;
    if (mde_engine_add(e, &c, err, sizeof err) < 0) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
  }
  size_t h2 = heap();
  int64_t t0 = mde_monotonic_ms();
  mde_engine_cycle(e, t0 + 600000, 0);
  int64_t t1 = mde_monotonic_ms();
  size_t h3 = heap();
  long ok = 0;
  uint64_t calls = 0;
  for (long i = 0; i < n; i++) {
    const struct mde_tenant_result *r = mde_engine_result(e, (size_t)i);
    ok += r->failure == MDE_FAIL_NONE &&
          (strcmp(devices, "0") == 0 || r->machines_valid);
    calls += r->api_requests;
  }
  printf("| %ld | %s | %s | %.1f KiB | %.1f KiB | %.2f s | %.1f | %ld/%ld |\n",
         n, alerts, devices, (double)(h2 - h1) / (double)n / 1024.0,
         (double)(h3 - h1) / (double)n / 1024.0, (double)(t1 - t0) / 1000.0,
         (double)calls / (double)n, ok, n);
  mde_engine_free(e);
  (void)h0;
  return ok == n ? 0 : 1;
}
