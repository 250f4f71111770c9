/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the nextLink rule (mde_cloud_next_link_allowed):
 * a link it allows is https, carries no user info, and names a Defender
 * API host of the tenant's cloud (or the configured one) — so the bearer
 * token that goes with it never leaves Microsoft's API hosts. */
#include "fuzz.h"
#include "mde/cloud.h"

#include <strings.h>

/* The host of an https:// URL, lower-cased, into out; false if none. */
static bool host_of(const char *url, char *out, size_t n) {
  if (strncasecmp(url, "https://", 8) != 0)
    return false;
  const char *h = url + 8;
  size_t len = strcspn(h, ":/?#");
  if (len == 0 || len >= n)
    return false;
  for (size_t i = 0; i < len; i++)
    out[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
  out[len] = '\0';
  return true;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *url = fz_cstr(data, size);
  static const char *const clouds[] = {"public", "gcc", "gcc-high", "dod"};
  static const char *const configured[] = {
      "https://api.security.microsoft.com", "https://127.0.0.1:8443",
      "https://api-gov.securitycenter.microsoft.us"};
  for (size_t c = 0; c < sizeof clouds / sizeof clouds[0]; c++) {
    const struct mde_cloud *cloud = mde_cloud_from_name(clouds[c]);
    for (size_t k = 0; k < sizeof configured / sizeof configured[0]; k++) {
      if (!mde_cloud_next_link_allowed(cloud, configured[k], url))
        continue;
      char host[256], mine[256];
      fz_assert(host_of(url, host, sizeof host));
      fz_assert(!strchr(url + 8, '@') ||
                strchr(url + 8, '@') > url + 8 + strcspn(url + 8, "/?#"));
      fz_assert(host_of(configured[k], mine, sizeof mine));
      fz_assert(strcmp(host, mine) == 0 ||
                ends_with(host, ".security.microsoft.com") ||
                ends_with(host, ".securitycenter.microsoft.com") ||
                ends_with(host, ".securitycenter.microsoft.us"));
    }
  }
  free(url);
  return 0;
}
