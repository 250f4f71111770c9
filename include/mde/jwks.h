/* SPDX-License-Identifier: MIT */
/* A JSON Web Key Set as Entra publishes it ({"keys":[{"kty":"RSA",
 * "use":"sig","kid":...,"x5t":...,"n":...,"e":...,"x5c":[...]}]}), turned
 * into OpenSSL public keys looked up by `kid`. Only RSA signing keys are
 * kept; the rest of the set is ignored, since the JWT check accepts RS256
 * alone. */
#ifndef MDE_JWKS_H
#define MDE_JWKS_H

#include "mde/failure.h"

#include <openssl/evp.h>
#include <stddef.h>

#define MDE_JWKS_BODY_MAX (512 * 1024)
/* A set with more entries than this is refused whole (Entra publishes a
 * handful). */
#define MDE_JWKS_MAX_KEYS 64
/* RSA moduli accepted, in bits. */
#define MDE_JWKS_MIN_BITS 2048
#define MDE_JWKS_MAX_BITS 8192

struct mde_jwks; /* opaque */

/* Parses `body` (`len` bytes). On success returns MDE_FAIL_NONE and a set
 * with at least one key in *out (free with mde_jwks_free). Otherwise
 * returns MDE_FAIL_PROTOCOL (reason in `err`) or MDE_FAIL_INTERNAL, and
 * *out is NULL. Entries that are not RSA signing keys are ignored; RSA
 * entries that are unusable (no kid, duplicate kid, bad n/e, modulus size
 * out of range) are skipped and counted. */
enum mde_failure mde_jwks_parse(const char *body, size_t len,
                                struct mde_jwks **out, char *err,
                                size_t err_size);
/* The key with this `kid`, owned by the set, or NULL. */
EVP_PKEY *mde_jwks_find(const struct mde_jwks *set, const char *kid);
size_t mde_jwks_count(const struct mde_jwks *set);
/* RSA signing entries that were skipped as unusable. */
size_t mde_jwks_skipped(const struct mde_jwks *set);
/* The kid of key `i` (0 <= i < count), for logging which keys were seen. */
const char *mde_jwks_kid(const struct mde_jwks *set, size_t i);
void mde_jwks_free(struct mde_jwks *set);

#endif
