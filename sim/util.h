/* SPDX-License-Identifier: MIT */
/* Small helpers the simulator uses everywhere: clocks in the units the
 * services speak (Unix seconds, 100 ns ticks for 7-digit timestamps), GUIDs,
 * a seedable RNG, and the validators for tenant and client identifiers. */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TICKS_PER_SECOND INT64_C(10000000)

int64_t sim_now(void);       /* Unix seconds */
int64_t sim_now_ticks(void); /* 100 ns since the Unix epoch */

/* "2021-01-26T20:33:57.7220239Z" (29 bytes with NUL) */
void sim_format_ticks(int64_t ticks, char out[32]);
/* "2016-01-09 02:02:12Z", the token endpoint's timestamp form */
void sim_format_aad_time(int64_t unix_seconds, char out[32]);
/* Parses ISO-8601 UTC "YYYY-MM-DD[THH:MM[:SS[.fffffff]]]Z". Returns 0 and
 * 100 ns ticks, or -1. `len` bounds the input (not NUL-terminated). */
int sim_parse_iso_ticks(const char *s, size_t len, int64_t *ticks);

/* splitmix64: tiny, seedable, good enough for generated worlds. */
uint64_t sim_rng_next(uint64_t *state);
/* Uniform double in [0, 1). */
double sim_rng_unit(uint64_t *state);
/* An index drawn with relative `weights` (negative ones count as 0);
 * `fallback` when they are all 0. */
int sim_rng_pick(uint64_t *state, const double *weights, int n, int fallback);
/* The index of `s` in `names` (case-insensitive), or -1. */
int sim_enum_parse(const char *s, const char *const *names, int n);
/* A fresh random GUID from the OpenSSL RNG (lowercase, 36 chars + NUL). */
void sim_random_guid(char out[37]);
/* A deterministic GUID from a seed, for generated worlds. */
void sim_seeded_guid(uint64_t *state, char out[37]);

bool sim_is_guid(const char *s);
/* A syntactically valid DNS name: labels of [A-Za-z0-9-], dots between. */
bool sim_is_dns_name(const char *s);
/* What Entra accepts as a tenant in a path: a GUID, or a domain name with
 * at least one dot. Something GUID-shaped that is not a GUID (a group of
 * the wrong length) is neither. */
bool sim_is_tenant_name(const char *s);
/* An HTTP Host header: a DNS name or dotted IPv4 address, or [IPv6], with
 * an optional :port. Anything else (quotes, slashes, spaces) is refused
 * before it can reach a URL the simulator builds from it. */
bool sim_is_host_header(const char *s);
/* Strict standard base64 (RFC 4648 4, padded): a NUL-terminated copy of the
 * decoded bytes and their count, or NULL for anything else ("====", stray
 * characters, a length that is not a multiple of 4, more than 8 KiB). */
unsigned char *sim_base64_decode(const char *s, size_t *out_len);
/* "common", "organizations" or "consumers": multi-tenant authorities. */
bool sim_is_common_tenant(const char *s);
/* Copies `s` lowercased into out (size n); returns false if truncated. */
bool sim_lower_copy(char *out, size_t n, const char *s);

char *sim_strdup(const char *s); /* aborts on OOM: a simulator can't go on */
void *sim_xcalloc(size_t n, size_t size);
void *sim_xrealloc(void *p, size_t size);
/* Constant-time string equality (secrets are compared with this). */
bool sim_secret_equal(const char *a, const char *b);

#endif
