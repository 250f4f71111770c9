/* SPDX-License-Identifier: MIT */
/* mde-sim's JWT signing and verification, and its signing keys. */
#include "keys.h"
#include "mde/b64url.h"
#include "sjwt.h"

#include <openssl/rsa.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct sim_keys keys;

static int setup(void **state) {
  (void)state;
  return sim_keys_init(&keys);
}

static int teardown(void **state) {
  (void)state;
  sim_keys_free(&keys);
  return 0;
}

static void signs_and_verifies_rs256(void **state) {
  (void)state;
  char *t =
      sjwt_sign_rs256(keys.keys[0].pkey, "{\"alg\":\"RS256\",\"kid\":\"k\"}",
                      "{\"tid\":\"abc\",\"exp\":5}");
  assert_non_null(t);
  struct sjwt j;
  assert_int_equal(sjwt_decode(t, &j), 0);
  assert_int_equal(j.alg, SJWT_RS256);
  assert_string_equal(sjwt_str(j.claims, "tid"), "abc");
  double exp = 0;
  assert_true(sjwt_num(j.claims, "exp", &exp));
  assert_true(exp == 5);
  assert_true(sjwt_verify(&j, keys.keys[0].pkey));
  sjwt_free(&j);
  /* one flipped character in the claims breaks the signature */
  char *dot = strchr(t, '.') + 3;
  *dot = *dot == 'A' ? 'B' : 'A';
  if (sjwt_decode(t, &j) == 0) {
    assert_false(sjwt_verify(&j, keys.keys[0].pkey));
    sjwt_free(&j);
  }
  free(t);
}

static char *segment(const char *json) {
  return mde_b64url_encode_alloc((const unsigned char *)json, strlen(json));
}

/* A PS256 token made here with OpenSSL directly, as a client would. */
static void verifies_ps256(void **state) {
  (void)state;
  char *h = segment("{\"alg\":\"PS256\"}"), *c = segment("{\"a\":1}");
  char input[256], token[1024];
  snprintf(input, sizeof input, "%s.%s", h, c);
  unsigned char sig[512];
  size_t sig_len = sizeof sig;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pctx = NULL;
  assert_int_equal(
      EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, keys.keys[0].pkey), 1);
  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
  assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len,
                                  (const unsigned char *)input, strlen(input)),
                   1);
  EVP_MD_CTX_free(ctx);
  char *s = mde_b64url_encode_alloc(sig, sig_len);
  snprintf(token, sizeof token, "%s.%s", input, s);
  struct sjwt j;
  assert_int_equal(sjwt_decode(token, &j), 0);
  assert_int_equal(j.alg, SJWT_PS256);
  assert_true(sjwt_verify(&j, keys.keys[0].pkey));
  sjwt_free(&j);
  free(h);
  free(c);
  free(s);
}

static void refuses_other_algorithms(void **state) {
  (void)state;
  const char *headers[] = {"{\"alg\":\"none\"}", "{\"alg\":\"HS256\"}",
                           "{\"alg\":\"RS512\"}", "{}"};
  for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
    char *h = segment(headers[i]), *c = segment("{}");
    char token[256];
    snprintf(token, sizeof token, "%s.%s.AAAA", h, c);
    struct sjwt j;
    assert_int_equal(sjwt_decode(token, &j), 0);
    assert_int_equal(j.alg, SJWT_ALG_UNKNOWN);
    assert_false(sjwt_verify(&j, keys.keys[0].pkey));
    sjwt_free(&j);
    free(h);
    free(c);
  }
}

static void rejects_malformed_tokens(void **state) {
  (void)state;
  char *obj = segment("{}"), *arr = segment("[1]"), *str = segment("\"x\"");
  char cases[8][128];
  snprintf(cases[0], 128, "%s", "");
  snprintf(cases[1], 128, "%s.%s", obj, obj);       /* two parts */
  snprintf(cases[2], 128, "%s.%s.AA.AA", obj, obj); /* four */
  snprintf(cases[3], 128, "%s.%s.AA", arr, obj);    /* header array */
  snprintf(cases[4], 128, "%s.%s.AA", obj, str);    /* claims string */
  snprintf(cases[5], 128, "%s.%s.A", obj, obj);     /* bad base64url */
  snprintf(cases[6], 128, "%s.e30+.AA", obj);       /* '+' in claims */
  snprintf(cases[7], 128, "%s", "....");
  for (size_t i = 0; i < 8; i++) {
    struct sjwt j;
    assert_int_equal(sjwt_decode(cases[i], &j), -1);
  }
  char *huge = calloc(1, SJWT_MAX_LEN + 10);
  memset(huge, 'A', SJWT_MAX_LEN + 5);
  struct sjwt j;
  assert_int_equal(sjwt_decode(huge, &j), -1);
  free(huge);
  free(obj);
  free(arr);
  free(str);
}

static void rotation_prepublishes_and_keeps_the_old_key(void **state) {
  (void)state;
  char first[32], upcoming[32];
  strcpy(first, keys.keys[0].kid);
  strcpy(upcoming, keys.keys[1].kid);
  assert_int_equal(keys.n, 2); /* the next key is published before use */
  struct sim_signing_key fresh;
  assert_int_equal(sim_keys_make(&fresh), 0);
  char made[32];
  strcpy(made, fresh.kid);
  sim_keys_rotate(&keys, &fresh, 1000, 60);
  assert_null(fresh.pkey); /* the key set owns it now */
  assert_int_equal(keys.n, 3);
  assert_string_equal(keys.keys[0].kid, upcoming); /* it signs now */
  assert_string_equal(keys.keys[1].kid, made);     /* published, unused */
  EVP_PKEY *old = sim_keys_get(&keys, first);
  assert_non_null(old);
  EVP_PKEY_free(old);
  sim_keys_expire(&keys, 1059);
  assert_int_equal(keys.n, 3);
  sim_keys_expire(&keys, 1060);
  assert_int_equal(keys.n, 2);
  assert_null(sim_keys_get(&keys, first));
  for (int i = 0; i < 6; i++) { /* never more than SIM_MAX_KEYS published */
    assert_int_equal(sim_keys_make(&fresh), 0);
    sim_keys_rotate(&keys, &fresh, 2000, 3600);
  }
  assert_int_equal(keys.n, SIM_MAX_KEYS);
}

static void jwks_lists_every_published_key(void **state) {
  (void)state;
  struct mde_buf b;
  mde_buf_init(&b, 0);
  assert_int_equal(sim_keys_jwks(&keys, "https://issuer", &b), 0);
  cJSON *doc = cJSON_Parse(b.data);
  assert_non_null(doc);
  cJSON *list = cJSON_GetObjectItem(doc, "keys");
  assert_int_equal(cJSON_GetArraySize(list), keys.n);
  cJSON *k0 = cJSON_GetArrayItem(list, 0);
  assert_string_equal(cJSON_GetObjectItem(k0, "kid")->valuestring,
                      keys.keys[0].kid);
  assert_string_equal(cJSON_GetObjectItem(k0, "e")->valuestring, "AQAB");
  assert_string_equal(cJSON_GetObjectItem(k0, "issuer")->valuestring,
                      "https://issuer");
  cJSON_Delete(doc);
  mde_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(signs_and_verifies_rs256),
      cmocka_unit_test(verifies_ps256),
      cmocka_unit_test(refuses_other_algorithms),
      cmocka_unit_test(rejects_malformed_tokens),
      cmocka_unit_test(rotation_prepublishes_and_keeps_the_old_key),
      cmocka_unit_test(jwks_lists_every_published_key),
  };
  return cmocka_run_group_tests_name("sim_jwt", tests, setup, teardown);
}
