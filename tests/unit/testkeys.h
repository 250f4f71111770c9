/* SPDX-License-Identifier: MIT */
/* Test helpers shared by the JWKS, JWT and assertion tests: RSA keys made
 * at run time (no key is ever committed), their JWK form, and compact JWS
 * signing so tests can forge exactly the token they need. */
#ifndef MDE_TESTKEYS_H
#define MDE_TESTKEYS_H

#include "mde/b64url.h"
#include "mde/buf.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

static inline EVP_PKEY *tk_rsa(unsigned bits) { return EVP_RSA_gen(bits); }

/* base64url of one RSA parameter ("n" or "e") of `k`, malloc'd. */
static inline char *tk_param(EVP_PKEY *k, const char *name) {
  BIGNUM *bn = NULL;
  if (!EVP_PKEY_get_bn_param(k, name, &bn))
    return NULL;
  int n = BN_num_bytes(bn);
  unsigned char *bytes = malloc((size_t)n + 1);
  BN_bn2bin(bn, bytes);
  char *out = mde_b64url_encode_alloc(bytes, (size_t)n);
  free(bytes);
  BN_free(bn);
  return out;
}

/* {"kty":"RSA","use":"sig","kid":kid,"x5t":kid,"n":...,"e":...} */
static inline char *tk_jwk(EVP_PKEY *k, const char *kid) {
  char *n = tk_param(k, OSSL_PKEY_PARAM_RSA_N);
  char *e = tk_param(k, OSSL_PKEY_PARAM_RSA_E);
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_printf(&b,
                 "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"%s\",\"x5t\":"
                 "\"%s\",\"n\":\"%s\",\"e\":\"%s\",\"x5c\":[\"MIIC\"]}",
                 kid, kid, n, e);
  free(n);
  free(e);
  return mde_buf_steal(&b, NULL);
}

static inline char *tk_b64(const void *data, size_t len) {
  return mde_b64url_encode_alloc(data, len);
}

/* "b64(header).b64(claims)", malloc'd. */
static inline char *tk_signing_input(const char *header, const char *claims) {
  char *h = tk_b64(header, strlen(header));
  char *c = tk_b64(claims, strlen(claims));
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_printf(&b, "%s.%s", h, c);
  free(h);
  free(c);
  return mde_buf_steal(&b, NULL);
}

/* `input` + "." + b64(sig), freeing `input`. */
static inline char *tk_append_sig(char *input, const unsigned char *sig,
                                  size_t len) {
  char *s = tk_b64(sig, len);
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_printf(&b, "%s.%s", input, s);
  free(s);
  free(input);
  return mde_buf_steal(&b, NULL);
}

/* A compact JWS of header and claims, signed RS256 (pss = 0) or PS256
 * (pss = 1) with `k`. */
static inline char *tk_sign(EVP_PKEY *k, int pss, const char *header,
                            const char *claims) {
  char *input = tk_signing_input(header, claims);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pctx = NULL;
  unsigned char sig[2048];
  size_t len = sizeof(sig);
  EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, k);
  if (pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  EVP_DigestSign(md, sig, &len, (const unsigned char *)input, strlen(input));
  EVP_MD_CTX_free(md);
  return tk_append_sig(input, sig, len);
}

/* Like tk_sign with HS256, keyed with `key` (the algorithm-confusion
 * attack uses the public key's bytes as the HMAC secret). */
static inline char *tk_sign_hs256(const unsigned char *key, size_t key_len,
                                  const char *header, const char *claims) {
  char *input = tk_signing_input(header, claims);
  unsigned char mac[64];
  size_t len = 0;
  EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len,
            (const unsigned char *)input, strlen(input), mac, sizeof(mac),
            &len);
  return tk_append_sig(input, mac, len);
}

/* A self-signed certificate for `k`, valid from `from` to `until`. */
static inline X509 *tk_cert(EVP_PKEY *k, time_t from, time_t until) {
  X509 *x = X509_new();
  X509_NAME *name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             (const unsigned char *)"collectd-mde test", -1, -1,
                             0);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
  ASN1_TIME_set(X509_getm_notBefore(x), from);
  ASN1_TIME_set(X509_getm_notAfter(x), until);
  X509_set_subject_name(x, name);
  X509_set_issuer_name(x, name);
  X509_set_pubkey(x, k);
  X509_sign(x, k, EVP_sha256());
  X509_NAME_free(name);
  return x;
}

/* PEM text of a certificate, or of a private key (encrypted with AES-256
 * when `pass` is set), malloc'd. */
static inline char *tk_bio_text(BIO *bio) {
  char *p = NULL;
  long n = BIO_get_mem_data(bio, &p);
  char *out = malloc((size_t)n + 1);
  memcpy(out, p, (size_t)n);
  out[n] = '\0';
  BIO_free(bio);
  return out;
}

static inline char *tk_cert_pem(X509 *x) {
  BIO *bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  return tk_bio_text(bio);
}

static inline char *tk_key_pem(EVP_PKEY *k, const char *pass) {
  BIO *bio = BIO_new(BIO_s_mem());
  if (pass)
    PEM_write_bio_PKCS8PrivateKey(bio, k, EVP_aes_256_cbc(), NULL, 0, NULL,
                                  (void *)pass);
  else
    PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
  return tk_bio_text(bio);
}

#endif
