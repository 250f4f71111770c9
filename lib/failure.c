/* Failure classes: one table holds each class's stable name, description,
 * severity rank and whether it heals by itself, so the four can never
 * disagree. */
#include "mde/failure.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
  const char *name;
  const char *text;
  int severity;
  int transient;
} classes[MDE_FAIL_COUNT_] = {
    [MDE_FAIL_NONE] = {"none", "no failure", 0, 0},
    [MDE_FAIL_NETWORK] = {"network", "network failure", 20, 1},
    [MDE_FAIL_TENANT_NOT_FOUND] = {"tenant_not_found", "tenant not found", 90,
                                   0},
    [MDE_FAIL_TENANT_INVALID] = {"tenant_invalid",
                                 "tenant identifier malformed", 90, 0},
    [MDE_FAIL_APP_NOT_IN_TENANT] = {"app_not_in_tenant",
                                    "application not consented in tenant", 90,
                                    0},
    [MDE_FAIL_CONSENT_REQUIRED] = {"consent_required", "consent required", 70,
                                   0},
    [MDE_FAIL_SECRET_INVALID] = {"secret_invalid", "client secret invalid", 80,
                                 0},
    [MDE_FAIL_SECRET_EXPIRED] = {"secret_expired", "client secret expired", 80,
                                 0},
    [MDE_FAIL_CERTIFICATE_INVALID] = {"certificate_invalid",
                                      "certificate credential rejected", 80, 0},
    [MDE_FAIL_APP_DISABLED] = {"app_disabled", "application disabled", 85, 0},
    [MDE_FAIL_NOT_PROVISIONED] = {"not_provisioned",
                                  "Defender for Endpoint not provisioned", 70,
                                  0},
    [MDE_FAIL_PERMISSION_MISSING] = {"permission_missing",
                                     "API permission missing", 50, 0},
    [MDE_FAIL_TOKEN_INVALID] = {"token_invalid", "access token invalid", 40, 0},
    [MDE_FAIL_THROTTLED] = {"throttled", "throttled", 10, 1},
    [MDE_FAIL_API_ERROR] = {"api_error", "Defender API error", 25, 1},
    [MDE_FAIL_PROTOCOL] = {"protocol", "malformed response", 30, 1},
    [MDE_FAIL_CONFIG] = {"config", "request rejected as misconfigured", 60, 0},
    [MDE_FAIL_AUTH_SERVICE] = {"auth_service", "Entra ID service error", 20, 1},
    [MDE_FAIL_AUTH_REJECTED] = {"auth_rejected",
                                "token request rejected (unclassified code)",
                                60, 0},
    [MDE_FAIL_CREDENTIAL_UNUSABLE] = {"credential_unusable",
                                      "local credential unusable", 70, 0},
    [MDE_FAIL_INTERNAL] = {"internal", "internal error", 30, 1},
    [MDE_FAIL_SYNC_INCOMPLETE] = {"sync_incomplete", "alerts sync not complete",
                                  15, 1},
    [MDE_FAIL_CLOUD_MISMATCH] = {"cloud_mismatch", "tenant is in another cloud",
                                 90, 0},
    [MDE_FAIL_TOKEN_OPAQUE] = {"token_opaque", "access token not a JWT", 15, 1},
};

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
  return valid(f) ? classes[f].severity : classes[MDE_FAIL_INTERNAL].severity;
}

enum mde_failure mde_failure_worst(enum mde_failure a, enum mde_failure b) {
  return mde_failure_severity(b) > mde_failure_severity(a) ? b : a;
}

int mde_failure_is_transient(enum mde_failure f) {
  return valid(f) ? classes[f].transient : 1;
}

void mde_say(char *err, size_t size, const char *fmt, ...) {
  if (!err || size == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, size, fmt, ap);
  va_end(ap);
}
