/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for what mde-sim reads from a request before any
 * credential is checked: the Host header (echoed into discovery documents
 * and nextLinks) and client_secret_basic's base64 ("Basic ====" once wrote
 * before its buffer). An accepted Host holds nothing that could close a JSON
 * string or leave a URL's authority; a decoded credential has the length
 * base64 promises and survives a round trip. */
#include "fuzz.h"
#include "util.h"

#include <openssl/evp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = fz_cstr(data, size);
  if (sim_is_host_header(s))
    for (const char *p = s; *p; p++)
      if (strchr("\"\\/?#@ \t\r\n{}", *p) || (unsigned char)*p < 0x20)
        fz_fail("host header \"%s\" accepted with 0x%02x", s,
                (unsigned char)*p);
  size_t n = 0;
  unsigned char *raw = sim_base64_decode(s, &n);
  if (raw) {
    size_t len = strlen(s);
    fz_assert(len % 4 == 0 && n <= len / 4 * 3 && n + 2 >= len / 4 * 3);
    fz_assert(raw[n] == '\0');
    /* encoding the bytes again decodes to the same bytes (the text may
     * differ only in pad bits a decoder ignores) */
    char *again = malloc(len + 1);
    if (!again)
      abort();
    EVP_EncodeBlock((unsigned char *)again, raw, (int)n);
    size_t m = 0;
    unsigned char *back = sim_base64_decode(again, &m);
    fz_assert(back && m == n && memcmp(back, raw, n) == 0);
    free(back);
    free(again);
    free(raw);
  }
  free(s);
  return 0;
}
