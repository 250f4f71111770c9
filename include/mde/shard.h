/* SPDX-License-Identifier: MIT */
/* One configuration for many hosts: `Shard "K/N"` keeps the tenants whose
 * stable hash of TenantId falls in shard K of N, so the same file deploys
 * to N collectd hosts. Jump consistent hashing (Lamping and Veach, 2014):
 * going from N to N+1 hosts moves about 1/(N+1) of the tenants, all of
 * them to the new host, where a plain modulo would move most of them. */
#ifndef MDE_SHARD_H
#define MDE_SHARD_H

#include <stdbool.h>
#include <stddef.h>

#define MDE_SHARD_MAX 65536 /* hosts */

struct mde_shard {
  unsigned k, n; /* shard k of n, 1 <= k <= n; n == 0: no sharding */
};

/* "K/N": digits only, 1 <= K <= N <= MDE_SHARD_MAX. Returns 0, or -1 with
 * why in err. */
int mde_shard_parse(const char *s, struct mde_shard *out, char *err,
                    size_t err_size);
/* The shard (1..n) of a tenant: its TenantId, case-insensitive (a domain
 * is written in any case, a GUID in either). */
unsigned mde_shard_of(const char *tenant_id, unsigned n);
/* Whether shard `s` keeps the tenant; every tenant when s->n == 0. */
bool mde_shard_keeps(const struct mde_shard *s, const char *tenant_id);

#endif
