/* SPDX-License-Identifier: MIT */
/* Failure classes: what went wrong for one tenant, in words that the
 * collectd plugin (metric type instances, notifications) and check_mde
 * (status text) print as they are. The names are part of the user-visible
 * interface: never rename one, only add (the one exception,
 * resource_not_found → not_provisioned, is noted in README.md). */
#ifndef MDE_FAILURE_H
#define MDE_FAILURE_H

#include <stddef.h>

/* Size that every `char *err, size_t err_size` reason buffer in libmde is
 * designed for; longer reasons are truncated, never overflowed. */
#define MDE_ERR_SIZE 512

enum mde_failure {
  MDE_FAIL_NONE = 0,
  MDE_FAIL_NETWORK,             /* DNS, connect, TLS, timeout, reset */
  MDE_FAIL_TENANT_NOT_FOUND,    /* AADSTS90002 */
  MDE_FAIL_TENANT_INVALID,      /* AADSTS900023: not a GUID nor a domain */
  MDE_FAIL_APP_NOT_IN_TENANT,   /* AADSTS700016: no consent / wrong tenant */
  MDE_FAIL_CONSENT_REQUIRED,    /* AADSTS65001 */
  MDE_FAIL_SECRET_INVALID,      /* AADSTS7000215, 7000216, 7000218 */
  MDE_FAIL_SECRET_EXPIRED,      /* AADSTS7000222 */
  MDE_FAIL_CERTIFICATE_INVALID, /* AADSTS700027, 700024, 50027, ... */
  MDE_FAIL_APP_DISABLED,        /* AADSTS7000112 */
  MDE_FAIL_NOT_PROVISIONED,     /* AADSTS500011: MDE not provisioned, or
                                   the wrong cloud or resource */
  MDE_FAIL_PERMISSION_MISSING,  /* role absent from the token, or API 403 */
  MDE_FAIL_TOKEN_INVALID,       /* signature, tid, aud, iss, exp, nbf */
  MDE_FAIL_THROTTLED,           /* HTTP 429, AADSTS50196, 90055 */
  MDE_FAIL_API_ERROR,           /* Defender API 5xx or unexpected 4xx */
  MDE_FAIL_PROTOCOL,            /* a response we cannot make sense of */
  MDE_FAIL_CONFIG,              /* bad scope/resource/request: our setup */
  MDE_FAIL_AUTH_SERVICE,        /* Entra 5xx or a transient AADSTS code */
  MDE_FAIL_AUTH_REJECTED,       /* an AADSTS code we do not classify */
  MDE_FAIL_CREDENTIAL_UNUSABLE, /* local secret/certificate unreadable */
  MDE_FAIL_INTERNAL,            /* out of memory, a bug in libmde */
  MDE_FAIL_SYNC_INCOMPLETE,     /* a first alerts sync that will not end */
  MDE_FAIL_CLOUD_MISMATCH,      /* AADSTS900382, 900432: wrong cloud */
  MDE_FAIL_TOKEN_OPAQUE,        /* an access token that is not a JWT */
  MDE_FAIL_GRAPH_PERMISSION,    /* Graph cannot tell when the app's
                                   credentials expire (no read role in the
                                   home tenant, app not registered there) */
  MDE_FAIL_OVERRUN,             /* the cycle's deadline came first, while
                                   its peer was not to blame (never sent,
                                   or some answer waiting unread) */
  MDE_FAIL_COUNT_               /* not a class: the number of classes */
};

/* Nagios plugin states, as the monitoring-plugins guidelines number them
 * (they are check_mde's exit codes). */
enum mde_nagios_state {
  MDE_NAGIOS_OK = 0,
  MDE_NAGIOS_WARNING = 1,
  MDE_NAGIOS_CRITICAL = 2,
  MDE_NAGIOS_UNKNOWN = 3
};

/* collectd notification severities; the plugin maps them to NOTIF_*
 * (libmde does not include collectd's headers). */
enum mde_notify { MDE_NOTIFY_OKAY, MDE_NOTIFY_WARNING, MDE_NOTIFY_FAILURE };

/* Writes a reason into a caller's `err` buffer of `size` bytes (nothing if
 * err is NULL or size 0); the one way libmde's parsers fill `err`. */
void mde_say(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "none", "network", "tenant_not_found", ...: lowercase, [a-z_] only, so
 * they can be used in a collectd type instance as they are. */
const char *mde_failure_name(enum mde_failure f);
/* The reverse, exact match. Returns 0 and sets *out, or -1. */
int mde_failure_from_name(const char *name, enum mde_failure *out);
/* A short phrase for humans, e.g. "client secret expired". */
const char *mde_failure_describe(enum mde_failure f);

/* Higher is worse. Classes that leave the partner blind for a tenant until
 * someone acts (consent gone, secret expired) rank above partial blindness
 * (a missing role), which ranks above what heals by itself (throttling,
 * network). Used to pick the one class to report for a tenant. */
int mde_failure_severity(enum mde_failure f);
/* The worse of two classes (the first on a tie). */
enum mde_failure mde_failure_worst(enum mde_failure a, enum mde_failure b);
/* 1 for classes that may clear without anyone acting (network, throttling,
 * server errors), so a caller retries on the next cycle rather than backs
 * off for long; 0 otherwise. */
int mde_failure_is_transient(enum mde_failure f);
/* The state check_mde gives a tenant that ended in class f: OK for none,
 * WARNING for throttling, UNKNOWN when the fault is our own (a request we
 * built wrong, a bug), CRITICAL for the rest. README.md's failure-class
 * table states the same (a unit test compares them). */
enum mde_nagios_state mde_failure_nagios_state(enum mde_failure f);
/* The severity of the collectd notification sent when a tenant enters
 * class f: OKAY for none, WARNING for what Microsoft's side heals by itself
 * (throttling, 5xx), FAILURE for what needs someone to act. */
enum mde_notify mde_failure_notify_severity(enum mde_failure f);

/* Which front end a fix speaks to: options are spelled differently. */
enum mde_front_end {
  MDE_FRONT_ANY, /* names both spellings */
  MDE_FRONT_PLUGIN,
  MDE_FRONT_CHECK
};

/* What a fix needs to name; any member may be NULL (or 0). */
struct mde_fix_ctx {
  const char
      *login; /* authority base, e.g. https://login.microsoftonline.com */
  const char *tenant;    /* as configured (GUID or domain) */
  const char *client_id; /* the application (client) id */
  const char *resource;  /* the API resource tokens are requested for */
  const char *roles; /* missing roles, e.g. "Alert.Read.All, Machine.Isolate" */
  enum mde_front_end front; /* Cloud (plugin) or --cloud (check) */
};

/* One line telling a human what to do about `f`; `aadsts` (0 if none)
 * refines it, e.g. 7000216 (no credential sent) vs 7000215 (wrong value).
 * For a missing app, consent or role it carries the admin-consent URL.
 * Returns a malloc'd string, or NULL when out of memory. */
char *mde_failure_fix(enum mde_failure f, long aadsts,
                      const struct mde_fix_ctx *ctx);

#endif
