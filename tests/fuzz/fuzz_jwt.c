/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for access-token validation: mde_jwt_decode, the claim
 * accessors, mde_jwt_verify, mde_jwt_check_claims and mde_jwt_validate.
 *
 * The input is a compact JWT. A forged signature never verifies, so an
 * input whose signature segment is empty ("header.payload.") is also
 * signed here, RS256 with the key in the set, and validated again: that
 * lets the fuzzer reach every claim check behind a good signature. The key
 * is made once at start-up; nothing secret is committed. */
#include "fuzz.h"
#include "mde/b64url.h"
#include "mde/jwks.h"
#include "mde/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#define TID "e0000000-0000-4000-8000-000000000001"
#define CID "11111111-2222-3333-4444-555555555555"
#define KID "fuzz-key-1"
#define NOW 1700000000

static EVP_PKEY *key;
static struct mde_jwks *keys;
static struct mde_strlist required;

static char *param(const char *name) {
  BIGNUM *bn = NULL;
  if (!EVP_PKEY_get_bn_param(key, name, &bn))
    return NULL;
  unsigned char raw[1024];
  int n = BN_bn2bin(bn, raw);
  BN_free(bn);
  return n > 0 ? mde_b64url_encode_alloc(raw, (size_t)n) : NULL;
}

static void setup(void) {
  key = EVP_RSA_gen(2048);
  char *n = key ? param(OSSL_PKEY_PARAM_RSA_N) : NULL;
  char *e = key ? param(OSSL_PKEY_PARAM_RSA_E) : NULL;
  char jwks[2048];
  snprintf(jwks, sizeof(jwks),
           "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"" KID
           "\",\"x5t\":\"" KID "\",\"n\":\"%s\",\"e\":\"%s\"}]}",
           n ? n : "", e ? e : "");
  free(n);
  free(e);
  if (mde_jwks_parse(jwks, strlen(jwks), &keys, NULL, 0) != MDE_FAIL_NONE ||
      mde_strlist_split(&required, "Alert.Read.All, Machine.Read.All", ',') !=
          0)
    fz_fail("cannot set up the key set");
}

/* What the engine expects of an MDE token, and a lax variant that skips
 * the identity and role checks so the time checks are reached too. */
static const struct mde_jwt_expect strict = {
    .tenant_id = TID,
    .issuer = "https://sts.windows.net/" TID "/",
    .audience = "https://api.securitycenter.microsoft.com",
    .client_id = CID,
    .now = NOW,
    .roles = &required,
};
static const struct mde_jwt_expect lax = {.now = NOW, .skew = -1};

static void check_result(const struct mde_jwt_result *r) {
  fz_assert_clean(r->reason, sizeof(r->reason));
  fz_assert((r->failure == MDE_FAIL_NONE) == (r->reason[0] == '\0'));
  fz_assert(r->failure != MDE_FAIL_PERMISSION_MISSING ||
            r->missing_roles.n > 0);
}

static void validate(const char *token, size_t len) {
  const struct mde_jwt_expect *xs[] = {&strict, &lax};
  for (size_t i = 0; i < 2; i++) {
    struct mde_jwt_result r;
    mde_jwt_validate(token, len, keys, xs[i], &r);
    check_result(&r);
    mde_jwt_result_free(&r);
  }
}

/* The parts one by one, as a caller that inspects a token would use them. */
static void decode(const char *token, size_t len) {
  char err[MDE_ERR_SIZE];
  struct mde_jwt jwt;
  if (mde_jwt_decode(token, len, &jwt, err, sizeof(err)) != MDE_FAIL_NONE) {
    fz_assert_clean(err, sizeof(err));
    fz_assert(!jwt.header && !jwt.claims && !jwt.sig);
    return;
  }
  fz_assert(jwt.header && jwt.claims && jwt.sig && jwt.signing_input);
  fz_assert(mde_jwt_header_string(&jwt, "alg"));
  (void)mde_jwt_claim_string(&jwt, "tid");
  time_t t;
  if (mde_jwt_claim_time(&jwt, "exp", &t) == 0)
    fz_assert(t >= 0);
  struct mde_strlist roles = {0}, missing = {0};
  (void)mde_jwt_roles(&jwt, &roles);
  int unknown = -1;
  (void)mde_jwt_verify(&jwt, keys, &unknown, err, sizeof(err));
  fz_assert(unknown == 0 || unknown == 1);
  fz_assert_clean(err, sizeof(err));
  enum mde_failure f =
      mde_jwt_check_claims(&jwt, &strict, &missing, err, sizeof(err));
  fz_assert(f != MDE_FAIL_PERMISSION_MISSING || missing.n > 0);
  (void)mde_jwt_check_claims(&jwt, &lax, NULL, err, sizeof(err));
  fz_assert_clean(err, sizeof(err));
  mde_strlist_free(&roles);
  mde_strlist_free(&missing);
  mde_jwt_free(&jwt);
}

/* "header.payload." → "header.payload.<RS256 signature>". */
static void sign_and_validate(const char *token, size_t len) {
  unsigned char sig[512];
  size_t sig_len = sizeof(sig);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
      EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)token,
                     len - 1) != 1)
    fz_fail("cannot sign");
  EVP_MD_CTX_free(md);
  char *b64 = mde_b64url_encode_alloc(sig, sig_len);
  if (!b64)
    abort();
  size_t b64_len = strlen(b64);
  char *signed_token = malloc(len + b64_len);
  if (!signed_token)
    abort();
  memcpy(signed_token, token, len);
  memcpy(signed_token + len, b64, b64_len);
  free(b64);

  /* a good RS256 signature by a key of the set must verify */
  struct mde_jwt jwt;
  char err[MDE_ERR_SIZE];
  if (mde_jwt_decode(signed_token, len + b64_len, &jwt, err, sizeof(err)) !=
      MDE_FAIL_NONE)
    fz_fail("signed token no longer decodes: %s", err);
  const char *alg = mde_jwt_header_string(&jwt, "alg");
  const char *kid = mde_jwt_header_string(&jwt, "kid");
  if (strcmp(alg, "RS256") == 0 && kid && strcmp(kid, KID) == 0 &&
      mde_jwt_verify(&jwt, keys, NULL, err, sizeof(err)) != MDE_FAIL_NONE)
    fz_fail("a good signature does not verify: %s", err);
  mde_jwt_free(&jwt);

  validate(signed_token, len + b64_len);
  free(signed_token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!keys)
    setup();
  const char *token = (const char *)data;
  decode(token, size);
  validate(token, size);
  if (size > 0 && size <= MDE_JWT_MAX_LEN - 512 && token[size - 1] == '.') {
    /* only worth an RSA signature if the rest decodes */
    struct mde_jwt jwt;
    if (mde_jwt_decode(token, size, &jwt, NULL, 0) == MDE_FAIL_NONE) {
      mde_jwt_free(&jwt);
      sign_and_validate(token, size);
    }
  }
  return 0;
}
