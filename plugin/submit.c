/* SPDX-License-Identifier: MIT */
/* Values and notifications (see submit.h). Identifiers are the user-facing
 * contract documented in README.md; a test checks each against a live
 * collectd. */
#include "submit.h"

#include "mde/escape.h"
#include "plugin.h"
#include "utils/common/common.h"
#include "value_groups.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void put(const char *instance, const char *type,
                const char *type_instance, value_t v, cdtime_t when) {
  value_list_t vl = VALUE_LIST_INIT;
  vl.values = &v;
  vl.values_len = 1;
  vl.time = when;
  sstrncpy(vl.plugin, "mde", sizeof vl.plugin);
  sstrncpy(vl.plugin_instance, instance, sizeof vl.plugin_instance);
  sstrncpy(vl.type, type, sizeof vl.type);
  sstrncpy(vl.type_instance, type_instance, sizeof vl.type_instance);
  plugin_dispatch_values(&vl);
}

static void gauge(const char *instance, const char *type,
                  const char *type_instance, double g, cdtime_t when) {
  put(instance, type, type_instance, (value_t){.gauge = g}, when);
}

static void derive(const char *instance, const char *type,
                   const char *type_instance, uint64_t d, cdtime_t when) {
  put(instance, type, type_instance, (value_t){.derive = (derive_t)d}, when);
}

/* The severity is the failure table's (lib/failure.c); this only names it
 * in collectd's terms. */
static int severity_of(enum mde_failure f) {
  static const int notif[] = {[MDE_NOTIFY_OKAY] = NOTIF_OKAY,
                              [MDE_NOTIFY_WARNING] = NOTIF_WARNING,
                              [MDE_NOTIFY_FAILURE] = NOTIF_FAILURE};
  return notif[mde_failure_notify_severity(f)];
}

/* Adds a string to the notification's meta, escaped: server text. */
static void meta_text(notification_t *n, const char *key, const char *text) {
  char safe[4096];
  plugin_notification_meta_add_string(n, key,
                                      mde_escape(safe, sizeof safe, text, 0));
}

static void notify(const struct mde_tenant_result *r, int previous,
                   cdtime_t when) {
  char safe[4096];
  notification_t n = {.severity = severity_of(r->failure), .time = when};
  sstrncpy(n.host, hostname_g, sizeof n.host);
  sstrncpy(n.plugin, "mde", sizeof n.plugin);
  sstrncpy(n.plugin_instance, r->name, sizeof n.plugin_instance);
  sstrncpy(n.type, "bool", sizeof n.type);
  sstrncpy(n.type_instance, "token_valid", sizeof n.type_instance);
  if (r->failure == MDE_FAIL_NONE) {
    char msg[256];
    snprintf(msg, sizeof msg, "%s: OK again (was %s)", r->name,
             mde_failure_name((enum mde_failure)previous));
    sstrncpy(n.message, msg, sizeof n.message);
  } else {
    char code[96] = "";
    if (r->aadsts && r->trace_id[0])
      snprintf(code, sizeof code, " [AADSTS%ld trace %s]", r->aadsts,
               r->trace_id);
    else if (r->aadsts)
      snprintf(code, sizeof code, " [AADSTS%ld]", r->aadsts);
    /* The fix is what on-call needs most; the reason goes in meta. A
     * message is cut at NOTIF_MAX_MSG_LEN; the meta keeps it whole. */
    char msg[2048];
    snprintf(msg, sizeof msg, "%s: %s%s - %s", r->name,
             mde_failure_name(r->failure), code, r->fix ? r->fix : r->reason);
    sstrncpy(n.message, mde_escape(safe, sizeof safe, msg, 0),
             sizeof n.message);
  }
  /* The log keeps the whole reason, for whoever reads it later. */
  if (r->failure == MDE_FAIL_NONE)
    INFO("mde plugin: %s: OK again (was %s)", r->name,
         mde_failure_name((enum mde_failure)previous));
  else
    WARNING("mde plugin: %s: %s: %s", r->name, mde_failure_name(r->failure),
            mde_escape(safe, sizeof safe, r->reason, 0));
  plugin_notification_meta_add_string(&n, "failure",
                                      mde_failure_name(r->failure));
  plugin_notification_meta_add_string(
      &n, "previous", previous < 0 ? "unknown" : mde_failure_name(previous));
  meta_text(&n, "reason", r->reason);
  if (r->fix)
    meta_text(&n, "fix", r->fix);
  if (r->aadsts)
    plugin_notification_meta_add_signed_int(&n, "aadsts", r->aadsts);
  if (r->trace_id[0])
    meta_text(&n, "trace_id", r->trace_id);
  if (r->correlation_id[0])
    meta_text(&n, "correlation_id", r->correlation_id);
  if (r->tenant_id[0])
    meta_text(&n, "tenant_id", r->tenant_id);
  plugin_dispatch_notification(&n);
  plugin_notification_meta_free(n.meta);
}

/* A tenant's credential crossed a threshold (level 1: CredentialWarning,
 * 2: CredentialCritical or expired) or came back (0: renewed). */
static void notify_credential(const struct mde_tenant_result *r, int level,
                              cdtime_t when) {
  static const int severity[] = {NOTIF_OKAY, NOTIF_WARNING, NOTIF_FAILURE};
  notification_t n = {.severity = severity[level], .time = when};
  sstrncpy(n.host, hostname_g, sizeof n.host);
  sstrncpy(n.plugin, "mde", sizeof n.plugin);
  sstrncpy(n.plugin_instance, r->name, sizeof n.plugin_instance);
  sstrncpy(n.type, "timeleft", sizeof n.type);
  sstrncpy(n.type_instance, "credential", sizeof n.type_instance);
  double days = r->credential_ttl / 86400.0;
  char msg[512], safe[1024];
  if (level == 0)
    snprintf(msg, sizeof msg,
             "%s: client credential renewed: it expires in %.1f days", r->name,
             days);
  else if (r->credential_ttl <= 0)
    snprintf(msg, sizeof msg,
             "%s: client credential expired %.1f days ago - create a new one "
             "for the app and update the configuration",
             r->name, fabs(days)); /* fabs: never "-0.0 days" */
  else
    snprintf(msg, sizeof msg,
             "%s: client credential expires in %.1f days - create a new one "
             "for the app and update the configuration",
             r->name, days);
  sstrncpy(n.message, msg, sizeof n.message);
  plugin_notification_meta_add_double(&n, "credential_ttl", r->credential_ttl);
  if (r->credential_note[0])
    meta_text(&n, "note", r->credential_note);
  if (level == 0)
    INFO("mde plugin: %s", mde_escape(safe, sizeof safe, msg, 0));
  else
    WARNING("mde plugin: %s", mde_escape(safe, sizeof safe, msg, 0));
  plugin_dispatch_notification(&n);
  plugin_notification_meta_free(n.meta);
}

/* WARNING, then FAILURE, once each as the expiry nears; OKAY when a
 * renewed credential is seen. */
static void watch_credential(const struct mde_tenant_result *r,
                             struct tenant_track *tr, cdtime_t when) {
  if (!tr->cred_watch)
    return;
  /* What Graph says of the credential (a shared hint, a certificate not
   * registered, Graph unreachable) is logged when it changes. */
  if (strcmp(tr->cred_note, r->credential_note) != 0) {
    char safe[2048];
    if (r->credential_note[0])
      WARNING("mde plugin: %s: %s", r->name,
              mde_escape(safe, sizeof safe, r->credential_note, 0));
    snprintf(tr->cred_note, sizeof tr->cred_note, "%s", r->credential_note);
  }
  if (isnan(r->credential_ttl))
    return;
  double ttl = r->credential_ttl;
  int level = ttl <= tr->cred_crit ? 2 : ttl <= tr->cred_warn ? 1 : 0;
  int before = tr->cred_level < 0 ? 0 : tr->cred_level;
  if (level > before || (level == 0 && before > 0))
    notify_credential(r, level, when);
  /* a renewal to a credential that is itself expiring: notified as such */
  tr->cred_level = level;
}

static uint64_t *code_counter(struct tenant_track *tr, int status) {
  for (int i = 0; i < tr->n_codes; i++)
    if (tr->code_status[i] == status)
      return &tr->codes[i];
  if (tr->n_codes == MAX_TRACKED_CODES)
    return NULL;
  tr->code_status[tr->n_codes] = status;
  tr->codes[tr->n_codes] = 0;
  return &tr->codes[tr->n_codes++];
}

/* Alerts by status x severity, or by severity with every status summed. */
static void submit_alerts(const struct mde_tenant_result *r, unsigned g,
                          cdtime_t when) {
  char ti[DATA_MAX_NAME_LEN];
  for (int v = 0; v < MDE_SEVERITY_COUNT; v++) {
    const char *sev = mde_alert_severity_name((enum mde_alert_severity)v);
    double sum = 0;
    for (int s = 0; s < MDE_STATUS_COUNT; s++) {
      sum += r->alerts[s][v];
      if (g & VG_ALERTS) {
        snprintf(ti, sizeof ti, "alerts_%s_%s",
                 mde_alert_status_name((enum mde_alert_status)s), sev);
        gauge(r->name, "count", ti, r->alerts[s][v], when);
      }
    }
    if (g & VG_ALERTS_BY_SEV) {
      snprintf(ti, sizeof ti, "alerts_%s", sev);
      gauge(r->name, "count", ti, sum, when);
    }
  }
  derive(r->name, "derive", "alerts_created", r->alerts_created, when);
}

static void submit_machines(const struct mde_tenant_result *r, cdtime_t when) {
  const char *in = r->name;
  char ti[DATA_MAX_NAME_LEN];
  if (r->machines_valid) { /* lower-cased API values, as alerts */
    for (int h = 0; h < MDE_HEALTH_COUNT; h++) {
      snprintf(ti, sizeof ti, "machines_health_%s",
               mde_machine_health_name((enum mde_machine_health)h));
      gauge(in, "count", ti, r->machines.health[h], when);
    }
    for (int o = 0; o < MDE_ONBOARDING_COUNT; o++) {
      snprintf(ti, sizeof ti, "machines_onboarding_%s",
               mde_onboarding_name((enum mde_onboarding)o));
      gauge(in, "count", ti, r->machines.onboarding[o], when);
    }
  }
  if (!isnan(r->machines_age))
    gauge(in, "duration", "machines_age", r->machines_age, when);
  if (r->exposure_valid)
    gauge(in, "gauge", "exposure_score", r->exposure_score, when);
}

static void submit_token(const struct mde_tenant_result *r, cdtime_t when) {
  const char *in = r->name;
  gauge(in, "bool", "token_valid", r->token_valid ? 1 : 0, when);
  if (r->consent >= 0)
    gauge(in, "bool", "consent", r->consent, when);
  if (r->permissions >= 0)
    gauge(in, "bool", "permissions", r->permissions, when);
  gauge(in, "count", "roles_missing", (double)r->missing_roles.n, when);
  if (r->token_ttl >= 0)
    gauge(in, "timeleft", "token", r->token_ttl, when);
  for (int f = 1; f < MDE_FAIL_COUNT_; f++)
    if (r->failures[f])
      derive(in, "errors", mde_failure_name((enum mde_failure)f),
             r->failures[f], when);
}

/* The last request of each kind, repeated while no new one is made (a
 * cached token means no token request for an hour). */
static void submit_latency(const struct mde_tenant_result *r,
                           struct tenant_track *tr, cdtime_t when) {
  if (r->token_timing_valid)
    tr->token_time = r->token_time.total;
  if (r->api_timing_valid)
    tr->api_time = r->api_time.total;
  if (tr->token_time >= 0)
    gauge(r->name, "response_time", "token", tr->token_time, when);
  if (tr->api_time >= 0)
    gauge(r->name, "response_time", "api", tr->api_time, when);
}

static void submit_http(const struct mde_tenant_result *r,
                        struct tenant_track *tr, cdtime_t when) {
  const char *in = r->name;
  char ti[DATA_MAX_NAME_LEN];
  for (size_t i = 0; i < r->n_codes; i++) {
    uint64_t *c = code_counter(tr, r->codes[i].status);
    if (c)
      *c += r->codes[i].count;
  }
  for (int i = 0; i < tr->n_codes; i++) {
    snprintf(ti, sizeof ti, "%d", tr->code_status[i]);
    derive(in, "http_response_codes", ti, tr->codes[i], when);
  }
  derive(in, "operations", "token_requests", r->token_requests, when);
  derive(in, "operations", "api_requests", r->api_requests, when);
  gauge(in, "count", "throttled", r->throttled ? 1 : 0, when);
  gauge(in, "duration", "retry_after", r->retry_after, when);
}

void submit_tenant(const struct mde_tenant_result *r, struct tenant_track *tr,
                   cdtime_t when) {
  /* Its cycle goes on into the next (a slow answer was arriving at the
   * deadline): nothing is known yet, so nothing is said, no value and no
   * notification; collectd sees one interval without values. */
  if (r->carried)
    return;
  const char *in = r->name;
  unsigned g = tr->values;
  if (g & (VG_ALERTS | VG_ALERTS_BY_SEV)) {
    if (r->alerts_valid)
      submit_alerts(r, g, when);
    if (r->alerts_complete >= 0)
      gauge(in, "bool", "alerts_complete", r->alerts_complete, when);
    if (!isnan(r->alerts_age))
      gauge(in, "duration", "alerts_age", r->alerts_age, when);
  }
  if (g & VG_MACHINES)
    submit_machines(r, when);
  if (g & VG_TOKEN)
    submit_token(r, when);
  if ((g & VG_CREDENTIAL) &&
      !isnan(r->credential_ttl)) /* an expired credential shows as 0 */
    gauge(in, "timeleft", "credential",
          r->credential_ttl > 0 ? r->credential_ttl : 0, when);
  if (g & VG_LATENCY)
    submit_latency(r, tr, when);
  if (g & VG_HTTP)
    submit_http(r, tr, when);
  watch_credential(r, tr, when);

  /* Edge-triggered: only a change of state is news. A healthy start is
   * not; a broken start is. */
  int now = (int)r->failure;
  int before = tr->state < 0 ? (int)MDE_FAIL_NONE : tr->state;
  if (now != before)
    notify(r, tr->state < 0 ? -1 : tr->state, when);
  tr->state = now;
}

void submit_apps(const struct mde_engine *e, unsigned values, cdtime_t when) {
  if (!(values & VG_CREDENTIAL))
    return;
  for (size_t i = 0; i < mde_engine_app_count(e); i++) {
    const struct mde_app_result *a = mde_engine_app_result(e, i);
    if (!a->valid)
      continue;
    char sfx[48] = "", ti[DATA_MAX_NAME_LEN];
    if (i > 0)
      snprintf(sfx, sizeof sfx, "_%.36s", a->client_id);
    snprintf(ti, sizeof ti, "credential_earliest%s", sfx);
    /* no valid credential left: nothing is left either */
    gauge("", "timeleft", ti, isnan(a->earliest_ttl) ? 0 : a->earliest_ttl,
          when);
    snprintf(ti, sizeof ti, "credentials_expiring%s", sfx);
    gauge("", "count", ti, a->expiring, when);
    snprintf(ti, sizeof ti, "credentials_expired%s", sfx);
    gauge("", "count", ti, a->expired, when);
  }
}

void submit_cycle(double seconds, cdtime_t when) {
  gauge("", "duration", "cycle", seconds, when);
}
