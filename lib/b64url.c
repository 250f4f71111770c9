/* SPDX-License-Identifier: MIT */
/* base64url codec for JWT segments. Strict on decode: a token that is not
 * canonical base64url is malformed, and we say so rather than guess. */
#include "mde/b64url.h"

#include <stdlib.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t mde_b64url_encoded_len(size_t len) {
  return len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
}

size_t mde_b64url_encode(const unsigned char *in, size_t len, char *out) {
  size_t o = 0, i = 0;
  for (; i + 3 <= len; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
    out[o++] = alphabet[v & 63];
  }
  if (len - i == 1) {
    unsigned v = (unsigned)in[i] << 16;
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
  } else if (len - i == 2) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
  }
  out[o] = '\0';
  return o;
}

char *mde_b64url_encode_alloc(const unsigned char *in, size_t len) {
  char *out = malloc(mde_b64url_encoded_len(len) + 1);
  if (out)
    mde_b64url_encode(in, len, out);
  return out;
}

static int value_of(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

unsigned char *mde_b64url_decode(const char *in, size_t len, size_t *out_len) {
  while (len > 0 && in[len - 1] == '=')
    len--;
  if (len % 4 == 1)
    return NULL;
  unsigned char *out = malloc(len / 4 * 3 + 3);
  if (!out)
    return NULL;
  size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    int v = value_of(in[i]);
    if (v < 0)
      goto fail;
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) /* leftover bits must be zero in a canonical encoding */
    goto fail;
  out[o] = '\0';
  if (out_len)
    *out_len = o;
  return out;
fail:
  free(out);
  return NULL;
}
