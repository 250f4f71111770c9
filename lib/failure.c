/* SPDX-License-Identifier: MIT */
/* Failure classes: one table holds each class's stable name, description,
 * rank, whether it heals by itself, its Nagios state and its notification
 * severity, so the plugin, the check and README.md can never disagree. */
#include "mde/failure.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One row per class: rank is higher for worse (it picks the one class to
 * report for a tenant), heals is 1 for what clears without anyone acting,
 * Nagios is check_mde's state, notify the collectd notification's severity.
 * Adding a class is adding one row here (and its name to README.md's
 * table, which a unit test holds to this one). */
#define OK MDE_NAGIOS_OK
#define WARN MDE_NAGIOS_WARNING
#define CRIT MDE_NAGIOS_CRITICAL
#define UNKN MDE_NAGIOS_UNKNOWN
#define N_OKAY MDE_NOTIFY_OKAY
#define N_WARN MDE_NOTIFY_WARNING
#define N_FAIL MDE_NOTIFY_FAILURE
static const struct {
  const char *name;
  int rank, heals;
  enum mde_nagios_state nagios;
  enum mde_notify notify;
  const char *text;
} classes[MDE_FAIL_COUNT_] = {
    /* clang-format off */
    /* class                           name                  rank heals Nagios notify  text */
    [MDE_FAIL_NONE]                 = {"none",                 0, 0,    OK,    N_OKAY, "no failure"},
    [MDE_FAIL_NETWORK]              = {"network",             20, 1,    CRIT,  N_FAIL, "network failure"},
    [MDE_FAIL_TENANT_NOT_FOUND]     = {"tenant_not_found",    90, 0,    CRIT,  N_FAIL, "tenant not found"},
    [MDE_FAIL_TENANT_INVALID]       = {"tenant_invalid",      90, 0,    CRIT,  N_FAIL, "tenant identifier malformed"},
    [MDE_FAIL_APP_NOT_IN_TENANT]    = {"app_not_in_tenant",   90, 0,    CRIT,  N_FAIL, "application not consented in tenant"},
    [MDE_FAIL_CONSENT_REQUIRED]     = {"consent_required",    70, 0,    CRIT,  N_FAIL, "consent required"},
    [MDE_FAIL_SECRET_INVALID]       = {"secret_invalid",      80, 0,    CRIT,  N_FAIL, "client secret invalid"},
    [MDE_FAIL_SECRET_EXPIRED]       = {"secret_expired",      80, 0,    CRIT,  N_FAIL, "client secret expired"},
    [MDE_FAIL_CERTIFICATE_INVALID]  = {"certificate_invalid", 80, 0,    CRIT,  N_FAIL, "certificate credential rejected"},
    [MDE_FAIL_APP_DISABLED]         = {"app_disabled",        85, 0,    CRIT,  N_FAIL, "application disabled"},
    [MDE_FAIL_NOT_PROVISIONED]      = {"not_provisioned",     70, 0,    WARN,  N_WARN, "Defender for Endpoint not provisioned"},
    [MDE_FAIL_PERMISSION_MISSING]   = {"permission_missing",  50, 0,    CRIT,  N_FAIL, "API permission missing"},
    [MDE_FAIL_TOKEN_INVALID]        = {"token_invalid",       40, 0,    CRIT,  N_FAIL, "access token invalid"},
    [MDE_FAIL_THROTTLED]            = {"throttled",           10, 1,    WARN,  N_WARN, "throttled"},
    [MDE_FAIL_API_ERROR]            = {"api_error",           25, 1,    CRIT,  N_WARN, "Defender API error"},
    [MDE_FAIL_PROTOCOL]             = {"protocol",            30, 1,    CRIT,  N_FAIL, "malformed response"},
    [MDE_FAIL_CONFIG]               = {"config",              60, 0,    UNKN,  N_FAIL, "request rejected as misconfigured"},
    [MDE_FAIL_AUTH_SERVICE]         = {"auth_service",        20, 1,    CRIT,  N_WARN, "Entra ID service error"},
    [MDE_FAIL_AUTH_REJECTED]        = {"auth_rejected",       60, 0,    CRIT,  N_FAIL, "token request rejected (unclassified code)"},
    [MDE_FAIL_CREDENTIAL_UNUSABLE]  = {"credential_unusable", 70, 0,    CRIT,  N_FAIL, "local credential unusable"},
    [MDE_FAIL_INTERNAL]             = {"internal",            30, 1,    UNKN,  N_FAIL, "internal error"},
    [MDE_FAIL_SYNC_INCOMPLETE]      = {"sync_incomplete",     15, 1,    WARN,  N_WARN, "alerts sync not complete"},
    [MDE_FAIL_CLOUD_MISMATCH]       = {"cloud_mismatch",      90, 0,    CRIT,  N_FAIL, "tenant is in another cloud"},
    [MDE_FAIL_TOKEN_OPAQUE]         = {"token_opaque",        15, 1,    WARN,  N_WARN, "access token not a JWT"},
    [MDE_FAIL_GRAPH_PERMISSION]     = {"graph_permission_missing", 12, 0, WARN, N_WARN, "credential expiry unreadable from Microsoft Graph"},
    [MDE_FAIL_OVERRUN]              = {"overrun",             18, 1,    WARN,  N_WARN, "cycle deadline reached before the answer was read"},
    /* clang-format on */
};
#undef OK
#undef WARN
#undef CRIT
#undef UNKN
#undef N_OKAY
#undef N_WARN
#undef N_FAIL

static int valid(enum mde_failure f) {
  return (unsigned)f < (unsigned)MDE_FAIL_COUNT_;
}

const char *mde_failure_name(enum mde_failure f) {
  return valid(f) ? classes[f].name : "internal";
}

int mde_failure_from_name(const char *name, enum mde_failure *out) {
  if (!name)
    return -1;
  for (int i = 0; i < MDE_FAIL_COUNT_; i++) {
    if (strcmp(classes[i].name, name) == 0) {
      *out = (enum mde_failure)i;
      return 0;
    }
  }
  return -1;
}

const char *mde_failure_describe(enum mde_failure f) {
  return valid(f) ? classes[f].text : "internal error";
}

int mde_failure_severity(enum mde_failure f) {
  return valid(f) ? classes[f].rank : classes[MDE_FAIL_INTERNAL].rank;
}

enum mde_failure mde_failure_worst(enum mde_failure a, enum mde_failure b) {
  return mde_failure_severity(b) > mde_failure_severity(a) ? b : a;
}

int mde_failure_is_transient(enum mde_failure f) {
  return valid(f) ? classes[f].heals : 1;
}

enum mde_nagios_state mde_failure_nagios_state(enum mde_failure f) {
  return classes[valid(f) ? f : MDE_FAIL_INTERNAL].nagios;
}

enum mde_notify mde_failure_notify_severity(enum mde_failure f) {
  return classes[valid(f) ? f : MDE_FAIL_INTERNAL].notify;
}

void mde_say(char *err, size_t size, const char *fmt, ...) {
  if (!err || size == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, size, fmt, ap);
  va_end(ap);
}
