/* SPDX-License-Identifier: MIT */
/* Access-token checks: decode a compact JWT, verify its RS256 signature
 * against the authority's key set, and check the claims the partner
 * depends on (tid, iss, aud, appid, exp/nbf with skew, roles). Each check
 * that fails says which one and why; missing roles are listed exactly.
 *
 * Only RS256 is accepted: `none`, HS256 (the public key used as an HMAC
 * secret) and anything else are refused before any key is touched, and a
 * `crit` header is refused since no extension is understood. */
#ifndef MDE_JWT_H
#define MDE_JWT_H

#include "mde/failure.h"
#include "mde/jwks.h"
#include "mde/strlist.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

/* Longer tokens are refused before decoding. */
#define MDE_JWT_MAX_LEN (64 * 1024)
#define MDE_JWT_DEFAULT_SKEW 300

struct mde_jwt {
  cJSON *header; /* JSON objects, owned */
  cJSON *claims;
  char *signing_input; /* "<header>.<payload>" as received */
  size_t signing_input_len;
  unsigned char *sig;
  size_t sig_len;
};

/* Strict decode: three base64url segments (no padding, no blanks), the
 * first two JSON objects without trailing bytes, the header with a string
 * `alg`. The signature segment may be empty (verification then fails).
 * Returns MDE_FAIL_NONE, MDE_FAIL_TOKEN_INVALID (reason in `err`) or
 * MDE_FAIL_INTERNAL; `out` is empty on failure. Free with mde_jwt_free. */
enum mde_failure mde_jwt_decode(const char *token, size_t len,
                                struct mde_jwt *out, char *err,
                                size_t err_size);
void mde_jwt_free(struct mde_jwt *jwt);

/* A string member of the header / claims, or NULL. */
const char *mde_jwt_header_string(const struct mde_jwt *jwt, const char *name);
const char *mde_jwt_claim_string(const struct mde_jwt *jwt, const char *name);
/* A numeric claim (NumericDate), truncated to whole seconds. 0 or -1. */
int mde_jwt_claim_time(const struct mde_jwt *jwt, const char *name,
                       time_t *out);
/* Appends the `roles` claim to `roles`. Returns 1 if the claim is present
 * and well formed, 0 if absent, -1 if malformed or out of memory. */
int mde_jwt_roles(const struct mde_jwt *jwt, struct mde_strlist *roles);

/* Verifies the RS256 signature with the key named by the header's `kid`.
 * Returns MDE_FAIL_NONE or MDE_FAIL_TOKEN_INVALID with the reason. Sets
 * *unknown_kid (if not NULL) to 1 when the kid is absent from `keys`, the
 * one case where fetching the key set again can help. */
enum mde_failure mde_jwt_verify(const struct mde_jwt *jwt,
                                const struct mde_jwks *keys, int *unknown_kid,
                                char *err, size_t err_size);

struct mde_jwt_expect {
  const char *tenant_id; /* `tid`, compared ignoring case; NULL: skip */
  const char *issuer;    /* `iss`, exact; NULL: skip */
  const char *audience;  /* `aud` (string or array), one trailing '/'
                            ignored; NULL: skip */
  const char *client_id; /* `appid` (v1) or `azp` (v2); NULL: skip */
  time_t now;
  /* Seconds allowed on exp/nbf. 0 (a zeroed struct) means
   * MDE_JWT_DEFAULT_SKEW; a negative value means none. */
  long skew;
  /* Roles the token must carry (compared ignoring ASCII case: the role
   * values' casing varies between Microsoft's own documents). */
  const struct mde_strlist *roles;
};

/* Checks tid, iss, aud, appid/azp, exp, nbf, then roles, and stops at the
 * first that fails: MDE_FAIL_TOKEN_INVALID for the first five,
 * MDE_FAIL_PERMISSION_MISSING for roles, with every missing role appended
 * to `missing` (may be NULL). MDE_FAIL_INTERNAL when out of memory. */
enum mde_failure mde_jwt_check_claims(const struct mde_jwt *jwt,
                                      const struct mde_jwt_expect *x,
                                      struct mde_strlist *missing, char *err,
                                      size_t err_size);

/* Everything about one token, for the engine. */
struct mde_jwt_result {
  enum mde_failure failure;
  int unknown_kid;                  /* refresh the key set and validate again */
  char reason[MDE_ERR_SIZE];        /* "" when valid */
  char tid[64];                     /* the token's tenant, "" if unknown */
  time_t exp;                       /* 0 if unknown */
  struct mde_strlist roles;         /* granted */
  struct mde_strlist missing_roles; /* required but not granted */
};

/* Decode, verify, check. Returns out->failure. Free `out` with
 * mde_jwt_result_free whatever the outcome. */
enum mde_failure mde_jwt_validate(const char *token, size_t len,
                                  const struct mde_jwks *keys,
                                  const struct mde_jwt_expect *x,
                                  struct mde_jwt_result *out);
void mde_jwt_result_free(struct mde_jwt_result *r);

#endif
