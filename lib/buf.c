/* SPDX-License-Identifier: MIT */
/* Growable, capped byte buffer (see include/mde/buf.h). */
#include "mde/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mde_buf_init(struct mde_buf *b, size_t limit) {
  *b = (struct mde_buf){.limit = limit};
}

void mde_buf_free(struct mde_buf *b) {
  free(b->data);
  *b = (struct mde_buf){.limit = b->limit};
}

void mde_buf_reset(struct mde_buf *b) {
  b->len = 0;
  b->overflow = 0;
  if (b->data)
    b->data[0] = '\0';
}

char *mde_buf_steal(struct mde_buf *b, size_t *len) {
  char *data = b->data ? b->data : calloc(1, 1);
  if (len)
    *len = b->data ? b->len : 0;
  *b = (struct mde_buf){.limit = b->limit};
  return data;
}

static int reserve(struct mde_buf *b, size_t extra) {
  if (b->limit && (extra > b->limit || b->len > b->limit - extra)) {
    b->overflow = 1;
    return -1;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  char *data = realloc(b->data, cap);
  if (!data)
    return -1;
  b->data = data;
  b->cap = cap;
  return 0;
}

int mde_buf_append(struct mde_buf *b, const void *data, size_t len) {
  if (reserve(b, len) != 0)
    return -1;
  if (len)
    memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return 0;
}

int mde_buf_puts(struct mde_buf *b, const char *s) {
  return mde_buf_append(b, s, strlen(s));
}

int mde_buf_vprintf(struct mde_buf *b, const char *fmt, va_list ap) {
  /* One pass when it fits in the spare capacity (the common case), a
   * second only after growing. */
  va_list copy;
  va_copy(copy, ap);
  size_t spare = b->cap > b->len ? b->cap - b->len : 0;
  int n = vsnprintf(spare ? b->data + b->len : NULL, spare, fmt, copy);
  va_end(copy);
  if (n < 0)
    return -1;
  if ((size_t)n < spare && (!b->limit || b->len + (size_t)n <= b->limit)) {
    b->len += (size_t)n;
    return 0;
  }
  if (b->data)
    b->data[b->len] = '\0'; /* undo the partial write */
  if (reserve(b, (size_t)n) != 0)
    return -1;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return 0;
}

int mde_buf_printf(struct mde_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = mde_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

int mde_buf_json_string(struct mde_buf *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  if (mde_buf_append(b, "\"", 1) != 0)
    return -1;
  const char *run = s;
  for (const char *p = s;; p++) {
    unsigned char c = (unsigned char)*p;
    if (c != '\0' && c != '"' && c != '\\' && c >= 0x20)
      continue;
    if (mde_buf_append(b, run, (size_t)(p - run)) != 0)
      return -1;
    if (c == '\0')
      break;
    char esc[7] = {'\\', (char)c, 0};
    size_t n = 2;
    if (c == '\n')
      esc[1] = 'n';
    else if (c == '\r')
      esc[1] = 'r';
    else if (c == '\t')
      esc[1] = 't';
    else if (c < 0x20) {
      memcpy(esc, "\\u00", 4);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      n = 6;
    }
    if (mde_buf_append(b, esc, n) != 0)
      return -1;
    run = p + 1;
  }
  return mde_buf_append(b, "\"", 1);
}
