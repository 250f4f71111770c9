/* SPDX-License-Identifier: MIT */
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

char *mde_entra_error_fix(const struct mde_entra_error *e,
                          const struct mde_fix_ctx *ctx) {
  return mde_failure_fix(e->failure, e->code, ctx);
}
