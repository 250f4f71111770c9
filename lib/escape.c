/* SPDX-License-Identifier: MIT */
/* Escaping of untrusted text at the process's edges (see
 * include/mde/escape.h). */
#include "mde/escape.h"

#include <stdio.h>

/* The escaped form of one byte into out (at most 4 bytes + NUL); returns
 * its length. */
static size_t escape_byte(unsigned char c, unsigned flags, char out[5]) {
  if (c < 0x20 || c == 0x7f || (c == '|' && (flags & MDE_ESC_PIPE)))
    return (size_t)snprintf(out, 5, "\\x%02x", c);
  out[0] = (char)c;
  out[1] = '\0';
  return 1;
}

char *mde_escape(char *dst, size_t size, const char *src, unsigned flags) {
  if (!dst || size == 0)
    return dst;
  size_t o = 0;
  const unsigned char *s = (const unsigned char *)(src ? src : "");
  for (; *s; s++) {
    char e[5];
    size_t n = escape_byte(*s, flags, e);
    if (o + n >= size)
      break;
    for (size_t i = 0; i < n; i++)
      dst[o++] = e[i];
  }
  if ((*s & 0xc0) == 0x80) { /* cut inside a UTF-8 character: drop it */
    while (o > 0 && ((unsigned char)dst[o - 1] & 0xc0) == 0x80)
      o--;
    if (o > 0 && ((unsigned char)dst[o - 1] & 0xc0) == 0xc0)
      o--;
  }
  dst[o] = '\0';
  return dst;
}

void mde_escape_fputs(const char *src, unsigned flags, FILE *out) {
  const unsigned char *s = (const unsigned char *)(src ? src : "");
  for (; *s; s++) {
    char e[5];
    escape_byte(*s, flags, e);
    fputs(e, out);
  }
}
