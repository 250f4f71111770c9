/* Entra's token-signing keys: RSA 2048 with a self-signed certificate
 * (published as x5c), kid = x5t = base64url(SHA-1 of the certificate).
 * Rotation keeps the previous key published for a grace period, as Entra
 * does, so tokens signed just before a rotation still verify. */
#ifndef SIM_KEYS_H
#define SIM_KEYS_H

#include <stdint.h>

#include <openssl/evp.h>

#include "mde/buf.h"

#define SIM_MAX_KEYS 4

struct sim_signing_key {
  EVP_PKEY *pkey;
  char kid[32];
  char *n_b64url, *e_b64url, *x5c_b64;
  int64_t retired_at; /* 0 while it is the current key */
};

struct sim_keys {
  struct sim_signing_key keys[SIM_MAX_KEYS]; /* keys[0] signs */
  int n;
};

int sim_keys_init(struct sim_keys *k);
void sim_keys_free(struct sim_keys *k);
/* A new current key; the old one stays published until `now + grace`
 * (grace 0: dropped at once). Returns 0 or -1. */
int sim_keys_rotate(struct sim_keys *k, int64_t now, int64_t grace);
/* Drops keys whose grace period has ended. */
void sim_keys_expire(struct sim_keys *k, int64_t now);
/* The published key with this kid, with a reference for the caller to
 * EVP_PKEY_free, or NULL. */
EVP_PKEY *sim_keys_get(const struct sim_keys *k, const char *kid);
/* {"keys":[...]}; `issuer` adds the v2 "issuer" member when non-NULL. */
int sim_keys_jwks(const struct sim_keys *k, const char *issuer,
                  struct mde_buf *out);

#endif
