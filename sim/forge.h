/* SPDX-License-Identifier: MIT */
/* A hostile Entra: when the scenario asks for it, the token endpoint hands
 * out forged access tokens, so tests can prove a client refuses each:
 * `alg: none`; HS256 keyed with the published RSA modulus (the classic
 * algorithm confusion); a signature by a key that is not published; a
 * genuine token of another tenant; a genuine token for another audience. */
#ifndef SIM_FORGE_H
#define SIM_FORGE_H

#include <openssl/evp.h>

enum sim_forge {
  FORGE_OFF,
  FORGE_ALG_NONE,
  FORGE_HS256,
  FORGE_UNKNOWN_KID,
  FORGE_OTHER_TID,
  FORGE_WRONG_AUD,
  FORGE_COUNT
};

extern const char *const sim_forge_names[FORGE_COUNT];
int sim_forge_parse(const char *name); /* -1 if unknown */

/* For FORGE_ALG_NONE, FORGE_HS256 and FORGE_UNKNOWN_KID: a token with
 * `claims_json` and a forged header/signature (malloc'd, or NULL). The
 * other two are genuine RS256 tokens with other claims: the caller signs
 * them. `n_b64url` is the published key's modulus. */
char *sim_forge_token(enum sim_forge how, const char *claims_json,
                      const char *n_b64url);

#endif
