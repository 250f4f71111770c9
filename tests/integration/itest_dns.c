/* SPDX-License-Identifier: MIT */
/* The cycle deadline holds whatever the resolver does (issue 13): this
 * program defines getaddrinfo itself, so that libcurl's resolver thread
 * takes 20 s for names under slow-dns.test. The engine must still return
 * by its deadline, report the tenant as a network failure, and free
 * without waiting for the resolver. */
#define _GNU_SOURCE
#include "mde/engine.h"

#include <dlfcn.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define SLOW_MS 20000

int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res) {
  int (*real)(const char *, const char *, const struct addrinfo *,
              struct addrinfo **) =
      (int (*)(const char *, const char *, const struct addrinfo *,
               struct addrinfo **))dlsym(RTLD_NEXT, "getaddrinfo");
  if (node && strstr(node, "slow-dns.test")) {
    struct timespec ts = {SLOW_MS / 1000, 0};
    nanosleep(&ts, NULL);
    node = "127.0.0.1";
  }
  return real(node, service, hints, res);
}

static void a_slow_resolver_does_not_hold_the_cycle(void **state) {
  (void)state;
  setenv("MDE_DNS_SECRET", "not-a-real-secret", 1);
  struct mde_engine_options o = {.http = {.timeout_ms = 60000}};
  char err[512];
  struct mde_engine *e = mde_engine_new(&o, err, sizeof err);
  assert_non_null(e);
  struct mde_tenant_config c;
  mde_tenant_config_defaults(&c);
  c.name = "slow";
  c.tenant = "aaaaaaaa-0000-4000-8000-000000000001";
  c.client_id = "11111111-2222-3333-4444-555555555555";
  c.secret_env = "MDE_DNS_SECRET";
  c.login_endpoint = "https://login.slow-dns.test";
  c.api_endpoint = "https://api.slow-dns.test";
  assert_true(mde_engine_add(e, &c, err, sizeof err) >= 0);
  int64_t start = mde_monotonic_ms();
  assert_int_equal(mde_engine_cycle(e, start + 1500, 0), 0);
  int64_t took = mde_monotonic_ms() - start;
  const struct mde_tenant_result *r = mde_engine_result(e, 0);
  assert_int_equal(r->failure, MDE_FAIL_NETWORK);
  assert_true(r->timed_out);
  /* a second cycle: the resolver is still asleep, the deadline holds */
  start = mde_monotonic_ms();
  assert_int_equal(mde_engine_cycle(e, start + 1000, 0), 0);
  int64_t took2 = mde_monotonic_ms() - start;
  start = mde_monotonic_ms();
  mde_engine_free(e);
  int64_t freeing = mde_monotonic_ms() - start;
  print_message("# cycles took %lld and %lld ms, freeing %lld ms\n",
                (long long)took, (long long)took2, (long long)freeing);
  assert_true(took < 1500 + 1000);
  assert_true(took2 < 1000 + 1000);
  assert_true(freeing < 1000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_slow_resolver_does_not_hold_the_cycle),
  };
  return cmocka_run_group_tests_name("slow resolver", tests, NULL, NULL);
}
