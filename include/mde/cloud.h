/* SPDX-License-Identifier: MIT */
/* Which Microsoft cloud a tenant lives in, and every URL or token-request
 * value derived from it: token, discovery and JWKS endpoints, the v1
 * `resource` / v2 `scope` value, the expected token issuers and the
 * admin-consent URL shown to humans. Builders take the login base as a
 * string rather than a cloud, so a configured endpoint override (or the
 * simulator) goes through the same code. */
#ifndef MDE_CLOUD_H
#define MDE_CLOUD_H

#include "mde/buf.h"

#include <stdbool.h>
#include <stddef.h>

enum mde_cloud_id {
  MDE_CLOUD_PUBLIC,
  MDE_CLOUD_GCC,
  MDE_CLOUD_GCC_HIGH,
  MDE_CLOUD_DOD,
  MDE_CLOUD_COUNT_
};

struct mde_cloud {
  enum mde_cloud_id id;
  const char *name;  /* "public", "gcc", "gcc-high", "dod" */
  const char *login; /* authority host, e.g. https://login.microsoftonline.us */
  const char *api;   /* Defender for Endpoint API base URL */
  const char *resource; /* what tokens are requested for (v1 resource) */
  const char *sts;      /* v1 issuer base: https://sts.windows.net */
  /* Microsoft Graph: the host, which is also what Graph tokens are
   * requested for (GCC uses the public Graph; spec D.4) */
  const char *graph;
};

enum mde_token_version { MDE_TOKEN_V1 = 1, MDE_TOKEN_V2 = 2 };

/* NULL for an out-of-range id. */
const struct mde_cloud *mde_cloud_get(enum mde_cloud_id id);
/* Case-insensitive; '_' and '-' are the same; also accepts the aliases
 * "commercial", "global", "gcchigh", "usgov" (GCC High). NULL if unknown. */
const struct mde_cloud *mde_cloud_from_name(const char *name);

/* The Defender API base URL of a public-cloud region, e.g. "eu" →
 * "https://eu.api.security.microsoft.com" (case-insensitive), or NULL for
 * a name that is not a region. Regions exist in the public cloud only. */
const char *mde_cloud_region_api(const char *region);
/* "us, eu, uk, au, swa, ina, aea" into `buf` (cut to fit), for errors. */
void mde_cloud_region_list(char *buf, size_t size);

/* Whether an @odata.nextLink may be followed with the bearer token: https
 * only, no user info, to the configured API host (`configured_api`, NULL:
 * the cloud's) or to another Defender API host of the same cloud (public:
 * api.security.microsoft.com, {label}.api.security.microsoft.com,
 * api.securitycenter.microsoft.com, api-{label}.securitycenter.microsoft
 * .com; US Government: that cloud's host), on the configured API's port
 * when it names one (else 443). Never anywhere else: the token is good for
 * every Defender host and must not leave them. */
bool mde_cloud_next_link_allowed(const struct mde_cloud *cloud,
                                 const char *configured_api, const char *url);

/* 1 if `s` is a GUID in 8-4-4-4-12 hex form, 0 otherwise. */
int mde_is_guid(const char *s);

/* Percent-encodes everything but RFC 3986 unreserved characters, which is
 * right for a path segment, a query value and a form body value alike.
 * Returns 0 or -1 (see mde_buf_append). */
int mde_url_encode(struct mde_buf *b, const char *s);

/* All builders below return a malloc'd string, or NULL when out of memory
 * or given NULL. `login` may end with '/'. `tenant` is encoded. */

/* {login}/{tenant}/oauth2/token or {login}/{tenant}/oauth2/v2.0/token */
char *mde_url_token(const char *login, const char *tenant,
                    enum mde_token_version v);
/* {login}/{tenant}/.well-known/openid-configuration (v1) or
 * {login}/{tenant}/v2.0/.well-known/openid-configuration (v2) */
char *mde_url_discovery(const char *login, const char *tenant,
                        enum mde_token_version v);
/* {login}/common/discovery/keys (v1: one key set for all tenants) or
 * {login}/{tenant}/discovery/v2.0/keys (v2) */
char *mde_url_jwks(const char *login, const char *tenant,
                   enum mde_token_version v);
/* {login}/{tenant}/adminconsent?client_id={client_id} */
char *mde_url_admin_consent(const char *login, const char *tenant,
                            const char *client_id);

/* The form parameter naming the target: "resource" (v1) or "scope" (v2). */
const char *mde_token_target_param(enum mde_token_version v);
/* Its value: the resource itself (v1) or "{resource}/.default" (v2). */
char *mde_token_target(const char *resource, enum mde_token_version v);

/* Expected `iss` of a v1 token: "{sts}/{tid}/"; of a v2 token:
 * "{login}/{tid}/v2.0". */
char *mde_issuer_v1(const char *sts, const char *tid);
char *mde_issuer_v2(const char *login, const char *tid);

#endif
