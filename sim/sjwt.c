/* SPDX-License-Identifier: MIT */
/* JWT sign and verify for the simulator (see sjwt.h). */
#include "sjwt.h"

#include "mde/b64url.h"
#include "mde/buf.h"

#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *decode_json_segment(const char *s, size_t len) {
  size_t n = 0;
  unsigned char *raw = mde_b64url_decode(s, len, &n);
  if (!raw)
    return NULL;
  cJSON *json = cJSON_ParseWithLength((const char *)raw, n);
  free(raw);
  if (json && !cJSON_IsObject(json)) {
    cJSON_Delete(json);
    return NULL;
  }
  return json;
}

int sjwt_decode(const char *token, struct sjwt *out) {
  *out = (struct sjwt){0};
  size_t len = strnlen(token, SJWT_MAX_LEN + 1);
  if (len > SJWT_MAX_LEN)
    return -1;
  const char *dot1 = memchr(token, '.', len);
  const char *dot2 =
      dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
  if (!dot1 || !dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
    return -1;
  out->header = decode_json_segment(token, (size_t)(dot1 - token));
  out->claims = decode_json_segment(dot1 + 1, (size_t)(dot2 - dot1 - 1));
  out->signature = mde_b64url_decode(dot2 + 1, len - (size_t)(dot2 + 1 - token),
                                     &out->signature_len);
  if (!out->header || !out->claims || !out->signature) {
    sjwt_free(out);
    return -1;
  }
  const char *alg = sjwt_str(out->header, "alg");
  out->alg = !alg                        ? SJWT_ALG_UNKNOWN
             : strcmp(alg, "RS256") == 0 ? SJWT_RS256
             : strcmp(alg, "PS256") == 0 ? SJWT_PS256
                                         : SJWT_ALG_UNKNOWN;
  out->signing_input = token;
  out->signing_input_len = (size_t)(dot2 - token);
  return 0;
}

void sjwt_free(struct sjwt *j) {
  cJSON_Delete(j->header);
  cJSON_Delete(j->claims);
  free(j->signature);
  *j = (struct sjwt){0};
}

bool sjwt_verify(const struct sjwt *j, EVP_PKEY *key) {
  if (j->alg == SJWT_ALG_UNKNOWN || EVP_PKEY_base_id(key) != EVP_PKEY_RSA)
    return false;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pctx = NULL;
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, key) == 1;
  if (ok && j->alg == SJWT_PS256) /* RFC 7518: MGF1-SHA256, salt = 32 */
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1;
  ok = ok && EVP_DigestVerify(ctx, j->signature, j->signature_len,
                              (const unsigned char *)j->signing_input,
                              j->signing_input_len) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

/* What the signature covers in place of a Graph token's nonce: its
 * SHA-256 in hex (how Graph's own validator is widely reported to work). */
static void hashed_nonce(const char *nonce, char out[65]) {
  unsigned char md[32];
  SHA256((const unsigned char *)nonce, strlen(nonce), md);
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
}

char *sjwt_sign_rs256_nonce(EVP_PKEY *key, const char *header_fmt,
                            const char *nonce, const char *claims_json) {
  char hashed[65], *signed_h = NULL, *shown_h = NULL, *out = NULL;
  hashed_nonce(nonce, hashed);
  size_t n = strlen(header_fmt) + 80 + strlen(nonce);
  signed_h = malloc(n);
  shown_h = malloc(n);
  if (!signed_h || !shown_h)
    goto done;
  snprintf(signed_h, n, header_fmt, hashed);
  snprintf(shown_h, n, header_fmt, nonce);
  char *token = sjwt_sign_rs256(key, signed_h, claims_json);
  char *shown =
      mde_b64url_encode_alloc((const unsigned char *)shown_h, strlen(shown_h));
  const char *rest = token ? strchr(token, '.') : NULL;
  size_t len = rest && shown ? strlen(shown) + strlen(rest) + 1 : 0;
  out = len ? malloc(len) : NULL;
  if (out)
    snprintf(out, len, "%s%s", shown, rest);
  free(token);
  free(shown);
done:
  free(signed_h);
  free(shown_h);
  return out;
}

bool sjwt_verify_nonce(const struct sjwt *j, EVP_PKEY *key) {
  const char *nonce = sjwt_str(j->header, "nonce");
  const char *dot = memchr(j->signing_input, '.', j->signing_input_len);
  if (!nonce || !dot || strlen(nonce) > 256)
    return false;
  size_t n = 0;
  unsigned char *raw =
      mde_b64url_decode(j->signing_input, (size_t)(dot - j->signing_input), &n);
  char want[300], hashed[65];
  snprintf(want, sizeof want, "\"nonce\":\"%s\"", nonce);
  hashed_nonce(nonce, hashed);
  struct mde_buf h, input;
  mde_buf_init(&h, 0);
  mde_buf_init(&input, 0);
  char *text = raw ? malloc(n + 1) : NULL;
  const char *at = NULL;
  if (text) {
    memcpy(text, raw, n);
    text[n] = '\0';
    at = strstr(text, want);
  }
  bool ok = false;
  if (at && mde_buf_printf(&h, "%.*s\"nonce\":\"%s\"%s", (int)(at - text), text,
                           hashed, at + strlen(want)) == 0) {
    char *enc = mde_b64url_encode_alloc((const unsigned char *)h.data, h.len);
    size_t rest = j->signing_input_len - (size_t)(dot - j->signing_input);
    if (enc && mde_buf_printf(&input, "%s%.*s", enc, (int)rest, dot) == 0) {
      struct sjwt copy = *j;
      copy.signing_input = input.data;
      copy.signing_input_len = input.len;
      ok = sjwt_verify(&copy, key);
    }
    free(enc);
  }
  free(text);
  free(raw);
  mde_buf_free(&h);
  mde_buf_free(&input);
  return ok;
}

char *sjwt_sign_rs256(EVP_PKEY *key, const char *header_json,
                      const char *claims_json) {
  struct mde_buf b;
  mde_buf_init(&b, 0);
  char *h = mde_b64url_encode_alloc((const unsigned char *)header_json,
                                    strlen(header_json));
  char *c = mde_b64url_encode_alloc((const unsigned char *)claims_json,
                                    strlen(claims_json));
  unsigned char sig[1024];
  size_t sig_len = sizeof sig;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  bool ok = h && c && ctx && mde_buf_printf(&b, "%s.%s", h, c) == 0 &&
            EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
            EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)b.data,
                           b.len) == 1;
  char *s = ok ? mde_b64url_encode_alloc(sig, sig_len) : NULL;
  ok = ok && s && mde_buf_printf(&b, ".%s", s) == 0;
  EVP_MD_CTX_free(ctx);
  free(h);
  free(c);
  free(s);
  if (!ok) {
    mde_buf_free(&b);
    return NULL;
  }
  return mde_buf_steal(&b, NULL);
}

const char *sjwt_str(const cJSON *obj, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool sjwt_num(const cJSON *obj, const char *name, double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (!cJSON_IsNumber(v))
    return false;
  *out = v->valuedouble;
  return true;
}
