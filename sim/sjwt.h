/* SPDX-License-Identifier: MIT */
/* The simulator's JWT code: it signs access tokens (RS256, as Entra does)
 * and verifies what clients send it (client assertions in RS256 or PS256,
 * bearer tokens). Written apart from libmde's verifier on purpose: a test
 * oracle that shares the client's code would share its bugs. */
#ifndef SIM_SJWT_H
#define SIM_SJWT_H

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#define SJWT_MAX_LEN 16384 /* longer tokens are refused before decoding */

enum sjwt_alg { SJWT_ALG_UNKNOWN, SJWT_RS256, SJWT_PS256 };

struct sjwt {
  cJSON *header;
  cJSON *claims;
  enum sjwt_alg alg;
  const char *signing_input; /* points into the token: "header.claims" */
  size_t signing_input_len;
  unsigned char *signature;
  size_t signature_len;
};

/* Splits and decodes. Returns 0, or -1 for anything that is not a
 * three-part base64url JWT with JSON object header and claims. */
int sjwt_decode(const char *token, struct sjwt *out);
void sjwt_free(struct sjwt *j);
/* Verifies the signature with the public key, for the token's alg. */
bool sjwt_verify(const struct sjwt *j, EVP_PKEY *key);

/* Signs header and claims (both JSON text) with RS256. Returns a malloc'd
 * compact JWT, or NULL. */
char *sjwt_sign_rs256(EVP_PKEY *key, const char *header_json,
                      const char *claims_json);

/* Signs as Microsoft Graph does: the header shown carries a `nonce`, the
 * header signed carries its hash, so no client can verify the token (and
 * must not try); only Graph (sim/graph.c, sjwt_verify_nonce) can.
 * `header_fmt` has one %s, the nonce's value. Returns a malloc'd JWT. */
char *sjwt_sign_rs256_nonce(EVP_PKEY *key, const char *header_fmt,
                            const char *nonce, const char *claims_json);
bool sjwt_verify_nonce(const struct sjwt *j, EVP_PKEY *key);

/* Claim helpers: the string, or NULL if absent or not a string. */
const char *sjwt_str(const cJSON *obj, const char *name);
/* A NumericDate claim; false if absent or not a number. */
bool sjwt_num(const cJSON *obj, const char *name, double *out);

#endif
