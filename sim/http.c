/* SPDX-License-Identifier: MIT */
/* libmicrohttpd glue for the simulator (see http.h). */
#include "http.h"

#include "util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

struct sim_server {
  struct MHD_Daemon *daemon;
  sim_handler handler;
  void *cls;
  char address[80];
};

/* Per-request state kept by MHD between calls of the access handler. */
struct request_ctx {
  struct mde_buf body;
};

/* A response body delivered by a callback: slowly, or cut short. */
struct body_stream {
  char *data;
  size_t len;   /* what we will deliver */
  int delay_ms; /* before each chunk */
  bool abort_at_end;
};

const char *sim_req_header(const struct sim_req *rq, const char *name) {
  return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *sim_req_arg(const struct sim_req *rq, const char *name) {
  return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result add_header_json(void *cls, enum MHD_ValueKind kind,
                                       const char *key, const char *value) {
  (void)kind;
  struct mde_buf *b = cls;
  char redacted[32];
  if (value && (strcasecmp(key, "Authorization") == 0 ||
                strcasecmp(key, "Cookie") == 0)) {
    const char *space = strchr(value, ' ');
    size_t n = space ? (size_t)(space - value) : 0;
    snprintf(redacted, sizeof redacted, "%.*s%s[redacted]",
             (int)(n > 16 ? 16 : n), value, n ? " " : "");
    value = redacted;
  }
  mde_buf_puts(b, b->len > 1 ? "," : "");
  mde_buf_json_string(b, key);
  mde_buf_puts(b, ":");
  mde_buf_json_string(b, value ? value : "");
  return MHD_YES;
}

char *sim_req_headers_json(const struct sim_req *rq) {
  struct mde_buf b;
  mde_buf_init(&b, 64 * 1024);
  mde_buf_puts(&b, "{");
  MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, add_header_json, &b);
  if (mde_buf_puts(&b, "}") != 0) {
    mde_buf_free(&b);
    return sim_strdup("{}");
  }
  return mde_buf_steal(&b, NULL);
}

void sim_resp_header(struct sim_resp *rs, const char *name, const char *value) {
  if (rs->n_headers == SIM_MAX_RESP_HEADERS)
    return;
  snprintf(rs->headers[rs->n_headers].name, sizeof rs->headers[0].name, "%s",
           name);
  snprintf(rs->headers[rs->n_headers].value, sizeof rs->headers[0].value, "%s",
           value);
  rs->n_headers++;
}

void sim_resp_json(struct sim_resp *rs, int status) {
  rs->status = status;
  rs->content_type = "application/json; charset=utf-8";
}

void sim_resp_text(struct sim_resp *rs, int status, const char *text) {
  rs->status = status;
  rs->content_type = "text/plain; charset=utf-8";
  mde_buf_reset(&rs->body);
  mde_buf_puts(&rs->body, text);
}

static void sleep_ms(int ms) {
  if (ms <= 0)
    return;
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0)
    ;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
  struct body_stream *s = cls;
  if (pos >= s->len)
    return s->abort_at_end ? MHD_CONTENT_READER_END_WITH_ERROR
                           : MHD_CONTENT_READER_END_OF_STREAM;
  size_t n = s->len - (size_t)pos;
  if (s->delay_ms > 0 && n > 256)
    n = 256;
  if (n > max)
    n = max;
  sleep_ms(s->delay_ms);
  memcpy(buf, s->data + pos, n);
  return (ssize_t)n;
}

/* A hostile peer's body: chunked filler that never ends (until 16 GiB, so
 * even this is bounded), for clients to prove they cap what they read;
 * with `slow_body_ms`, one chunk (up to 64 KiB) each time: a long body
 * arriving for a while, whose reader holds memory meanwhile. */
static ssize_t endless_read(void *cls, uint64_t pos, char *buf, size_t max) {
  const struct body_stream *s = cls;
  if (pos >= (UINT64_C(16) << 30))
    return MHD_CONTENT_READER_END_WITH_ERROR;
  if (s->delay_ms > 0 && max > 64 * 1024)
    max = 64 * 1024;
  sleep_ms(s->delay_ms);
  memset(buf, ' ', max);
  return (ssize_t)max;
}

static void stream_free(void *cls) {
  struct body_stream *s = cls;
  free(s->data);
  free(s);
}

/* Closes with a TCP RST rather than a FIN: what a crashed peer or a
 * middlebox does, and what clients must survive. */
static void arm_reset(struct MHD_Connection *conn) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  if (ci) {
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
}

static struct MHD_Response *build_response(struct sim_resp *rs) {
  if (rs->endless) {
    mde_buf_free(&rs->body);
    struct body_stream *s = sim_xcalloc(1, sizeof *s);
    s->delay_ms = rs->slow_body_ms;
    struct MHD_Response *r = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, 64 * 1024, endless_read, s, stream_free);
    if (!r)
      stream_free(s);
    return r;
  }
  size_t len = 0;
  char *data = mde_buf_steal(&rs->body, &len);
  if (rs->malformed) { /* a complete response whose JSON is cut in half */
    len = len > 1 ? len / 2 : 0;
    data[len] = '\0';
  }
  if (!rs->truncate && rs->slow_body_ms <= 0)
    return MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
  struct body_stream *s = sim_xcalloc(1, sizeof *s);
  *s = (struct body_stream){.data = data,
                            .len = rs->truncate ? len / 2 : len,
                            .delay_ms = rs->slow_body_ms,
                            .abort_at_end = rs->truncate};
  /* Content-Length announces the full body even when we cut it short. */
  struct MHD_Response *r =
      MHD_create_response_from_callback(len, 4096, stream_read, s, stream_free);
  if (!r)
    stream_free(s);
  return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  (void)version;
  struct sim_server *srv = cls;
  struct request_ctx *ctx = *con_cls;
  if (!ctx) {
    ctx = sim_xcalloc(1, sizeof *ctx);
    mde_buf_init(&ctx->body, SIM_MAX_BODY);
    *con_cls = ctx;
    return MHD_YES;
  }
  if (*upload_size) { /* past the cap we keep reading, and discard */
    mde_buf_append(&ctx->body, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  struct sim_req rq = {
      .conn = conn,
      .method = method,
      .path = url,
      .host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"),
      .body = ctx->body.data ? ctx->body.data : "",
      .body_len = ctx->body.len,
      .body_too_large = ctx->body.overflow,
  };
  struct sim_resp rs = {.status = 500};
  mde_buf_init(&rs.body, 0);
  srv->handler(srv->cls, &rq, &rs);
  if (rs.reset) {
    mde_buf_free(&rs.body);
    arm_reset(conn);
    return MHD_NO;
  }
  struct MHD_Response *r = build_response(&rs);
  if (!r)
    return MHD_NO;
  if (rs.content_type)
    MHD_add_response_header(r, "Content-Type", rs.content_type);
  for (int i = 0; i < rs.n_headers; i++)
    MHD_add_response_header(r, rs.headers[i].name, rs.headers[i].value);
  for (int i = 0; i < rs.flood_headers; i++) { /* a hostile header flood */
    char name[32];
    snprintf(name, sizeof name, "X-F%d", i);
    MHD_add_response_header(r, name, "1");
  }
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs.status, r);
  MHD_destroy_response(r);
  return ret;
}

/* Per connection; large enough for a flood of 10,000 short headers. The
 * pool is mapped lazily, so idle connections do not pay for it. */
#define CONNECTION_MEMORY ((size_t)256 * 1024)

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)conn;
  (void)toe;
  struct request_ctx *ctx = *con_cls;
  if (ctx) {
    mde_buf_free(&ctx->body);
    free(ctx);
    *con_cls = NULL;
  }
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss,
                        socklen_t *sslen) {
  char host[64];
  const char *colon = strrchr(listen, ':');
  if (!colon || (size_t)(colon - listen) >= sizeof host)
    return -1;
  memcpy(host, listen, (size_t)(colon - listen));
  host[colon - listen] = '\0';
  char *end = NULL;
  long port = strtol(colon + 1, &end, 10);
  if (*end || end == colon + 1 || port < 0 || port > 65535)
    return -1;
  memset(ss, 0, sizeof *ss);
  size_t hl = strlen(host);
  if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    host[hl - 1] = '\0';
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    *sslen = sizeof *a6;
    return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ? 0 : -1;
  }
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  a4->sin_family = AF_INET;
  a4->sin_port = htons((uint16_t)port);
  *sslen = sizeof *a4;
  return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

struct sim_server *sim_server_start(const char *listen, const char *cert_pem,
                                    const char *key_pem, sim_handler handler,
                                    void *cls, const struct sim_limits *limits,
                                    char *err, size_t errlen) {
  struct sockaddr_storage ss;
  socklen_t sslen = 0;
  if (parse_listen(listen, &ss, &sslen) != 0) {
    snprintf(err, errlen, "'%s' is not HOST:PORT with a numeric address",
             listen);
    return NULL;
  }
  unsigned idle =
      limits && limits->idle_timeout_s ? limits->idle_timeout_s : 30;
  unsigned max =
      limits && limits->max_connections ? limits->max_connections : 1024;
  struct sim_server *srv = sim_xcalloc(1, sizeof *srv);
  srv->handler = handler;
  srv->cls = cls;
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD;
  if (ss.ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  if (cert_pem)
    flags |= MHD_USE_TLS;
  struct MHD_OptionItem tls[] = {
      {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert_pem},
      {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key_pem},
      {MHD_OPTION_END, 0, NULL},
  };
  struct MHD_OptionItem none[] = {{MHD_OPTION_END, 0, NULL}};
  srv->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, &ss,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
      MHD_OPTION_CONNECTION_TIMEOUT, idle, MHD_OPTION_CONNECTION_LIMIT, max,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, max > 1 ? max / 2 : 1u,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY, MHD_OPTION_ARRAY,
      cert_pem ? tls : none, MHD_OPTION_END);
  if (!srv->daemon) {
    snprintf(err, errlen, "cannot listen on %s (in use, or bad TLS key/cert)",
             listen);
    free(srv);
    return NULL;
  }
  const union MHD_DaemonInfo *di =
      MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
  unsigned port = di ? di->port : 0;
  snprintf(srv->address, sizeof srv->address, "%.*s:%u",
           (int)(strrchr(listen, ':') - listen), listen, port);
  return srv;
}

const char *sim_server_address(const struct sim_server *s) {
  return s->address;
}

void sim_server_stop(struct sim_server *s) {
  if (!s)
    return;
  MHD_stop_daemon(s->daemon);
  free(s);
}
