/* SPDX-License-Identifier: MIT */
/* libcurl's memory, wiped when freed. libcurl copies what a request
 * carries — the Authorization header, a small POST body with the client
 * secret — into buffers of its own and frees them unwiped; a core or a
 * later heap read would find a replaced token there. Given to
 * curl_global_init_mem, these functions wipe every block libcurl frees or
 * outgrows. Only the first initialiser of libcurl in a process sets its
 * memory functions: in a collectd where another plugin initialised libcurl
 * first, libcurl's copies are not wiped (SECURITY.md). */
#ifndef MDE_WIPE_ALLOC_H
#define MDE_WIPE_ALLOC_H

#include <stddef.h>

void *mde_wipe_malloc(size_t n);
void mde_wipe_free(void *p);
void *mde_wipe_realloc(void *p, size_t n);
char *mde_wipe_strdup(const char *s);
void *mde_wipe_calloc(size_t n, size_t size);

#endif
