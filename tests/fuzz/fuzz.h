/* SPDX-License-Identifier: MIT */
/* Helpers shared by the libFuzzer harnesses. A harness that finds a broken
 * promise (an invariant a header documents) calls fz_fail, which aborts so
 * libFuzzer saves the input as a crash. */
#ifndef MDE_FUZZ_H
#define MDE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fz_fail(...)                                                           \
  do {                                                                         \
    fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__);                      \
    fprintf(stderr, __VA_ARGS__);                                              \
    fputc('\n', stderr);                                                       \
    abort();                                                                   \
  } while (0)

#define fz_assert(cond)                                                        \
  do {                                                                         \
    if (!(cond))                                                               \
      fz_fail("invariant broken: %s", #cond);                                  \
  } while (0)

/* The input as a NUL-terminated string (an embedded NUL ends it early, as
 * it would for any caller that holds a C string). */
static inline char *fz_cstr(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s)
    abort();
  memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

/* Text that reaches a log line or a notification: NUL-terminated inside
 * its buffer and free of control characters. */
static inline void fz_assert_clean(const char *s, size_t size) {
  size_t n = strnlen(s, size);
  fz_assert(n < size);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
      fz_fail("control character 0x%02x at %zu in \"%s\"", (unsigned char)s[i],
              i, s);
}

#endif
