/* Error envelopes of the token endpoint and the Defender API, and the
 * human fix for each failure class (see include/mde/entra_error.h). */
#include "mde/entra_error.h"

#include "mde/buf.h"
#include "mde/cloud.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The AADSTS catalogue as far as it matters here. A code not listed is
 * classified by the OAuth `error` field (below), which Microsoft keeps
 * stable while codes come and go; AUTH_REJECTED is what neither explains.
 * Never the free text. */
static const struct {
  long code;
  enum mde_failure f;
} aadsts[] = {
    {90002, MDE_FAIL_TENANT_NOT_FOUND},    /* tenant not found */
    {900023, MDE_FAIL_TENANT_INVALID},     /* not a GUID or a domain */
    {900382, MDE_FAIL_CLOUD_MISMATCH},     /* cross-cloud confidential client */
    {900432, MDE_FAIL_CLOUD_MISMATCH},     /* cross-cloud request */
    {700016, MDE_FAIL_APP_NOT_IN_TENANT},  /* app not found in directory */
    {7000229, MDE_FAIL_APP_NOT_IN_TENANT}, /* no service principal in tenant */
    {65001, MDE_FAIL_CONSENT_REQUIRED},    /* consent missing */
    {7000215, MDE_FAIL_SECRET_INVALID},    /* wrong secret value */
    {7000216, MDE_FAIL_SECRET_INVALID},    /* no credential sent */
    {7000218, MDE_FAIL_SECRET_INVALID},    /* no credential sent */
    {7000222, MDE_FAIL_SECRET_EXPIRED},    /* secret expired */
    {700027, MDE_FAIL_CERTIFICATE_INVALID}, /* cert not registered */
    {700024, MDE_FAIL_CERTIFICATE_INVALID}, /* assertion time window */
    {700021, MDE_FAIL_CERTIFICATE_INVALID}, /* assertion app id mismatch */
    {700030, MDE_FAIL_CERTIFICATE_INVALID}, /* invalid certificate */
    {50012, MDE_FAIL_CERTIFICATE_INVALID},  /* assertion invalid */
    {50013, MDE_FAIL_CERTIFICATE_INVALID},  /* assertion failed */
    {50027, MDE_FAIL_CERTIFICATE_INVALID},  /* invalid JWT */
    {50048, MDE_FAIL_CERTIFICATE_INVALID},  /* sub != iss */
    {900384, MDE_FAIL_CERTIFICATE_INVALID}, /* JWT signature */
    {7000112, MDE_FAIL_APP_DISABLED},       /* service principal disabled */
    {500011, MDE_FAIL_NOT_PROVISIONED},     /* resource SP not in tenant */
    {500014, MDE_FAIL_NOT_PROVISIONED},     /* resource SP disabled */
    {650051, MDE_FAIL_NOT_PROVISIONED},     /* service not subscribed */
    {650052, MDE_FAIL_NOT_PROVISIONED},     /* service not subscribed */
    {9001023, MDE_FAIL_CONFIG},             /* /common with client creds */
    {1002012, MDE_FAIL_CONFIG},             /* scope without /.default */
    {700022, MDE_FAIL_CONFIG},              /* scopes for two resources */
    {901002, MDE_FAIL_CONFIG},              /* resource sent to v2 */
    {900144, MDE_FAIL_CONFIG},              /* parameter missing */
    {90014, MDE_FAIL_CONFIG},               /* parameter missing (older) */
    {70011, MDE_FAIL_CONFIG},               /* scope invalid */
    {900561, MDE_FAIL_CONFIG},              /* wrong HTTP verb */
    {50196, MDE_FAIL_THROTTLED},            /* client request loop */
    {90055, MDE_FAIL_THROTTLED},            /* tenant throttled */
    {90006, MDE_FAIL_AUTH_SERVICE},         /* retryable server error */
    {90024, MDE_FAIL_AUTH_SERVICE},         /* request budget exceeded */
    {90033, MDE_FAIL_AUTH_SERVICE},         /* directory unavailable */
};

/* The OAuth `error` values that say what to do whatever the code, and the
 * class for a tenant with a client secret or with a certificate. The rest
 * (invalid_request above all: AADSTS900382 is one) explain nothing. */
static const struct {
  const char *error;
  enum mde_failure secret, certificate;
} oauth_errors[] = {
    {"unauthorized_client", MDE_FAIL_APP_NOT_IN_TENANT,
     MDE_FAIL_APP_NOT_IN_TENANT},
    {"invalid_client", MDE_FAIL_SECRET_INVALID, MDE_FAIL_CERTIFICATE_INVALID},
    {"invalid_resource", MDE_FAIL_NOT_PROVISIONED, MDE_FAIL_NOT_PROVISIONED},
    {"invalid_scope", MDE_FAIL_CONFIG, MDE_FAIL_CONFIG},
    {"temporarily_unavailable", MDE_FAIL_AUTH_SERVICE, MDE_FAIL_AUTH_SERVICE},
};

enum mde_failure mde_entra_code_class(long code) {
  for (size_t i = 0; i < sizeof(aadsts) / sizeof(aadsts[0]); i++)
    if (aadsts[i].code == code)
      return aadsts[i].f;
  return MDE_FAIL_AUTH_REJECTED;
}

enum mde_failure mde_entra_error_class(const char *error, int certificate) {
  for (size_t i = 0; error && i < sizeof oauth_errors / sizeof oauth_errors[0];
       i++)
    if (strcmp(oauth_errors[i].error, error) == 0)
      return certificate ? oauth_errors[i].certificate : oauth_errors[i].secret;
  return MDE_FAIL_AUTH_REJECTED;
}

/* Copies up to `n` bytes of `src` (less at a NUL) into `dst`, at most
 * `size` - 1 of them: control characters become blanks, so the text is
 * safe in a notification or a Nagios status line, a cut never splits a
 * UTF-8 sequence, and trailing blanks are trimmed. */
static void copy_clean(char *dst, size_t size, const char *src, size_t n) {
  size_t avail = 0;
  while (src && avail < n && src[avail])
    avail++;
  size_t o = avail < size - 1 ? avail : size - 1;
  if (o < avail) /* cut: never leave half a character behind */
    while (o > 0 && ((unsigned char)src[o] & 0xc0) == 0x80)
      o--;
  for (size_t i = 0; i < o; i++) {
    unsigned char c = (unsigned char)src[i];
    dst[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
  }
  while (o > 0 && dst[o - 1] == ' ')
    o--;
  dst[o] = '\0';
}

static void copy_str(char *dst, size_t size, const char *src) {
  copy_clean(dst, size, src, src ? strlen(src) : 0);
}

static size_t line_len(const char *s) { return strcspn(s, "\r\n"); }

/* Copies the value after "{label}" in `desc` up to the end of its line. */
static void desc_field(char *dst, size_t size, const char *desc,
                       const char *label) {
  if (dst[0])
    return;
  const char *p = strstr(desc, label);
  if (p) {
    p += strlen(label);
    copy_clean(dst, size, p, line_len(p));
  }
}

/* Every "AADSTS<digits>" in `s`, in order, into e->codes. */
static void prefixed_codes(struct mde_entra_error *e, const char *s) {
  for (const char *p = strstr(s, "AADSTS");
       p && e->n_codes < MDE_ENTRA_CODES_MAX; p = strstr(p, "AADSTS")) {
    p += 6;
    long v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 9) {
      v = v * 10 + (*p++ - '0');
      digits++;
    }
    if (digits > 0 && v > 0)
      e->codes[e->n_codes++] = v;
  }
}

static const char *string_item(const cJSON *obj, const char *name) {
  const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* A known code first, then the `error` field, then the status. */
static void classify(struct mde_entra_error *e, int json, int certificate) {
  for (size_t i = 0; i < e->n_codes; i++) {
    enum mde_failure f = mde_entra_code_class(e->codes[i]);
    if (f != MDE_FAIL_AUTH_REJECTED) {
      e->failure = f;
      e->code = e->codes[i];
      break;
    }
  }
  if (e->failure == MDE_FAIL_NONE && e->n_codes > 0)
    e->code = e->codes[0];
  if (e->failure == MDE_FAIL_NONE && json) {
    enum mde_failure f = mde_entra_error_class(e->error, certificate);
    if (f != MDE_FAIL_AUTH_REJECTED)
      e->failure = f;
  }
  /* Status before codes for 429: whatever the body, the answer is "wait". */
  if (e->http_status == 429)
    e->failure = MDE_FAIL_THROTTLED;
  if (e->failure != MDE_FAIL_NONE)
    return;
  if (e->n_codes > 0) /* a code we cannot place outranks the status */
    e->failure = MDE_FAIL_AUTH_REJECTED;
  else if (e->http_status >= 500)
    e->failure = MDE_FAIL_AUTH_SERVICE;
  else if (json && e->error[0])
    e->failure = MDE_FAIL_AUTH_REJECTED;
  else
    e->failure = MDE_FAIL_PROTOCOL;
}

enum mde_failure mde_entra_error_parse(int http_status, const char *body,
                                       size_t len,
                                       struct mde_entra_error *out) {
  return mde_entra_error_parse_for(http_status, body, len, 0, out);
}

enum mde_failure mde_entra_error_parse_for(int http_status, const char *body,
                                           size_t len, int certificate,
                                           struct mde_entra_error *out) {
  *out = (struct mde_entra_error){.http_status = http_status};
  cJSON *root = NULL;
  if (body && len > 0 && len <= MDE_ERROR_BODY_MAX)
    root = cJSON_ParseWithLength(body, len);
  int json = cJSON_IsObject(root);

  if (json) {
    copy_str(out->error, sizeof(out->error), string_item(root, "error"));
    copy_str(out->trace_id, sizeof(out->trace_id),
             string_item(root, "trace_id"));
    copy_str(out->correlation_id, sizeof(out->correlation_id),
             string_item(root, "correlation_id"));
    copy_str(out->timestamp, sizeof(out->timestamp),
             string_item(root, "timestamp"));
    copy_str(out->error_uri, sizeof(out->error_uri),
             string_item(root, "error_uri"));
    const cJSON *codes = cJSON_GetObjectItemCaseSensitive(root, "error_codes");
    const cJSON *c = cJSON_IsArray(codes) ? codes->child : NULL;
    for (; c && out->n_codes < MDE_ENTRA_CODES_MAX; c = c->next) {
      if (cJSON_IsNumber(c) && c->valuedouble >= 1 &&
          c->valuedouble <= 999999999 &&
          (double)(long)c->valuedouble == c->valuedouble)
        out->codes[out->n_codes++] = (long)c->valuedouble;
    }
    const char *desc = string_item(root, "error_description");
    if (desc) {
      copy_clean(out->message, sizeof(out->message), desc, line_len(desc));
      desc_field(out->trace_id, sizeof(out->trace_id), desc, "Trace ID: ");
      desc_field(out->correlation_id, sizeof(out->correlation_id), desc,
                 "Correlation ID: ");
      desc_field(out->timestamp, sizeof(out->timestamp), desc, "Timestamp: ");
      if (out->n_codes == 0) /* the prefix is the code when the array is gone */
        prefixed_codes(out, out->message);
    }
  } else if (body && len > 0) {
    /* e.g. the 429 "Too Many Requests": keep a short first line of it */
    size_t n = len < 200 ? len : 200;
    size_t l = 0;
    while (l < n && body[l] != '\r' && body[l] != '\n' && body[l] != '\0')
      l++;
    copy_clean(out->message, sizeof(out->message), body, l);
  }
  classify(out, json, certificate);
  cJSON_Delete(root);
  return out->failure;
}

void mde_api_error_free(struct mde_api_error *e) {
  mde_strlist_free(&e->required_roles);
  mde_strlist_free(&e->app_roles);
}

/* "... API required roles: A,B, application roles: C." → the two lists.
 * Free text that Microsoft may reword: a miss leaves both lists empty. */
static int missing_roles(struct mde_api_error *e) {
  static const char req[] = "API required roles:";
  static const char app[] = ", application roles:";
  const char *p = strstr(e->message, req);
  if (!p)
    return 0;
  p += strlen(req);
  const char *q = strstr(p, app);
  const char *end = q ? q : p + strlen(p);
  char part[sizeof(e->message)];
  for (int pass = 0; pass < 2; pass++) {
    size_t n = (size_t)(end - p);
    memcpy(part, p, n);
    part[n] = '\0';
    while (n > 0 && (part[n - 1] == ' ' || part[n - 1] == '.'))
      part[--n] = '\0';
    struct mde_strlist *l = pass == 0 ? &e->required_roles : &e->app_roles;
    if (mde_strlist_split(l, part, ',') != 0)
      return -1;
    if (!q)
      break;
    p = q + strlen(app);
    end = p + strlen(p);
  }
  return 0;
}

enum mde_failure mde_api_error_parse(int http_status, const char *body,
                                     size_t len, struct mde_api_error *out) {
  *out = (struct mde_api_error){.http_status = http_status};
  cJSON *root = NULL;
  if (body && len > 0 && len <= MDE_ERROR_BODY_MAX)
    root = cJSON_ParseWithLength(body, len);
  const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
  if (cJSON_IsObject(err)) {
    copy_str(out->code, sizeof(out->code), string_item(err, "code"));
    copy_str(out->message, sizeof(out->message), string_item(err, "message"));
    copy_str(out->target, sizeof(out->target), string_item(err, "target"));
  }
  cJSON_Delete(root);

  if (http_status == 401)
    out->failure = MDE_FAIL_TOKEN_INVALID;
  else if (http_status == 403)
    out->failure = strcmp(out->code, "DisabledFeature") == 0
                       ? MDE_FAIL_NOT_PROVISIONED
                       : MDE_FAIL_PERMISSION_MISSING;
  else if (http_status == 429)
    out->failure = MDE_FAIL_THROTTLED;
  else if (http_status >= 400 && http_status < 600)
    out->failure = MDE_FAIL_API_ERROR;
  else
    out->failure = MDE_FAIL_PROTOCOL;

  if (http_status == 403 && missing_roles(out) != 0) {
    mde_api_error_free(out);
    out->failure = MDE_FAIL_INTERNAL;
  }
  return out->failure;
}

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

char *mde_entra_error_fix(const struct mde_entra_error *e,
                          const struct mde_fix_ctx *ctx) {
  return mde_failure_fix(e->failure, e->code, ctx);
}
