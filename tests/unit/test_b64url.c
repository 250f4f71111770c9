/* SPDX-License-Identifier: MIT */
/* base64url: RFC 4648 test vectors, and rejection of non-canonical input. */
#include "mde/b64url.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct {
  const char *plain;
  const char *encoded;
} vectors[] = {
    {"", ""},
    {"f", "Zg"},
    {"fo", "Zm8"},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg"},
    {"fooba", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy"},
    {"\xfb\xff", "-_8"}, /* the two characters that differ from base64 */
};

static void encodes_rfc4648_vectors(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
    char *enc = mde_b64url_encode_alloc((const unsigned char *)vectors[i].plain,
                                        strlen(vectors[i].plain));
    assert_non_null(enc);
    assert_string_equal(enc, vectors[i].encoded);
    assert_int_equal(strlen(enc),
                     mde_b64url_encoded_len(strlen(vectors[i].plain)));
    free(enc);
  }
}

static void decodes_rfc4648_vectors(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
    size_t n = 99;
    unsigned char *dec =
        mde_b64url_decode(vectors[i].encoded, strlen(vectors[i].encoded), &n);
    assert_non_null(dec);
    assert_int_equal(n, strlen(vectors[i].plain));
    assert_memory_equal(dec, vectors[i].plain, n);
    free(dec);
  }
}

static void tolerates_trailing_padding(void **state) {
  (void)state;
  size_t n = 0;
  unsigned char *dec = mde_b64url_decode("Zm8=", 4, &n);
  assert_non_null(dec);
  assert_int_equal(n, 2);
  assert_memory_equal(dec, "fo", 2);
  free(dec);
}

static void rejects_garbage(void **state) {
  (void)state;
  const char *bad[] = {
      "Z",      /* impossible length */
      "Zm9v+A", /* '+' is base64, not base64url */
      "Zm/v",   /* '/' likewise */
      "Zh",     /* non-zero trailing bits: not canonical */
      "Zm 9v",  /* whitespace */
      "Zm=9v",  /* padding in the middle */
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    assert_null(mde_b64url_decode(bad[i], strlen(bad[i]), NULL));
}

static void round_trips_every_byte_value(void **state) {
  (void)state;
  unsigned char all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (unsigned char)i;
  for (size_t len = 0; len <= sizeof(all); len += 37) {
    char *enc = mde_b64url_encode_alloc(all, len);
    size_t n = 0;
    unsigned char *dec = mde_b64url_decode(enc, strlen(enc), &n);
    assert_non_null(dec);
    assert_int_equal(n, len);
    assert_memory_equal(dec, all, len);
    free(enc);
    free(dec);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(encodes_rfc4648_vectors),
      cmocka_unit_test(decodes_rfc4648_vectors),
      cmocka_unit_test(tolerates_trailing_padding),
      cmocka_unit_test(rejects_garbage),
      cmocka_unit_test(round_trips_every_byte_value),
  };
  return cmocka_run_group_tests_name("b64url", tests, NULL, NULL);
}
