/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for base64url: mde_b64url_decode on any text, and the
 * two round trips that make it canonical: whatever decodes re-encodes to
 * the same text (less its padding), and whatever is encoded decodes back
 * to the same bytes. */
#include "fuzz.h"
#include "mde/b64url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  size_t n = 0;
  unsigned char *raw = mde_b64url_decode(text, size, &n);
  if (raw) {
    fz_assert(raw[n] == '\0');
    char *again = mde_b64url_encode_alloc(raw, n);
    size_t unpadded = size;
    while (unpadded > 0 && text[unpadded - 1] == '=')
      unpadded--;
    fz_assert(again && strlen(again) == unpadded);
    fz_assert(memcmp(again, text, unpadded) == 0);
    free(again);
    free(raw);
  }

  char *enc = mde_b64url_encode_alloc(data, size);
  fz_assert(enc && strlen(enc) == mde_b64url_encoded_len(size));
  raw = mde_b64url_decode(enc, strlen(enc), &n);
  fz_assert(raw && n == size && (size == 0 || memcmp(raw, data, size) == 0));
  free(raw);
  free(enc);
  return 0;
}
