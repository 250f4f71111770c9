/* Clouds and the URLs derived from them (see include/mde/cloud.h). The
 * table is the Defender for Endpoint "US Government" page: GCC keeps the
 * commercial login host, GCC High and DoD share the .us one. Tokens are
 * requested for the API's own base URL (never a regional host: that is
 * AADSTS500011). */
#include "mde/cloud.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define STS "https://sts.windows.net"
#define LOGIN_COM "https://login.microsoftonline.com"
#define LOGIN_US "https://login.microsoftonline.us"

static const struct mde_cloud clouds[MDE_CLOUD_COUNT_] = {
    {MDE_CLOUD_PUBLIC, "public", LOGIN_COM,
     "https://api.securitycenter.microsoft.com",
     "https://api.securitycenter.microsoft.com", STS},
    {MDE_CLOUD_GCC, "gcc", LOGIN_COM,
     "https://api-gcc.securitycenter.microsoft.us",
     "https://api-gcc.securitycenter.microsoft.us", STS},
    {MDE_CLOUD_GCC_HIGH, "gcc-high", LOGIN_US,
     "https://api-gov.securitycenter.microsoft.us",
     "https://api-gov.securitycenter.microsoft.us", STS},
    {MDE_CLOUD_DOD, "dod", LOGIN_US,
     "https://api-gov.securitycenter.microsoft.us",
     "https://api-gov.securitycenter.microsoft.us", STS},
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
