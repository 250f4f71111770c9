/* SPDX-License-Identifier: MIT */
/* JWT decoding, RS256 verification and claim checks (see
 * include/mde/jwt.h). The order matters: nothing in a token is believed
 * before its signature is checked, and the algorithm is pinned before a
 * key is looked up, so a forged header cannot pick how it is verified. */
#include "mde/jwt.h"

#include "mde/b64url.h"
#include "mde/failure.h"
#include "mde/roles.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Untrusted text (a header is read before its signature is checked) made
 * fit for a reason that ends up in a notification or a status line: at
 * most `max` bytes, control characters as '?', "(none)" for NULL. Returned
 * by value, so show(...).s lives until the end of the full expression. */
struct shown {
  char s[136];
};

static struct shown show(const char *s, size_t max) {
  struct shown o = {"(none)"};
  if (!s)
    return o;
  if (max > sizeof(o.s) - 1)
    max = sizeof(o.s) - 1;
  size_t i = 0;
  for (; i < max && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    o.s[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
  }
  o.s[i] = '\0';
  return o;
}

void mde_jwt_free(struct mde_jwt *jwt) {
  cJSON_Delete(jwt->header);
  cJSON_Delete(jwt->claims);
  free(jwt->signing_input);
  free(jwt->sig);
  *jwt = (struct mde_jwt){0};
}

/* Decodes one segment into a JSON object. `what` names it in reasons. */
static enum mde_failure segment_json(const char *s, size_t n, const char *what,
                                     cJSON **out, char *err, size_t size) {
  size_t len = 0;
  unsigned char *bytes = mde_b64url_decode(s, n, &len);
  if (!bytes) {
    mde_say(err, size, "JWT: %s is not base64url", what);
    return MDE_FAIL_TOKEN_INVALID;
  }
  /* The decoded bytes are NUL-terminated: parsing len + 1 bytes with
   * require_null_terminated refuses anything after the object, and an
   * embedded NUL would end the text early, so it is refused first. */
  cJSON *json = NULL;
  if (!memchr(bytes, '\0', len))
    json = cJSON_ParseWithLengthOpts((const char *)bytes, len + 1, NULL, 1);
  free(bytes);
  if (!cJSON_IsObject(json)) {
    cJSON_Delete(json);
    mde_say(err, size, "JWT: %s is not a JSON object", what);
    return MDE_FAIL_TOKEN_INVALID;
  }
  *out = json;
  return MDE_FAIL_NONE;
}

enum mde_failure mde_jwt_decode(const char *token, size_t len,
                                struct mde_jwt *out, char *err,
                                size_t err_size) {
  enum mde_failure rc = MDE_FAIL_TOKEN_INVALID;
  *out = (struct mde_jwt){0};
  if (!token || len == 0) {
    mde_say(err, err_size, "JWT: empty token");
    goto fail;
  }
  if (len > MDE_JWT_MAX_LEN) {
    mde_say(err, err_size, "JWT: %zu bytes, more than the %d accepted", len,
            MDE_JWT_MAX_LEN);
    goto fail;
  }
  const char *dot1 = memchr(token, '.', len);
  const char *dot2 =
      dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
  const char *end = token + len;
  if (!dot2 || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1))) {
    mde_say(err, err_size, "JWT: not three dot-separated segments");
    goto fail;
  }
  if (dot1 == token || dot2 == dot1 + 1) {
    mde_say(err, err_size, "JWT: empty %s segment",
            dot1 == token ? "header" : "payload");
    goto fail;
  }
  if (memchr(token, '=', len)) { /* JWS forbids padding */
    mde_say(err, err_size, "JWT: padding in a segment");
    goto fail;
  }
  rc = segment_json(token, (size_t)(dot1 - token), "header", &out->header, err,
                    err_size);
  if (rc != MDE_FAIL_NONE)
    goto fail;
  rc = segment_json(dot1 + 1, (size_t)(dot2 - dot1 - 1), "payload",
                    &out->claims, err, err_size);
  if (rc != MDE_FAIL_NONE)
    goto fail;
  rc = MDE_FAIL_TOKEN_INVALID;
  out->sig =
      mde_b64url_decode(dot2 + 1, (size_t)(end - dot2 - 1), &out->sig_len);
  if (!out->sig) {
    mde_say(err, err_size, "JWT: signature is not base64url");
    goto fail;
  }
  if (!mde_jwt_header_string(out, "alg")) {
    mde_say(err, err_size, "JWT: header has no \"alg\"");
    goto fail;
  }
  if (cJSON_GetObjectItemCaseSensitive(out->header, "crit")) {
    mde_say(err, err_size, "JWT: header has \"crit\" extensions");
    goto fail;
  }
  rc = MDE_FAIL_INTERNAL;
  out->signing_input_len = (size_t)(dot2 - token);
  out->signing_input = malloc(out->signing_input_len + 1);
  if (!out->signing_input) {
    mde_say(err, err_size, "JWT: out of memory");
    goto fail;
  }
  memcpy(out->signing_input, token, out->signing_input_len);
  out->signing_input[out->signing_input_len] = '\0';
  return MDE_FAIL_NONE;
fail:
  mde_jwt_free(out);
  return rc;
}

static const char *string_item(const cJSON *obj, const char *name) {
  const cJSON *it = obj ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
  return cJSON_IsString(it) ? it->valuestring : NULL;
}

const char *mde_jwt_header_string(const struct mde_jwt *jwt, const char *name) {
  return string_item(jwt->header, name);
}

const char *mde_jwt_claim_string(const struct mde_jwt *jwt, const char *name) {
  return string_item(jwt->claims, name);
}

int mde_jwt_claim_time(const struct mde_jwt *jwt, const char *name,
                       time_t *out) {
  const cJSON *it = cJSON_GetObjectItemCaseSensitive(jwt->claims, name);
  /* bounds keep the conversion defined and far from time_t's limits */
  if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0) || it->valuedouble > 1e12)
    return -1;
  *out = (time_t)it->valuedouble;
  return 0;
}

int mde_jwt_roles(const struct mde_jwt *jwt, struct mde_strlist *roles) {
  const cJSON *r = cJSON_GetObjectItemCaseSensitive(jwt->claims, "roles");
  if (!r)
    return 0;
  if (!cJSON_IsArray(r))
    return -1;
  const cJSON *it;
  cJSON_ArrayForEach(it, r) {
    if (!cJSON_IsString(it) || mde_strlist_add_str(roles, it->valuestring))
      return -1;
  }
  return 1;
}

enum mde_failure mde_jwt_verify(const struct mde_jwt *jwt,
                                const struct mde_jwks *keys, int *unknown_kid,
                                char *err, size_t err_size) {
  if (unknown_kid)
    *unknown_kid = 0;
  const char *alg = mde_jwt_header_string(jwt, "alg");
  if (!alg || strcmp(alg, "RS256") != 0) {
    mde_say(err, err_size, "JWT: alg \"%s\" refused, only RS256 is accepted",
            show(alg, 32).s);
    return MDE_FAIL_TOKEN_INVALID;
  }
  const char *kid = mde_jwt_header_string(jwt, "kid");
  if (!kid) {
    mde_say(err, err_size, "JWT: header has no \"kid\"");
    return MDE_FAIL_TOKEN_INVALID;
  }
  EVP_PKEY *key = mde_jwks_find(keys, kid);
  if (!key) {
    if (unknown_kid)
      *unknown_kid = 1;
    mde_say(err, err_size, "JWT: signing key \"%s\" is not in the key set",
            show(kid, 64).s);
    return MDE_FAIL_TOKEN_INVALID;
  }
  if (jwt->sig_len != (size_t)EVP_PKEY_get_size(key)) {
    mde_say(err, err_size, "JWT: signature of %zu bytes, key \"%s\" makes %d",
            jwt->sig_len, show(kid, 64).s, EVP_PKEY_get_size(key));
    return MDE_FAIL_TOKEN_INVALID;
  }
  enum mde_failure rc = MDE_FAIL_INTERNAL;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (!md || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1) {
    mde_say(err, err_size, "JWT: cannot set up RS256 verification");
    goto out;
  }
  if (EVP_DigestVerify(md, jwt->sig, jwt->sig_len,
                       (const unsigned char *)jwt->signing_input,
                       jwt->signing_input_len) != 1) {
    rc = MDE_FAIL_TOKEN_INVALID;
    mde_say(err, err_size, "JWT: signature does not verify with key \"%s\"",
            show(kid, 64).s);
    goto out;
  }
  rc = MDE_FAIL_NONE;
out:
  EVP_MD_CTX_free(md);
  return rc;
}

/* Equal, ignoring one trailing '/' on either side: Entra echoes the
 * resource as requested, and configurations differ on that slash. */
static int same_audience(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 0 && a[la - 1] == '/')
    la--;
  if (lb > 0 && b[lb - 1] == '/')
    lb--;
  return la == lb && strncmp(a, b, la) == 0;
}

static int audience_ok(const struct mde_jwt *jwt, const char *want) {
  const cJSON *aud = cJSON_GetObjectItemCaseSensitive(jwt->claims, "aud");
  if (cJSON_IsString(aud))
    return same_audience(aud->valuestring, want);
  if (!cJSON_IsArray(aud))
    return 0;
  const cJSON *it;
  cJSON_ArrayForEach(it, aud) {
    if (cJSON_IsString(it) && same_audience(it->valuestring, want))
      return 1;
  }
  return 0;
}

enum mde_failure mde_jwt_check_claims(const struct mde_jwt *jwt,
                                      const struct mde_jwt_expect *x,
                                      struct mde_strlist *missing, char *err,
                                      size_t err_size) {
  long skew = x->skew == 0 ? MDE_JWT_DEFAULT_SKEW : x->skew < 0 ? 0 : x->skew;
  const char *tid = mde_jwt_claim_string(jwt, "tid");
  if (x->tenant_id && (!tid || strcasecmp(tid, x->tenant_id) != 0)) {
    mde_say(err, err_size, "JWT: tid %s, expected %s", show(tid, 64).s,
            x->tenant_id);
    return MDE_FAIL_TOKEN_INVALID;
  }
  const char *iss = mde_jwt_claim_string(jwt, "iss");
  if (x->issuer && (!iss || strcmp(iss, x->issuer) != 0)) {
    mde_say(err, err_size, "JWT: iss %s, expected %s", show(iss, 128).s,
            x->issuer);
    return MDE_FAIL_TOKEN_INVALID;
  }
  if (x->audience && !audience_ok(jwt, x->audience)) {
    const char *aud = mde_jwt_claim_string(jwt, "aud");
    mde_say(err, err_size, "JWT: aud %s, expected %s",
            aud ? show(aud, 128).s : "(not the expected string)", x->audience);
    return MDE_FAIL_TOKEN_INVALID;
  }
  if (x->client_id) {
    const char *app = mde_jwt_claim_string(jwt, "appid");
    if (!app)
      app = mde_jwt_claim_string(jwt, "azp");
    if (!app || strcasecmp(app, x->client_id) != 0) {
      mde_say(err, err_size, "JWT: appid %s, expected %s", show(app, 64).s,
              x->client_id);
      return MDE_FAIL_TOKEN_INVALID;
    }
  }
  time_t exp, nbf;
  if (mde_jwt_claim_time(jwt, "exp", &exp) != 0) {
    mde_say(err, err_size, "JWT: no valid exp claim");
    return MDE_FAIL_TOKEN_INVALID;
  }
  if (x->now > exp + skew) {
    mde_say(err, err_size, "JWT: expired %lld s ago (exp %lld, skew %ld s)",
            (long long)(x->now - exp), (long long)exp, skew);
    return MDE_FAIL_TOKEN_INVALID;
  }
  if (cJSON_GetObjectItemCaseSensitive(jwt->claims, "nbf")) {
    if (mde_jwt_claim_time(jwt, "nbf", &nbf) != 0) {
      mde_say(err, err_size, "JWT: nbf claim is not a time");
      return MDE_FAIL_TOKEN_INVALID;
    }
    if (x->now + skew < nbf) {
      mde_say(err, err_size,
              "JWT: not valid for another %lld s (nbf %lld, skew "
              "%ld s)",
              (long long)(nbf - x->now), (long long)nbf, skew);
      return MDE_FAIL_TOKEN_INVALID;
    }
  }
  if (!x->roles || x->roles->n == 0)
    return MDE_FAIL_NONE;

  enum mde_failure rc = MDE_FAIL_INTERNAL;
  struct mde_strlist granted = {0}, lack = {0};
  int present = mde_jwt_roles(jwt, &granted);
  if (present < 0) {
    rc = MDE_FAIL_TOKEN_INVALID;
    mde_say(err, err_size, "JWT: roles claim is not an array of strings");
    goto out;
  }
  for (size_t i = 0; i < x->roles->n; i++)
    if (!mde_roles_grant(&granted, x->roles->v[i]) &&
        mde_strlist_add_str(&lack, x->roles->v[i]) != 0)
      goto out;
  if (lack.n == 0) {
    rc = MDE_FAIL_NONE;
    goto out;
  }
  char *list = mde_strlist_join(&lack, ", ");
  if (!list)
    goto out;
  if (present == 0)
    mde_say(err, err_size,
            "JWT: no roles claim (no application permission consented); "
            "missing %s",
            list);
  else
    mde_say(err, err_size, "JWT: missing role%s %s", lack.n > 1 ? "s" : "",
            list);
  free(list);
  for (size_t i = 0; missing && i < lack.n; i++)
    if (mde_strlist_add_str(missing, lack.v[i]) != 0)
      goto out;
  rc = MDE_FAIL_PERMISSION_MISSING;
out:
  mde_strlist_free(&granted);
  mde_strlist_free(&lack);
  return rc;
}

void mde_jwt_result_free(struct mde_jwt_result *r) {
  mde_strlist_free(&r->roles);
  mde_strlist_free(&r->missing_roles);
}

enum mde_failure mde_jwt_validate(const char *token, size_t len,
                                  const struct mde_jwks *keys,
                                  const struct mde_jwt_expect *x,
                                  struct mde_jwt_result *out) {
  *out = (struct mde_jwt_result){0};
  struct mde_jwt jwt;
  enum mde_failure rc =
      mde_jwt_decode(token, len, &jwt, out->reason, sizeof(out->reason));
  if (rc != MDE_FAIL_NONE)
    goto done;
  rc = mde_jwt_verify(&jwt, keys, &out->unknown_kid, out->reason,
                      sizeof(out->reason));
  if (rc != MDE_FAIL_NONE)
    goto done;
  /* only a verified token is worth reporting on */
  const char *tid = mde_jwt_claim_string(&jwt, "tid");
  if (tid)
    snprintf(out->tid, sizeof(out->tid), "%s", tid);
  if (mde_jwt_claim_time(&jwt, "exp", &out->exp) != 0)
    out->exp = 0;
  if (mde_jwt_roles(&jwt, &out->roles) < 0)
    mde_strlist_free(&out->roles);
  rc = mde_jwt_check_claims(&jwt, x, &out->missing_roles, out->reason,
                            sizeof(out->reason));
done:
  if (rc == MDE_FAIL_NONE)
    out->reason[0] = '\0';
  out->failure = rc;
  mde_jwt_free(&jwt);
  return rc;
}
