/* SPDX-License-Identifier: MIT */
/* Microsoft Graph's application reads, as a partner's own monitoring uses
 * them to see when its app's credentials expire (spec D.4):
 * GET /v1.0/applications(appId='{id}') and
 * GET /v1.0/applications?$filter=appId eq '{id}', with $select. The bearer
 * is a Graph token (its `nonce` header makes it verifiable by Graph alone),
 * for the app's home tenant; reading needs Application.Read.All,
 * Application.ReadWrite.All or Directory.Read.All, else 403
 * Authorization_RequestDenied. An app registered in another tenant is
 * Request_ResourceNotFound (404; an empty list through $filter). */
#include "handlers.h"
#include "sjwt.h"
#include "util.h"

#include <openssl/asn1.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define GRAPH_APP_ID "00000003-0000-0000-c000-000000000000"

static const char *const read_roles[] = {
    "Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"};

/* The application properties this simulator serves, in Graph's order. */
enum { P_ID, P_APPID, P_NAME, P_PASSWORDS, P_KEYS, P_COUNT };
static const char *const props[P_COUNT] = {
    "id", "appId", "displayName", "passwordCredentials", "keyCredentials"};

/* Graph's error shape: {"error":{"code","message","innerError":{...}}}. */
static void graph_error(struct sim_resp *rs, int status, const char *code,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void graph_error(struct sim_resp *rs, int status, const char *code,
                        const char *fmt, ...) {
  char message[512], id[37], date[32];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  sim_random_guid(id);
  sim_format_ticks(sim_now() * TICKS_PER_SECOND, date);
  struct mde_buf *b = &rs->body;
  mde_buf_reset(b);
  mde_buf_puts(b, "{\"error\":{\"code\":");
  mde_buf_json_string(b, code);
  mde_buf_puts(b, ",\"message\":");
  mde_buf_json_string(b, message);
  mde_buf_printf(b,
                 ",\"innerError\":{\"date\":\"%.19sZ\",\"request-id\":\"%s\","
                 "\"client-request-id\":\"%s\"}}}",
                 date, id, id);
  sim_resp_json(rs, status);
}

static void iso(int64_t unix_seconds, char out[32]) {
  char full[32];
  sim_format_ticks(unix_seconds * TICKS_PER_SECOND, full);
  snprintf(out, 32, "%.19sZ", full);
}

/* The token: Graph's own (nonce-signed), live, for Graph, naming a known
 * tenant and app. Returns 0, or answers 401 and returns -1. */
static int authenticate(struct sim_world *w, struct sim_req *rq,
                        struct sim_resp *rs, struct sjwt *j,
                        struct sim_tenant **tenant, struct sim_app **app) {
  const char *auth = sim_req_header(rq, "Authorization");
  if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 ||
      sjwt_decode(auth + 7, j) != 0) {
    graph_error(rs, 401, "InvalidAuthenticationToken",
                "Access token is empty.");
    return -1;
  }
  const char *kid = sjwt_str(j->header, "kid");
  pthread_mutex_lock(&w->lock);
  EVP_PKEY *key = kid ? sim_keys_get(&w->keys, kid) : NULL;
  pthread_mutex_unlock(&w->lock);
  bool ok = key && j->alg == SJWT_RS256 && sjwt_verify_nonce(j, key);
  EVP_PKEY_free(key);
  double exp = 0;
  const char *aud = sjwt_str(j->claims, "aud");
  const char *tid = sjwt_str(j->claims, "tid");
  const char *appid = sjwt_str(j->claims, "appid");
  if (!appid)
    appid = sjwt_str(j->claims, "azp");
  if (!ok || !sjwt_num(j->claims, "exp", &exp) || exp <= (double)sim_now()) {
    graph_error(rs, 401, "InvalidAuthenticationToken",
                "Access token validation failure.");
    sjwt_free(j);
    return -1;
  }
  if (!aud || (strcasecmp(aud, "https://graph.microsoft.com") != 0 &&
               strcasecmp(aud, "https://graph.microsoft.com/") != 0 &&
               strcasecmp(aud, GRAPH_APP_ID) != 0)) {
    graph_error(rs, 401, "InvalidAuthenticationToken",
                "Access token validation failure. Invalid audience.");
    sjwt_free(j);
    return -1;
  }
  pthread_mutex_lock(&w->lock);
  *tenant = tid ? sim_tenant_find(w, tid) : NULL;
  *app = appid ? sim_app_find(w, appid) : NULL;
  pthread_mutex_unlock(&w->lock);
  if (!*tenant || !*app) {
    graph_error(rs, 401, "InvalidAuthenticationToken",
                "Access token validation failure.");
    sjwt_free(j);
    return -1;
  }
  return 0;
}

static bool may_read(const struct sjwt *j) {
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(j->claims, "roles")) {
    for (size_t i = 0; i < sizeof read_roles / sizeof read_roles[0]; i++)
      if (cJSON_IsString(r) && strcmp(r->valuestring, read_roles[i]) == 0)
        return true;
  }
  return false;
}

/* The quoted GUID after `prefix` in `s` ("appId='…'" forms), or false. */
static bool quoted_id(const char *s, const char *prefix, char out[37]) {
  size_t n = strlen(prefix);
  if (strncasecmp(s, prefix, n) != 0)
    return false;
  s += n;
  while (*s == ' ')
    s++;
  if (*s != '\'' || strlen(s) < 38 || s[37] != '\'')
    return false;
  memcpy(out, s + 1, 36);
  out[36] = '\0';
  return sim_is_guid(out);
}

/* $select as a bitmask of props; -1 (answered) for an unknown property. */
static int selection(const struct sim_req *rq, struct sim_resp *rs) {
  const char *sel = sim_req_arg(rq, "$select");
  if (!sel)
    return (1 << P_COUNT) - 1;
  int mask = 0;
  char copy[512];
  snprintf(copy, sizeof copy, "%s", sel);
  char *save = NULL;
  for (char *p = strtok_r(copy, ",", &save); p;
       p = strtok_r(NULL, ",", &save)) {
    while (*p == ' ')
      p++;
    int found = -1;
    for (int i = 0; i < P_COUNT; i++)
      if (strcmp(p, props[i]) == 0)
        found = i;
    if (found < 0) {
      graph_error(rs, 400, "BadRequest",
                  "Could not find a property named '%.100s' on type "
                  "'microsoft.graph.application'.",
                  p);
      return -1;
    }
    mask |= 1 << found;
  }
  return mask;
}

static int64_t cert_end(const struct sim_cert *c, bool start) {
  const ASN1_TIME *t =
      start ? X509_get0_notBefore(c->x509) : X509_get0_notAfter(c->x509);
  struct tm tm;
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
    return 0;
  return (int64_t)timegm(&tm);
}

/* The selected properties, as members of an object (no braces). */
static void app_members(struct mde_buf *b, const struct sim_app *app,
                        int mask) {
  char from[32], until[32];
  const char *sep = "";
  if (mask & 1 << P_ID) {
    mde_buf_printf(b, "\"id\":\"%s\"", app->object_id);
    sep = ",";
  }
  if (mask & 1 << P_APPID) {
    mde_buf_printf(b, "%s\"appId\":\"%s\"", sep, app->id);
    sep = ",";
  }
  if (mask & 1 << P_NAME) {
    mde_buf_printf(b, "%s\"displayName\":", sep);
    mde_buf_json_string(b, app->name);
    sep = ",";
  }
  if (mask & 1 << P_PASSWORDS) {
    mde_buf_printf(b, "%s\"passwordCredentials\":[", sep);
    for (size_t i = 0; i < app->n_secrets; i++) {
      const struct sim_secret *s = &app->secrets[i];
      char hint[4];
      snprintf(hint, sizeof hint, "%s", s->value);
      iso(s->created, from);
      /* "never" is not a thing at Graph: a far date stands for it */
      iso(s->expires ? s->expires : INT64_C(10413705600), until);
      mde_buf_printf(
          b, "%s{\"customKeyIdentifier\":null,\"displayName\":", i ? "," : "");
      if (s->display_name)
        mde_buf_json_string(b, s->display_name);
      else
        mde_buf_puts(b, "null");
      mde_buf_printf(b, ",\"endDateTime\":\"%s\",\"hint\":", until);
      mde_buf_json_string(b, hint);
      mde_buf_printf(b,
                     ",\"keyId\":\"%s\",\"secretText\":null,"
                     "\"startDateTime\":\"%s\"}",
                     s->key_id, from);
    }
    mde_buf_puts(b, "]");
    sep = ",";
  }
  if (mask & 1 << P_KEYS) {
    mde_buf_printf(b, "%s\"keyCredentials\":[", sep);
    for (size_t i = 0; i < app->n_certs; i++) {
      const struct sim_cert *c = &app->certs[i];
      char thumb[41], cn[256] = "";
      for (int k = 0; k < 20; k++)
        snprintf(thumb + 2 * k, 3, "%02X", c->sha1[k]);
      X509_NAME_get_text_by_NID(X509_get_subject_name(c->x509), NID_commonName,
                                cn, sizeof cn);
      iso(cert_end(c, true), from);
      iso(cert_end(c, false), until);
      mde_buf_printf(b, "%s{\"customKeyIdentifier\":\"%s\",\"displayName\":",
                     i ? "," : "", thumb);
      char display[300];
      snprintf(display, sizeof display, "CN=%s", cn);
      mde_buf_json_string(b, display);
      mde_buf_printf(b,
                     ",\"endDateTime\":\"%s\",\"key\":null,\"keyId\":\"%s\","
                     "\"startDateTime\":\"%s\",\"type\":\"AsymmetricX509Cert\","
                     "\"usage\":\"Verify\"}",
                     until, c->key_id, from);
    }
    mde_buf_puts(b, "]");
  }
}

void sim_graph(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
               const char *item, struct sim_call *call) {
  if (strcmp(rq->method, "GET") != 0) {
    graph_error(rs, 405, "Request_BadRequest",
                "Specified HTTP method is not allowed for the request "
                "target.");
    return;
  }
  struct sjwt j;
  struct sim_tenant *tenant = NULL;
  struct sim_app *caller = NULL;
  if (authenticate(w, rq, rs, &j, &tenant, &caller) != 0)
    return;
  char id[37];
  const char *filter = sim_req_arg(rq, "$filter");
  bool by_key = quoted_id(item, "applications(appId=", id);
  bool listing = !by_key && strcmp(item, "applications") == 0;
  int mask = 0;
  pthread_mutex_lock(&w->lock);
  call->tenant = (int)tenant->index;
  call->app = (int)sim_app_index(w, caller);
  if (!by_key && !listing) {
    graph_error(rs, 400, "BadRequest",
                "Resource not found for the segment "
                "'%.100s'.",
                item);
  } else if (listing && (!filter || !quoted_id(filter, "appId eq", id))) {
    graph_error(rs, 400, "BadRequest",
                "Invalid filter clause: this simulator serves appId eq "
                "'{id}' only.");
  } else if (!may_read(&j)) {
    graph_error(rs, 403, "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.");
  } else if ((mask = selection(rq, rs)) >= 0) {
    struct sim_app *app = sim_app_find(w, id);
    bool here = app && sim_app_home(w, app) == tenant;
    struct mde_buf *b = &rs->body;
    mde_buf_reset(b);
    if (!here && by_key) {
      graph_error(rs, 404, "Request_ResourceNotFound",
                  "Resource '%s' does not exist or one of its queried "
                  "reference-property objects are not present.",
                  id);
    } else {
      mde_buf_puts(b, "{\"@odata.context\":\"https://graph.microsoft.com/"
                      "v1.0/$metadata#applications");
      mde_buf_puts(b, by_key ? "/$entity\"," : "\",\"value\":[");
      if (here) {
        mde_buf_puts(b, by_key ? "" : "{");
        app_members(b, app, mask);
        mde_buf_puts(b, by_key ? "" : "}");
      }
      mde_buf_puts(b, by_key ? "}" : "]}");
      sim_resp_json(rs, 200);
    }
  }
  pthread_mutex_unlock(&w->lock);
  sjwt_free(&j);
}
