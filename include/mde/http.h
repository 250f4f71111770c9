/* SPDX-License-Identifier: MIT */
/* HTTP for libmde: one long-lived libcurl multi handle that every tenant's
 * requests go through, so connections (and TLS sessions) are reused across
 * tenants and cycles. A bounded window of transfers runs at once, the rest
 * wait their turn (curl's 10-at-a-time shape); every transfer has a
 * timeout, every body a size cap, and a run has a hard deadline. TLS is
 * always verified and only https:// is spoken; redirects are not followed.
 * A proxy comes from the options or, as libcurl does, the environment. */
#ifndef MDE_HTTP_H
#define MDE_HTTP_H

#include "mde/buf.h"

#include <stddef.h>
#include <stdint.h>

#define MDE_HTTP_DEFAULT_MAX_BODY (64u * 1024 * 1024)
/* All response bodies held at once (see mde_http_options.memory_budget). */
#define MDE_HTTP_DEFAULT_MEMORY_BUDGET (64u * 1024 * 1024)
/* A body up to this size never waits for memory (see memory_budget). */
#define MDE_HTTP_SMALL_BODY (64u * 1024)
/* libcurl sends a request again when the reused connection it went out on
 * dies before any answer, and may do so up to five times, each on another
 * pooled connection that can die the same way; once is allowed, so that a
 * caller that budgets calls (the Defender API's per-tenant limits) knows
 * each call costs at most this many requests. */
#define MDE_HTTP_MAX_ATTEMPTS 2
/* Microsoft asks partners to identify themselves as
 * MdePartner-{Company}-{Product}/{Version} (the older MdatpPartner- prefix
 * is superseded); a partner may set its own. */
#define MDE_DEFAULT_USER_AGENT "MdePartner-OpenSource-CollectdMde/" MDE_VERSION

struct mde_http_options {
  const char *ca_file;    /* NULL: the system's CA bundle */
  const char *ca_path;    /* NULL: none */
  const char *proxy;      /* NULL: libcurl's environment rules */
  const char *user_agent; /* NULL: MDE_DEFAULT_USER_AGENT */
  long timeout_ms;      /* connecting, and then silence (under a byte a second)
                          while not paused for memory; 0: 10 s */
  long max_connections; /* transfers at once; 0: 32 */
  size_t max_body;      /* per response; 0: MDE_HTTP_DEFAULT_MAX_BODY */
  /* Response bodies held at once, all transfers together; past it, only
   * the transfer holding the most grows and the others wait (paused) for
   * one to end, but for bodies still under MDE_HTTP_SMALL_BODY, so bodies
   * never hold more than this, one body's cap and a small buffer per
   * connection. 0: MDE_HTTP_DEFAULT_MEMORY_BUDGET. */
  size_t memory_budget;
};

struct mde_http_timing {
  double dns, connect, tls, total; /* seconds from the transfer's start */
};

struct mde_http_req {
  /* Set by the caller; the strings must outlive the transfer. */
  const char *url;
  const char *form;   /* non-NULL: POST this x-www-form-urlencoded body */
  const char *bearer; /* non-NULL: Authorization: Bearer <bearer> */
  const char *basic_user, *basic_password; /* HTTP Basic, if both set */
  size_t max_body;                         /* 0: the client's cap */
  void (*done)(struct mde_http_req *req);  /* called once, when finished */
  void *user;
  /* At a run's deadline, this transfer may go on instead of being cut, if
   * its answer has begun (see mde_http_run). Cleared when it is carried:
   * a transfer is carried past one deadline at most. */
  int may_carry;

  /* Filled in before `done` is called. */
  int status;       /* HTTP status; 0 when no response came */
  int curl_code;    /* CURLcode; 0 on success */
  char error[256];  /* what went wrong, "" if nothing did */
  int too_large;    /* the body passed its cap */
  int deadline_cut; /* ended by the run's deadline: do not resubmit */
  /* Cut by the deadline with nothing from its peer waiting to be read:
   * sent (or its connection begun) and either not answered or answered
   * no faster than it was read (a peer trickling its answer). The
   * deadline cut the network or the service is to blame for; the others
   * (a request never started, or an answer waiting in its socket for this
   * process to read it, as a transfer paused for memory has) are the
   * cycle's: its process had more to do than the deadline allowed. */
  int peer_silent;
  int started;      /* it had a transfer slot (not just a queue place) */
  int carried;      /* a deadline left it running: `done` comes later */
  long retry_after; /* seconds from Retry-After, -1 when absent */
  int attempts;     /* times sent: 1, or MDE_HTTP_MAX_ATTEMPTS at most */
  /* The memory budget paused its answer at some point (this attempt), so
   * a failure of its connection is this process's doing: a server closes
   * a connection it cannot write to for a while. Such a failure is asked
   * again once (`asked_again`); a second is the caller's to report, not
   * as a network failure. */
  int held_back;
  int asked_again;
  struct mde_buf body;
  struct mde_http_timing timing;
};

struct mde_http;

struct mde_http *mde_http_new(const struct mde_http_options *opt, char *err,
                              size_t err_size);
void mde_http_free(struct mde_http *h);

/* Queues a request; it starts when a slot is free during mde_http_run.
 * The request's result fields are reset here. Returns 0, or -1 when the
 * queue cannot grow (out of memory): then `done` is never called. */
int mde_http_submit(struct mde_http *h, struct mde_http_req *req);
/* Runs transfers until none is waiting or running, or until `deadline_ms`
 * (mde_monotonic_ms clock). `done` callbacks may submit more requests.
 * At the deadline, waiting and running requests complete with an error
 * ("cycle deadline reached"). Returns how many were cut off that way.
 * Except: a running request with `may_carry` whose answer has begun (its
 * status line came) is carried instead, while carried transfers take at
 * most half the connections (the other half is the next cycle's): it is
 * marked `carried`, keeps its connection, and goes on in
 * mde_http_run_carried and the next run, whose deadline cuts it if it has
 * not ended by then. A run first delivers (calls `done` for) what ended
 * between runs. */
int mde_http_run(struct mde_http *h, int64_t deadline_ms);
/* Between runs: moves the carried transfers on, starting nothing, until
 * they have all ended, `until_ms`, mde_http_wake or an interrupt. What ends
 * here waits, answer held, for the next mde_http_run to deliver it, so
 * callers see answers only inside their runs. Returns how many carried
 * transfers are still under way. */
int mde_http_run_carried(struct mde_http *h, int64_t until_ms);
/* From any thread: the running (or next) mde_http_run_carried returns at
 * once. A run clears it: only a wake after a run's start counts. */
void mde_http_wake(struct mde_http *h);
/* The most response-body memory held at once so far (bytes). */
size_t mde_http_memory_peak(const struct mde_http *h);
/* Ends the running run, and every later one, at once, as if its deadline
 * had passed (requests complete as cut). Safe from any thread: how a
 * stopping daemon gets its thread back without waiting for the deadline. */
void mde_http_interrupt(struct mde_http *h);
/* Clears a request's result fields, as a transport does when it takes the
 * request (mde_http_submit here; the engine's test transport too). */
void mde_http_req_reset(struct mde_http_req *req);
/* Frees a finished request's body (wiping it: tokens travel in bodies). */
void mde_http_req_release(struct mde_http_req *req);

int64_t mde_monotonic_ms(void);

#endif
