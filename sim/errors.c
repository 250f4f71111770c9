/* SPDX-License-Identifier: MIT */
/* Error bodies in the services' own shapes (see errors.h). */
#include "errors.h"

#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Entra echoes a client's client-request-id as the correlation id. */
static void correlation_id(const struct sim_req *rq, char out[37]) {
  const char *id = sim_req_header(rq, "client-request-id");
  if (id && sim_is_guid(id))
    sim_lower_copy(out, 37, id);
  else
    sim_random_guid(out);
}

/* error_uri names the login host that was called. */
static const char *error_host(const struct sim_req *rq) {
  static const char *const hosts[] = {"login.microsoftonline.us",
                                      "login.windows.net"};
  for (size_t i = 0; rq->host && i < sizeof hosts / sizeof hosts[0]; i++)
    if (strncasecmp(rq->host, hosts[i], strlen(hosts[i])) == 0)
      return hosts[i];
  return "login.microsoftonline.com";
}

void sim_aad_error(const struct sim_world *w, const struct sim_req *rq,
                   struct sim_resp *rs, int status, const char *error,
                   const int *codes, int n_codes, const char *fmt, ...) {
  char message[2048], trace[37], corr[37], ts[32];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  sim_random_guid(trace);
  correlation_id(rq, corr);
  sim_format_aad_time(sim_now(), ts);

  struct mde_buf desc;
  mde_buf_init(&desc, 0);
  mde_buf_printf(&desc,
                 "AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\n"
                 "Timestamp: %s",
                 codes[0], message, trace, corr, ts);
  mde_buf_reset(&rs->body);
  struct mde_buf *b = &rs->body;
  mde_buf_puts(b, "{\"error\":");
  mde_buf_json_string(b, error);
  mde_buf_puts(b, ",\"error_description\":");
  mde_buf_json_string(b, desc.data);
  mde_buf_puts(b, ",\"error_codes\":[");
  for (int i = 0; i < n_codes; i++)
    mde_buf_printf(b, "%s%d", i ? "," : "", codes[i]);
  mde_buf_printf(b,
                 "],\"timestamp\":\"%s\",\"trace_id\":\"%s\","
                 "\"correlation_id\":\"%s\","
                 "\"error_uri\":\"https://%s/error?code=%d\"}",
                 ts, trace, corr, error_host(rq), codes[0]);
  mde_buf_free(&desc);
  sim_resp_json(rs, sim_status_for(w, codes[0], status));
  sim_resp_header(rs, "Cache-Control", "no-store, no-cache");
}

void sim_aad_tenant_not_found(const struct sim_world *w,
                              const struct sim_req *rq, struct sim_resp *rs,
                              const char *tenant) {
  sim_aad_error(w, rq, rs, 400, "invalid_tenant", (int[]){90002}, 1,
                "Tenant '%.200s' not found. Check to make sure you have the "
                "correct tenant ID and are signing into the correct cloud. "
                "Check with your subscription administrator, this may happen "
                "if there are no active subscriptions for the tenant.",
                tenant);
}

void sim_aad_throttled(struct sim_resp *rs, int retry_after) {
  char ra[16];
  snprintf(ra, sizeof ra, "%d", retry_after > 0 ? retry_after : 60);
  sim_resp_text(rs, 429, "Too Many Requests");
  sim_resp_header(rs, "Retry-After", ra);
}

void sim_mde_error(struct sim_resp *rs, int status, const char *code,
                   const char *fmt, ...) {
  char message[1024], target[37];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  sim_random_guid(target);
  mde_buf_reset(&rs->body);
  mde_buf_puts(&rs->body, "{\"error\":{\"code\":");
  mde_buf_json_string(&rs->body, code);
  mde_buf_puts(&rs->body, ",\"message\":");
  mde_buf_json_string(&rs->body, message);
  mde_buf_printf(&rs->body, ",\"target\":\"%s\"}}", target);
  sim_resp_json(rs, status);
}
