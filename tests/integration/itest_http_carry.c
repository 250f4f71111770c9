/* SPDX-License-Identifier: MIT */
/* Carrying a transfer past a run's deadline (lib/http.c) against a real
 * peer (mde-sim trickling a body 256 bytes at a time): an answer under way
 * at the deadline goes on between runs and reaches its caller in the next
 * run, inside it; a request not allowed to, a peer that has not begun to
 * answer, a transfer carried once already, and carried transfers past half
 * the connections are cut as before. */
#include "mde/http.h"
#include "simfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

static struct simfix sim;
static char url[256];

static int setup(void **state) {
  (void)state;
  if (simfix_start(&sim, "tests/integration/scenarios/basic.json") != 0)
    return -1;
  snprintf(url, sizeof url,
           "%s/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
           sim.base);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  return simfix_stop(&sim) == 0 ? 0 : -1;
}

/* Discovery's answer, trickled: a chunk every `chunk_ms`, or its status
 * line only after `latency_ms`. */
static void slow_discovery(int chunk_ms, int latency_ms) {
  char faults[160];
  snprintf(faults, sizeof faults,
           "[{\"endpoint\": \"discovery\", \"slow_body_ms\": %d, "
           "\"latency_ms\": %d}]",
           chunk_ms, latency_ms);
  cJSON_Delete(simfix_admin(&sim, "PUT", "/faults", faults));
}

/* A client of `connections` to the simulator `s`. */
static struct mde_http *client_of(const struct simfix *s, long connections) {
  struct mde_http_options o = {
      .ca_file = s->ca, .timeout_ms = 20000, .max_connections = connections};
  char err[256];
  struct mde_http *h = mde_http_new(&o, err, sizeof err);
  assert_non_null(h);
  return h;
}

static struct mde_http *client(long connections) {
  return client_of(&sim, connections);
}

/* Discovery's document is about 1.5 KB: six chunks, ~1.8 s at CHUNK_MS;
 * its status line comes well within FIRST_MS, the first deadline. */
#define CHUNK_MS 300
#define FIRST_MS 800

static int answered;
static void on_done(struct mde_http_req *req) {
  (void)req;
  answered++;
}

/* A client of 4 connections with discovery's answer trickled, and one
 * request for it out (allowed to be carried or not). */
static struct mde_http *one_out(struct mde_http_req *req, int may_carry,
                                int chunk_ms, int latency_ms) {
  slow_discovery(chunk_ms, latency_ms);
  struct mde_http *h = client(4);
  *req = (struct mde_http_req){
      .url = url, .done = on_done, .may_carry = may_carry};
  answered = 0;
  assert_int_equal(mde_http_submit(h, req), 0);
  return h;
}

/* The request was cut by the deadline and answered as such; both freed. */
static void ended_cut(struct mde_http *h, struct mde_http_req *req) {
  assert_int_equal(answered, 1);
  assert_int_equal(req->deadline_cut, 1);
  assert_int_equal(req->carried, 0);
  mde_http_req_release(req);
  mde_http_free(h);
}

/* Runs until the request's status line has come (it is then under way),
 * bounded: the deadline that follows finds an answer arriving. */
static void run_until_answering(struct mde_http *h) {
  mde_http_run(h, mde_monotonic_ms() + FIRST_MS);
}

static void a_slow_answer_goes_on_and_arrives_in_the_next_run(void **state) {
  (void)state;
  struct mde_http_req req;
  struct mde_http *h = one_out(&req, 1, CHUNK_MS, 0);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 0);
  assert_int_equal(answered, 0); /* neither cut nor answered */
  assert_int_equal(req.carried, 1);
  assert_int_equal(req.may_carry, 0); /* once only */
  /* Between runs it goes on to its end, and its answer waits. */
  assert_int_equal(mde_http_run_carried(h, mde_monotonic_ms() + 15000), 0);
  assert_int_equal(answered, 0);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + 1000), 0);
  assert_int_equal(answered, 1);
  assert_int_equal(req.status, 200);
  assert_int_equal(req.deadline_cut, 0);
  assert_int_equal(req.carried, 0);
  assert_int_equal(req.curl_code, 0);
  assert_non_null(strstr(req.body.data, "\"issuer\""));
  mde_http_req_release(&req);
  mde_http_free(h);
}

/* The second run of one cycle (same deadline) keeps what the first
 * carried: the engine runs twice per cycle. */
static void the_same_deadline_keeps_what_it_carried(void **state) {
  (void)state;
  struct mde_http_req req;
  struct mde_http *h = one_out(&req, 1, CHUNK_MS, 0);
  int64_t deadline = mde_monotonic_ms() + FIRST_MS;
  assert_int_equal(mde_http_run(h, deadline), 0);
  assert_int_equal(mde_http_run(h, deadline), 0);
  assert_int_equal(req.carried, 1);
  assert_int_equal(answered, 0);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + 15000), 0);
  assert_int_equal(answered, 1);
  assert_int_equal(req.status, 200);
  mde_http_req_release(&req);
  mde_http_free(h);
}

static void without_may_carry_the_deadline_cuts(void **state) {
  (void)state;
  struct mde_http_req req;
  struct mde_http *h = one_out(&req, 0, CHUNK_MS, 0);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 1);
  /* its answer was arriving no faster than it was read: the peer's */
  assert_int_equal(req.peer_silent, 1);
  assert_int_equal(mde_http_run_carried(h, mde_monotonic_ms() + 1000), 0);
  ended_cut(h, &req);
}

/* No status line yet: a hung peer, not a slow answer; carrying it would
 * hold a connection for a peer that may never answer. */
static void a_peer_that_has_not_answered_is_cut(void **state) {
  (void)state;
  struct mde_http_req req;
  struct mde_http *h = one_out(&req, 1, 0, 3000);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 1);
  assert_int_equal(req.peer_silent, 1); /* the network may be to blame */
  ended_cut(h, &req);
}

/* Carried past one deadline, cut at the next: a tenant is never kept
 * waiting for more than two cycles. */
static void a_transfer_is_carried_once(void **state) {
  (void)state;
  struct mde_http_req req;
  struct mde_http *h = one_out(&req, 1, 1000, 0); /* ~6 s */
  run_until_answering(h);
  assert_int_equal(req.carried, 1);
  req.may_carry = 1; /* even if its caller allows it again */
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 1);
  assert_int_equal(req.peer_silent, 1); /* slower than two runs */
  ended_cut(h, &req);
}

/* Half the connections stay the next cycle's: with 4, two are carried. */
static void carried_transfers_take_half_the_connections(void **state) {
  (void)state;
  slow_discovery(CHUNK_MS, 0);
  struct mde_http *h = client(4);
  struct mde_http_req reqs[4];
  answered = 0;
  for (int i = 0; i < 4; i++) {
    reqs[i] =
        (struct mde_http_req){.url = url, .done = on_done, .may_carry = 1};
    assert_int_equal(mde_http_submit(h, &reqs[i]), 0);
  }
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 2);
  int carried = 0;
  for (int i = 0; i < 4; i++)
    carried += reqs[i].carried;
  assert_int_equal(carried, 2);
  assert_int_equal(answered, 2);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + 15000), 0);
  assert_int_equal(answered, 4);
  for (int i = 0; i < 4; i++)
    mde_http_req_release(&reqs[i]);
  mde_http_free(h);
}

/* mde_http_wake ends the carried transfers' run at once: the next read
 * has come. */
static void a_wake_ends_the_run_between_runs(void **state) {
  (void)state;
  struct mde_http_req req;
  struct mde_http *h = one_out(&req, 1, CHUNK_MS, 0);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 0);
  assert_int_equal(req.carried, 1);
  mde_http_wake(h);
  assert_int_equal(mde_http_run_carried(h, mde_monotonic_ms() + 15000), 1);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + 15000), 0);
  assert_int_equal(answered, 1);
  assert_int_equal(req.status, 200);
  mde_http_req_release(&req);
  mde_http_free(h);
}

/* A wake from before a run was for the gap before it: stale. */
static void a_wake_before_a_run_is_stale(void **state) {
  (void)state;
  struct mde_http_req req;
  struct mde_http *h = one_out(&req, 1, CHUNK_MS, 0);
  mde_http_wake(h); /* stale by the run below */
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 0);
  assert_int_equal(req.carried, 1);
  assert_int_equal(mde_http_run_carried(h, mde_monotonic_ms() + 15000), 0);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + 1000), 0);
  assert_int_equal(answered, 1);
  assert_int_equal(req.status, 200);
  mde_http_req_release(&req);
  mde_http_free(h);
}

/* A run starting with carried transfers leaves their connections alone
 * (lib/http.c shuts idle connections with data waiting, which a transfer
 * paused for memory has too): with a one-byte budget, the second answer
 * waits paused, its bytes piling up in its socket, across the deadline;
 * both arrive whole in the next run. */
static void a_run_leaves_carried_connections_alone(void **state) {
  (void)state;
  slow_discovery(CHUNK_MS, 0);
  struct mde_http_options o = {.ca_file = sim.ca,
                               .timeout_ms = 20000,
                               .max_connections = 4,
                               .memory_budget = 1};
  char err[256];
  struct mde_http *h = mde_http_new(&o, err, sizeof err);
  assert_non_null(h);
  struct mde_http_req reqs[2];
  answered = 0;
  for (int i = 0; i < 2; i++) {
    reqs[i] =
        (struct mde_http_req){.url = url, .done = on_done, .may_carry = 1};
    assert_int_equal(mde_http_submit(h, &reqs[i]), 0);
  }
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 0);
  assert_int_equal(reqs[0].carried + reqs[1].carried, 2);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + 15000), 0);
  assert_int_equal(answered, 2);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(reqs[i].status, 200);
    assert_string_equal(reqs[i].error, "");
    assert_non_null(strstr(reqs[i].body.data, "\"issuer\""));
    mde_http_req_release(&reqs[i]);
  }
  mde_http_free(h);
}

/* A request the deadline found waiting for a connection was never sent:
 * its peer is not to blame (the cycle's overrun), the hung one's may be. */
static void a_request_never_started_is_not_the_peers(void **state) {
  (void)state;
  slow_discovery(0, 3000);
  struct mde_http *h = client(1);
  struct mde_http_req reqs[2];
  answered = 0;
  for (int i = 0; i < 2; i++) {
    reqs[i] = (struct mde_http_req){.url = url, .done = on_done};
    assert_int_equal(mde_http_submit(h, &reqs[i]), 0);
  }
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 2);
  assert_int_equal(reqs[0].started, 1);
  assert_int_equal(reqs[0].peer_silent, 1);
  assert_int_equal(reqs[1].started, 0);
  assert_int_equal(reqs[1].deadline_cut, 1);
  assert_int_equal(reqs[1].peer_silent, 0);
  for (int i = 0; i < 2; i++)
    mde_http_req_release(&reqs[i]);
  mde_http_free(h);
}

/* Our sockets to port `port` (from /proc/net/tcp) that the peer has
 * closed and we have not (TCP's CLOSE_WAIT, state 08), or, with `unread`,
 * that hold bytes not read yet (rx_queue). */
static int sockets_to(unsigned port, bool unread) {
  FILE *f = fopen("/proc/net/tcp", "r");
  if (!f)
    return -1;
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned rport, st, rx;
    if (sscanf(line, " %*d: %*8X:%*4X %*8X:%4X %2X %*8X:%8X", &rport, &st,
               &rx) == 3 &&
        rport == port && (unread ? rx > 0 : st == 0x08))
      n++;
  }
  fclose(f);
  return n;
}

static int64_t busy_until;
static unsigned busy_port;

/* An answer whose caller then keeps the thread busy (as reading a 10 MB
 * page does) until another answer waits unread and the deadline is past. */
static void on_done_busy(struct mde_http_req *req) {
  (void)req;
  answered++;
  for (int i = 0; i < 1000; i++) { /* 10 s at most */
    if (mde_monotonic_ms() > busy_until && sockets_to(busy_port, true) > 0)
      break;
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
}

/* The large benchmark's other false `network` alarms: the deadline found
 * answers that had come but that the thread, busy reading other pages, had
 * not read yet. Such an answer is the cycle's overrun, not its peer's. */
static void an_answer_waiting_unread_is_not_the_peers(void **state) {
  (void)state;
  slow_discovery(0, 200);
  struct mde_http *h = client(2);
  char keys[256];
  snprintf(keys, sizeof keys, "%s/contoso.onmicrosoft.com/discovery/v2.0/keys",
           sim.base);
  busy_port = (unsigned)atoi(strrchr(sim.base, ':') + 1);
  struct mde_http_req fast = {.url = keys, .done = on_done_busy};
  struct mde_http_req late = {.url = url, .done = on_done};
  answered = 0;
  assert_int_equal(mde_http_submit(h, &fast), 0);
  assert_int_equal(mde_http_submit(h, &late), 0);
  busy_until = mde_monotonic_ms() + FIRST_MS;
  assert_int_equal(mde_http_run(h, busy_until), 1);
  assert_int_equal(fast.status, 200);
  assert_int_equal(late.deadline_cut, 1);
  assert_int_equal(late.status, 0);
  assert_int_equal(late.peer_silent, 0);
  mde_http_req_release(&fast);
  mde_http_req_release(&late);
  mde_http_free(h);
}

/* The large benchmark's false `network` failures: a server closes idle
 * connections (this one after 2 s), and a run that starts while a carried
 * transfer is still under way must shut those, not send on them (libcurl
 * takes a connection with a close_notify waiting for a live one, and its
 * one retry goes to the next dead one: "connection closed without an
 * answer, 2 times"). Three quick answers leave three idle connections;
 * once the server has closed them, a request in a run that starts with
 * the slow answer still carried gets its answer. */
static void
a_run_with_a_carried_transfer_shuts_closed_connections(void **state) {
  (void)state;
  struct simfix idle;
  assert_int_equal(
      simfix_start_idle(&idle, "tests/integration/scenarios/basic.json", 2), 0);
  char slow[256], keys[256];
  snprintf(slow, sizeof slow,
           "%s/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
           idle.base);
  snprintf(keys, sizeof keys, "%s/contoso.onmicrosoft.com/discovery/v2.0/keys",
           idle.base);
  cJSON_Delete(simfix_admin(&idle, "PUT", "/faults",
                            "[{\"endpoint\": \"discovery\", "
                            "\"slow_body_ms\": 1500}]"));
  struct mde_http *h = client_of(&idle, 4);
  struct mde_http_req reqs[5];
  answered = 0;
  for (int i = 0; i < 4; i++) {
    reqs[i] = (struct mde_http_req){
        .url = i ? keys : slow, .done = on_done, .may_carry = i == 0};
    assert_int_equal(mde_http_submit(h, &reqs[i]), 0);
  }
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + FIRST_MS), 0);
  assert_int_equal(reqs[0].carried, 1);
  assert_int_equal(answered, 3);
  unsigned port = (unsigned)atoi(strrchr(idle.base, ':') + 1);
  for (int i = 0; i < 200 && sockets_to(port, false) < 3; i++) { /* 10 s */
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
  }
  assert_int_equal(sockets_to(port, false), 3);
  reqs[4] = (struct mde_http_req){.url = keys, .done = on_done};
  assert_int_equal(mde_http_submit(h, &reqs[4]), 0);
  assert_int_equal(mde_http_run(h, mde_monotonic_ms() + 15000), 0);
  assert_int_equal(answered, 5);
  for (int i = 0; i < 5; i++) {
    assert_string_equal(reqs[i].error, "");
    assert_int_equal(reqs[i].status, 200);
    mde_http_req_release(&reqs[i]);
  }
  mde_http_free(h);
  assert_int_equal(simfix_stop(&idle), 0);
}

static struct mde_http *stale_h;
static struct mde_http_req stale_req;
static char stale_url[256];
static unsigned stale_port;

/* An answer that comes late in a run, once the server has closed the
 * run's two idle connections: its caller asks for one more thing. */
static void on_done_ask_again(struct mde_http_req *req) {
  (void)req;
  answered++;
  for (int i = 0; i < 200 && sockets_to(stale_port, false) < 2; i++) {
    struct timespec ts = {0, 50 * 1000000L}; /* 10 s at most */
    nanosleep(&ts, NULL);
  }
  stale_req = (struct mde_http_req){.url = stale_url, .done = on_done};
  assert_int_equal(mde_http_submit(stale_h, &stale_req), 0);
}

/* Within one long run too (the large benchmark's cycles are 48 s, the
 * simulator's idle limit 30 s): two quick answers leave two idle
 * connections, the server closes them (after 2 s here), and a request
 * the run starts after that gets its answer instead of being sent on both
 * ("connection closed without an answer, 2 times"). */
static void a_long_run_shuts_connections_closed_during_it(void **state) {
  (void)state;
  struct simfix idle;
  assert_int_equal(
      simfix_start_idle(&idle, "tests/integration/scenarios/basic.json", 2), 0);
  /* the late answer by another name: its connection is not one the
   * request after it could be given */
  char late[256];
  snprintf(late, sizeof late,
           "https://localhost%s/contoso.onmicrosoft.com/v2.0/.well-known/"
           "openid-configuration",
           strrchr(idle.base, ':'));
  snprintf(stale_url, sizeof stale_url,
           "%s/contoso.onmicrosoft.com/discovery/v2.0/keys", idle.base);
  stale_port = (unsigned)atoi(strrchr(idle.base, ':') + 1);
  cJSON_Delete(simfix_admin(&idle, "PUT", "/faults",
                            "[{\"endpoint\": \"discovery\", "
                            "\"latency_ms\": 2500}]"));
  stale_h = client_of(&idle, 4);
  struct mde_http_req reqs[3];
  answered = 0;
  for (int i = 0; i < 3; i++) {
    reqs[i] = (struct mde_http_req){.url = i ? stale_url : late,
                                    .done = i ? on_done : on_done_ask_again};
    assert_int_equal(mde_http_submit(stale_h, &reqs[i]), 0);
  }
  assert_int_equal(mde_http_run(stale_h, mde_monotonic_ms() + 15000), 0);
  assert_int_equal(answered, 4);
  assert_string_equal(stale_req.error, "");
  assert_int_equal(stale_req.status, 200);
  mde_http_req_release(&stale_req);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(reqs[i].status, 200);
    mde_http_req_release(&reqs[i]);
  }
  mde_http_free(stale_h);
  assert_int_equal(simfix_stop(&idle), 0);
}

/* Freed with a transfer carried: nothing leaks, nothing is called. */
static void freeing_with_a_carried_transfer(void **state) {
  (void)state;
  struct mde_http_req req;
  struct mde_http *h = one_out(&req, 1, 1000, 0);
  run_until_answering(h);
  assert_int_equal(req.carried, 1);
  mde_http_free(h);
  assert_int_equal(answered, 0);
  mde_http_req_release(&req);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_slow_answer_goes_on_and_arrives_in_the_next_run),
      cmocka_unit_test(the_same_deadline_keeps_what_it_carried),
      cmocka_unit_test(without_may_carry_the_deadline_cuts),
      cmocka_unit_test(a_peer_that_has_not_answered_is_cut),
      cmocka_unit_test(a_request_never_started_is_not_the_peers),
      cmocka_unit_test(an_answer_waiting_unread_is_not_the_peers),
      cmocka_unit_test(a_transfer_is_carried_once),
      cmocka_unit_test(carried_transfers_take_half_the_connections),
      cmocka_unit_test(a_wake_ends_the_run_between_runs),
      cmocka_unit_test(a_wake_before_a_run_is_stale),
      cmocka_unit_test(a_run_leaves_carried_connections_alone),
      cmocka_unit_test(a_run_with_a_carried_transfer_shuts_closed_connections),
      cmocka_unit_test(a_long_run_shuts_connections_closed_during_it),
      cmocka_unit_test(freeing_with_a_carried_transfer),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
