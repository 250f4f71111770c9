/* SPDX-License-Identifier: MIT */
/* The two error shapes clients meet. Entra: {error, error_description
 * "AADSTS<code>: <message>\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp:
 * …", error_codes, timestamp, trace_id, correlation_id, error_uri}; and its
 * plain-text 429. Defender: {"error":{"code","message","target"}}. */
#ifndef SIM_ERRORS_H
#define SIM_ERRORS_H

#include "http.h"
#include "world.h"

/* `codes[0]` prefixes the message; the rest only appear in error_codes.
 * The HTTP status may be overridden per code by the scenario. */
void sim_aad_error(const struct sim_world *w, const struct sim_req *rq,
                   struct sim_resp *rs, int status, const char *error,
                   const int *codes, int n_codes, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* AADSTS90002: the tenant does not exist (in this cloud). */
void sim_aad_tenant_not_found(const struct sim_world *w,
                              const struct sim_req *rq, struct sim_resp *rs,
                              const char *tenant);
/* Throttling at the token endpoint: plain text, as Entra's front end. */
void sim_aad_throttled(struct sim_resp *rs, int retry_after);
void sim_mde_error(struct sim_resp *rs, int status, const char *code,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
