/* SPDX-License-Identifier: MIT */
/* Certificate credentials and client assertions. Keys and certificates are
 * made here; each assertion is decoded, its signature checked with the
 * public key, and every header member and claim compared with what Entra's
 * certificate-credentials page asks for. */
#include "mde/assertion.h"
#include "mde/cloud.h"
#include "mde/jwt.h"
#include "testkeys.h"

#include <openssl/pkcs12.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define NOW 1700000000
#define CID "625bc9f6-3bf6-4b6d-94ba-e97cf07a22de"
#define TID "72f988bf-86f1-41af-91ab-2d7cd011db47"
#define FROM 1690000000
#define UNTIL 1800000000

static EVP_PKEY *key, *other, *ec, *small;
static X509 *cert, *ec_cert, *small_cert;
static char *cert_pem, *key_pem, *enc_key_pem;
static char tmpdir[256];

static int setup(void **state) {
  (void)state;
  key = tk_rsa(2048);
  other = tk_rsa(2048);
  small = tk_rsa(1024);
  ec = EVP_EC_gen("P-256");
  if (!key || !other || !small || !ec)
    return -1;
  cert = tk_cert(key, FROM, UNTIL);
  ec_cert = tk_cert(ec, FROM, UNTIL);
  small_cert = tk_cert(small, FROM, UNTIL);
  cert_pem = tk_cert_pem(cert);
  key_pem = tk_key_pem(key, NULL);
  enc_key_pem = tk_key_pem(key, "s3cret pass");
  const char *base = getenv("MDE_TEST_TMP");
  snprintf(tmpdir, sizeof(tmpdir), "%s/assertion.XXXXXX", base ? base : "/tmp");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  EVP_PKEY_free(key);
  EVP_PKEY_free(other);
  EVP_PKEY_free(small);
  EVP_PKEY_free(ec);
  X509_free(cert);
  X509_free(ec_cert);
  X509_free(small_cert);
  free(cert_pem);
  free(key_pem);
  free(enc_key_pem);
  rmdir(tmpdir);
  return 0;
}

static struct mde_credential *load(const char *c, const char *k,
                                   const char *pass) {
  struct mde_credential *cred = NULL;
  char err[MDE_ERR_SIZE] = "";
  enum mde_failure f = mde_credential_from_pem(
      c, strlen(c), k, k ? strlen(k) : 0, pass, &cred, err, sizeof(err));
  if (f != MDE_FAIL_NONE)
    fail_msg("%s", err);
  return cred;
}

/* The DER of the test certificate, hashed with `md`, base64url. */
static char *cert_hash(const EVP_MD *md, int hex) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  unsigned char *der = NULL;
  int len = i2d_X509(cert, &der);
  EVP_Digest(der, (size_t)len, buf, &n, md, NULL);
  OPENSSL_free(der);
  if (!hex)
    return tk_b64(buf, n);
  char *out = malloc(2 * n + 1);
  for (unsigned i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02X", buf[i]);
  return out;
}

static void exposes_certificate_facts(void **state) {
  (void)state;
  struct mde_credential *c = load(cert_pem, key_pem, NULL);
  assert_int_equal(mde_credential_not_after(c), UNTIL);
  assert_int_equal(mde_credential_not_before(c), FROM);
  char *thumb = cert_hash(EVP_sha1(), 1);
  char *x5t = cert_hash(EVP_sha1(), 0);
  char *s256 = cert_hash(EVP_sha256(), 0);
  assert_string_equal(mde_credential_thumbprint(c), thumb);
  assert_int_equal(strlen(mde_credential_thumbprint(c)), 40);
  assert_string_equal(mde_credential_x5t(c), x5t);
  assert_int_equal(strlen(mde_credential_x5t(c)), 27);
  assert_string_equal(mde_credential_x5t_s256(c), s256);
  assert_int_equal(strlen(mde_credential_x5t_s256(c)), 43);
  free(thumb);
  free(x5t);
  free(s256);
  mde_credential_free(c);
  mde_credential_free(NULL);
}

/* Checks the signature of a decoded assertion with the test key. */
static int signature_ok(const struct mde_jwt *jwt, int pss) {
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pctx = NULL;
  EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key);
  if (pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  int ok = EVP_DigestVerify(md, jwt->sig, jwt->sig_len,
                            (unsigned char *)jwt->signing_input,
                            jwt->signing_input_len) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

static void check_claims(const struct mde_jwt *jwt, const char *aud) {
  assert_string_equal(mde_jwt_claim_string(jwt, "aud"), aud);
  assert_string_equal(mde_jwt_claim_string(jwt, "iss"), CID);
  assert_string_equal(mde_jwt_claim_string(jwt, "sub"), CID);
  time_t t = 0;
  assert_int_equal(mde_jwt_claim_time(jwt, "nbf", &t), 0);
  assert_int_equal(t, NOW);
  assert_int_equal(mde_jwt_claim_time(jwt, "exp", &t), 0);
  assert_int_equal(t, NOW + 600);
  const char *jti = mde_jwt_claim_string(jwt, "jti");
  assert_true(mde_is_guid(jti));
  assert_int_equal(jti[14], '4'); /* version 4 (random) */
  assert_non_null(strchr("89ab", jti[19]));
  /* exactly these six claims (MSAL sends no iat either) */
  assert_int_equal(cJSON_GetArraySize(jwt->claims), 6);
}

static void rs256_assertion_by_default(void **state) {
  (void)state;
  struct mde_credential *c = load(cert_pem, key_pem, NULL);
  char *url =
      mde_url_token("https://login.microsoftonline.com", TID, MDE_TOKEN_V2);
  char *a = NULL;
  char err[MDE_ERR_SIZE] = "";
  assert_int_equal(
      mde_assertion_sign(c, NULL, CID, url, NOW, &a, err, sizeof(err)),
      MDE_FAIL_NONE);
  struct mde_jwt jwt;
  assert_int_equal(mde_jwt_decode(a, strlen(a), &jwt, err, sizeof(err)),
                   MDE_FAIL_NONE);
  assert_string_equal(mde_jwt_header_string(&jwt, "alg"), "RS256");
  assert_string_equal(mde_jwt_header_string(&jwt, "typ"), "JWT");
  assert_string_equal(mde_jwt_header_string(&jwt, "x5t"),
                      mde_credential_x5t(c));
  assert_int_equal(cJSON_GetArraySize(jwt.header), 3);
  check_claims(&jwt, url);
  assert_true(signature_ok(&jwt, 0));
  assert_false(signature_ok(&jwt, 1));

  /* the JWT module's own RS256 check agrees, given the key by x5t */
  char *jwk = tk_jwk(key, "unused");
  char set[4096];
  snprintf(set, sizeof(set), "{\"keys\":[%s]}", jwk);
  struct mde_jwks *keys = NULL;
  assert_int_equal(mde_jwks_parse(set, strlen(set), &keys, NULL, 0),
                   MDE_FAIL_NONE);
  cJSON_AddStringToObject(jwt.header, "kid", "unused");
  assert_int_equal(mde_jwt_verify(&jwt, keys, NULL, err, sizeof(err)),
                   MDE_FAIL_NONE);
  mde_jwks_free(keys);
  free(jwk);

  /* a second assertion: same shape, new jti */
  char *b = NULL;
  assert_int_equal(mde_assertion_sign(c, NULL, CID, url, NOW, &b, NULL, 0),
                   MDE_FAIL_NONE);
  struct mde_jwt jwt2;
  assert_int_equal(mde_jwt_decode(b, strlen(b), &jwt2, NULL, 0), MDE_FAIL_NONE);
  assert_string_not_equal(mde_jwt_claim_string(&jwt, "jti"),
                          mde_jwt_claim_string(&jwt2, "jti"));
  mde_jwt_free(&jwt);
  mde_jwt_free(&jwt2);
  mde_assertion_free(a);
  mde_assertion_free(b);
  mde_assertion_free(NULL);
  free(url);
  mde_credential_free(c);
}

static void ps256_with_x5t_s256_and_x5c(void **state) {
  (void)state;
  struct mde_credential *c = load(cert_pem, key_pem, NULL);
  const char *url = "https://login.microsoftonline.us/" TID "/oauth2/token";
  const struct mde_assertion_opts opts = {MDE_ASSERTION_PS256, 1};
  char *a = NULL;
  assert_int_equal(mde_assertion_sign(c, &opts, CID, url, NOW, &a, NULL, 0),
                   MDE_FAIL_NONE);
  struct mde_jwt jwt;
  assert_int_equal(mde_jwt_decode(a, strlen(a), &jwt, NULL, 0), MDE_FAIL_NONE);
  assert_string_equal(mde_jwt_header_string(&jwt, "alg"), "PS256");
  assert_string_equal(mde_jwt_header_string(&jwt, "x5t#S256"),
                      mde_credential_x5t_s256(c));
  assert_null(mde_jwt_header_string(&jwt, "x5t"));
  const cJSON *x5c = cJSON_GetObjectItemCaseSensitive(jwt.header, "x5c");
  assert_int_equal(cJSON_GetArraySize(x5c), 1);
  unsigned char *der = NULL;
  int len = i2d_X509(cert, &der);
  char *b64 = malloc(((size_t)len + 2) / 3 * 4 + 1);
  EVP_EncodeBlock((unsigned char *)b64, der, len);
  assert_string_equal(cJSON_GetArrayItem(x5c, 0)->valuestring, b64);
  free(b64);
  OPENSSL_free(der);
  check_claims(&jwt, url);
  assert_true(signature_ok(&jwt, 1));
  assert_false(signature_ok(&jwt, 0));
  /* and the JWT module refuses PS256 as an access-token algorithm */
  assert_int_equal(mde_jwt_verify(&jwt, NULL, NULL, NULL, 0),
                   MDE_FAIL_TOKEN_INVALID);
  mde_jwt_free(&jwt);
  mde_assertion_free(a);
  mde_credential_free(c);
}

static void escapes_odd_client_ids_and_urls(void **state) {
  (void)state;
  struct mde_credential *c = load(cert_pem, key_pem, NULL);
  char *a = NULL;
  assert_int_equal(mde_assertion_sign(c, NULL, "a\"b\\c", "https://x/\"y\"",
                                      NOW, &a, NULL, 0),
                   MDE_FAIL_NONE);
  struct mde_jwt jwt;
  assert_int_equal(mde_jwt_decode(a, strlen(a), &jwt, NULL, 0), MDE_FAIL_NONE);
  assert_string_equal(mde_jwt_claim_string(&jwt, "iss"), "a\"b\\c");
  assert_string_equal(mde_jwt_claim_string(&jwt, "aud"), "https://x/\"y\"");
  mde_jwt_free(&jwt);
  mde_assertion_free(a);
  char err[MDE_ERR_SIZE] = "";
  a = (char *)"untouched";
  assert_int_equal(
      mde_assertion_sign(c, NULL, "", "https://x", NOW, &a, err, sizeof(err)),
      MDE_FAIL_INTERNAL);
  assert_null(a);
  assert_non_null(strstr(err, "client id"));
  assert_int_equal(mde_assertion_sign(c, NULL, CID, NULL, NOW, &a, NULL, 0),
                   MDE_FAIL_INTERNAL);
  assert_int_equal(mde_assertion_sign(NULL, NULL, CID, "u", NOW, &a, NULL, 0),
                   MDE_FAIL_INTERNAL);
  mde_credential_free(c);
}

static void pem_variants(void **state) {
  (void)state;
  /* one file with both; an encrypted key with its passphrase */
  size_t n = strlen(cert_pem) + strlen(key_pem) + 1;
  char *both = malloc(n);
  snprintf(both, n, "%s%s", key_pem, cert_pem);
  struct mde_credential *c = load(both, NULL, NULL);
  mde_credential_free(c);
  c = load(cert_pem, enc_key_pem, "s3cret pass");
  mde_credential_free(c);
  free(both);
}

static void refuses_unusable_credentials(void **state) {
  (void)state;
  char *other_pem = tk_key_pem(other, NULL);
  char *ec_pem = tk_cert_pem(ec_cert), *ec_key = tk_key_pem(ec, NULL);
  char *small_pem = tk_cert_pem(small_cert),
       *small_key = tk_key_pem(small, NULL);
  const struct {
    const char *cert, *key, *pass, *reason;
  } cases[] = {
      {cert_pem, enc_key_pem, "wrong", "no private key found"},
      {cert_pem, enc_key_pem, NULL, "no private key found"},
      {cert_pem, NULL, NULL, "no private key found"},
      {key_pem, key_pem, NULL, "no certificate found"},
      {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
       key_pem, NULL, "no certificate found"},
      {"garbage", "garbage", NULL, "no certificate found"},
      {cert_pem, other_pem, NULL, "does not match the certificate"},
      {ec_pem, ec_key, NULL, "the private key is EC, RS256/PS256 need RSA"},
      {small_pem, small_key, NULL, "RSA key of 1024 bits"},
      {"", key_pem, NULL, "empty"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_credential *c = (struct mde_credential *)&c;
    char err[MDE_ERR_SIZE] = "";
    enum mde_failure f = mde_credential_from_pem(
        cases[i].cert, strlen(cases[i].cert), cases[i].key,
        cases[i].key ? strlen(cases[i].key) : 0, cases[i].pass, &c, err,
        sizeof(err));
    if (f != MDE_FAIL_CREDENTIAL_UNUSABLE || !strstr(err, cases[i].reason))
      fail_msg("case %zu: got %s \"%s\"", i, mde_failure_name(f), err);
    assert_null(c);
  }
  free(other_pem);
  free(ec_pem);
  free(ec_key);
  free(small_pem);
  free(small_key);
}

static unsigned char *pkcs12_der(const char *pass, int *len) {
  PKCS12 *p12 = PKCS12_create(pass, "mde", key, cert, NULL, 0, 0, 0, 0, 0);
  unsigned char *der = NULL;
  *len = i2d_PKCS12(p12, &der);
  PKCS12_free(p12);
  return der;
}

static void pkcs12(void **state) {
  (void)state;
  int len = 0;
  unsigned char *der = pkcs12_der("p12 pass", &len);
  assert_true(len > 0);
  struct mde_credential *c = NULL;
  char err[MDE_ERR_SIZE] = "";
  assert_int_equal(mde_credential_from_pkcs12(der, (size_t)len, "p12 pass", &c,
                                              err, sizeof(err)),
                   MDE_FAIL_NONE);
  assert_int_equal(mde_credential_not_after(c), UNTIL);
  mde_credential_free(c);
  assert_int_equal(mde_credential_from_pkcs12(der, (size_t)len, "nope", &c, err,
                                              sizeof(err)),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "wrong password"));
  assert_null(c);
  assert_int_equal(mde_credential_from_pkcs12((unsigned char *)"junk", 4, NULL,
                                              &c, err, sizeof(err)),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "not a PKCS#12"));
  OPENSSL_free(der);

  der = pkcs12_der(NULL, &len); /* no password at all */
  assert_int_equal(
      mde_credential_from_pkcs12(der, (size_t)len, NULL, &c, err, sizeof(err)),
      MDE_FAIL_NONE);
  mde_credential_free(c);
  OPENSSL_free(der);
}

static char *write_file(const char *name, const void *data, size_t len) {
  char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
  sprintf(path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
  assert_int_equal(chmod(path, 0600), 0);
  return path;
}

/* The four credential files of a test (0600): certificate, key, both in
 * one PEM, PKCS#12 with password "pw"; names start with `prefix`. */
enum { F_CERT, F_KEY, F_BOTH, F_P12, N_FILES };
static void credential_files(const char *prefix, char *paths[N_FILES]) {
  static const char *const names[] = {"app.pem", "app.key", "both.pem",
                                      "app.p12"};
  size_t n = strlen(cert_pem) + strlen(key_pem) + 1;
  char *both = malloc(n);
  snprintf(both, n, "%s%s", cert_pem, key_pem);
  int len = 0;
  unsigned char *der = pkcs12_der("pw", &len);
  const void *data[] = {cert_pem, key_pem, both, der};
  size_t lens[] = {strlen(cert_pem), strlen(key_pem), strlen(both),
                   (size_t)len};
  for (int i = 0; i < N_FILES; i++) {
    char name[64];
    snprintf(name, sizeof name, "%s%s", prefix, names[i]);
    paths[i] = write_file(name, data[i], lens[i]);
  }
  free(both);
  OPENSSL_free(der);
}

static void drop_files(char *paths[N_FILES]) {
  for (int i = 0; i < N_FILES; i++) {
    unlink(paths[i]);
    free(paths[i]);
  }
}

/* Every file that holds the key follows the secret-file rule; the
 * certificate alone is public. */
static void key_files_are_secrets(void **state) {
  (void)state;
  char *f[N_FILES];
  credential_files("sec-", f);
  char *cp = f[F_CERT], *kp = f[F_KEY], *bp = f[F_BOTH], *pp = f[F_P12];
  struct mde_credential *c = NULL;
  char err[MDE_ERR_SIZE] = "";

  assert_int_equal(chmod(cp, 0644), 0); /* a certificate alone is public */
  assert_int_equal(mde_credential_load_pem(cp, kp, NULL, &c, err, sizeof err),
                   MDE_FAIL_NONE);
  mde_credential_free(c);
  assert_int_equal(mde_credential_check_files(cp, kp, NULL, err, sizeof err),
                   MDE_FAIL_NONE);

  static const struct {
    int which; /* 0 key, 1 cert+key, 2 PKCS#12 */
    mode_t mode;
    uid_t uid;
    const char *message;
  } bad[] = {
      {0, 0644, 0, "private key %s is accessible by other users (mode 0644)"},
      {0, 0604, 0, "private key %s is accessible by other users (mode 0604)"},
      {1, 0644, 0,
       "certificate and key file %s is accessible by other users (mode "
       "0644); run: chmod 600 %s"},
      {2, 0640 | 0004, 0, "PKCS#12 file %s is accessible by other users"},
      {0, 0600, 65534, "private key %s is owned by uid 65534"},
      {2, 0600, 65534, "PKCS#12 file %s is owned by uid 65534"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *p = bad[i].which == 0 ? kp : bad[i].which == 1 ? bp : pp;
    if (bad[i].uid && geteuid() != 0)
      continue; /* only root can give a file away */
    assert_int_equal(chmod(p, bad[i].mode), 0);
    assert_int_equal(chown(p, bad[i].uid ? bad[i].uid : geteuid(), -1), 0);
    enum mde_failure f =
        bad[i].which == 2
            ? mde_credential_load_pkcs12(p, "pw", &c, err, sizeof err)
            : mde_credential_load_pem(bad[i].which == 1 ? bp : cp,
                                      bad[i].which == 0 ? kp : NULL, NULL, &c,
                                      err, sizeof err);
    char want[600];
    snprintf(want, sizeof want, bad[i].message, p, p);
    if (f != MDE_FAIL_CREDENTIAL_UNUSABLE || c || !strstr(err, want))
      fail_msg("case %zu: %d \"%s\", want \"%s\"", i, f, err, want);
    /* the run-time check says the same without reading */
    assert_int_equal(mde_credential_check_files(bad[i].which == 1 ? bp : cp,
                                                bad[i].which == 0 ? kp : NULL,
                                                bad[i].which == 2 ? pp : NULL,
                                                err, sizeof err),
                     MDE_FAIL_CREDENTIAL_UNUSABLE);
    if (!strstr(err, want))
      fail_msg("check %zu: \"%s\", want \"%s\"", i, err, want);
    assert_int_equal(chmod(p, 0600), 0);
    assert_int_equal(chown(p, geteuid(), -1), 0);
  }

  /* a key path that is a FIFO: refused at once, no writer awaited */
  char fifo[300];
  snprintf(fifo, sizeof fifo, "%s/key.fifo", tmpdir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  assert_int_equal(mde_credential_load_pem(cp, fifo, NULL, &c, err, sizeof err),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "is not a regular file (a FIFO)"));
  assert_int_equal(mde_credential_load_pem(fifo, kp, NULL, &c, err, sizeof err),
                   MDE_FAIL_CREDENTIAL_UNUSABLE); /* the certificate too */
  assert_int_equal(mde_credential_load_pkcs12(fifo, "pw", &c, err, sizeof err),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_null(c);

  unlink(fifo);
  drop_files(f);
}

static void loads_files(void **state) {
  (void)state;
  char *f[N_FILES];
  credential_files("", f);
  char *cp = f[F_CERT], *kp = f[F_KEY], *bp = f[F_BOTH], *pp = f[F_P12];
  struct mde_credential *c = NULL;
  char err[MDE_ERR_SIZE] = "";
  assert_int_equal(mde_credential_load_pem(cp, kp, NULL, &c, err, sizeof(err)),
                   MDE_FAIL_NONE);
  mde_credential_free(c);
  assert_int_equal(
      mde_credential_load_pem(bp, NULL, NULL, &c, err, sizeof(err)),
      MDE_FAIL_NONE);
  mde_credential_free(c);
  assert_int_equal(mde_credential_load_pkcs12(pp, "pw", &c, err, sizeof(err)),
                   MDE_FAIL_NONE);
  mde_credential_free(c);

  /* failures name the file */
  assert_int_equal(
      mde_credential_load_pem(cp, NULL, NULL, &c, err, sizeof(err)),
      MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, cp));
  assert_non_null(strstr(err, "no private key found"));
  assert_int_equal(mde_credential_load_pem(cp, "/nonexistent/app.key", NULL, &c,
                                           err, sizeof(err)),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "cannot open private key /nonexistent/app.key"));
  assert_int_equal(
      mde_credential_load_pem(tmpdir, NULL, NULL, &c, err, sizeof(err)),
      MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "not a regular file"));
  assert_int_equal(mde_credential_load_pkcs12(pp, "bad", &c, err, sizeof(err)),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, pp));
  assert_int_equal(
      mde_credential_load_pkcs12(NULL, "bad", &c, err, sizeof(err)),
      MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_null(c);

  drop_files(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(exposes_certificate_facts),
      cmocka_unit_test(rs256_assertion_by_default),
      cmocka_unit_test(ps256_with_x5t_s256_and_x5c),
      cmocka_unit_test(escapes_odd_client_ids_and_urls),
      cmocka_unit_test(pem_variants),
      cmocka_unit_test(refuses_unusable_credentials),
      cmocka_unit_test(pkcs12),
      cmocka_unit_test(loads_files),
      cmocka_unit_test(key_files_are_secrets),
  };
  return cmocka_run_group_tests_name("assertion", tests, setup, teardown);
}
