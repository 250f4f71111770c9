/* SPDX-License-Identifier: MIT */
/* Signing-key lifecycle and the JWKS document (see keys.h). */
#include "keys.h"

#include "mde/b64url.h"
#include "util.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

static char *bn_b64url(const EVP_PKEY *pkey, const char *param) {
  BIGNUM *bn = NULL;
  if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
    return NULL;
  int len = BN_num_bytes(bn);
  unsigned char *raw = sim_xcalloc((size_t)len + 1, 1);
  BN_bn2bin(bn, raw);
  char *out = mde_b64url_encode_alloc(raw, (size_t)len);
  free(raw);
  BN_free(bn);
  return out;
}

/* Entra's signing certificates are self-signed with this subject. */
static X509 *self_signed(EVP_PKEY *pkey) {
  X509 *x = X509_new();
  X509_NAME *name = X509_NAME_new();
  bool ok = x && name && X509_set_version(x, 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(x), (long)sim_now()) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(x), 0) &&
            X509_gmtime_adj(X509_getm_notAfter(x), 5L * 365 * 86400) &&
            X509_NAME_add_entry_by_txt(
                name, "CN", MBSTRING_ASC,
                (const unsigned char *)"accounts.accesscontrol.windows.net", -1,
                -1, 0) == 1 &&
            X509_set_subject_name(x, name) == 1 &&
            X509_set_issuer_name(x, name) == 1 &&
            X509_set_pubkey(x, pkey) == 1 &&
            X509_sign(x, pkey, EVP_sha256()) > 0;
  X509_NAME_free(name);
  if (!ok) {
    X509_free(x);
    return NULL;
  }
  return x;
}

static int make_key(struct sim_signing_key *key) {
  *key = (struct sim_signing_key){0};
  key->pkey = EVP_RSA_gen(2048);
  X509 *x = key->pkey ? self_signed(key->pkey) : NULL;
  unsigned char *der = NULL;
  int der_len = x ? i2d_X509(x, &der) : -1;
  unsigned char sha1[20];
  unsigned int sha1_len = 0;
  bool ok = der_len > 0 && X509_digest(x, EVP_sha1(), sha1, &sha1_len) == 1;
  if (ok) {
    mde_b64url_encode(sha1, sha1_len, key->kid);
    /* x5c is standard base64 (RFC 7517), not base64url */
    key->x5c_b64 = sim_xcalloc((size_t)der_len / 3 * 4 + 8, 1);
    EVP_EncodeBlock((unsigned char *)key->x5c_b64, der, der_len);
    key->n_b64url = bn_b64url(key->pkey, OSSL_PKEY_PARAM_RSA_N);
    key->e_b64url = bn_b64url(key->pkey, OSSL_PKEY_PARAM_RSA_E);
    ok = key->n_b64url && key->e_b64url;
  }
  OPENSSL_free(der);
  X509_free(x);
  return ok ? 0 : -1;
}

static void free_key(struct sim_signing_key *key) {
  EVP_PKEY_free(key->pkey);
  free(key->n_b64url);
  free(key->e_b64url);
  free(key->x5c_b64);
  *key = (struct sim_signing_key){0};
}

int sim_keys_init(struct sim_keys *k) {
  *k = (struct sim_keys){0};
  for (k->n = 0; k->n < 2; k->n++) {
    if (make_key(&k->keys[k->n]) != 0) {
      free_key(&k->keys[k->n]);
      sim_keys_free(k);
      return -1;
    }
  }
  return 0;
}

void sim_keys_free(struct sim_keys *k) {
  for (int i = 0; i < k->n; i++)
    free_key(&k->keys[i]);
  k->n = 0;
}

int sim_keys_make(struct sim_signing_key *fresh) {
  if (make_key(fresh) == 0)
    return 0;
  free_key(fresh);
  return -1;
}

void sim_keys_discard(struct sim_signing_key *fresh) { free_key(fresh); }

void sim_keys_rotate(struct sim_keys *k, struct sim_signing_key *fresh,
                     int64_t now, int64_t grace) {
  if (k->n == SIM_MAX_KEYS) /* the oldest retired key makes room */
    free_key(&k->keys[--k->n]);
  struct sim_signing_key old = k->keys[0];
  old.retired_at = now + grace;
  /* [current, upcoming, retired...] -> [upcoming, fresh, old, retired...] */
  memmove(&k->keys[3], &k->keys[2], (size_t)(k->n - 2) * sizeof k->keys[0]);
  k->keys[0] = k->keys[1];
  k->keys[1] = *fresh;
  k->keys[2] = old;
  k->n++;
  *fresh = (struct sim_signing_key){0};
  sim_keys_expire(k, now);
}

void sim_keys_expire(struct sim_keys *k, int64_t now) {
  int kept = 2;
  for (int i = 2; i < k->n; i++) {
    if (k->keys[i].retired_at > now)
      k->keys[kept++] = k->keys[i];
    else
      free_key(&k->keys[i]);
  }
  k->n = kept;
}

EVP_PKEY *sim_keys_get(const struct sim_keys *k, const char *kid) {
  for (int i = 0; i < k->n; i++) {
    if (strcmp(k->keys[i].kid, kid) == 0) {
      EVP_PKEY_up_ref(k->keys[i].pkey);
      return k->keys[i].pkey;
    }
  }
  return NULL;
}

int sim_keys_jwks(const struct sim_keys *k, const char *issuer,
                  struct mde_buf *out) {
  int rc = mde_buf_puts(out, "{\"keys\":[");
  for (int i = 0; i < k->n && rc == 0; i++) {
    const struct sim_signing_key *key = &k->keys[i];
    rc = mde_buf_printf(out,
                        "%s{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"%s\","
                        "\"x5t\":\"%s\",\"n\":\"%s\",\"e\":\"%s\","
                        "\"x5c\":[\"%s\"]",
                        i ? "," : "", key->kid, key->kid, key->n_b64url,
                        key->e_b64url, key->x5c_b64);
    if (rc == 0 && issuer) {
      rc = mde_buf_puts(out, ",\"issuer\":");
      rc = rc ? rc : mde_buf_json_string(out, issuer);
    }
    rc = rc ? rc : mde_buf_puts(out, "}");
  }
  return rc ? rc : mde_buf_puts(out, "]}");
}
