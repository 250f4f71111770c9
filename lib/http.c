/* SPDX-License-Identifier: MIT */
/* libcurl multi wrapper with a bounded window (see include/mde/http.h). */
#include "mde/http.h"

#include "mde/retry_after.h"
#include "mde/wipe_alloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct slot {
  CURL *easy;
  struct curl_slist *headers;
  struct mde_http_req *req;
  struct mde_http *h;
  size_t held; /* bytes its body buffer holds, in h->held */
  /* The socket libcurl last named for this transfer (on_socket), or
   * CURL_SOCKET_BAD: see close_stale. */
  curl_socket_t fd;
  bool paused; /* waiting for memory (CURL_WRITEFUNC_PAUSE) */
  /* Carried past the deadline `carried_at`; ended between runs (`parked`,
   * with its result `rc`), its answer waits there for the next run. */
  int64_t carried_at;
  bool parked;
  CURLcode rc;
  char errbuf[CURL_ERROR_SIZE];
};

struct mde_http {
  CURLM *multi;
  CURLSH *share;
  /* The sockets libcurl waits on, kept by its socket callback, so that a
   * wake-up costs the transfers whose sockets are ready, not all of them
   * (curl_multi_perform visits every transfer: at thousands of tenants
   * that was half the plugin's CPU). */
  int epoll;
  /* mde_http_interrupt's doorbell, in the epoll set beside the sockets, and
   * its flag: once set, every run ends at once (a stopping daemon). */
  int wake;
  atomic_bool stop;
  atomic_bool rung;      /* mde_http_wake's: ends the carried transfers' run */
  int64_t timer_at;      /* when libcurl wants its timeout handled; -1: never */
  int64_t stale_checked; /* close_stale's last check (mde_monotonic_ms) */
  struct slot *slots;
  long n_slots;
  long busy;
  /* Every connection's socket (libcurl keeps connections past their
   * transfers): see close_stale. */
  curl_socket_t *socks;
  size_t n_socks, socks_cap;
  /* Requests waiting for a slot, oldest first: a ring the HTTP layer
   * owns, so a caller's request carries no bookkeeping of ours. */
  struct mde_http_req **wait;
  size_t wait_first, wait_n, wait_cap;
  char *ca_file, *ca_path, *proxy, *user_agent;
  long timeout_ms;
  size_t max_body;
  /* Response bodies together: past `budget`, only the transfer holding the
   * most may grow (it ends or hits its cap, and gives its memory back);
   * the others pause until a transfer ends. So bodies never hold more
   * than the budget plus one body's cap, and a big page waits its turn
   * instead of being refused. */
  size_t budget, held, peak;
};

int64_t mde_monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* libcurl says which events a socket waits for (or that it is done with
 * it): the epoll set follows. A descriptor number can come back for a new
 * socket, hence the ADD/MOD fallbacks. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *user,
                     void *socketp) {
  (void)socketp;
  struct mde_http *h = user;
  struct slot *s = NULL;
  if (easy)
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&s);
  /* Kept on removal: a transfer paused for memory stops waiting on its
   * socket but still owns it. */
  if (s && what != CURL_POLL_REMOVE)
    s->fd = fd;
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(h->epoll, EPOLL_CTL_DEL, fd, NULL);
    return 0;
  }
  struct epoll_event ev = {.events = 0, .data.fd = fd};
  if (what & CURL_POLL_IN)
    ev.events |= EPOLLIN;
  if (what & CURL_POLL_OUT)
    ev.events |= EPOLLOUT;
  if (epoll_ctl(h->epoll, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT)
    epoll_ctl(h->epoll, EPOLL_CTL_ADD, fd, &ev);
  return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *user) {
  (void)multi;
  struct mde_http *h = user;
  h->timer_at = timeout_ms < 0 ? -1 : mde_monotonic_ms() + timeout_ms;
  return 0;
}

struct mde_http *mde_http_new(const struct mde_http_options *opt, char *err,
                              size_t err_size) {
  static const struct mde_http_options none = {0};
  if (!opt)
    opt = &none;
  if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, mde_wipe_malloc, mde_wipe_free,
                           mde_wipe_realloc, mde_wipe_strdup,
                           mde_wipe_calloc) != CURLE_OK) {
    snprintf(err, err_size, "libcurl failed to initialise");
    return NULL;
  }
  /* What the memory budget lets in must go back out: glibc raises its mmap
   * threshold to the largest mapped block freed (up to 32 MiB), and from
   * then on a 10 MB page's buffer and items come from the heap, between
   * small blocks, and stay resident once freed. A 10,000-tenant cold start
   * with 1,000 such pages peaked at 994-1,053 MiB that way, 855 MiB with
   * the threshold held (bench/results/scale-notes.md). Setting it keeps
   * glibc's default and stops the raising, for the whole process: blocks of
   * 128 KiB and more are mapped, and unmapped when freed. */
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  struct mde_http *h = calloc(1, sizeof *h);
  if (!h)
    goto oom;
  h->epoll = -1;
  h->wake = -1;
  h->timer_at = -1;
  h->n_slots = opt->max_connections > 0 ? opt->max_connections : 32;
  h->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : 10000;
  h->max_body = opt->max_body ? opt->max_body : MDE_HTTP_DEFAULT_MAX_BODY;
  h->budget =
      opt->memory_budget ? opt->memory_budget : MDE_HTTP_DEFAULT_MEMORY_BUDGET;
  h->slots = calloc((size_t)h->n_slots, sizeof *h->slots);
  h->multi = curl_multi_init();
  h->share = curl_share_init();
  h->epoll = epoll_create1(EPOLL_CLOEXEC);
  h->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  h->ca_file = dup_or_null(opt->ca_file);
  h->ca_path = dup_or_null(opt->ca_path);
  h->proxy = dup_or_null(opt->proxy);
  h->user_agent =
      strdup(opt->user_agent ? opt->user_agent : MDE_DEFAULT_USER_AGENT);
  if (!h->slots || !h->multi || !h->share || h->epoll < 0 || h->wake < 0 ||
      !h->user_agent || (opt->ca_file && !h->ca_file) ||
      (opt->ca_path && !h->ca_path) || (opt->proxy && !h->proxy))
    goto oom;
  struct epoll_event bell = {.events = EPOLLIN, .data.fd = h->wake};
  if (epoll_ctl(h->epoll, EPOLL_CTL_ADD, h->wake, &bell) != 0)
    goto oom;
  /* DNS answers and TLS sessions are shared by every transfer; the
   * connections themselves live in the multi handle's pool. */
  curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, h->n_slots);
  curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, h->n_slots);
  curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
  curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
  curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
  for (long i = 0; i < h->n_slots; i++) {
    h->slots[i].h = h;
    h->slots[i].fd = CURL_SOCKET_BAD;
    h->slots[i].easy = curl_easy_init();
    if (!h->slots[i].easy)
      goto oom;
  }
  return h;
oom:
  snprintf(err, err_size, "out of memory setting up HTTP");
  mde_http_free(h);
  return NULL;
}

void mde_http_free(struct mde_http *h) {
  if (!h)
    return;
  for (long i = 0; h->slots && i < h->n_slots; i++) {
    struct slot *s = &h->slots[i];
    if (s->req)
      curl_multi_remove_handle(h->multi, s->easy);
    curl_slist_free_all(s->headers);
    if (s->easy)
      curl_easy_cleanup(s->easy);
  }
  free(h->slots);
  free(h->wait);
  if (h->multi)
    curl_multi_cleanup(h->multi); /* closes the pool: on_close_socket */
  free(h->socks);
  if (h->share)
    curl_share_cleanup(h->share);
  if (h->epoll >= 0)
    close(h->epoll);
  if (h->wake >= 0)
    close(h->wake);
  free(h->ca_file);
  free(h->ca_path);
  free(h->proxy);
  free(h->user_agent);
  free(h);
  curl_global_cleanup();
}

/* libcurl opens a connection's socket: kept in h->socks. */
static curl_socket_t on_open_socket(void *user, curlsocktype purpose,
                                    struct curl_sockaddr *a) {
  struct mde_http *h = user;
  if (purpose != CURLSOCKTYPE_IPCXN)
    return CURL_SOCKET_BAD;
  if (h->n_socks == h->socks_cap) {
    size_t cap = h->socks_cap ? h->socks_cap * 2 : 64;
    curl_socket_t *grown = realloc(h->socks, cap * sizeof *grown);
    if (!grown)
      return CURL_SOCKET_BAD; /* the transfer fails: out of memory */
    h->socks = grown;
    h->socks_cap = cap;
  }
  curl_socket_t fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
  if (fd != CURL_SOCKET_BAD)
    h->socks[h->n_socks++] = fd;
  return fd;
}

static int on_close_socket(void *user, curl_socket_t fd) {
  struct mde_http *h = user;
  for (size_t i = 0; i < h->n_socks; i++) {
    if (h->socks[i] == fd) {
      h->socks[i] = h->socks[--h->n_socks];
      break;
    }
  }
  return close(fd);
}

/* A kept-alive connection with something to read while no request is out
 * on it is being closed by the server: a server closes connections idle
 * for a while, with a TLS close_notify first, which libcurl 7.88 takes for
 * a live connection (it peeks one byte: there is one). A request sent on
 * it dies without an answer, and so may libcurl's one retry, on the next
 * pooled connection, dead the same way after an idle gap between cycles:
 * a false network failure. So before a run (and within one, before it
 * starts requests, at most once a second), such a connection is drained
 * (a bounded read: a close_notify is a few dozen bytes) and shut, and
 * libcurl finds it closed and opens another; but never the socket of a
 * transfer under way (a carried one, or one paused for memory, has data
 * waiting too). Skipping the check whenever a transfer was under way left
 * every idle connection of a cycle after a carried page unchecked: 52
 * tenants failed as `network` in one cycle of the large benchmark. If a
 * transfer under way has no socket named (a stream sharing an HTTP/2
 * connection), its connection is unknown: nothing is shut. At worst, an
 * idle HTTP/2 connection the server pinged is opened again. */
static bool owned(const struct mde_http *h, curl_socket_t fd) {
  for (long i = 0; i < h->n_slots; i++)
    if (h->slots[i].req && !h->slots[i].parked && h->slots[i].fd == fd)
      return true;
  return false;
}

static void close_stale(struct mde_http *h) {
  for (long i = 0; i < h->n_slots; i++)
    if (h->slots[i].req && !h->slots[i].parked &&
        h->slots[i].fd == CURL_SOCKET_BAD)
      return;
  h->stale_checked = mde_monotonic_ms();
  for (size_t i = 0; i < h->n_socks; i++) {
    curl_socket_t fd = h->socks[i];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (owned(h, fd) || poll(&p, 1, 0) != 1)
      continue;
    char sink[512];
    for (int n = 0; n < 32 && recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0;)
      n++;
    shutdown(fd, SHUT_RDWR);
  }
}

/* Whether slot `s` holds the most body memory of the running transfers
 * (the lowest slot among equals): the one that may grow past the budget. */
static bool holds_most(const struct mde_http *h, const struct slot *s) {
  for (long i = 0; i < h->n_slots; i++) {
    const struct slot *o = &h->slots[i];
    if (o != s && o->req &&
        (o->held > s->held || (o->held == s->held && o < s)))
      return false;
  }
  return true;
}

static size_t on_body(char *data, size_t size, size_t n, void *user) {
  struct slot *s = user;
  struct mde_http_req *req = s->req;
  struct mde_http *h = s->h;
  size_t len = size * n;
  /* A small answer (a token, a short page) never waits for memory: past
   * the budget, it would queue behind big pages, and every small tenant
   * of a cold start with large ones hit the deadline (10,000 tenants, 100
   * of them with 100,000 alerts: none of the 1,328 left got through in
   * two more cycles). It costs at most one small buffer per connection. */
  bool small = req->body.len + len <= MDE_HTTP_SMALL_BODY;
  if (!small && h->held + len > h->budget && !holds_most(h, s)) {
    s->paused = true; /* libcurl hands the same bytes again on resume */
    req->held_back = 1;
    return CURL_WRITEFUNC_PAUSE;
  }
  if (mde_buf_append(&req->body, data, len) != 0) {
    req->too_large = req->body.overflow;
    return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
  }
  h->held += req->body.cap - s->held;
  s->held = req->body.cap;
  if (h->held > h->peak)
    h->peak = h->held;
  return len;
}

/* A transfer ended: its body leaves the budget (its caller consumes and
 * frees it), and whoever waited for memory tries again. */
static void give_back(struct mde_http *h, struct slot *s) {
  h->held -= s->held;
  s->held = 0;
  s->paused = false;
  for (long i = 0; i < h->n_slots; i++) {
    struct slot *o = &h->slots[i];
    if (o->req && o->paused) {
      o->paused = false;
      curl_easy_pause(o->easy, CURLPAUSE_CONT); /* may pause it again */
    }
  }
}

size_t mde_http_memory_peak(const struct mde_http *h) { return h->peak; }

static size_t on_header(char *data, size_t size, size_t n, void *user) {
  struct mde_http_req *req = user;
  size_t len = size * n;
  static const char name[] = "retry-after:";
  if (len > sizeof name && strncasecmp(data, name, sizeof name - 1) == 0) {
    char value[72];
    size_t vlen = len - (sizeof name - 1);
    if (vlen >= sizeof value)
      vlen = sizeof value - 1;
    memcpy(value, data + sizeof name - 1, vlen);
    value[vlen] = '\0';
    req->retry_after = mde_retry_after_parse(value, time(NULL));
  }
  return len;
}

/* Called before each attempt to send the request (see
 * MDE_HTTP_MAX_ATTEMPTS): the attempt past the last allowed one fails the
 * transfer instead of reaching the server. */
static int on_prereq(void *user, char *remote_ip, char *local_ip,
                     int remote_port, int local_port) {
  (void)remote_ip, (void)local_ip, (void)remote_port, (void)local_port;
  struct mde_http_req *req = user;
  if (req->attempts >= MDE_HTTP_MAX_ATTEMPTS)
    return CURL_PREREQFUNC_ABORT;
  req->attempts++;
  return CURL_PREREQFUNC_OK;
}

/* OpenSSL keeps each connection's last decrypted record (a token's answer,
 * on a connection to the token endpoint) in its read buffer until the next
 * one overwrites it, and frees it unwiped: asked to cleanse each record
 * once libcurl has it (and at SSL_free). libcurl calls this for every new
 * connection. */
static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *user) {
  (void)easy, (void)user;
  SSL_CTX_set_options(ssl_ctx, SSL_OP_CLEANSE_PLAINTEXT);
  return CURLE_OK;
}

static int start(struct mde_http *h, struct slot *s, struct mde_http_req *req) {
  CURL *e = s->easy;
  curl_easy_reset(e);
  curl_slist_free_all(s->headers);
  s->headers = NULL;
  s->req = req;
  s->fd = CURL_SOCKET_BAD;
  s->errbuf[0] = '\0';
  req->started = 1;
  size_t cap = req->max_body && req->max_body < h->max_body ? req->max_body
                                                            : h->max_body;
  mde_buf_init(&req->body, cap);

  curl_easy_setopt(e, CURLOPT_URL, req->url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, s);
  curl_easy_setopt(e, CURLOPT_SHARE, h->share);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700 /* 7.87.0 */
  /* Removing a transfer that is still resolving joins libcurl's resolver
   * thread, which waits for getaddrinfo: a resolver taking 20 s held the
   * cycle for 20 s past its deadline. Quick exit detaches that thread
   * instead (it frees itself when getaddrinfo returns). */
  curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
#endif
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (h->ca_file)
    curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
  if (h->ca_path)
    curl_easy_setopt(e, CURLOPT_CAPATH, h->ca_path);
  if (h->proxy)
    curl_easy_setopt(e, CURLOPT_PROXY, h->proxy);
  /* The timeout bounds silence, not length: connecting, then any stretch
   * receiving less than a byte a second. libcurl's speed check skips a
   * paused transfer, so a page the memory budget holds back is not timed
   * while it waits (a total limit failed such pages: false network
   * alarms); the cycle's deadline bounds a transfer's length. */
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (h->timeout_ms + 999) / 1000);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
  curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, req);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, h);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, h);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  s->headers = curl_slist_append(s->headers, "Accept: application/json");
  if (req->bearer) {
    /* The token goes in a header list libcurl copies (both freed through
     * mde_wipe_free); our line is wiped here. */
    size_t n = strlen(req->bearer) + 32;
    char *line = malloc(n);
    if (!line)
      return -1;
    snprintf(line, n, "Authorization: Bearer %s", req->bearer);
    s->headers = curl_slist_append(s->headers, line);
    OPENSSL_cleanse(line, n);
    free(line);
  }
  if (req->basic_user && req->basic_password) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERNAME, req->basic_user);
    curl_easy_setopt(e, CURLOPT_PASSWORD, req->basic_password);
  }
  if (req->form) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->form);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(req->form));
    s->headers = curl_slist_append(
        s->headers, "Content-Type: application/x-www-form-urlencoded");
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
  if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
    return -1;
  h->busy++;
  return 0;
}

static void complete(struct mde_http_req *req, int curl_code,
                     const char *error) {
  req->carried = 0;
  req->curl_code = curl_code;
  if (error && !req->error[0])
    snprintf(req->error, sizeof req->error, "%s", error);
  if (req->done)
    req->done(req);
}

static double seconds(CURL *e, CURLINFO what) {
  curl_off_t us = 0;
  curl_easy_getinfo(e, what, &us);
  return (double)us / 1e6;
}

/* A transfer the memory budget held back whose connection then failed:
 * its peer gave up on a reader that had stopped reading (the large
 * benchmark lost 10 MB pages so, "transfer closed with 6.4 MB remaining",
 * each a false network failure). It is asked again, once, at once, in the
 * slot it had (it had waited longest); false if it may not be. */
static bool ask_again(struct mde_http *h, struct slot *s,
                      struct mde_http_req *req, CURLcode rc) {
  if (rc == CURLE_OK || !req->held_back || req->asked_again || req->too_large ||
      rc == CURLE_ABORTED_BY_CALLBACK)
    return false;
  mde_buf_free(&req->body);
  mde_http_req_reset(req); /* nothing of the first answer stays */
  req->asked_again = 1;
  if (start(h, s, req) == 0)
    return true;
  s->req = NULL;
  return false;
}

static void finish(struct mde_http *h, struct slot *s, CURLcode rc) {
  struct mde_http_req *req = s->req;
  CURL *e = s->easy;
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  req->status = (int)status;
  req->timing = (struct mde_http_timing){
      .dns = seconds(e, CURLINFO_NAMELOOKUP_TIME_T),
      .connect = seconds(e, CURLINFO_CONNECT_TIME_T),
      .tls = seconds(e, CURLINFO_APPCONNECT_TIME_T),
      .total = seconds(e, CURLINFO_TOTAL_TIME_T),
  };
  if (!s->parked) /* a parked transfer left the multi handle already */
    curl_multi_remove_handle(h->multi, e);
  s->parked = false;
  curl_slist_free_all(s->headers);
  s->headers = NULL;
  s->req = NULL;
  s->fd = CURL_SOCKET_BAD;
  h->busy--;
  give_back(h, s);
  if (rc == CURLE_FILESIZE_EXCEEDED)
    req->too_large = 1;
  if (ask_again(h, s, req, rc))
    return;
  const char *error = NULL;
  char msg[256];
  if (rc != CURLE_OK) {
    if (req->too_large) {
      snprintf(msg, sizeof msg, "response larger than %zu bytes",
               req->body.limit);
    } else if (rc == CURLE_ABORTED_BY_CALLBACK &&
               req->attempts >= MDE_HTTP_MAX_ATTEMPTS) {
      snprintf(msg, sizeof msg,
               "connection closed without an answer, %d times: not sent "
               "again",
               req->attempts);
    } else {
      snprintf(msg, sizeof msg, "%.180s%s",
               s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc),
               req->held_back     ? " (asked twice, MemoryBudget holding the "
                                    "answer back each time)"
               : req->asked_again ? " (asked again: MemoryBudget had held the "
                                    "first answer back)"
                                  : "");
    }
    error = msg;
  }
  complete(req, (int)rc, error);
}

void mde_http_req_reset(struct mde_http_req *req) {
  req->status = 0;
  req->curl_code = 0;
  req->error[0] = '\0';
  req->too_large = 0;
  req->deadline_cut = 0;
  req->peer_silent = 0;
  req->started = 0;
  req->carried = 0;
  req->retry_after = -1;
  req->attempts = 0;
  req->held_back = 0;
  req->asked_again = 0;
  req->timing = (struct mde_http_timing){0};
  mde_buf_init(&req->body, 0);
}

/* The oldest waiting request, taken off the ring (NULL: none waits). */
static struct mde_http_req *next_waiting(struct mde_http *h) {
  if (h->wait_n == 0)
    return NULL;
  struct mde_http_req *req = h->wait[h->wait_first];
  h->wait_first = (h->wait_first + 1) % h->wait_cap;
  h->wait_n--;
  return req;
}

int mde_http_submit(struct mde_http *h, struct mde_http_req *req) {
  mde_http_req_reset(req);
  if (h->wait_n == h->wait_cap) { /* doubled, unrolled oldest first */
    size_t cap = h->wait_cap ? h->wait_cap * 2 : 64;
    struct mde_http_req **ring = malloc(cap * sizeof *ring);
    if (!ring)
      return -1;
    for (size_t i = 0; i < h->wait_n; i++)
      ring[i] = h->wait[(h->wait_first + i) % h->wait_cap];
    free(h->wait);
    h->wait = ring;
    h->wait_first = 0;
    h->wait_cap = cap;
  }
  h->wait[(h->wait_first + h->wait_n++) % h->wait_cap] = req;
  return 0;
}

/* Moves waiting requests into free slots. */
static void fill(struct mde_http *h) {
  for (long i = 0; i < h->n_slots && h->wait_n && h->busy < h->n_slots; i++) {
    struct slot *s = &h->slots[i];
    if (s->req)
      continue;
    struct mde_http_req *req = next_waiting(h);
    if (start(h, s, req) != 0) {
      s->req = NULL;
      complete(req, CURLE_OUT_OF_MEMORY, "could not start the request");
    }
  }
}

/* Hands finished transfers to their callers; between runs (`park`), they
 * leave libcurl but keep their slot and answer until the next run. */
static void collect(struct mde_http *h, bool park) {
  CURLMsg *m;
  int queued;
  while ((m = curl_multi_info_read(h->multi, &queued))) {
    if (m->msg != CURLMSG_DONE)
      continue;
    struct slot *s = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
    CURLcode rc = m->data.result; /* m is gone once the handle is removed */
    if (!park) {
      finish(h, s, rc);
      continue;
    }
    curl_multi_remove_handle(h->multi, s->easy);
    s->parked = true;
    s->rc = rc;
  }
}

/* What ended between runs reaches its caller now, inside a run. */
static void deliver_parked(struct mde_http *h) {
  for (long i = 0; i < h->n_slots; i++)
    if (h->slots[i].parked)
      finish(h, &h->slots[i], h->slots[i].rc);
}

/* The transfers under way (not parked). */
static long under_way(const struct mde_http *h) {
  long n = 0;
  for (long i = 0; i < h->n_slots; i++)
    n += h->slots[i].req && !h->slots[i].parked;
  return n;
}

#define MAX_EVENTS 64

/* libcurl's loop on epoll, until `deadline_ms` or a stop; in a run
 * (`between` false) also until nothing waits or runs, starting waiting
 * requests as slots free; between runs, until no carried transfer is under
 * way or mde_http_wake rings, starting nothing. */
static void pump(struct mde_http *h, int64_t deadline_ms, bool between) {
  struct epoll_event events[MAX_EVENTS];
  int running = 0;
  for (;;) {
    /* Nothing starts once the deadline has passed: a request cut then was
     * never under way (req->started stays 0). */
    int64_t now = mde_monotonic_ms();
    if (now >= deadline_ms || atomic_load(&h->stop))
      return;
    if (between && (atomic_exchange(&h->rung, false) || under_way(h) == 0))
      return;
    /* Within a run too, before requests start: a long cycle leaves
     * connections idle past a server's limit once its quick answers are
     * in (3 large pages failed so after 30 s idle in a 48 s cycle); at
     * most once a second, a poll per kept connection. */
    if (!between && h->wait_n && now - h->stale_checked >= 1000)
      close_stale(h);
    if (!between) {
      fill(h);
      if (h->busy == 0 && h->wait_n == 0)
        return;
    }
    if (h->timer_at >= 0 && h->timer_at <= now) {
      h->timer_at = -1; /* the callback may set the next one */
      curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
      collect(h, between);
      continue;
    }
    /* Wait for a socket, libcurl's timer or the deadline (at most 1 s, so
     * a lost timer cannot stall a run). */
    int64_t wait = deadline_ms - now;
    if (h->timer_at >= 0 && h->timer_at - now < wait)
      wait = h->timer_at - now;
    if (wait > 1000)
      wait = 1000;
    int n = epoll_wait(h->epoll, events, MAX_EVENTS, (int)wait);
    if (n <= 0) {
      if (n == 0 && h->timer_at < 0) /* no timer: let libcurl look anyway */
        curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
      collect(h, between);
      continue;
    }
    for (int i = 0; i < n; i++) {
      if (events[i].data.fd == h->wake) {
        uint64_t rings; /* drained: the flags say what rang */
        ssize_t ignored = read(h->wake, &rings, sizeof rings);
        (void)ignored;
        continue;
      }
      int mask = 0;
      if (events[i].events & EPOLLIN)
        mask |= CURL_CSELECT_IN;
      if (events[i].events & EPOLLOUT)
        mask |= CURL_CSELECT_OUT;
      if (events[i].events & (EPOLLERR | EPOLLHUP))
        mask |= CURL_CSELECT_ERR;
      curl_multi_socket_action(h->multi, events[i].data.fd, mask, &running);
    }
    collect(h, between);
  }
}

/* Whether the deadline `deadline_ms` leaves slot `s` running: carried
 * past this very deadline already (the cycle's second run), or allowed,
 * its answer begun, and carried transfers within half the connections. */
static bool carry(struct mde_http *h, struct slot *s, int64_t deadline_ms,
                  long *carried) {
  struct mde_http_req *req = s->req;
  if (req->carried)
    return s->carried_at == deadline_ms; /* else its second deadline: cut */
  long status = 0;
  curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
  if (!req->may_carry || status <= 0 || *carried >= h->n_slots / 2)
    return false;
  req->may_carry = 0;
  req->carried = 1;
  s->carried_at = deadline_ms;
  ++*carried;
  return true;
}

/* At the deadline, whether slot `s`'s peer held its answer back (see
 * mde_http_req.peer_silent): nothing it sent waits in the socket. A byte
 * waiting means the peer answered and this process had not got to it (a
 * transfer paused for memory leaves what its peer sends there too); a
 * peer that never answered, or trickles its answer slower than we read
 * it, has nothing waiting. */
static bool peer_silent(struct slot *s) {
  char byte;
  return s->fd == CURL_SOCKET_BAD ||
         recv(s->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

int mde_http_run(struct mde_http *h, int64_t deadline_ms) {
  atomic_store(&h->rung, false); /* a wake before now was for the last gap */
  deliver_parked(h);
  close_stale(h);
  pump(h, deadline_ms, false);
  /* The deadline: whatever is left ends now, as a failure, but for what
   * is carried. */
  long carried = 0;
  for (long i = 0; i < h->n_slots; i++)
    carried += h->slots[i].req && h->slots[i].req->carried &&
               h->slots[i].carried_at == deadline_ms;
  int cut = 0;
  for (long i = 0; i < h->n_slots; i++) {
    struct slot *s = &h->slots[i];
    if (!s->req || s->parked || carry(h, s, deadline_ms, &carried))
      continue;
    struct mde_http_req *req = s->req;
    req->peer_silent = peer_silent(s);
    curl_multi_remove_handle(h->multi, s->easy);
    curl_slist_free_all(s->headers);
    s->headers = NULL;
    s->req = NULL;
    s->fd = CURL_SOCKET_BAD;
    h->busy--;
    h->held -= s->held; /* nobody is left to resume */
    s->held = 0;
    s->paused = false;
    cut++;
    req->deadline_cut = 1;
    complete(req, CURLE_OPERATION_TIMEDOUT, "cycle deadline reached");
  }
  for (struct mde_http_req *req; (req = next_waiting(h));) {
    cut++;
    req->deadline_cut = 1;
    complete(req, CURLE_OPERATION_TIMEDOUT,
             "cycle deadline reached before the request could start");
  }
  return cut;
}

int mde_http_run_carried(struct mde_http *h, int64_t until_ms) {
  pump(h, until_ms, true);
  return (int)under_way(h);
}

void mde_http_wake(struct mde_http *h) {
  atomic_store(&h->rung, true);
  uint64_t one = 1;
  ssize_t ignored = write(h->wake, &one, sizeof one); /* full: one pends */
  (void)ignored;
}

void mde_http_interrupt(struct mde_http *h) {
  atomic_store(&h->stop, true);
  uint64_t one = 1;
  /* Only fails when the counter is full: then a wake-up is pending anyway. */
  ssize_t ignored = write(h->wake, &one, sizeof one);
  (void)ignored;
}

void mde_http_req_release(struct mde_http_req *req) {
  if (req->body.data)
    OPENSSL_cleanse(req->body.data, req->body.cap);
  mde_buf_free(&req->body);
}
