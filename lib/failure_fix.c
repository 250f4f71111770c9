/* SPDX-License-Identifier: MIT */
/* What to do about each failure class: one line for a human, in the
 * spelling of the front end that shows it (see include/mde/failure.h). It
 * lives with the failure classes (lib/failure.c holds their policy). */
#include "mde/buf.h"
#include "mde/cloud.h"
#include "mde/failure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How each front end spells the options a fix names. */
static const struct {
  const char *cloud;             /* to move a tenant to another cloud */
  const char *cloud_or_resource; /* to change what a token is for */
} spelling[] = {
    [MDE_FRONT_ANY] = {"Cloud (collectd) or --cloud (check_mde)",
                       "Cloud/Resource (collectd), --cloud (check_mde)"},
    [MDE_FRONT_PLUGIN] = {"Cloud", "Cloud/Resource"},
    [MDE_FRONT_CHECK] = {"--cloud", "--cloud"},
};

/* `s`, or a stand-in so that a fix reads well with partial context. */
static const char *either(const char *s, const char *dflt) {
  return s && *s ? s : dflt;
}

/* Appends ": {admin-consent URL}". */
static int consent_url(struct mde_buf *b, const struct mde_fix_ctx *c) {
  char *url = mde_url_admin_consent(
      either(c->login, "https://login.microsoftonline.com"),
      either(c->tenant, "{tenant}"), either(c->client_id, "{client-id}"));
  if (!url)
    return -1;
  int rc = mde_buf_printf(b, ": %s", url);
  free(url);
  return rc;
}

char *mde_failure_fix(enum mde_failure f, long code,
                      const struct mde_fix_ctx *ctx) {
  static const struct mde_fix_ctx none;
  const struct mde_fix_ctx *c = ctx ? ctx : &none;
  const char *tenant = either(c->tenant, "the tenant");
  unsigned front = (unsigned)c->front < sizeof spelling / sizeof spelling[0]
                       ? (unsigned)c->front
                       : MDE_FRONT_ANY;
  char app[160] = "the application";
  if (c->client_id && *c->client_id)
    snprintf(app, sizeof(app), "app %s", c->client_id);
  struct mde_buf b;
  mde_buf_init(&b, 0);
  int rc = 0;

  switch (f) {
  case MDE_FAIL_NONE:
    rc = mde_buf_puts(&b, "no action needed");
    break;
  case MDE_FAIL_NETWORK:
    rc = mde_buf_printf(&b,
                        "check DNS, proxy, firewall and CA trust towards %s; "
                        "retried on the next cycle",
                        either(c->login, "the Microsoft endpoints"));
    break;
  case MDE_FAIL_TENANT_NOT_FOUND:
    rc = mde_buf_printf(&b,
                        "check the tenant id '%s' and the cloud: no such "
                        "tenant at %s",
                        either(c->tenant, "?"),
                        either(c->login, "this login host"));
    break;
  case MDE_FAIL_TENANT_INVALID:
    rc = mde_buf_printf(&b,
                        "tenant '%s' must be a tenant GUID or a verified "
                        "domain such as contoso.onmicrosoft.com",
                        either(c->tenant, "?"));
    break;
  case MDE_FAIL_APP_NOT_IN_TENANT:
  case MDE_FAIL_CONSENT_REQUIRED:
    /* Short, URL first: collectd cuts notification messages at 256. */
    rc = mde_buf_puts(&b, "a tenant admin must grant admin consent");
    if (rc == 0)
      rc = consent_url(&b, c);
    break;
  case MDE_FAIL_SECRET_INVALID:
    if (code == 7000216 || code == 7000218)
      rc = mde_buf_printf(&b,
                          "no credential was sent: configure a client "
                          "secret or a certificate for %s",
                          app);
    else if (code == 7000215 || code == 0)
      rc = mde_buf_printf(&b,
                          "configure the secret's Value (not its Secret ID) "
                          "of a current client secret of %s",
                          app);
    else /* known only by its `error`, invalid_client */
      rc = mde_buf_printf(&b,
                          "Entra refused the client secret of %s: check "
                          "that it is the Value of a current secret "
                          "(Certificates & secrets)",
                          app);
    break;
  case MDE_FAIL_SECRET_EXPIRED:
    rc = mde_buf_printf(&b,
                        "create a new client secret for %s (App registrations "
                        "> Certificates & secrets) and update the secret file",
                        app);
    break;
  case MDE_FAIL_CERTIFICATE_INVALID:
    if (code == 700024)
      rc = mde_buf_puts(&b, "the client assertion is outside its valid time "
                            "range: check this host's clock (NTP)");
    else if (code == 700027)
      rc = mde_buf_printf(&b,
                          "upload the configured certificate to %s (App "
                          "registrations > Certificates & secrets) or "
                          "configure the one registered there",
                          app);
    else
      rc = mde_buf_printf(&b,
                          "check that the configured certificate and key "
                          "match a certificate registered on %s",
                          app);
    break;
  case MDE_FAIL_APP_DISABLED:
    rc = mde_buf_printf(&b,
                        "enable the service principal of %s in %s "
                        "(Enterprise applications > Properties)",
                        app, tenant);
    break;
  case MDE_FAIL_NOT_PROVISIONED:
    /* A licence missing, or a token asked for another cloud's resource:
     * Entra cannot tell the two apart (AADSTS500011 for both). */
    rc = mde_buf_printf(&b,
                        "Defender for Endpoint (%s) is not provisioned in %s, "
                        "or the cloud is wrong: check the tenant's Defender "
                        "licence and onboarding, and %s",
                        either(c->resource, "the API"), tenant,
                        spelling[front].cloud_or_resource);
    break;
  case MDE_FAIL_CLOUD_MISMATCH:
    rc = mde_buf_printf(&b,
                        "%s is in another Microsoft cloud than %s: set %s to "
                        "the tenant's cloud (gcc-high or dod) and use an app "
                        "registration made in that cloud",
                        tenant, either(c->login, "this login host"),
                        spelling[front].cloud);
    break;
  case MDE_FAIL_TOKEN_OPAQUE:
    rc = mde_buf_puts(&b, "Entra returned an access token that is not a JWT: "
                          "its claims cannot be checked, the Defender API's "
                          "answer decides; nothing to do unless the API "
                          "refuses it");
    break;
  case MDE_FAIL_PERMISSION_MISSING:
    if (c->roles && *c->roles)
      rc =
          mde_buf_printf(&b, "add %s to %s, then consent again", c->roles, app);
    else
      rc = mde_buf_printf(&b,
                          "add the required WindowsDefenderATP permissions "
                          "to %s, then consent again",
                          app);
    if (rc == 0)
      rc = consent_url(&b, c);
    break;
  case MDE_FAIL_TOKEN_INVALID:
    rc = mde_buf_puts(&b, "the access token failed validation: check the "
                          "configured cloud and endpoints and this host's "
                          "clock");
    break;
  case MDE_FAIL_THROTTLED:
    if (code == 50196)
      rc = mde_buf_puts(&b, "Entra ID detected a request loop: token "
                            "requests pause; check that tokens are cached");
    else
      rc = mde_buf_puts(&b, "throttled: requests resume after Retry-After; "
                            "lower the request rate or the number of probes");
    break;
  case MDE_FAIL_API_ERROR:
    rc = mde_buf_puts(&b, "Defender API error: retried on the next cycle; if "
                          "it persists, give Microsoft support the target id");
    break;
  case MDE_FAIL_PROTOCOL:
    rc = mde_buf_puts(&b, "unexpected response: check that the endpoints "
                          "point at Microsoft and no proxy rewrites answers");
    break;
  case MDE_FAIL_CONFIG:
    if (code == 9001023)
      rc = mde_buf_puts(&b, "use the tenant id or domain, not /common or "
                            "/consumers");
    else if (code == 1002012 || code == 70011)
      rc = mde_buf_printf(&b, "the v2 scope must be %s/.default",
                          either(c->resource, "{resource}"));
    else if (code == 901002)
      rc = mde_buf_puts(&b, "the v2 endpoint takes scope, not resource: "
                            "check the configured token version");
    else if (code == 700022)
      rc = mde_buf_puts(&b, "request a token for one resource at a time");
    else
      rc = mde_buf_puts(&b, "the token request was refused as malformed: "
                            "check token version, resource and endpoints");
    break;
  case MDE_FAIL_AUTH_SERVICE:
    rc = mde_buf_puts(&b, "Entra ID is temporarily unavailable: retried on "
                          "the next cycle");
    break;
  case MDE_FAIL_AUTH_REJECTED:
    if (code > 0)
      rc = mde_buf_printf(&b, "look up AADSTS%ld: %s/error?code=%ld", code,
                          either(c->login, "https://login.microsoftonline.com"),
                          code);
    else
      rc = mde_buf_puts(&b, "the token request was refused: see the error "
                            "and trace id");
    break;
  case MDE_FAIL_CREDENTIAL_UNUSABLE:
    rc = mde_buf_puts(&b, "check that the secret or certificate file exists, "
                          "is readable by this process and by no one else");
    break;
  case MDE_FAIL_GRAPH_PERMISSION:
    /* the tenant here is the partner's home tenant (HomeTenantId) */
    /* Short, URL first: collectd cuts notification messages at 256. */
    rc = mde_buf_printf(&b,
                        "grant Application.Read.All (Microsoft Graph) in "
                        "home tenant %s, then consent",
                        tenant);
    if (rc == 0)
      rc = consent_url(&b, c);
    break;
  case MDE_FAIL_OVERRUN:
    rc = mde_buf_puts(&b, "the cycle ended (at 80% of Interval) before this "
                          "answer was read, the network not to blame: "
                          "collectd-mde had more to do than the cycle "
                          "allows (CPU, MaxConnections, MemoryBudget); "
                          "retried on the next cycle; if it lasts, raise "
                          "Interval, MaxConnections or MemoryBudget, give "
                          "the host more CPU, or split the tenants across "
                          "hosts (Shard)");
    break;
  case MDE_FAIL_SYNC_INCOMPLETE:
    rc = mde_buf_puts(&b, "the tenant has more alert pages than the API's "
                          "call limits let one sync fetch: counts follow "
                          "when it completes; check for API errors or "
                          "throttling of this tenant");
    break;
  default:
    rc = mde_buf_puts(&b, "internal error in collectd-mde: please report it");
    break;
  }
  if (rc != 0) {
    mde_buf_free(&b);
    return NULL;
  }
  return mde_buf_steal(&b, NULL);
}
