/* SPDX-License-Identifier: MIT */
/* Forged access tokens for hostile-peer tests (see forge.h). */
#include "forge.h"

#include "mde/b64url.h"
#include "mde/buf.h"
#include "sjwt.h"

#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const sim_forge_names[FORGE_COUNT] = {
    "off", "alg_none", "hs256", "unknown_kid", "other_tid", "wrong_aud"};

int sim_forge_parse(const char *name) {
  for (int i = 0; i < FORGE_COUNT; i++)
    if (strcasecmp(name, sim_forge_names[i]) == 0)
      return i;
  return -1;
}

static char *segment(const char *json) {
  return mde_b64url_encode_alloc((const unsigned char *)json, strlen(json));
}

char *sim_forge_token(enum sim_forge how, const char *claims_json,
                      const char *n_b64url) {
  if (how == FORGE_UNKNOWN_KID) { /* well signed, by a key nobody published */
    EVP_PKEY *rogue = EVP_RSA_gen(2048);
    char *t = rogue ? sjwt_sign_rs256(rogue,
                                      "{\"typ\":\"JWT\",\"alg\":\"RS256\","
                                      "\"kid\":\"forged-kid\"}",
                                      claims_json)
                    : NULL;
    EVP_PKEY_free(rogue);
    return t;
  }
  const char *header = how == FORGE_ALG_NONE
                           ? "{\"typ\":\"JWT\",\"alg\":\"none\"}"
                           : "{\"typ\":\"JWT\",\"alg\":\"HS256\"}";
  char *h = segment(header), *c = segment(claims_json);
  struct mde_buf b;
  mde_buf_init(&b, 0);
  mde_buf_printf(&b, "%s.%s.", h, c);
  if (how == FORGE_HS256) {
    unsigned char mac[32];
    unsigned int n = 0;
    HMAC(EVP_sha256(), n_b64url, (int)strlen(n_b64url),
         (const unsigned char *)b.data, b.len - 1, mac, &n);
    char *sig = mde_b64url_encode_alloc(mac, n);
    mde_buf_puts(&b, sig ? sig : "");
    free(sig);
  }
  free(h);
  free(c);
  return mde_buf_steal(&b, NULL);
}
