/* SPDX-License-Identifier: MIT */
/* JWKS: keys generated at run time, published in Entra's JWK shape, must
 * come back as the same public keys; everything that is not an RSA signing
 * key is ignored or skipped, and garbage sets are refused. */
#include "mde/jwks.h"
#include "testkeys.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static EVP_PKEY *key1, *key2, *weak;

static int setup(void **state) {
  (void)state;
  key1 = tk_rsa(2048);
  key2 = tk_rsa(3072);
  weak = tk_rsa(1024);
  return key1 && key2 && weak ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  EVP_PKEY_free(key1);
  EVP_PKEY_free(key2);
  EVP_PKEY_free(weak);
  return 0;
}

static struct mde_jwks *parse_ok(const char *body) {
  struct mde_jwks *set = NULL;
  char err[MDE_ERR_SIZE] = "";
  enum mde_failure f =
      mde_jwks_parse(body, strlen(body), &set, err, sizeof(err));
  if (f != MDE_FAIL_NONE)
    fail_msg("%s", err);
  return set;
}

static void finds_keys_by_kid(void **state) {
  (void)state;
  char *j1 = tk_jwk(key1, "kid-one");
  char *j2 = tk_jwk(key2, "kid-two");
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_printf(&b,
                 "{\"keys\":[%s,%s,{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":"
                 "\"kid-one\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
                 j1, j2);
  struct mde_jwks *set = parse_ok(b.data);
  assert_int_equal(mde_jwks_count(set), 2);
  assert_int_equal(mde_jwks_skipped(set), 1); /* the duplicate kid */
  assert_string_equal(mde_jwks_kid(set, 0), "kid-one");
  assert_string_equal(mde_jwks_kid(set, 1), "kid-two");
  assert_null(mde_jwks_kid(set, 2));
  assert_int_equal(EVP_PKEY_eq(mde_jwks_find(set, "kid-one"), key1), 1);
  assert_int_equal(EVP_PKEY_eq(mde_jwks_find(set, "kid-two"), key2), 1);
  assert_null(mde_jwks_find(set, "kid-three"));
  assert_null(mde_jwks_find(set, "KID-ONE"));
  assert_null(mde_jwks_find(set, NULL));
  assert_null(mde_jwks_find(NULL, "kid-one"));
  mde_jwks_free(set);
  mde_buf_free(&b);
  free(j1);
  free(j2);
}

/* The shape of a real v2 set: extra members (issuer, x5c) are fine, and a
 * set that mixes in keys of other kinds keeps only what RS256 can use. */
static void ignores_and_skips_what_it_cannot_use(void **state) {
  (void)state;
  char *good = tk_jwk(key1, "nOo3ZDrODXEK1jKWhXslHR_KXEg");
  char *small = tk_jwk(weak, "too-small");
  char *nokid = tk_jwk(key2, "");
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_printf(
      &b,
      "{\"keys\":[{\"kty\":\"EC\",\"use\":\"sig\",\"kid\":\"ec\",\"crv\":"
      "\"P-256\",\"x\":\"AA\",\"y\":\"AA\"},"
      "{\"kty\":\"RSA\",\"use\":\"enc\",\"kid\":\"enc\",\"n\":\"AQAB\","
      "\"e\":\"AQAB\"},"
      "{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP\",\"kid\":\"oaep\",\"n\":\"AQAB\","
      "\"e\":\"AQAB\"},"
      "7,\"RSA\",null,"
      "%s,%s,"
      "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"bad-n\",\"n\":\"!!\","
      "\"e\":\"AQAB\"},"
      "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"even-e\",\"n\":\"%s\","
      "\"e\":\"AQAA\"},"
      "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"no-e\",\"n\":\"%s\"},"
      "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"new\\nline\",\"n\":\"%s\","
      "\"e\":\"AQAB\"},"
      /* the usable key, as Entra may send it: with alg and issuer */
      "%.*s,\"alg\":\"RS256\",\"issuer\":\"https://login.microsoftonline.com/"
      "{tenantid}/"
      "v2.0\"}]}",
      small, nokid, "AQAB", "AQAB", "AQAB", (int)strlen(good) - 1, good);
  struct mde_jwks *set = parse_ok(b.data);
  assert_int_equal(mde_jwks_count(set), 1);
  assert_int_equal(mde_jwks_skipped(set), 6);
  assert_non_null(mde_jwks_find(set, "nOo3ZDrODXEK1jKWhXslHR_KXEg"));
  assert_null(mde_jwks_find(set, "ec"));
  assert_null(mde_jwks_find(set, "too-small"));
  mde_jwks_free(set);
  mde_buf_free(&b);
  free(good);
  free(small);
  free(nokid);
}

static void refuses_garbage(void **state) {
  (void)state;
  static const struct {
    const char *body, *reason;
  } cases[] = {
      {"", "empty"},
      {"keys", "no \"keys\" array"},
      {"{}", "no \"keys\" array"},
      {"{\"keys\":{}}", "no \"keys\" array"},
      {"[{\"keys\":[]}]", "no \"keys\" array"},
      {"{\"keys\":[]}", "no usable RSA signing key"},
      {"{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\"}]}",
       "no usable RSA signing key"},
      {"{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"AQAB\",\"e\":"
       "\"AQAB\"}]}",
       "no usable RSA signing key (1 skipped)"},
      {"{\"keys\":[", "no \"keys\" array"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_jwks *set = (struct mde_jwks *)&set;
    char err[MDE_ERR_SIZE] = "";
    assert_int_equal(mde_jwks_parse(cases[i].body, strlen(cases[i].body), &set,
                                    err, sizeof(err)),
                     MDE_FAIL_PROTOCOL);
    assert_null(set);
    if (!strstr(err, cases[i].reason))
      fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].reason);
  }
}

static void bounds_the_number_of_keys(void **state) {
  (void)state;
  char *j = tk_jwk(key1, "k");
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_puts(&b, "{\"keys\":[");
  for (int i = 0; i <= MDE_JWKS_MAX_KEYS; i++)
    mde_buf_printf(&b, "%s%s", i ? "," : "", j);
  mde_buf_puts(&b, "]}");
  struct mde_jwks *set = NULL;
  char err[MDE_ERR_SIZE] = "";
  assert_int_equal(mde_jwks_parse(b.data, b.len, &set, err, sizeof(err)),
                   MDE_FAIL_PROTOCOL);
  assert_non_null(strstr(err, "more than the 64 accepted"));
  assert_int_equal(
      mde_jwks_parse(b.data, MDE_JWKS_BODY_MAX + 1, &set, err, sizeof(err)),
      MDE_FAIL_PROTOCOL);
  assert_non_null(strstr(err, "too large"));
  assert_int_equal(mde_jwks_parse(NULL, 0, &set, err, sizeof(err)),
                   MDE_FAIL_PROTOCOL);
  mde_buf_free(&b);
  free(j);
}

/* The public exponent: odd, above 1, and at most 64 bits (one of 64 bits
 * is a key; one of 65 is refused, as are 1 and an even one). */
static void bounds_the_public_exponent(void **state) {
  (void)state;
  char *n = tk_param(key1, OSSL_PKEY_PARAM_RSA_N);
  static const struct {
    const char *e;
    int usable;
  } cases[] = {
      {"gAAAAAAAAAE", 1},  /* 0x8000000000000001: 64 bits */
      {"AQAAAAAAAAAB", 0}, /* 0x010000000000000001: 65 bits */
      {"AQ", 0},           /* 1 */
      {"AQAC", 0},         /* 65538: even */
      {"AQAB", 1},         /* 65537 */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_buf b;
    mde_buf_init(&b, 0);
    mde_buf_printf(&b,
                   "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":"
                   "\"k\",\"n\":\"%s\",\"e\":\"%s\"}]}",
                   n, cases[i].e);
    struct mde_jwks *set = NULL;
    char err[MDE_ERR_SIZE] = "";
    enum mde_failure f = mde_jwks_parse(b.data, b.len, &set, err, sizeof err);
    if (f != (cases[i].usable ? MDE_FAIL_NONE : MDE_FAIL_PROTOCOL))
      fail_msg("e \"%s\": %s", cases[i].e, err[0] ? err : "accepted");
    if (cases[i].usable)
      assert_non_null(mde_jwks_find(set, "k"));
    mde_jwks_free(set);
    mde_buf_free(&b);
  }
  free(n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(finds_keys_by_kid),
      cmocka_unit_test(ignores_and_skips_what_it_cannot_use),
      cmocka_unit_test(refuses_garbage),
      cmocka_unit_test(bounds_the_number_of_keys),
      cmocka_unit_test(bounds_the_public_exponent),
  };
  return cmocka_run_group_tests_name("jwks", tests, setup, teardown);
}
