/* SPDX-License-Identifier: MIT */
/* Entra's token-signing keys: RSA 2048 with a self-signed certificate
 * (published as x5c), kid = x5t = base64url(SHA-1 of the certificate).
 * As Entra does, the next key is published before it signs anything, so a
 * client's cached key set survives a rotation; and a rotated-out key stays
 * published for a grace period, so tokens it signed still verify. */
#ifndef SIM_KEYS_H
#define SIM_KEYS_H

#include "mde/buf.h"

#include <openssl/evp.h>
#include <stdint.h>

#define SIM_MAX_KEYS 5

struct sim_signing_key {
  EVP_PKEY *pkey;
  char kid[32];
  char *n_b64url, *e_b64url, *x5c_b64;
  int64_t retired_at; /* 0 while it is the current key */
};

struct sim_keys {
  /* keys[0] signs; keys[1] is the upcoming one (published, unused); the
   * rest are retired keys within their grace period. */
  struct sim_signing_key keys[SIM_MAX_KEYS];
  int n;
};

int sim_keys_init(struct sim_keys *k);
void sim_keys_free(struct sim_keys *k);
/* A new key for sim_keys_rotate, made apart from any sim_keys: an RSA 2048
 * generation takes about 0.2 s, so callers make it before they take the
 * world lock, not while every answer waits for it. Returns 0 or -1 (then
 * there is nothing to discard). */
int sim_keys_make(struct sim_signing_key *fresh);
/* Frees a key made by sim_keys_make that was never rotated in. */
void sim_keys_discard(struct sim_signing_key *fresh);
/* The upcoming key starts signing and `fresh` (from sim_keys_make; owned by
 * `k` from now on, and zeroed) is published as the next one; the old
 * current key stays published until `now + grace` (0: dropped at once). */
void sim_keys_rotate(struct sim_keys *k, struct sim_signing_key *fresh,
                     int64_t now, int64_t grace);
/* Drops keys whose grace period has ended. */
void sim_keys_expire(struct sim_keys *k, int64_t now);
/* The published key with this kid, with a reference for the caller to
 * EVP_PKEY_free, or NULL. */
EVP_PKEY *sim_keys_get(const struct sim_keys *k, const char *kid);
/* {"keys":[...]}; `issuer` adds the v2 "issuer" member when non-NULL. */
int sim_keys_jwks(const struct sim_keys *k, const char *issuer,
                  struct mde_buf *out);

#endif
