/* The HTTP layer's memory budget (issue 13): response bodies in flight
 * together hold at most the budget — each transfer reserves its cap, and
 * one that does not fit waits for room — against mde-sim streaming an
 * endless body on every request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mde/http.h"
#include "simfix.h"

#define N 8
#define CAP (2u * 1024 * 1024)

static struct simfix sim;
static int finished, too_large;

static void on_done(struct mde_http_req *req) {
  finished++;
  too_large += req->too_large;
  mde_http_req_release(req);
}

/* N endless bodies, each capped at CAP, with room for `budget` bytes. */
static size_t peak_with(size_t budget) {
  struct mde_http_options o = {.ca_file = sim.ca,
                               .max_connections = N,
                               .max_body = CAP,
                               .body_budget = budget,
                               .timeout_ms = 20000};
  char err[256];
  struct mde_http *h = mde_http_new(&o, err, sizeof err);
  assert_non_null(h);
  char url[160];
  snprintf(url, sizeof url, "%s/api/alerts", sim.base);
  struct mde_http_req reqs[N];
  finished = too_large = 0;
  for (int i = 0; i < N; i++) {
    reqs[i] = (struct mde_http_req){.url = url, .done = on_done};
    mde_http_submit(h, &reqs[i]);
  }
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + 60000), 0);
  size_t peak = mde_http_peak_body_bytes(h);
  mde_http_free(h);
  assert_int_equal(finished, N);
  assert_int_equal(too_large, N); /* every body cut at its cap */
  return peak;
}

static void bodies_in_flight_stay_within_the_budget(void **state) {
  (void)state;
  cJSON *r = simfix_admin(&sim, "PUT", "/faults",
                          "[{\"endpoint\": \"alerts\", \"endless\": 1}]");
  cJSON_Delete(r);
  size_t roomy = peak_with((size_t)N * CAP);
  size_t tight = peak_with(2 * CAP);
  print_message("# peak body bytes: %zu with room for all, %zu with room for "
                "two\n",
                roomy, tight);
  assert_true(tight <= 2 * CAP);
  assert_true(roomy > 2 * CAP); /* the test can tell the difference */
}

static int setup(void **state) {
  (void)state;
  return simfix_start(&sim, "tests/integration/scenarios/basic.json");
}

static int teardown(void **state) {
  (void)state;
  return simfix_stop(&sim) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(bodies_in_flight_stay_within_the_budget),
  };
  return cmocka_run_group_tests_name("http body budget", tests, setup,
                                     teardown);
}
