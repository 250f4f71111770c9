/* SPDX-License-Identifier: MIT */
/* base64url (RFC 4648 section 5) without padding, as JWTs use it. */
#ifndef MDE_B64URL_H
#define MDE_B64URL_H

#include <stddef.h>

/* Size of the encoding of `len` bytes, without the terminating NUL. */
size_t mde_b64url_encoded_len(size_t len);
/* Writes the encoding and a NUL into `out` (mde_b64url_encoded_len + 1
 * bytes). Returns the encoded length. */
size_t mde_b64url_encode(const unsigned char *in, size_t len, char *out);
/* Returns a malloc'd NUL-terminated encoding, or NULL. */
char *mde_b64url_encode_alloc(const unsigned char *in, size_t len);
/* Decodes `len` characters (padding '=' tolerated at the end only) into a
 * malloc'd buffer, NUL-terminated for convenience; `out_len` receives the
 * byte count. Returns NULL on any character outside the alphabet, on an
 * impossible length, or on non-zero trailing bits. */
unsigned char *mde_b64url_decode(const char *in, size_t len, size_t *out_len);

#endif
