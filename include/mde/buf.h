/* SPDX-License-Identifier: MIT */
/* A growable byte buffer with a hard cap. Responses from the network and
 * JSON we render both go through it, so one cap check guards every place
 * where a peer could make us allocate without bound. */
#ifndef MDE_BUF_H
#define MDE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct mde_buf {
  char *data; /* always NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
  size_t limit; /* 0 = no limit */
  int overflow; /* set once an append was refused by the limit */
};

void mde_buf_init(struct mde_buf *b, size_t limit);
void mde_buf_free(struct mde_buf *b);
/* Forgets the content, keeps the allocation. */
void mde_buf_reset(struct mde_buf *b);
/* Hands the content over to the caller (NUL-terminated, never NULL). */
char *mde_buf_steal(struct mde_buf *b, size_t *len);

/* All appends return 0, or -1 on allocation failure or when the limit
 * would be exceeded (then `overflow` is set and nothing is appended). */
int mde_buf_append(struct mde_buf *b, const void *data, size_t len);
int mde_buf_puts(struct mde_buf *b, const char *s);
int mde_buf_printf(struct mde_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int mde_buf_vprintf(struct mde_buf *b, const char *fmt, va_list ap);
/* Appends `s` as a JSON string literal, quotes included. */
int mde_buf_json_string(struct mde_buf *b, const char *s);

#endif
