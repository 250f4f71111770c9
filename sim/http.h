/* SPDX-License-Identifier: MIT */
/* HTTP(S) servers on libmicrohttpd, one thread per connection so a handler
 * may sleep (injected latency, slow bodies) without stalling others. The
 * handler sees a complete request and fills a response; transport-level
 * faults (reset, truncation, corruption, trickling) are applied here. */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include "mde/buf.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#define SIM_MAX_BODY (1024 * 1024)
#define SIM_MAX_RESP_HEADERS 8

struct sim_req {
  struct MHD_Connection *conn;
  const char *method;
  const char *path;
  const char *host;
  const char *body; /* NUL-terminated, body_len bytes */
  size_t body_len;
  bool body_too_large;
};

struct sim_resp {
  int status;
  struct mde_buf body;
  const char *content_type;
  struct {
    char name[32];
    char value[160];
  } headers[SIM_MAX_RESP_HEADERS];
  int n_headers;
  /* transport faults */
  bool reset, truncate, malformed, endless;
  int slow_body_ms;
  int flood_headers; /* extra headers to send */
};

typedef void (*sim_handler)(void *cls, struct sim_req *rq, struct sim_resp *rs);

const char *sim_req_header(const struct sim_req *rq, const char *name);
const char *sim_req_arg(const struct sim_req *rq, const char *name);
/* The request headers as a JSON object, Authorization/Cookie redacted to
 * their scheme: what tests may read back, never a credential. */
char *sim_req_headers_json(const struct sim_req *rq);

void sim_resp_header(struct sim_resp *rs, const char *name, const char *value);
/* Sets status and a JSON content type; the body is filled by the caller. */
void sim_resp_json(struct sim_resp *rs, int status);
void sim_resp_text(struct sim_resp *rs, int status, const char *text);

struct sim_server;
/* What one client may hold. Every connection is a thread (handlers sleep to
 * inject latency), so a client that connects and then trickles or sends
 * nothing is dropped after idle_timeout_s of silence, and one address may
 * hold at most half of max_connections. Zeroes take the defaults. */
struct sim_limits {
  unsigned idle_timeout_s;  /* default 30 */
  unsigned max_connections; /* default 1024 */
};
/* `listen` is "HOST:PORT" (IPv4 or [IPv6]); port 0 picks a free one.
 * With cert and key (PEM file contents), serves HTTPS. */
struct sim_server *sim_server_start(const char *listen, const char *cert_pem,
                                    const char *key_pem, sim_handler handler,
                                    void *cls, const struct sim_limits *limits,
                                    char *err, size_t errlen);
/* The address actually bound, "HOST:PORT". */
const char *sim_server_address(const struct sim_server *s);
void sim_server_stop(struct sim_server *s);

#endif
