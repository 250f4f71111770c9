/* SPDX-License-Identifier: MIT */
/* Token-endpoint success bodies (see include/mde/token_response.h). The
 * access token is a bearer secret: it is copied once out of the cJSON
 * tree, and the tree's copy is wiped before the tree is freed. */
#include "mde/token_response.h"

#include "mde/failure.h"

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Ten years: anything longer is not a token lifetime, and keeps
 * now + expires_in far from overflowing. */
#define LIFETIME_MAX (10LL * 366 * 24 * 3600)

/* A non-negative whole number, sent as a JSON integer (v2) or as a string
 * of decimal digits (v1). Returns 0, 1 when absent, -1 when malformed. */
static int whole_number(const cJSON *item, long long *out) {
  if (!item)
    return 1;
  if (cJSON_IsNumber(item)) {
    double d = item->valuedouble;
    if (!(d >= 0 && d <= 9007199254740992.0) || (double)(long long)d != d)
      return -1;
    *out = (long long)d;
    return 0;
  }
  if (!cJSON_IsString(item))
    return -1;
  const char *s = item->valuestring;
  size_t n = strlen(s);
  if (n == 0 || n > 15 || strspn(s, "0123456789") != n)
    return -1;
  *out = strtoll(s, NULL, 10);
  return 0;
}

/* Characters that may appear in an HTTP header value without any risk of
 * splitting it: visible ASCII. */
static int header_safe(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
      return 0;
  return 1;
}

void mde_token_free(struct mde_token *t) {
  if (t->access_token) {
    OPENSSL_cleanse(t->access_token, t->access_token_len);
    free(t->access_token);
  }
  free(t->resource);
  *t = (struct mde_token){.ext_expires_in = -1};
}

enum mde_failure mde_token_parse(const char *body, size_t len, time_t now,
                                 struct mde_token *out, char *err,
                                 size_t err_size) {
  enum mde_failure rc = MDE_FAIL_PROTOCOL;
  cJSON *root = NULL;
  cJSON *tok = NULL;
  *out = (struct mde_token){.ext_expires_in = -1};

  if (!body || len == 0) {
    mde_say(err, err_size, "token response: empty body");
    goto done;
  }
  if (len > MDE_TOKEN_BODY_MAX) {
    mde_say(err, err_size, "token response: body of %zu bytes exceeds %d", len,
            MDE_TOKEN_BODY_MAX);
    goto done;
  }
  root = cJSON_ParseWithLength(body, len);
  if (!cJSON_IsObject(root)) {
    mde_say(err, err_size, "token response: body is not a JSON object");
    goto done;
  }
  tok = cJSON_GetObjectItemCaseSensitive(root, "access_token");
  if (!tok && cJSON_GetObjectItemCaseSensitive(root, "error")) {
    mde_say(err, err_size,
            "token response: error envelope in a success answer");
    goto done;
  }
  if (!cJSON_IsString(tok) || tok->valuestring[0] == '\0') {
    mde_say(err, err_size, "token response: access_token %s",
            tok ? "is not a non-empty string" : "missing");
    goto done;
  }
  size_t tlen = strlen(tok->valuestring);
  if (tlen > MDE_TOKEN_MAX_LEN || !header_safe(tok->valuestring, tlen)) {
    mde_say(err, err_size, "token response: access_token %s",
            tlen > MDE_TOKEN_MAX_LEN ? "too long"
                                     : "contains blanks or non-ASCII bytes");
    goto done;
  }

  const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "token_type");
  if (!cJSON_IsString(type) || strcasecmp(type->valuestring, "Bearer") != 0) {
    mde_say(err, err_size, "token response: token_type %s",
            type ? "is not \"Bearer\"" : "missing");
    goto done;
  }

  static const struct {
    const char *name;
    int required;
  } numbers[] = {{"expires_in", 1},
                 {"ext_expires_in", 0},
                 {"expires_on", 0},
                 {"not_before", 0}};
  long long v[4] = {0, -1, -1, -1};
  for (size_t i = 0; i < 4; i++) {
    int r = whole_number(
        cJSON_GetObjectItemCaseSensitive(root, numbers[i].name), &v[i]);
    if (r < 0 || (r > 0 && numbers[i].required)) {
      mde_say(err, err_size, "token response: %s %s", numbers[i].name,
              r < 0 ? "is not a non-negative whole number" : "missing");
      goto done;
    }
  }
  if (v[0] == 0 || v[0] > LIFETIME_MAX) {
    mde_say(err, err_size, "token response: expires_in %lld is implausible",
            v[0]);
    goto done;
  }
  if (v[2] == 0) {
    mde_say(err, err_size, "token response: expires_on 0 is implausible");
    goto done;
  }

  const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "resource");
  if (res && !cJSON_IsString(res)) {
    mde_say(err, err_size, "token response: resource is not a string");
    goto done;
  }

  rc = MDE_FAIL_INTERNAL;
  out->access_token = malloc(tlen + 1);
  if (!out->access_token ||
      (res && !(out->resource = strdup(res->valuestring)))) {
    mde_say(err, err_size, "token response: out of memory");
    goto done;
  }
  memcpy(out->access_token, tok->valuestring, tlen + 1);
  out->access_token_len = tlen;
  out->expires_in = v[0];
  out->ext_expires_in = v[1];
  out->expires_on = v[2] > 0 ? (time_t)v[2] : now + (time_t)v[0];
  out->not_before = v[3] > 0 ? (time_t)v[3] : 0;
  rc = MDE_FAIL_NONE;

done:
  if (cJSON_IsString(tok))
    OPENSSL_cleanse(tok->valuestring, strlen(tok->valuestring));
  cJSON_Delete(root);
  if (rc != MDE_FAIL_NONE)
    mde_token_free(out);
  return rc;
}
