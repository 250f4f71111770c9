/* SPDX-License-Identifier: MIT */
/* Error answers, turned into one failure class and the details Microsoft
 * support asks for:
 *  - the token endpoint's envelope (`error`, `error_description` =
 *    "AADSTS<code>: <message>\r\nTrace ID: ...\r\nCorrelation ID: ...\r\n
 *    Timestamp: ...", `error_codes`, `timestamp`, `trace_id`,
 *    `correlation_id`, `error_uri`), and its plain-text 429 body;
 *  - the Defender API's envelope {"error":{"code","message","target"}},
 *    including the roles named by a "Missing application roles" 403.
 * Classes come from the numeric codes (error_codes, else the AADSTS
 * prefixes), then the OAuth `error` field (for a code not in our table:
 * Microsoft renames and adds codes, the field stays), then the HTTP status;
 * never from the free text. Also builds the one-line fix shown to humans
 * for any failure class. */
#ifndef MDE_ENTRA_ERROR_H
#define MDE_ENTRA_ERROR_H

#include "mde/failure.h"
#include "mde/strlist.h"

#include <stddef.h>

/* Larger bodies are not parsed: classified by HTTP status alone. */
#define MDE_ERROR_BODY_MAX (64 * 1024)
#define MDE_ENTRA_CODES_MAX 8

struct mde_entra_error {
  enum mde_failure failure;
  int http_status;
  long code; /* the AADSTS code the class came from, else the first, else 0 */
  long codes[MDE_ENTRA_CODES_MAX]; /* error_codes (or AADSTS prefixes) */
  size_t n_codes;
  /* All strings below are NUL-terminated, "" when absent, stripped of
   * control characters, truncated on a UTF-8 boundary. */
  char error[64];     /* OAuth error, e.g. "invalid_client" */
  char message[1024]; /* first line of error_description (or body) */
  char trace_id[64];  /* from the field, else from the description */
  char correlation_id[64];
  char timestamp[40]; /* "2016-01-09 02:02:12Z" */
  char error_uri[256];
};

/* Fills `out` from a token-endpoint answer with `http_status` (the body
 * may be NULL or empty). Returns out->failure; never MDE_FAIL_NONE: a
 * body with nothing recognisable is MDE_FAIL_PROTOCOL. */
enum mde_failure mde_entra_error_parse(int http_status, const char *body,
                                       size_t len, struct mde_entra_error *out);
/* The same for a tenant whose credential is a certificate (`certificate`
 * 1): an unknown code under `invalid_client` is then certificate_invalid,
 * not secret_invalid. mde_entra_error_parse is this with 0. */
enum mde_failure mde_entra_error_parse_for(int http_status, const char *body,
                                           size_t len, int certificate,
                                           struct mde_entra_error *out);
/* The class an AADSTS code maps to, or MDE_FAIL_AUTH_REJECTED. */
enum mde_failure mde_entra_code_class(long code);
/* The class an OAuth `error` value maps to (unauthorized_client,
 * invalid_client, invalid_resource, invalid_scope, temporarily_unavailable),
 * or MDE_FAIL_AUTH_REJECTED. */
enum mde_failure mde_entra_error_class(const char *error, int certificate);

struct mde_api_error {
  enum mde_failure failure;
  int http_status;
  char code[64]; /* "Forbidden", "TooManyRequests", ... */
  char message[1024];
  char target[128]; /* the tracking id Microsoft support asks for */
  /* From "Missing application roles. API required roles: A,B, application
   * roles: C." The API wants any one of `required_roles`; `app_roles` are
   * the roles the token carried. Both empty if the message differs. */
  struct mde_strlist required_roles;
  struct mde_strlist app_roles;
};

/* Same contract as mde_entra_error_parse, for a Defender API answer. The
 * caller frees `out` with mde_api_error_free (also after a failure). */
enum mde_failure mde_api_error_parse(int http_status, const char *body,
                                     size_t len, struct mde_api_error *out);
void mde_api_error_free(struct mde_api_error *e);

/* mde_failure_fix(e->failure, e->code, ctx). */
char *mde_entra_error_fix(const struct mde_entra_error *e,
                          const struct mde_fix_ctx *ctx);

#endif
