/* SPDX-License-Identifier: MIT */
/* Tenant sharding (see include/mde/shard.h). */
#include "mde/shard.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Digits only, no sign or blank (strtoul would take " +3"). */
static int parse_count(const char *s, const char *end, unsigned *out) {
  if (s == end || end - s > 6)
    return -1;
  unsigned long v = 0;
  for (; s < end; s++) {
    if (!isdigit((unsigned char)*s))
      return -1;
    v = v * 10 + (unsigned long)(*s - '0');
  }
  *out = (unsigned)v;
  return 0;
}

int mde_shard_parse(const char *s, struct mde_shard *out, char *err,
                    size_t err_size) {
  const char *slash = s;
  while (*slash && *slash != '/')
    slash++;
  const char *end = slash;
  while (*end)
    end++;
  unsigned k, n;
  if (*slash != '/' || parse_count(s, slash, &k) != 0 ||
      parse_count(slash + 1, end, &n) != 0) {
    snprintf(err, err_size,
             "\"%s\" is not K/N (this host's shard K of N hosts, e.g. \"1/3\")",
             s);
    return -1;
  }
  if (n < 1 || n > MDE_SHARD_MAX || k < 1 || k > n) {
    snprintf(err, err_size, "\"%s\": K must be from 1 to N, and N from 1 to %d",
             s, MDE_SHARD_MAX);
    return -1;
  }
  *out = (struct mde_shard){k, n};
  return 0;
}

/* FNV-1a, 64 bits, over the lower-cased id: stable across hosts, builds
 * and versions (the assignment must never change under an upgrade). */
static uint64_t id_hash(const char *id) {
  uint64_t h = 14695981039346656037ull;
  for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
    h ^= (uint64_t)tolower(*p);
    h *= 1099511628211ull;
  }
  return h;
}

/* Jump consistent hash: the bucket in [0, n) of key. */
static unsigned jump(uint64_t key, unsigned n) {
  int64_t b = -1, j = 0;
  while (j < (int64_t)n) {
    b = j;
    key = key * 2862933555777941757ull + 1;
    j = (int64_t)((double)(b + 1) *
                  ((double)(1ll << 31) / (double)((key >> 33) + 1)));
  }
  return (unsigned)b;
}

unsigned mde_shard_of(const char *tenant_id, unsigned n) {
  return n ? jump(id_hash(tenant_id), n) + 1 : 1;
}

bool mde_shard_keeps(const struct mde_shard *s, const char *tenant_id) {
  return s->n == 0 || mde_shard_of(tenant_id, s->n) == s->k;
}
