/* SPDX-License-Identifier: MIT */
/* OpenID discovery documents (v1 and v2) and the signing keys (JWKS),
 * with every endpoint pointing back at the host the client called, so a
 * client that follows discovery stays inside the simulator. */
#include "errors.h"
#include "handlers.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void sim_base_url(const struct sim_req *rq, char *out, size_t n) {
  snprintf(out, n, "https://%s", rq->host ? rq->host : "localhost");
}

/* Resolves the tenant segment (locked). Returns its GUID in `tid`, the
 * literal "{tenantid}" for /common, or answers 90002 and returns false. */
static bool resolve(struct sim_world *w, struct sim_req *rq,
                    struct sim_resp *rs, const char *segment, char tid[40],
                    struct sim_call *call) {
  if (sim_is_common_tenant(segment)) {
    snprintf(tid, 40, "{tenantid}");
    return true;
  }
  struct sim_tenant *t = sim_tenant_find(w, segment);
  if (!t || !(sim_host_clouds(rq->host) & (1u << t->cloud))) {
    sim_aad_tenant_not_found(w, rq, rs, segment);
    return false;
  }
  call->tenant = (int)t->index;
  snprintf(tid, 40, "%s", t->id);
  return true;
}

static void v2_document(struct mde_buf *b, const char *base, const char *seg,
                        const char *tid) {
  mde_buf_printf(
      b,
      "{\"token_endpoint\":\"%s/%s/oauth2/v2.0/token\","
      "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\","
      "\"private_key_jwt\",\"client_secret_basic\"],"
      "\"jwks_uri\":\"%s/%s/discovery/v2.0/keys\","
      "\"response_modes_supported\":[\"query\",\"fragment\",\"form_post\"],"
      "\"subject_types_supported\":[\"pairwise\"],"
      "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
      "\"response_types_supported\":[\"code\",\"id_token\",\"code "
      "id_token\",\"id_token token\"],"
      "\"scopes_supported\":[\"openid\",\"profile\",\"email\","
      "\"offline_access\"],"
      "\"issuer\":\"https://login.microsoftonline.com/%s/v2.0\","
      "\"request_uri_parameter_supported\":false,"
      "\"userinfo_endpoint\":\"https://graph.microsoft.com/oidc/userinfo\","
      "\"authorization_endpoint\":\"%s/%s/oauth2/v2.0/authorize\","
      "\"device_authorization_endpoint\":\"%s/%s/oauth2/v2.0/devicecode\","
      "\"http_logout_supported\":true,\"frontchannel_logout_supported\":true,"
      "\"end_session_endpoint\":\"%s/%s/oauth2/v2.0/logout\","
      "\"claims_supported\":[\"sub\",\"iss\",\"cloud_instance_name\","
      "\"cloud_instance_host_name\",\"cloud_graph_host_name\","
      "\"msgraph_host\",\"aud\",\"exp\",\"iat\",\"auth_time\",\"acr\","
      "\"nonce\",\"preferred_username\",\"name\",\"tid\",\"ver\","
      "\"at_hash\",\"c_hash\",\"email\"],"
      "\"kerberos_endpoint\":\"%s/%s/kerberos\","
      "\"tenant_region_scope\":null,"
      "\"cloud_instance_name\":\"microsoftonline.com\","
      "\"cloud_graph_host_name\":\"graph.windows.net\","
      "\"msgraph_host\":\"graph.microsoft.com\","
      "\"rbac_url\":\"https://pas.windows.net\"}",
      base, seg, base, seg, tid, base, seg, base, seg, base, seg, base, seg);
}

static void v1_document(struct mde_buf *b, const char *base, const char *seg,
                        const char *tid) {
  mde_buf_printf(
      b,
      "{\"token_endpoint\":\"%s/%s/oauth2/token\","
      "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\","
      "\"private_key_jwt\",\"client_secret_basic\"],"
      "\"jwks_uri\":\"%s/common/discovery/keys\","
      "\"response_modes_supported\":[\"query\",\"fragment\",\"form_post\"],"
      "\"subject_types_supported\":[\"pairwise\"],"
      "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
      "\"response_types_supported\":[\"code\",\"id_token\",\"code "
      "id_token\",\"token id_token\",\"token\"],"
      "\"scopes_supported\":[\"openid\"],"
      "\"issuer\":\"https://sts.windows.net/%s/\","
      "\"microsoft_multi_refresh_token\":true,"
      "\"authorization_endpoint\":\"%s/%s/oauth2/authorize\","
      "\"device_authorization_endpoint\":\"%s/%s/oauth2/devicecode\","
      "\"http_logout_supported\":true,\"frontchannel_logout_supported\":true,"
      "\"end_session_endpoint\":\"%s/%s/oauth2/logout\","
      "\"claims_supported\":[\"sub\",\"iss\",\"cloud_instance_name\","
      "\"cloud_instance_host_name\",\"cloud_graph_host_name\","
      "\"msgraph_host\",\"aud\",\"exp\",\"iat\",\"auth_time\",\"acr\","
      "\"amr\",\"nonce\",\"email\",\"given_name\",\"family_name\","
      "\"nickname\"],"
      "\"check_session_iframe\":\"%s/%s/oauth2/checksession\","
      "\"userinfo_endpoint\":\"%s/%s/openid/userinfo\","
      "\"kerberos_endpoint\":\"%s/%s/kerberos\","
      "\"tenant_region_scope\":null,"
      "\"cloud_instance_name\":\"microsoftonline.com\","
      "\"cloud_graph_host_name\":\"graph.windows.net\","
      "\"msgraph_host\":\"graph.microsoft.com\","
      "\"rbac_url\":\"https://pas.windows.net\"}",
      base, seg, base, tid, base, seg, base, seg, base, seg, base, seg, base,
      seg, base, seg);
}

void sim_discovery(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
                   const char *segment, int version, struct sim_call *call) {
  char tid[40], base[300];
  sim_base_url(rq, base, sizeof base);
  pthread_mutex_lock(&w->lock);
  bool ok = resolve(w, rq, rs, segment, tid, call);
  pthread_mutex_unlock(&w->lock);
  if (!ok)
    return;
  /* A named tenant's endpoints carry its GUID: this is how a client turns
   * a verified domain into the tenant id. */
  const char *seg = sim_is_common_tenant(segment) ? segment : tid;
  mde_buf_reset(&rs->body);
  if (version == 2)
    v2_document(&rs->body, base, seg, tid);
  else
    v1_document(&rs->body, base, seg, tid);
  sim_resp_json(rs, 200);
}

void sim_jwks(struct sim_world *w, struct sim_req *rq, struct sim_resp *rs,
              const char *segment, int version, struct sim_call *call) {
  char tid[40], issuer[128];
  pthread_mutex_lock(&w->lock);
  bool ok = resolve(w, rq, rs, segment, tid, call);
  if (ok) {
    sim_keys_expire(&w->keys, sim_now());
    snprintf(issuer, sizeof issuer, "https://login.microsoftonline.com/%s/v2.0",
             tid);
    mde_buf_reset(&rs->body);
    sim_keys_jwks(&w->keys, version == 2 ? issuer : NULL, &rs->body);
  }
  pthread_mutex_unlock(&w->lock);
  if (ok)
    sim_resp_json(rs, 200);
}
