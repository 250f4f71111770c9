/* SPDX-License-Identifier: MIT */
/* Memory functions for libcurl that wipe every block before giving it back
 * (see include/mde/wipe_alloc.h). */
#define _GNU_SOURCE
#include "mde/wipe_alloc.h"

#include <malloc.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

void mde_wipe_free(void *p) {
  if (!p)
    return;
  OPENSSL_cleanse(p, malloc_usable_size(p));
  free(p);
}

void *mde_wipe_malloc(size_t n) { return malloc(n); }

void *mde_wipe_calloc(size_t n, size_t size) { return calloc(n, size); }

/* Never lets the C library move a block: a moved block would be freed
 * without a wipe. Growing copies into a new block and wipes the old. */
void *mde_wipe_realloc(void *p, size_t n) {
  if (!p)
    return malloc(n);
  size_t have = malloc_usable_size(p);
  if (n <= have && n > 0)
    return p;
  void *q = malloc(n ? n : 1);
  if (!q)
    return NULL;
  memcpy(q, p, have < n ? have : n);
  mde_wipe_free(p);
  return q;
}

char *mde_wipe_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}
