/* SPDX-License-Identifier: MIT */
/* JWKS parsing (see include/mde/jwks.h). Keys are built from the modulus
 * and exponent with EVP_PKEY_fromdata; the x5c certificates are not
 * needed for that and are not trusted for anything. */
#include "mde/jwks.h"

#include "mde/b64url.h"
#include "mde/failure.h"

#include <cjson/cJSON.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KID_MAX 256

struct key {
  char *kid;
  EVP_PKEY *pkey;
};

struct mde_jwks {
  struct key *keys;
  size_t n;
  size_t skipped;
};

static const char *string_item(const cJSON *obj, const char *name) {
  const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* A base64url big-endian unsigned integer, or NULL. */
static BIGNUM *b64url_bn(const char *s) {
  if (!s)
    return NULL;
  size_t n = 0;
  unsigned char *bytes = mde_b64url_decode(s, strlen(s), &n);
  if (!bytes)
    return NULL;
  BIGNUM *bn = n > 0 ? BN_bin2bn(bytes, (int)n, NULL) : NULL;
  free(bytes);
  return bn;
}

/* An RSA public key from the JWK's n and e, or NULL when they are not
 * a sane signing key. */
static EVP_PKEY *rsa_from_jwk(const cJSON *jwk) {
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;
  BIGNUM *n = b64url_bn(string_item(jwk, "n"));
  BIGNUM *e = b64url_bn(string_item(jwk, "e"));
  if (!n || !e)
    goto out;
  int bits = BN_num_bits(n);
  if (bits < MDE_JWKS_MIN_BITS || bits > MDE_JWKS_MAX_BITS ||
      BN_num_bits(e) > 64 || !BN_is_odd(e) || BN_is_one(e))
    goto out;
  bld = OSSL_PARAM_BLD_new();
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
    goto out;
  params = OSSL_PARAM_BLD_to_param(bld);
  ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
    EVP_PKEY_free(pkey);
    pkey = NULL;
  }
out:
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(n);
  BN_free(e);
  return pkey;
}

EVP_PKEY *mde_jwks_find(const struct mde_jwks *set, const char *kid) {
  if (!set || !kid)
    return NULL;
  for (size_t i = 0; i < set->n; i++)
    if (strcmp(set->keys[i].kid, kid) == 0)
      return set->keys[i].pkey;
  return NULL;
}

size_t mde_jwks_count(const struct mde_jwks *set) { return set ? set->n : 0; }

size_t mde_jwks_skipped(const struct mde_jwks *set) {
  return set ? set->skipped : 0;
}

const char *mde_jwks_kid(const struct mde_jwks *set, size_t i) {
  return set && i < set->n ? set->keys[i].kid : NULL;
}

void mde_jwks_free(struct mde_jwks *set) {
  if (!set)
    return;
  for (size_t i = 0; i < set->n; i++) {
    free(set->keys[i].kid);
    EVP_PKEY_free(set->keys[i].pkey);
  }
  free(set->keys);
  free(set);
}

/* A kid is logged and shown: non-empty, bounded, visible ASCII only. */
static int printable(const char *s) {
  size_t n = 0;
  for (; s[n]; n++)
    if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f)
      return 0;
  return n > 0 && n <= KID_MAX;
}

/* 1 for an entry meant for RS256 signatures; 0 for one to ignore. */
static int rsa_signing_entry(const cJSON *jwk) {
  const char *kty = string_item(jwk, "kty");
  const char *use = string_item(jwk, "use");
  const char *alg = string_item(jwk, "alg");
  return kty && strcmp(kty, "RSA") == 0 && (!use || strcmp(use, "sig") == 0) &&
         (!alg || strcmp(alg, "RS256") == 0);
}

enum mde_failure mde_jwks_parse(const char *body, size_t len,
                                struct mde_jwks **out, char *err,
                                size_t err_size) {
  enum mde_failure rc = MDE_FAIL_PROTOCOL;
  struct mde_jwks *set = NULL;
  cJSON *root = NULL;
  *out = NULL;

  if (!body || len == 0 || len > MDE_JWKS_BODY_MAX) {
    mde_say(err, err_size, "JWKS: body %s",
            body && len > 0 ? "too large" : "empty");
    goto done;
  }
  root = cJSON_ParseWithLength(body, len);
  const cJSON *keys = cJSON_GetObjectItemCaseSensitive(root, "keys");
  if (!cJSON_IsArray(keys)) {
    mde_say(err, err_size, "JWKS: no \"keys\" array");
    goto done;
  }
  int total = cJSON_GetArraySize(keys);
  if (total > MDE_JWKS_MAX_KEYS) {
    mde_say(err, err_size, "JWKS: %d keys, more than the %d accepted", total,
            MDE_JWKS_MAX_KEYS);
    goto done;
  }
  rc = MDE_FAIL_INTERNAL;
  set = calloc(1, sizeof(*set));
  if (!set ||
      (total > 0 && !(set->keys = calloc((size_t)total, sizeof(*set->keys))))) {
    mde_say(err, err_size, "JWKS: out of memory");
    goto done;
  }
  const cJSON *jwk;
  cJSON_ArrayForEach(jwk, keys) {
    if (!cJSON_IsObject(jwk) || !rsa_signing_entry(jwk))
      continue;
    const char *kid = string_item(jwk, "kid");
    if (!kid || !printable(kid) || mde_jwks_find(set, kid)) {
      set->skipped++;
      continue;
    }
    EVP_PKEY *pkey = rsa_from_jwk(jwk);
    if (!pkey) {
      set->skipped++;
      continue;
    }
    char *copy = strdup(kid);
    if (!copy) {
      EVP_PKEY_free(pkey);
      mde_say(err, err_size, "JWKS: out of memory");
      goto done;
    }
    set->keys[set->n++] = (struct key){copy, pkey};
  }
  if (set->n == 0) {
    rc = MDE_FAIL_PROTOCOL;
    mde_say(err, err_size, "JWKS: no usable RSA signing key (%zu skipped)",
            set->skipped);
    goto done;
  }
  *out = set;
  set = NULL;
  rc = MDE_FAIL_NONE;
done:
  mde_jwks_free(set);
  cJSON_Delete(root);
  return rc;
}
