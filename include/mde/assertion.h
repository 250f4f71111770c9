/* SPDX-License-Identifier: MIT */
/* Certificate credentials: a certificate and its RSA private key (PEM, or
 * PKCS#12), and the signed client assertion sent instead of a secret
 * (client_assertion_type=urn:ietf:params:oauth:client-assertion-type:
 * jwt-bearer). Defaults follow Entra's certificate-credentials page: RS256
 * with header `x5t` = base64url(SHA-1 of the certificate DER); PS256 with
 * `x5t#S256` is the option MSAL now prefers. Claims: aud = the token
 * endpoint URL, iss = sub = client id, jti = random GUID, nbf = now,
 * exp = now + 600. */
#ifndef MDE_ASSERTION_H
#define MDE_ASSERTION_H

#include "mde/failure.h"

#include <stddef.h>
#include <time.h>

/* Credential files larger than this are refused. */
#define MDE_CREDENTIAL_FILE_MAX (1024 * 1024)
#define MDE_ASSERTION_LIFETIME 600

struct mde_credential; /* opaque; holds the private key */

/* From PEM text. `key_pem` NULL: the key is in `cert_pem` too (one file
 * with both). `passphrase` decrypts an encrypted key; NULL: none (never
 * prompts). Returns MDE_FAIL_NONE, or MDE_FAIL_CREDENTIAL_UNUSABLE with the
 * reason (no certificate, no key, wrong passphrase, not RSA, key does not
 * match the certificate), or MDE_FAIL_INTERNAL. */
enum mde_failure mde_credential_from_pem(const char *cert_pem, size_t cert_len,
                                         const char *key_pem, size_t key_len,
                                         const char *passphrase,
                                         struct mde_credential **out, char *err,
                                         size_t err_size);
/* From PKCS#12 (DER) bytes; `password` NULL or "" for none. */
enum mde_failure mde_credential_from_pkcs12(const unsigned char *der,
                                            size_t len, const char *password,
                                            struct mde_credential **out,
                                            char *err, size_t err_size);
/* The same from files (read whole, capped, wiped after use); the reason
 * names the path. `key_path` NULL: the key is in the certificate file.
 * Files holding the key follow the secret-file rule (mde_secret_open: no
 * FIFO, not accessible by others, owned by us or root); a certificate file
 * alone is public and need only be a regular file. */
enum mde_failure mde_credential_load_pem(const char *cert_path,
                                         const char *key_path,
                                         const char *passphrase,
                                         struct mde_credential **out, char *err,
                                         size_t err_size);
enum mde_failure mde_credential_load_pkcs12(const char *path,
                                            const char *password,
                                            struct mde_credential **out,
                                            char *err, size_t err_size);
/* The files that hold the private key (the PKCS#12; ClientKey; or the
 * certificate file when there is no ClientKey) checked again under the
 * secret-file rule (include/mde/secret.h) without reading them: for a
 * credential loaded at start, so that a chmod o+r at run time is seen.
 * Returns MDE_FAIL_NONE, or MDE_FAIL_CREDENTIAL_UNUSABLE with the reason. */
enum mde_failure mde_credential_check_files(const char *cert_path,
                                            const char *key_path,
                                            const char *pkcs12_path, char *err,
                                            size_t err_size);
/* Frees the key with OpenSSL's own free (which clears it). NULL is fine. */
void mde_credential_free(struct mde_credential *c);

/* The certificate's notAfter / notBefore (for a credential-expiry metric). */
time_t mde_credential_not_after(const struct mde_credential *c);
time_t mde_credential_not_before(const struct mde_credential *c);
/* SHA-1 thumbprint in upper-case hex, as the Entra portal and AADSTS700027
 * show it (40 characters). */
const char *mde_credential_thumbprint(const struct mde_credential *c);
/* base64url SHA-1 / SHA-256 of the certificate DER (header x5t / x5t#S256). */
const char *mde_credential_x5t(const struct mde_credential *c);
const char *mde_credential_x5t_s256(const struct mde_credential *c);

enum mde_assertion_alg { MDE_ASSERTION_RS256 = 0, MDE_ASSERTION_PS256 };

struct mde_assertion_opts {
  enum mde_assertion_alg alg;
  int x5c; /* also send the certificate in header `x5c` (subject name +
              issuer authentication) */
};

/* Signs an assertion for `client_id` at `token_url` (the exact token
 * endpoint URL posted to). `opts` NULL: RS256, no x5c. On success *out is
 * the compact JWT (malloc'd; free with mde_assertion_free). Returns
 * MDE_FAIL_NONE or MDE_FAIL_INTERNAL with the reason. */
enum mde_failure mde_assertion_sign(const struct mde_credential *c,
                                    const struct mde_assertion_opts *opts,
                                    const char *client_id,
                                    const char *token_url, time_t now,
                                    char **out, char *err, size_t err_size);
/* Wipes and frees an assertion: for its ten minutes it is a credential. */
void mde_assertion_free(char *assertion);

#endif
