/* SPDX-License-Identifier: MIT */
/* Access-token checks. Keys are generated here, tokens are signed here in
 * the v1 shape Entra issues for the Defender API (spec A.4), and each case
 * changes one thing: the signature, the algorithm, the key id, one claim,
 * the roles. Then garbage that must never get as far as a key. */
#include "mde/jwt.h"
#include "testkeys.h"

#include <openssl/pem.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOW 1700000000LL
#define TID "72f988bf-86f1-41af-91ab-2d7cd011db47"
#define CID "625bc9f6-3bf6-4b6d-94ba-e97cf07a22de"
#define OID "a9b3c2d1-0000-4000-8000-00000000d00d"
#define RESOURCE "https://api.securitycenter.microsoft.com"
#define ISSUER "https://sts.windows.net/" TID "/"

static EVP_PKEY *k1, *k2, *rogue, *big;
static struct mde_jwks *keys;
static struct mde_strlist required;

static int setup(void **state) {
  (void)state;
  k1 = tk_rsa(2048);
  k2 = tk_rsa(2048);
  rogue = tk_rsa(2048);
  big = tk_rsa(3072);
  if (!k1 || !k2 || !rogue || !big)
    return -1;
  char *j1 = tk_jwk(k1, "k1"), *j2 = tk_jwk(k2, "k2");
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_printf(&b, "{\"keys\":[%s,%s]}", j1, j2);
  free(j1);
  free(j2);
  enum mde_failure f = mde_jwks_parse(b.data, b.len, &keys, NULL, 0);
  mde_buf_free(&b);
  if (f != MDE_FAIL_NONE)
    return -1;
  return mde_strlist_split(&required, "Alert.Read.All,Machine.Read.All", ',');
}

static int teardown(void **state) {
  (void)state;
  EVP_PKEY_free(k1);
  EVP_PKEY_free(k2);
  EVP_PKEY_free(rogue);
  EVP_PKEY_free(big);
  mde_jwks_free(keys);
  mde_strlist_free(&required);
  return 0;
}

/* The claims of an app-only v1 token, one member changed at a time:
 * string members are raw JSON values; NULL keeps the default, "-" drops
 * the member. */
struct claims {
  const char *aud, *iss, *tid, *appid, *roles, *exp, *nbf;
};

static char *claims_json(const struct claims *c) {
  const char *aud = c->aud ? c->aud : "\"" RESOURCE "\"";
  const char *iss = c->iss ? c->iss : "\"" ISSUER "\"";
  const char *tid = c->tid ? c->tid : "\"" TID "\"";
  const char *appid = c->appid ? c->appid : "\"" CID "\"";
  const char *roles =
      c->roles ? c->roles : "[\"Alert.Read.All\",\"Machine.Read.All\"]";
  char exp[32], nbf[32];
  snprintf(exp, sizeof(exp), "%s", c->exp ? c->exp : "1700003599");
  snprintf(nbf, sizeof(nbf), "%s", c->nbf ? c->nbf : "1699999700");
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_puts(&b, "{");
#define MEMBER(name, value)                                                    \
  if (strcmp(value, "-") != 0)                                                 \
    mde_buf_printf(&b, "%s\"%s\":%s", b.len > 1 ? "," : "", name, value);
  MEMBER("aud", aud);
  MEMBER("iss", iss);
  MEMBER("iat", "1699999700");
  MEMBER("nbf", nbf);
  MEMBER("exp", exp);
  MEMBER("aio", "\"E2ZgYJg/ZFv7ZcpxB4Lvw2UDAA==\"");
  MEMBER("appid", appid);
  MEMBER("appidacr", "\"1\"");
  MEMBER("idp", "\"" ISSUER "\"");
  MEMBER("oid", "\"" OID "\"");
  MEMBER("rh", "\"0.AAAA.\"");
  MEMBER("roles", roles);
  MEMBER("sub", "\"" OID "\"");
  MEMBER("tid", tid);
  MEMBER("uti", "\"0pTuD1gB8kWg9nC5RJkOAA\"");
  MEMBER("ver", "\"1.0\"");
#undef MEMBER
  mde_buf_puts(&b, "}");
  return mde_buf_steal(&b, NULL);
}

#define V1_HEADER(kid)                                                         \
  "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5t\":\"" kid "\","                    \
  "\"kid\":\"" kid "\"}"

enum signer { K1, K2, ROGUE, BIG, UNSIGNED, HS256_PUBKEY };

static char *make_token(enum signer s, const char *header,
                        const struct claims *c) {
  char *body = claims_json(c);
  char *tok = NULL;
  EVP_PKEY *k = s == K1 ? k1 : s == K2 ? k2 : s == ROGUE ? rogue : big;
  if (s == UNSIGNED) {
    tok = tk_append_sig(tk_signing_input(header, body), NULL, 0);
  } else if (s == HS256_PUBKEY) {
    /* the algorithm-confusion attack: HMAC keyed with the public key PEM */
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, k1);
    char *pem = NULL;
    long n = BIO_get_mem_data(bio, &pem);
    tok = tk_sign_hs256((unsigned char *)pem, (size_t)n, header, body);
    BIO_free(bio);
  } else {
    tok = tk_sign(k, 0, header, body);
  }
  free(body);
  return tok;
}

static const struct mde_jwt_expect expect = {
    .tenant_id = TID,
    .issuer = ISSUER,
    .audience = RESOURCE,
    .client_id = CID,
    .now = NOW,
    .skew = 0, /* the default, 300 s */
    .roles = &required,
};

static const struct {
  const char *what;
  enum signer signer;
  const char *header;
  struct claims claims;
  enum mde_failure f;
  const char *reason; /* substring; "" for success */
  int unknown_kid;
  const char *missing; /* joined with ", " */
} cases[] = {
    {"valid", K1, V1_HEADER("k1"), {0}, MDE_FAIL_NONE, "", 0, ""},
    {"second key of the set",
     K2,
     V1_HEADER("k2"),
     {0},
     MDE_FAIL_NONE,
     "",
     0,
     ""},
    {"v2 header without x5t",
     K1,
     "{\"typ\":\"JWT\",\"alg\":\"RS256\","
     "\"kid\":\"k1\"}",
     {0},
     MDE_FAIL_NONE,
     "",
     0,
     ""},
    {"wrong signature",
     ROGUE,
     V1_HEADER("k1"),
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "signature does not verify with key \"k1\"",
     0,
     ""},
    {"signature of another size",
     BIG,
     V1_HEADER("k1"),
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "signature of 384 bytes",
     0,
     ""},
    {"alg none",
     UNSIGNED,
     "{\"typ\":\"JWT\",\"alg\":\"none\",\"kid\":\"k1\"}",
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "alg \"none\" refused",
     0,
     ""},
    {"alg None",
     UNSIGNED,
     "{\"alg\":\"None\",\"kid\":\"k1\"}",
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "alg \"None\" refused",
     0,
     ""},
    {"alg HS256 keyed with the public key",
     HS256_PUBKEY,
     "{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"k1\"}",
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "alg \"HS256\" refused",
     0,
     ""},
    {"alg RS512",
     K1,
     "{\"alg\":\"RS512\",\"kid\":\"k1\"}",
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "only RS256 is accepted",
     0,
     ""},
    {"alg rs256",
     K1,
     "{\"alg\":\"rs256\",\"kid\":\"k1\"}",
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "only RS256 is accepted",
     0,
     ""},
    {"unknown kid",
     K1,
     V1_HEADER("k9"),
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "signing key \"k9\" is not in the key set",
     1,
     ""},
    {"kid with a line break",
     K1,
     "{\"alg\":\"RS256\",\"kid\":\"k\\n9\"}",
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "signing key \"k?9\" is not in the key set",
     1,
     ""},
    {"no kid",
     K1,
     "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5t\":\"k1\"}",
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "no \"kid\"",
     0,
     ""},
    {"wrong tid",
     K1,
     V1_HEADER("k1"),
     {.tid = "\"00000000-0000-0000-0000-000000000001\""},
     MDE_FAIL_TOKEN_INVALID,
     "tid 00000000-0000-0000-0000-000000000001, expected " TID,
     0,
     ""},
    {"no tid",
     K1,
     V1_HEADER("k1"),
     {.tid = "-"},
     MDE_FAIL_TOKEN_INVALID,
     "tid (none)",
     0,
     ""},
    {"tid in upper case",
     K1,
     V1_HEADER("k1"),
     {.tid = "\"72F988BF-86F1-41AF-91AB-2D7CD011DB47\""},
     MDE_FAIL_NONE,
     "",
     0,
     ""},
    {"wrong aud",
     K1,
     V1_HEADER("k1"),
     {.aud = "\"https://graph.microsoft.com\""},
     MDE_FAIL_TOKEN_INVALID,
     "aud https://graph.microsoft.com, expected " RESOURCE,
     0,
     ""},
    {"regional aud",
     K1,
     V1_HEADER("k1"),
     {.aud = "\"https://api-eu.securitycenter.microsoft.com\""},
     MDE_FAIL_TOKEN_INVALID,
     "aud https://api-eu.",
     0,
     ""},
    {"aud with trailing slash",
     K1,
     V1_HEADER("k1"),
     {.aud = "\"" RESOURCE "/\""},
     MDE_FAIL_NONE,
     "",
     0,
     ""},
    {"aud array",
     K1,
     V1_HEADER("k1"),
     {.aud = "[\"https://x\",\"" RESOURCE "\"]"},
     MDE_FAIL_NONE,
     "",
     0,
     ""},
    {"aud array without it",
     K1,
     V1_HEADER("k1"),
     {.aud = "[\"https://x\"]"},
     MDE_FAIL_TOKEN_INVALID,
     "aud (not the expected string)",
     0,
     ""},
    {"wrong iss",
     K1,
     V1_HEADER("k1"),
     {.iss = "\"https://login.microsoftonline.com/" TID "/v2.0\""},
     MDE_FAIL_TOKEN_INVALID,
     "iss https://login.microsoftonline.com/" TID "/v2.0, expected " ISSUER,
     0,
     ""},
    {"iss of another tenant",
     K1,
     V1_HEADER("k1"),
     {.iss = "\"https://sts.windows.net/00000000-0000-0000-0000-000000000001/"
             "\""},
     MDE_FAIL_TOKEN_INVALID,
     "iss https://sts.windows.net/0000",
     0,
     ""},
    {"wrong appid",
     K1,
     V1_HEADER("k1"),
     {.appid = "\"fc780465-2017-40d4-a0c5-307022471b92\""},
     MDE_FAIL_TOKEN_INVALID,
     "appid fc780465",
     0,
     ""},
    {"expired",
     K1,
     V1_HEADER("k1"),
     {.exp = "1699999699"},
     MDE_FAIL_TOKEN_INVALID,
     "expired 301 s ago (exp 1699999699, skew 300 s)",
     0,
     ""},
    {"expired within skew",
     K1,
     V1_HEADER("k1"),
     {.exp = "1699999701"},
     MDE_FAIL_NONE,
     "",
     0,
     ""},
    {"no exp",
     K1,
     V1_HEADER("k1"),
     {.exp = "-"},
     MDE_FAIL_TOKEN_INVALID,
     "no valid exp",
     0,
     ""},
    {"exp a string",
     K1,
     V1_HEADER("k1"),
     {.exp = "\"1700003599\""},
     MDE_FAIL_TOKEN_INVALID,
     "no valid exp",
     0,
     ""},
    {"not yet valid",
     K1,
     V1_HEADER("k1"),
     {.nbf = "1700000301"},
     MDE_FAIL_TOKEN_INVALID,
     "not valid for another 301 s",
     0,
     ""},
    {"not yet valid within skew",
     K1,
     V1_HEADER("k1"),
     {.nbf = "1700000299"},
     MDE_FAIL_NONE,
     "",
     0,
     ""},
    {"nbf a string",
     K1,
     V1_HEADER("k1"),
     {.nbf = "\"soon\""},
     MDE_FAIL_TOKEN_INVALID,
     "nbf claim is not a time",
     0,
     ""},
    {"no nbf", K1, V1_HEADER("k1"), {.nbf = "-"}, MDE_FAIL_NONE, "", 0, ""},
    {"one role missing",
     K1,
     V1_HEADER("k1"),
     {.roles = "[\"Alert.Read.All\",\"Machine.Isolate\"]"},
     MDE_FAIL_PERMISSION_MISSING,
     "missing role Machine.Read.All",
     0,
     "Machine.Read.All"},
    {"both roles missing",
     K1,
     V1_HEADER("k1"),
     {.roles = "[\"Machine.Isolate\"]"},
     MDE_FAIL_PERMISSION_MISSING,
     "missing roles Alert.Read.All, Machine.Read.All",
     0,
     "Alert.Read.All, Machine.Read.All"},
    {"empty roles",
     K1,
     V1_HEADER("k1"),
     {.roles = "[]"},
     MDE_FAIL_PERMISSION_MISSING,
     "missing roles",
     0,
     "Alert.Read.All, Machine.Read.All"},
    {"no roles claim",
     K1,
     V1_HEADER("k1"),
     {.roles = "-"},
     MDE_FAIL_PERMISSION_MISSING,
     "no roles claim (no application permission consented); missing "
     "Alert.Read.All, Machine.Read.All",
     0,
     "Alert.Read.All, Machine.Read.All"},
    {"roles in other casing",
     K1,
     V1_HEADER("k1"),
     {.roles = "[\"ALERT.READ.ALL\",\"machine.read.all\"]"},
     MDE_FAIL_NONE,
     "",
     0,
     ""},
    {"roles not an array",
     K1,
     V1_HEADER("k1"),
     {.roles = "\"Alert.Read.All Machine.Read.All\""},
     MDE_FAIL_TOKEN_INVALID,
     "roles claim is not an array",
     0,
     ""},
    {"roles with a number",
     K1,
     V1_HEADER("k1"),
     {.roles = "[\"Alert.Read.All\",7]"},
     MDE_FAIL_TOKEN_INVALID,
     "roles claim is not an array",
     0,
     ""},
    {"crit header",
     K1,
     "{\"alg\":\"RS256\",\"kid\":\"k1\",\"crit\":[\"exp\"],\"exp\":1}",
     {0},
     MDE_FAIL_TOKEN_INVALID,
     "\"crit\"",
     0,
     ""},
    /* a check against a forged token must fail on the signature, never
     * on a claim it was forged to pass or fail */
    {"forged and expired",
     ROGUE,
     V1_HEADER("k1"),
     {.exp = "1"},
     MDE_FAIL_TOKEN_INVALID,
     "signature does not verify",
     0,
     ""},
};

static void validates_each_case(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *tok = make_token(cases[i].signer, cases[i].header, &cases[i].claims);
    assert_non_null(tok);
    struct mde_jwt_result r;
    enum mde_failure f = mde_jwt_validate(tok, strlen(tok), keys, &expect, &r);
    char *missing = mde_strlist_join(&r.missing_roles, ", ");
    if (f != cases[i].f || r.failure != f ||
        !strstr(r.reason, cases[i].reason) ||
        (!cases[i].reason[0] && r.reason[0]) ||
        r.unknown_kid != cases[i].unknown_kid ||
        strcmp(missing, cases[i].missing) != 0)
      fail_msg("%s: got %s \"%s\" kid?%d missing \"%s\"", cases[i].what,
               mde_failure_name(f), r.reason, r.unknown_kid, missing);
    free(missing);
    mde_jwt_result_free(&r);
    free(tok);
  }
}

static void reports_what_the_engine_needs(void **state) {
  (void)state;
  struct claims c = {.roles = "[\"Alert.Read.All\"]"};
  char *tok = make_token(K1, V1_HEADER("k1"), &c);
  struct mde_jwt_result r;
  struct mde_jwt_expect x = expect;
  x.tenant_id = NULL; /* configured by domain: the token tells the GUID */
  assert_int_equal(mde_jwt_validate(tok, strlen(tok), keys, &x, &r),
                   MDE_FAIL_PERMISSION_MISSING);
  assert_string_equal(r.tid, TID);
  assert_int_equal(r.exp, 1700003599);
  assert_int_equal(r.roles.n, 1);
  assert_string_equal(r.roles.v[0], "Alert.Read.All");
  mde_jwt_result_free(&r);

  /* nothing required, nothing checked: only the signature and time */
  struct mde_jwt_expect bare = {.now = NOW, .skew = -1}; /* no skew */
  assert_int_equal(mde_jwt_validate(tok, strlen(tok), keys, &bare, &r),
                   MDE_FAIL_NONE);
  mde_jwt_result_free(&r);
  bare.now = 1700003600; /* one second past exp, no skew */
  assert_int_equal(mde_jwt_validate(tok, strlen(tok), keys, &bare, &r),
                   MDE_FAIL_TOKEN_INVALID);
  assert_non_null(strstr(r.reason, "expired 1 s ago"));
  mde_jwt_result_free(&r);

  /* no key set yet: ask for one */
  assert_int_equal(mde_jwt_validate(tok, strlen(tok), NULL, &expect, &r),
                   MDE_FAIL_TOKEN_INVALID);
  assert_int_equal(r.unknown_kid, 1);
  mde_jwt_result_free(&r);
  free(tok);
}

static void tampering_breaks_the_signature(void **state) {
  (void)state;
  struct claims c = {.roles = "[\"Machine.Isolate\"]"};
  char *tok = make_token(K1, V1_HEADER("k1"), &c);
  /* swap in a payload granting every role, keep header and signature */
  char *rich = make_token(K1, V1_HEADER("k1"), &(struct claims){0});
  char *p1 = strchr(tok, '.'), *s1 = strrchr(tok, '.');
  char *p2 = strchr(rich, '.'), *s2 = strrchr(rich, '.');
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_append(&b, tok, (size_t)(p1 - tok));
  mde_buf_append(&b, p2, (size_t)(s2 - p2));
  mde_buf_puts(&b, s1);
  struct mde_jwt_result r;
  assert_int_equal(mde_jwt_validate(b.data, b.len, keys, &expect, &r),
                   MDE_FAIL_TOKEN_INVALID);
  assert_non_null(strstr(r.reason, "signature does not verify"));
  assert_int_equal(r.missing_roles.n, 0);
  mde_jwt_result_free(&r);
  mde_buf_free(&b);
  free(tok);
  free(rich);
}

static void decodes_header_and_claims(void **state) {
  (void)state;
  char *tok = make_token(K1, V1_HEADER("k1"), &(struct claims){0});
  struct mde_jwt jwt;
  char err[MDE_ERR_SIZE] = "";
  assert_int_equal(mde_jwt_decode(tok, strlen(tok), &jwt, err, sizeof(err)),
                   MDE_FAIL_NONE);
  assert_string_equal(mde_jwt_header_string(&jwt, "typ"), "JWT");
  assert_string_equal(mde_jwt_header_string(&jwt, "x5t"), "k1");
  assert_string_equal(mde_jwt_claim_string(&jwt, "ver"), "1.0");
  assert_string_equal(mde_jwt_claim_string(&jwt, "appidacr"), "1");
  assert_null(mde_jwt_claim_string(&jwt, "iat")); /* a number */
  time_t t = 0;
  assert_int_equal(mde_jwt_claim_time(&jwt, "iat", &t), 0);
  assert_int_equal(t, 1699999700);
  assert_int_equal(mde_jwt_claim_time(&jwt, "ver", &t), -1);
  assert_int_equal(jwt.sig_len, 256);
  assert_int_equal(jwt.signing_input_len, strrchr(tok, '.') - tok);
  int unknown = -1;
  assert_int_equal(mde_jwt_verify(&jwt, keys, &unknown, err, sizeof(err)),
                   MDE_FAIL_NONE);
  assert_int_equal(unknown, 0);
  mde_jwt_free(&jwt);
  mde_jwt_free(&jwt); /* twice is harmless */
  free(tok);
}

static void refuses_garbage(void **state) {
  (void)state;
  /* {"alg":"RS256","kid":"k1"} and {} as segments */
  const char *h = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0";
  static const struct {
    const char *token, *reason;
  } bad[] = {
      {"", "empty token"},
      {"abc", "not three"},
      {".", "not three"},
      {"..", "empty header"},
      {"a.b", "not three"},
      {"a.b.c.d", "not three"},
      {"a.b..d", "not three"},
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0..c2ln", "empty payload"},
      {"e!J.e30.c2ln", "header is not base64url"},
      {"eyJ+.e30.c2ln", "header is not base64url"},
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0=.e30.c2ln", "padding"},
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30=.c2ln", "padding"},
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0 .e30.c2ln",
       "header is not base64url"},
      {"aGVsbG8.e30.c2ln", "header is not a JSON object"}, /* hello */
      {"WzFd.e30.c2ln", "header is not a JSON object"},    /* [1] */
      {"e30geA.e30.c2ln", "header is not a JSON object"},  /* {} x */
      {"e30AeA.e30.c2ln", "header is not a JSON object"},  /* {}\0x */
      {"bnVsbA.e30.c2ln", "header is not a JSON object"},  /* null */
      {"e30.e30.c2ln", "no \"alg\""},                      /* {} */
      {"eyJhbGciOjF9.e30.c2ln", "no \"alg\""},             /* alg 1 */
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.aGVsbG8.c2ln",
       "payload is not a JSON object"},
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.W10.c2ln",
       "payload is not a JSON object"},
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.c2ln!",
       "signature is not base64url"},
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.c",
       "signature is not base64url"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct mde_jwt_result r;
    enum mde_failure f =
        mde_jwt_validate(bad[i].token, strlen(bad[i].token), keys, &expect, &r);
    if (f != MDE_FAIL_TOKEN_INVALID || !strstr(r.reason, bad[i].reason) ||
        r.unknown_kid)
      fail_msg("case %zu: got %s \"%s\", want \"%s\"", i, mde_failure_name(f),
               r.reason, bad[i].reason);
    mde_jwt_result_free(&r);
  }
  /* a syntactically fine token whose signature is too short for the key */
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_printf(&b, "%s.e30.c2ln", h);
  struct mde_jwt_result r;
  assert_int_equal(mde_jwt_validate(b.data, b.len, keys, &expect, &r),
                   MDE_FAIL_TOKEN_INVALID);
  assert_non_null(strstr(r.reason, "signature of 3 bytes"));
  mde_jwt_result_free(&r);
  mde_buf_free(&b);
  assert_int_equal(mde_jwt_validate(NULL, 0, keys, &expect, &r),
                   MDE_FAIL_TOKEN_INVALID);
  mde_jwt_result_free(&r);
}

static void refuses_huge_tokens(void **state) {
  (void)state;
  /* a valid token, padded with a huge claim past the cap */
  size_t n = MDE_JWT_MAX_LEN;
  char *filler = malloc(n + 16);
  memset(filler, 'A', n);
  filler[0] = '"';
  strcpy(filler + n - 1, "\"");
  struct claims c = {.iss = filler};
  char *tok = make_token(K1, V1_HEADER("k1"), &c);
  struct mde_jwt_result r;
  assert_int_equal(mde_jwt_validate(tok, strlen(tok), keys, &expect, &r),
                   MDE_FAIL_TOKEN_INVALID);
  assert_non_null(strstr(r.reason, "more than the 65536 accepted"));
  mde_jwt_result_free(&r);
  free(tok);
  free(filler);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(validates_each_case),
      cmocka_unit_test(reports_what_the_engine_needs),
      cmocka_unit_test(tampering_breaks_the_signature),
      cmocka_unit_test(decodes_header_and_claims),
      cmocka_unit_test(refuses_garbage),
      cmocka_unit_test(refuses_huge_tokens),
  };
  return cmocka_run_group_tests_name("jwt", tests, setup, teardown);
}
