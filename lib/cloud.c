/* SPDX-License-Identifier: MIT */
/* Clouds and the URLs derived from them (see include/mde/cloud.h). The
 * table is the Defender for Endpoint "US Government" page: GCC keeps the
 * commercial login host, GCC High and DoD share the .us one. The public
 * API's default host is api.security.microsoft.com (2026); tokens are
 * still requested for https://api.securitycenter.microsoft.com, never for
 * the host called (a regional host as resource is AADSTS500011). */
#include "mde/cloud.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STS "https://sts.windows.net"
#define LOGIN_COM "https://login.microsoftonline.com"
#define LOGIN_US "https://login.microsoftonline.us"

static const struct mde_cloud clouds[MDE_CLOUD_COUNT_] = {
    {MDE_CLOUD_PUBLIC, "public", LOGIN_COM,
     "https://api.security.microsoft.com",
     "https://api.securitycenter.microsoft.com", STS,
     "https://graph.microsoft.com"},
    {MDE_CLOUD_GCC, "gcc", LOGIN_COM,
     "https://api-gcc.securitycenter.microsoft.us",
     "https://api-gcc.securitycenter.microsoft.us", STS,
     "https://graph.microsoft.com"},
    {MDE_CLOUD_GCC_HIGH, "gcc-high", LOGIN_US,
     "https://api-gov.securitycenter.microsoft.us",
     "https://api-gov.securitycenter.microsoft.us", STS,
     "https://graph.microsoft.us"},
    {MDE_CLOUD_DOD, "dod", LOGIN_US,
     "https://api-gov.securitycenter.microsoft.us",
     "https://api-gov.securitycenter.microsoft.us", STS,
     "https://dod-graph.microsoft.us"},
};

static const struct {
  const char *alias;
  enum mde_cloud_id id;
} aliases[] = {
    {"commercial", MDE_CLOUD_PUBLIC},
    {"global", MDE_CLOUD_PUBLIC},
    {"gcchigh", MDE_CLOUD_GCC_HIGH},
    {"usgov", MDE_CLOUD_GCC_HIGH},
};

/* Microsoft's "use a server closer to your geolocation" list. */
static const struct {
  const char *name, *api;
} regions[] = {
    {"us", "https://us.api.security.microsoft.com"},
    {"eu", "https://eu.api.security.microsoft.com"},
    {"uk", "https://uk.api.security.microsoft.com"},
    {"au", "https://au.api.security.microsoft.com"},
    {"swa", "https://swa.api.security.microsoft.com"},
    {"ina", "https://ina.api.security.microsoft.com"},
    {"aea", "https://aea.api.security.microsoft.com"},
};

#define PUBLIC_ONLY (1u << MDE_CLOUD_PUBLIC)
#define GOV (1u << MDE_CLOUD_GCC_HIGH | 1u << MDE_CLOUD_DOD)

/* The Defender API hosts of each cloud that a nextLink may lead to; '*'
 * stands for exactly one DNS label. */
static const struct {
  unsigned clouds;
  const char *pattern;
} api_hosts[] = {
    {PUBLIC_ONLY, "api.security.microsoft.com"},
    {PUBLIC_ONLY, "*.api.security.microsoft.com"},
    {PUBLIC_ONLY, "api.securitycenter.microsoft.com"},
    {PUBLIC_ONLY, "api-*.securitycenter.microsoft.com"},
    {1u << MDE_CLOUD_GCC, "api-gcc.securitycenter.microsoft.us"},
    {GOV, "api-gov.securitycenter.microsoft.us"},
};

const struct mde_cloud *mde_cloud_get(enum mde_cloud_id id) {
  return (unsigned)id < MDE_CLOUD_COUNT_ ? &clouds[id] : NULL;
}

/* Equal ignoring ASCII case, with '_' matching '-'. */
static int same_name(const char *a, const char *b) {
  for (;; a++, b++) {
    char x = *a == '_' ? '-' : (char)tolower((unsigned char)*a);
    char y = *b == '_' ? '-' : (char)tolower((unsigned char)*b);
    if (x != y)
      return 0;
    if (!x)
      return 1;
  }
}

const struct mde_cloud *mde_cloud_from_name(const char *name) {
  if (!name)
    return NULL;
  for (int i = 0; i < MDE_CLOUD_COUNT_; i++)
    if (same_name(name, clouds[i].name))
      return &clouds[i];
  for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
    if (same_name(name, aliases[i].alias))
      return &clouds[aliases[i].id];
  return NULL;
}

int mde_is_guid(const char *s) {
  static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  if (!s)
    return 0;
  for (size_t i = 0; i < sizeof(shape); i++) {
    if (shape[i] == '\0')
      return s[i] == '\0';
    if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
      return 0;
  }
  return 0;
}

/* Spelled out rather than isalnum(): the locale must not change a URL. */
static int unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

int mde_url_encode(struct mde_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
    int rc =
        unreserved(*p) ? mde_buf_append(b, p, 1) : mde_buf_append(b, esc, 3);
    if (rc != 0)
      return -1;
  }
  return 0;
}

/* Appends `login` without its trailing slashes. */
static int put_base(struct mde_buf *b, const char *login) {
  size_t n = strlen(login);
  while (n > 0 && login[n - 1] == '/')
    n--;
  return mde_buf_append(b, login, n);
}

/* {login}/{encoded tenant}{suffix}, or NULL. */
static char *login_url(const char *login, const char *tenant,
                       const char *suffix) {
  if (!login || !tenant)
    return NULL;
  struct mde_buf b;
  mde_buf_init(&b, 0);
  if (put_base(&b, login) != 0 || mde_buf_puts(&b, "/") != 0 ||
      mde_url_encode(&b, tenant) != 0 || mde_buf_puts(&b, suffix) != 0) {
    mde_buf_free(&b);
    return NULL;
  }
  return mde_buf_steal(&b, NULL);
}

char *mde_url_token(const char *login, const char *tenant,
                    enum mde_token_version v) {
  return login_url(login, tenant,
                   v == MDE_TOKEN_V2 ? "/oauth2/v2.0/token" : "/oauth2/token");
}

char *mde_url_discovery(const char *login, const char *tenant,
                        enum mde_token_version v) {
  return login_url(login, tenant,
                   v == MDE_TOKEN_V2 ? "/v2.0/.well-known/openid-configuration"
                                     : "/.well-known/openid-configuration");
}

char *mde_url_jwks(const char *login, const char *tenant,
                   enum mde_token_version v) {
  if (v == MDE_TOKEN_V2)
    return login_url(login, tenant, "/discovery/v2.0/keys");
  return tenant ? login_url(login, "common", "/discovery/keys") : NULL;
}

char *mde_url_admin_consent(const char *login, const char *tenant,
                            const char *client_id) {
  if (!client_id)
    return NULL;
  char *base = login_url(login, tenant, "/adminconsent?client_id=");
  if (!base)
    return NULL;
  struct mde_buf b;
  mde_buf_init(&b, 0);
  int rc = mde_buf_puts(&b, base) == 0 ? mde_url_encode(&b, client_id) : -1;
  free(base);
  if (rc != 0) {
    mde_buf_free(&b);
    return NULL;
  }
  return mde_buf_steal(&b, NULL);
}

const char *mde_token_target_param(enum mde_token_version v) {
  return v == MDE_TOKEN_V2 ? "scope" : "resource";
}

/* No slash is removed before "/.default": for a resource that ends in '/'
 * Entra expects the doubled slash. */
char *mde_token_target(const char *resource, enum mde_token_version v) {
  if (!resource)
    return NULL;
  struct mde_buf b;
  mde_buf_init(&b, 0);
  if (mde_buf_puts(&b, resource) != 0 ||
      (v == MDE_TOKEN_V2 && mde_buf_puts(&b, "/.default") != 0)) {
    mde_buf_free(&b);
    return NULL;
  }
  return mde_buf_steal(&b, NULL);
}

char *mde_issuer_v1(const char *sts, const char *tid) {
  /* the issuer is compared byte for byte: the tenant goes in verbatim */
  if (!sts || !tid)
    return NULL;
  struct mde_buf b;
  mde_buf_init(&b, 0);
  if (put_base(&b, sts) != 0 || mde_buf_printf(&b, "/%s/", tid) != 0) {
    mde_buf_free(&b);
    return NULL;
  }
  return mde_buf_steal(&b, NULL);
}

char *mde_issuer_v2(const char *login, const char *tid) {
  if (!login || !tid)
    return NULL;
  struct mde_buf b;
  mde_buf_init(&b, 0);
  if (put_base(&b, login) != 0 || mde_buf_printf(&b, "/%s/v2.0", tid) != 0) {
    mde_buf_free(&b);
    return NULL;
  }
  return mde_buf_steal(&b, NULL);
}

const char *mde_cloud_region_api(const char *region) {
  for (size_t i = 0; region && i < sizeof regions / sizeof regions[0]; i++)
    if (strcasecmp(region, regions[i].name) == 0)
      return regions[i].api;
  return NULL;
}

void mde_cloud_region_list(char *buf, size_t size) {
  size_t used = 0;
  if (size == 0)
    return;
  buf[0] = '\0';
  for (size_t i = 0; i < sizeof regions / sizeof regions[0] && used < size;
       i++) {
    int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                     regions[i].name);
    if (n < 0)
      return;
    used += (size_t)n;
  }
}

/* An https URL's host (lowercase) and port (-1 when absent). Refuses user
 * info (its '@' is no host character), an empty or malformed port, and any
 * byte a DNS name or an IP literal does not have (a '%', a '\\', a space),
 * so that what is compared is what libcurl would connect to. Returns 0 or
 * -1. */
static int url_host(const char *url, char *host, size_t size, long *port) {
  static const char scheme[] = "https://";
  if (!url || strncasecmp(url, scheme, sizeof scheme - 1) != 0)
    return -1;
  const char *a = url + sizeof scheme - 1;
  size_t n = strcspn(a, "/?#");
  if (n == 0)
    return -1;
  const char *colon = NULL;
  size_t h = 0;
  if (a[0] == '[') { /* an IPv6 literal: only ever the configured host */
    const char *close = memchr(a, ']', n);
    if (!close)
      return -1;
    h = (size_t)(close - a) + 1;
    if (h < n && a[h] != ':')
      return -1;
  } else {
    while (h < n && a[h] != ':')
      h++;
    for (size_t i = 0; i < h; i++)
      if (!isalnum((unsigned char)a[i]) && a[i] != '-' && a[i] != '.')
        return -1;
  }
  if (h == 0 || h >= size)
    return -1;
  colon = h < n ? a + h : NULL;
  *port = -1;
  if (colon) {
    size_t digits = n - h - 1;
    if (digits == 0 || digits > 5)
      return -1;
    long p = 0;
    for (size_t i = 0; i < digits; i++) {
      if (!isdigit((unsigned char)colon[1 + i]))
        return -1;
      p = p * 10 + (colon[1 + i] - '0');
    }
    if (p < 1 || p > 65535)
      return -1;
    *port = p;
  }
  for (size_t i = 0; i < h; i++)
    host[i] = (char)tolower((unsigned char)a[i]);
  host[h] = '\0';
  return 0;
}

/* One DNS label: letters, digits and inner hyphens, 1 to 63 of them. */
static bool one_label(const char *s, size_t n) {
  if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
    return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '-')
      return false;
  return true;
}

static bool host_matches(const char *host, const char *pattern) {
  const char *star = strchr(pattern, '*');
  if (!star)
    return strcmp(host, pattern) == 0;
  size_t pre = (size_t)(star - pattern), post = strlen(star + 1);
  size_t n = strlen(host);
  return n > pre + post && strncmp(host, pattern, pre) == 0 &&
         strcmp(host + n - post, star + 1) == 0 &&
         one_label(host + pre, n - pre - post);
}

bool mde_cloud_next_link_allowed(const struct mde_cloud *cloud,
                                 const char *configured_api, const char *url) {
  char host[256], mine[256];
  long port, my_port = -1;
  if (url_host(url, host, sizeof host, &port) != 0)
    return false;
  const char *conf = configured_api ? configured_api : cloud ? cloud->api : 0;
  bool have_conf = conf && url_host(conf, mine, sizeof mine, &my_port) == 0;
  /* the configured API's port, or https' own */
  long want = my_port > 0 ? my_port : 443;
  if ((port > 0 ? port : 443) != want)
    return false;
  if (have_conf && strcmp(host, mine) == 0)
    return true;
  for (size_t i = 0; cloud && i < sizeof api_hosts / sizeof api_hosts[0]; i++)
    if ((api_hosts[i].clouds & (1u << cloud->id)) &&
        host_matches(host, api_hosts[i].pattern))
      return true;
  return false;
}
