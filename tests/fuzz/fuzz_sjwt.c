/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the simulator's JWT reader: sjwt_decode on client
 * assertions and bearer tokens, the claim helpers and sjwt_verify. As in
 * fuzz_jwt, a token with an empty signature segment is also signed here
 * (RS256, or PS256 with a 32-byte salt when its header says so) with a key
 * made at start-up, and must then verify. */
#include "fuzz.h"
#include "mde/b64url.h"
#include "sjwt.h"

#include <openssl/rsa.h>

static EVP_PKEY *key;

static char *sign(const char *input, size_t len, enum sjwt_alg alg) {
  unsigned char sig[512];
  size_t sig_len = sizeof(sig);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pctx = NULL;
  if (!md || EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key) != 1 ||
      (alg == SJWT_PS256 &&
       (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1)) ||
      EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)input, len) != 1)
    fz_fail("cannot sign");
  EVP_MD_CTX_free(md);
  char *b64 = mde_b64url_encode_alloc(sig, sig_len);
  char *token = b64 ? malloc(len + 1 + strlen(b64) + 1) : NULL;
  if (!token)
    abort();
  memcpy(token, input, len);
  token[len] = '.';
  strcpy(token + len + 1, b64);
  free(b64);
  return token;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!key && !(key = EVP_RSA_gen(2048)))
    fz_fail("cannot make a key");
  char *token = fz_cstr(data, size);
  struct sjwt j;
  if (sjwt_decode(token, &j) != 0) {
    fz_assert(!j.header && !j.claims && !j.signature);
    free(token);
    return 0;
  }
  fz_assert(cJSON_IsObject(j.header) && cJSON_IsObject(j.claims));
  fz_assert(j.signing_input == token);
  double exp;
  (void)sjwt_str(j.claims, "iss");
  (void)sjwt_num(j.claims, "exp", &exp);
  (void)sjwt_verify(&j, key);
  if (j.signature_len == 0 && j.alg != SJWT_ALG_UNKNOWN &&
      strlen(token) < SJWT_MAX_LEN - 512) {
    char *signed_token = sign(token, j.signing_input_len, j.alg);
    struct sjwt s;
    fz_assert(sjwt_decode(signed_token, &s) == 0);
    fz_assert(s.alg == j.alg && sjwt_verify(&s, key));
    sjwt_free(&s);
    free(signed_token);
  }
  sjwt_free(&j);
  free(token);
  return 0;
}
