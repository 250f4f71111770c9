/* SPDX-License-Identifier: MIT */
/* mde.so: the collectd plugin. Thin glue over libmde: the <Plugin mde>
 * block becomes tenants (checked in full before anything runs). A <Tenant>
 * block that cannot be used (a bad value, a credential file it cannot use)
 * is skipped, logged naming the option and the tenant, and reported every
 * cycle with its failure class and one notification, while the others run:
 * one bad tenant among a thousand must not take collectd, and every other
 * plugin on the host, down. collectd refuses to start only when the block
 * itself is unusable or no tenant is. Each read starts one engine cycle for
 * every tenant, bounded well inside the interval, then values and, on
 * changes, notifications.
 *
 * The cycle runs on the plugin's own thread, not collectd's read thread:
 * collectd joins its read threads before it tells plugins to stop, so a
 * cycle waiting on a hung peer there held a stopping daemon for up to 80%
 * of the interval (beyond systemd's stop timeout at Interval 300). Here the
 * read only hands the cycle over, and stopping interrupts it at once. The
 * read always returns 0: a broken tenant is reported as metrics, and must
 * not make collectd suspend the plugin for every other tenant. */
#include "collectd.h"

#include "conf_adapt.h"
#include "mde/engine.h"
#include "mde/escape.h"
#include "mde/thread_times.h"
#include "options.h"
#include "plugin.h"
#include "submit.h"
#include "utils/common/common.h"
#include "value_groups.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tenant's name is the plugin instance: the option model's limit must be
 * collectd's. */
_Static_assert(OPTIONS_NAME_MAX == DATA_MAX_NAME_LEN,
               "OPTIONS_NAME_MAX differs from collectd's DATA_MAX_NAME_LEN");

struct state {
  struct mde_engine *engine;  /* the worker's alone while it runs */
  struct tenant_track *track; /* the engine's tenants, then the skipped */
  size_t n;                   /* the engine's tenants */
  /* Skipped tenants, taken over from the options at init: the worker
   * reports them, and the shutdown callback frees the options while it may
   * still run. */
  struct skipped_tenant *skipped;
  size_t n_skipped;
  uint64_t cycles;
  unsigned values; /* the top-level value groups, for submit_apps */

  pthread_t worker;
  bool worker_started;
  pthread_mutex_t lock; /* guards what follows */
  pthread_cond_t wake;
  bool pending;      /* a read asked for a cycle */
  bool stopping;     /* collectd is shutting down */
  bool carrying;     /* the last cycle may have carried transfers */
  cdtime_t interval; /* of the read that asked */
  plugin_ctx_t ctx;  /* ditto: values carry its interval */
};

/* Parsed by the config callback, used by init, freed at shutdown. */
static struct plugin_options opts;
static bool configured;
static bool shard_empty; /* Shard left this host no tenant: run idle */

/* Engine messages carry server text (a nextLink, an error body) and
 * configuration values: escaped, so none can start a log line of its own. */
static void engine_log(void *ctx, enum mde_log_level level, const char *msg) {
  (void)ctx;
  static const int levels[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
  char safe[4096];
  plugin_log(levels[level], "mde plugin: %s",
             mde_escape(safe, sizeof safe, msg, 0));
}

/* The option model's errors and skipped tenants, in collectd's log. */
static void options_log(const char *msg) { ERROR("mde plugin: %s", msg); }
static void options_warn(const char *msg) { WARNING("mde plugin: %s", msg); }

static bool skipped(const struct plugin_options *o, const char *name) {
  for (size_t i = 0; i < o->n_skipped; i++)
    if (strcmp(o->skipped[i].name, name) == 0)
      return true;
  return false;
}

/* Builds an engine with every usable tenant. A tenant the engine refuses
 * is logged and added to o->skipped, once: a tenant skipped already (by the
 * config callback's build) is not tried again. Returns NULL after logging
 * when the engine cannot be made, or out of memory. */
static struct mde_engine *build(struct plugin_options *o) {
  struct mde_engine_options eo;
  options_engine(o, &eo);
  eo.log = engine_log;
  eo.front = MDE_FRONT_PLUGIN; /* fixes name `Cloud`, not `--cloud` */
  char err[MDE_ERR_SIZE];
  struct mde_engine *e = mde_engine_new(&eo, err, sizeof err);
  if (!e) {
    engine_log(NULL, MDE_LOG_ERR, err);
    return NULL;
  }
  for (size_t i = 0; i < o->n_tenants; i++) {
    const char *name = o->tenants[i].name;
    if (skipped(o, name))
      continue;
    struct mde_tenant_config c;
    enum mde_failure why = MDE_FAIL_CONFIG;
    options_tenant_config(o, i, &c);
    if (mde_engine_add_why(e, &c, err, sizeof err, &why) >= 0)
      continue;
    engine_log(NULL, MDE_LOG_ERR, err); /* names a configured value */
    if (options_skip(o, name, why, err) != 0) {
      mde_engine_free(e);
      return NULL;
    }
  }
  return e;
}

static int mde_config(oconfig_item_t *ci) {
  if (configured) {
    ERROR("mde plugin: only one <Plugin mde> block is allowed");
    return -1;
  }
  options_set_log(options_log);
  options_set_warn(options_warn);
  struct conf_item *block = conf_adapt(ci);
  if (!block) {
    ERROR("mde plugin: out of memory reading <Plugin mde>");
    return -1;
  }
  int rc = options_parse_skipping(block, &opts);
  conf_adapt_free(block); /* the options hold copies of what they keep */
  if (rc != 0) {
    options_free(&opts);
    return -1;
  }
  if (opts.shard.n) {
    size_t all = opts.n_tenants;
    options_apply_shard(&opts, &opts.shard);
    shard_empty = opts.n_tenants == 0;
    if (shard_empty) /* legitimate, with few tenants: said, not refused */
      WARNING("mde plugin: Shard %u/%u: none of the %zu tenants is this "
              "host's; it monitors nothing",
              opts.shard.k, opts.shard.n, all);
    else
      INFO("mde plugin: Shard %u/%u: %zu of %zu tenants are this host's",
           opts.shard.k, opts.shard.n, opts.n_tenants, all);
  }
  /* Every tenant is checked now (credentials read, URLs, GUIDs), so that
   * `collectd -t` shows what is skipped, and refuses when nothing is left. */
  struct mde_engine *probe = build(&opts);
  size_t usable = probe ? mde_engine_count(probe) : 0;
  mde_engine_free(probe);
  if (usable == 0 && !(shard_empty && opts.n_skipped == 0)) {
    if (probe)
      ERROR("mde plugin: no usable <Tenant> block (%zu skipped): nothing to "
            "monitor",
            opts.n_skipped);
    options_free(&opts);
    return -1;
  }
  configured = true;
  return 0;
}

/* A skipped tenant, reported as the engine reports a failed one: its
 * class in errors-<class> (one more each cycle), token_valid 0 and, from
 * submit_tenant's edge trigger, one notification. */
static void submit_skipped(const struct skipped_tenant *s,
                           struct tenant_track *tr, uint64_t cycles,
                           cdtime_t when) {
  static char fix[] = "correct this <Tenant> block or its credential file, "
                      "then restart collectd (it reads them at start)";
  struct mde_tenant_result *r = calloc(1, sizeof *r);
  if (!r)
    return;
  r->name = s->name;
  r->failure = s->failure;
  snprintf(r->reason, sizeof r->reason, "%s", s->reason);
  r->fix = fix;
  r->consent = r->permissions = -1;
  r->token_ttl = -1;
  r->credential_ttl = NAN;
  r->alerts_complete = -1;
  r->alerts_age = NAN;
  r->failures[s->failure] = cycles;
  submit_tenant(r, tr, when);
  free(r);
}

/* One cycle, on the worker: run until 80% of the interval, whatever the
 * network does, so the next read starts on time (never less than 100 ms:
 * a TLS handshake and a request on a LAN); then values. A cycle cut short
 * by a stopping daemon reports nothing: every tenant would read as a
 * network failure, a false alarm at each restart. */
/* A cycle longer than its interval delays the next one (the reads queue
 * behind the worker), so it is logged as collectd logs a slow read
 * function, with where the time went: a cycle overrun while its thread
 * waited for a CPU is the host's doing, not the plugin's. */
static void warn_if_late(const struct mde_thread_times *start,
                         cdtime_t interval) {
  struct mde_thread_times end;
  mde_thread_times_now(&end);
  struct mde_thread_times d = mde_thread_times_since(start, &end);
  double limit = CDTIME_T_TO_DOUBLE(interval);
  if ((double)d.wall_ns / 1e9 <= limit)
    return;
  char wait[64] = "time waiting for a CPU unknown";
  if (d.wait_ns >= 0)
    snprintf(wait, sizeof wait, "%.3f s waiting for a CPU",
             (double)d.wait_ns / 1e9);
  WARNING("mde plugin: a cycle took %.3f s, more than the interval (%.3f s): "
          "%.3f s on a CPU, %s",
          (double)d.wall_ns / 1e9, limit, (double)d.cpu_ns / 1e9, wait);
}

static void run_cycle(struct state *st, cdtime_t interval) {
  int64_t budget_ms = (int64_t)CDTIME_T_TO_MS(interval) * 8 / 10;
  if (budget_ms < 100)
    budget_ms = 100;
  struct mde_thread_times times;
  mde_thread_times_now(&times);
  int64_t start = mde_monotonic_ms();
  if (mde_engine_cycle(st->engine, start + budget_ms, MDE_CYCLE_CARRY) != 0)
    ERROR("mde plugin: the engine failed this cycle (out of memory?)");
  pthread_mutex_lock(&st->lock);
  bool stopping = st->stopping;
  pthread_mutex_unlock(&st->lock);
  if (stopping)
    return;
  cdtime_t when = cdtime();
  for (size_t i = 0; i < st->n; i++)
    submit_tenant(mde_engine_result(st->engine, i), &st->track[i], when);
  st->cycles++;
  for (size_t i = 0; i < st->n_skipped; i++)
    submit_skipped(&st->skipped[i], &st->track[st->n + i], st->cycles, when);
  submit_apps(st->engine, st->values, when);
  submit_cycle((double)(mde_monotonic_ms() - start) / 1000.0, when);
  warn_if_late(&times, interval);
}

static void *worker_main(void *arg) {
  struct state *st = arg;
  pthread_mutex_lock(&st->lock);
  for (;;) {
    while (!st->pending && !st->stopping) {
      if (!st->carrying) {
        pthread_cond_wait(&st->wake, &st->lock);
        continue;
      }
      /* Between cycles, a slow answer carried past the deadline goes on
       * arriving (the next read rings the engine awake), rather than
       * waiting in the socket for a transfer timeout to pass. */
      int64_t until =
          mde_monotonic_ms() + (int64_t)CDTIME_T_TO_MS(st->interval);
      pthread_mutex_unlock(&st->lock);
      int left = mde_engine_carry(st->engine, until); /* a read by then */
      pthread_mutex_lock(&st->lock);
      st->carrying = left > 0;
    }
    if (st->stopping)
      break;
    st->pending = false;
    cdtime_t interval = st->interval;
    plugin_set_ctx(st->ctx); /* dispatches take the read's interval */
    pthread_mutex_unlock(&st->lock);
    run_cycle(st, interval);
    pthread_mutex_lock(&st->lock);
    st->carrying = true; /* mde_engine_carry says whether it did */
  }
  pthread_mutex_unlock(&st->lock);
  return NULL;
}

/* Called by collectd once the read threads are joined: the worker is told
 * to stop, its cycle interrupted, and joined (it never waits on anything
 * but the network, which the interrupt ends). */
static void state_free(void *p) {
  struct state *st = p;
  if (!st)
    return;
  if (st->worker_started) {
    pthread_mutex_lock(&st->lock);
    st->stopping = true;
    pthread_cond_signal(&st->wake);
    pthread_mutex_unlock(&st->lock);
    mde_engine_interrupt(st->engine);
    pthread_join(st->worker, NULL);
  }
  pthread_cond_destroy(&st->wake);
  pthread_mutex_destroy(&st->lock);
  mde_engine_free(st->engine);
  free(st->track);
  options_skipped_free(st->skipped, st->n_skipped);
  free(st);
}

/* Hands a cycle to the worker. A read arriving while a cycle still runs
 * (it cannot, by the 80% budget, unless the host stalls) queues one more,
 * not one per read. */
static int mde_read(user_data_t *ud) {
  struct state *st = ud->data;
  pthread_mutex_lock(&st->lock);
  st->pending = true;
  st->interval = plugin_get_interval();
  st->ctx = plugin_get_ctx();
  pthread_cond_signal(&st->wake);
  pthread_mutex_unlock(&st->lock);
  mde_engine_wake(st->engine); /* ends carrying between cycles */
  return 0;
}

static int mde_init(void) {
  if (!configured) {
    ERROR("mde plugin: loaded without a <Plugin mde> block");
    return -1;
  }
  struct state *st = calloc(1, sizeof *st);
  if (!st)
    return -1;
  pthread_mutex_init(&st->lock, NULL);
  pthread_cond_init(&st->wake, NULL);
  st->engine = build(&opts);
  st->n = st->engine ? mde_engine_count(st->engine) : 0;
  /* one more, so that calloc never sees 0 */
  st->track = calloc(st->n + opts.n_skipped + 1, sizeof *st->track);
  if (!st->engine || !st->track ||
      (st->n == 0 && !(shard_empty && opts.n_skipped == 0))) {
    if (st->engine && st->n == 0)
      ERROR("mde plugin: no usable <Tenant> block: nothing to monitor");
    state_free(st);
    return -1;
  }
  /* A skipped tenant has no options left: it dispatches the top level's. */
  st->values = value_groups_effective(opts.defaults.values);
  for (size_t i = 0; i < st->n + opts.n_skipped; i++)
    st->track[i] = (struct tenant_track){
        .state = -1, .token_time = -1, .api_time = -1, .values = st->values};
  /* Engine tenant i is not opts.tenants[i] once a tenant was skipped: by
   * name. */
  for (size_t i = 0; i < st->n; i++) {
    const struct tenant_options *to =
        options_tenant(&opts, mde_engine_result(st->engine, i)->name);
    st->track[i].cred_watch = to && to->home_tenant != NULL;
    if (to)
      st->track[i].values = value_groups_effective(to->values);
    st->track[i].cred_warn =
        86400.0 * (opts.credential_warning ? opts.credential_warning
                                           : OPTIONS_CREDENTIAL_WARNING_DAYS);
    st->track[i].cred_crit =
        86400.0 * (opts.credential_critical ? opts.credential_critical
                                            : OPTIONS_CREDENTIAL_CRITICAL_DAYS);
    st->track[i].cred_level = -1;
  }
  st->skipped = opts.skipped;
  st->n_skipped = opts.n_skipped;
  opts.skipped = NULL;
  opts.n_skipped = 0;
  if (plugin_thread_create(&st->worker, worker_main, st, "mde worker") != 0) {
    ERROR("mde plugin: cannot start its worker thread");
    state_free(st);
    return -1;
  }
  st->worker_started = true;
  INFO("mde plugin: monitoring %zu tenant%s (%zu skipped)", st->n,
       st->n == 1 ? "" : "s", st->n_skipped);
  /* On failure, collectd frees the user data itself. */
  return plugin_register_complex_read(
      NULL, "mde", mde_read, 0,
      &(user_data_t){.data = st, .free_func = state_free});
}

static int mde_shutdown(void) {
  options_free(&opts);
  configured = false;
  return 0;
}

__attribute__((visibility("default"))) void module_register(void) {
  plugin_register_complex_config("mde", mde_config);
  plugin_register_init("mde", mde_init);
  plugin_register_shutdown("mde", mde_shutdown);
}
