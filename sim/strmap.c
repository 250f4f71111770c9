/* SPDX-License-Identifier: MIT */
/* Open-addressing string map; no deletion, since tenants and apps are
 * never removed from a running world (consent is revoked, not the tenant). */
#include "strmap.h"

#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s) {
  uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
  return h;
}

void strmap_init(struct strmap *m) { *m = (struct strmap){0}; }

void strmap_free(struct strmap *m) {
  for (size_t i = 0; i < m->cap; i++)
    free(m->slots[i].key);
  free(m->slots);
  *m = (struct strmap){0};
}

static struct strmap_slot *find(const struct strmap *m, const char *key) {
  size_t mask = m->cap - 1;
  for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
    struct strmap_slot *s = &m->slots[i];
    if (!s->key || strcmp(s->key, key) == 0)
      return s;
  }
}

static void grow(struct strmap *m) {
  struct strmap old = *m;
  m->cap = old.cap ? old.cap * 2 : 64;
  m->slots = sim_xcalloc(m->cap, sizeof *m->slots);
  for (size_t i = 0; i < old.cap; i++)
    if (old.slots[i].key)
      *find(m, old.slots[i].key) = old.slots[i];
  free(old.slots);
}

void *strmap_put(struct strmap *m, const char *key, void *value) {
  if ((m->len + 1) * 4 >= m->cap * 3) /* keep load under 3/4 */
    grow(m);
  struct strmap_slot *s = find(m, key);
  void *prev = s->value;
  if (!s->key) {
    s->key = sim_strdup(key);
    m->len++;
    prev = NULL;
  }
  s->value = value;
  return prev;
}

void *strmap_get(const struct strmap *m, const char *key) {
  if (!m->cap)
    return NULL;
  return find(m, key)->value;
}
