/* SPDX-License-Identifier: MIT */
/* String-keyed hash map (open addressing, linear probing). Tenants are
 * looked up by GUID and by every verified domain on each request, and a
 * world may hold 10,000 of them, so lookups must not be linear. Keys are
 * copied; values are borrowed. */
#ifndef SIM_STRMAP_H
#define SIM_STRMAP_H

#include <stddef.h>

struct strmap_slot {
  char *key;
  void *value;
};

struct strmap {
  struct strmap_slot *slots;
  size_t cap; /* power of two */
  size_t len;
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
/* Inserts or replaces. Returns the previous value (NULL if none). */
void *strmap_put(struct strmap *m, const char *key, void *value);
void *strmap_get(const struct strmap *m, const char *key);

#endif
