/* SPDX-License-Identifier: MIT */
/* Error envelopes: one fixture per AADSTS code of the spec's catalogue
 * (A.2.1), in the exact message form and the real envelope, then the
 * plain-text 429, the Defender API 403, the human fixes, and garbage. */
#include "mde/entra_error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TID "72f988bf-86f1-41af-91ab-2d7cd011db47"
#define CID "625bc9f6-3bf6-4b6d-94ba-e97cf07a22de"
#define TRACE "0000aaaa-11bb-cccc-dd22-eeeeee333333"
#define CORR "aaaa0000-bb11-2222-33cc-444444dddddd"
#define STAMP "2016-01-09 02:02:12Z"
#define TAIL                                                                   \
  "\\r\\nTrace ID: " TRACE "\\r\\nCorrelation ID: " CORR                       \
  "\\r\\nTimestamp: " STAMP
/* The envelope as Entra sends it (A.2), for one code and message. */
#define ENVELOPE(err, code, msg)                                               \
  "{\"error\":\"" err "\",\"error_description\":\"AADSTS" #code ": " msg TAIL  \
  "\",\"error_codes\":[" #code "],\"timestamp\":\"" STAMP                      \
  "\",\"trace_id\":\"" TRACE "\",\"correlation_id\":\"" CORR                   \
  "\",\"error_uri\":\"https://login.microsoftonline.com/error?code=" #code     \
  "\"}"

static const struct {
  int status;
  long code;
  enum mde_failure f;
  const char *error, *message, *body;
} catalogue[] = {
#define ROW(status, err, code, f, msg)                                         \
  { status, code, f, err, "AADSTS" #code ": " msg, ENVELOPE(err, code, msg) }
    ROW(400, "invalid_request", 900023, MDE_FAIL_TENANT_INVALID,
        "Specified tenant identifier 'contoso_com' is neither a valid DNS "
        "name, nor a valid external domain."),
    ROW(400, "invalid_tenant", 90002, MDE_FAIL_TENANT_NOT_FOUND,
        "Tenant 'contoso.onmicrosoft.com' not found. Check to make sure you "
        "have the correct tenant ID and are signing into the correct cloud. "
        "Check with your subscription administrator, this may happen if "
        "there are no active subscriptions for the tenant."),
    ROW(400, "invalid_tenant", 90002, MDE_FAIL_TENANT_NOT_FOUND,
        "Requested tenant identifier '00000000-0000-0000-0000-000000000000' "
        "is not valid. Tenant identifiers may not be an empty GUID."),
    ROW(400, "invalid_request", 9001023, MDE_FAIL_CONFIG,
        "The grant type isn't supported over the /common or /consumers "
        "endpoints. Please use the /organizations or tenant-specific "
        "endpoint."),
    ROW(400, "unauthorized_client", 700016, MDE_FAIL_APP_NOT_IN_TENANT,
        "Application with identifier '" CID "' was not found in the "
        "directory 'Default Directory'. This can happen if the application "
        "has not been installed by the administrator of the tenant or "
        "consented to by any user in the tenant. You may have sent your "
        "authentication request to the wrong tenant."),
    ROW(400, "unauthorized_client", 7000112, MDE_FAIL_APP_DISABLED,
        "Application '" CID "'(Contoso MDE Monitor) is disabled."),
    ROW(401, "invalid_client", 7000216, MDE_FAIL_SECRET_INVALID,
        "'client_assertion', 'client_secret' or 'request' is required for "
        "the 'client_credentials' grant type."),
    ROW(401, "invalid_client", 7000215, MDE_FAIL_SECRET_INVALID,
        "Invalid client secret provided. Ensure the secret being sent in the "
        "request is the client secret value, not the client secret ID, for a "
        "secret added to app '" CID "'."),
    ROW(401, "invalid_client", 7000222, MDE_FAIL_SECRET_EXPIRED,
        "The provided client secret keys for app '" CID "' are expired. "
        "Visit the Azure portal to create new keys for your app: "
        "https://aka.ms/NewClientSecret, or consider using certificate "
        "credentials for added security: https://aka.ms/certCreds."),
    ROW(401, "invalid_client", 7000222, MDE_FAIL_SECRET_EXPIRED,
        "The provided client secret keys are expired. Visit the Azure Portal "
        "to create new keys for your app, or consider using certificate "
        "credentials for added security: "
        "https://docs.microsoft.com/azure/active-directory/develop/"
        "active-directory-certificate-credentials"),
    ROW(401, "invalid_client", 700027, MDE_FAIL_CERTIFICATE_INVALID,
        "The certificate with identifier used to sign the client assertion "
        "is not registered on application. [Reason - The key was not found., "
        "Thumbprint of key used by client: "
        "'9A1F0D8E0C5B0E2C6D6B4C2A8F1E3D5C7B9A0F1E', Please visit the Azure "
        "Portal, Graph Explorer or directly use MS Graph to see configured "
        "keys for app Id '" CID "'. Review the documentation at "
        "https://docs.microsoft.com/en-us/graph/deployments to determine the "
        "corresponding service endpoint and "
        "https://docs.microsoft.com/en-us/graph/api/"
        "application-get?view=graph-rest-1.0&tabs=http to build a query "
        "request URL, such as "
        "'https://graph.microsoft.com/beta/applications/" CID "']"),
    ROW(401, "invalid_client", 700024, MDE_FAIL_CERTIFICATE_INVALID,
        "Client assertion is not within its valid time range. Current time: "
        "2024-10-02T22:05:03.6755165Z, assertion valid from "
        "1970-01-01T00:00:00.0000000Z, expiry time of assertion "
        "2024-10-02T21:30:53.0000000Z. Review the documentation at "
        "https://learn.microsoft.com/entra/identity-platform/"
        "certificate-credentials ."),
    ROW(400, "invalid_resource", 500011, MDE_FAIL_NOT_PROVISIONED,
        "The resource principal named "
        "https://api.securitycenter.microsoft.com was not found in the "
        "tenant named " TID ". This can happen if the application has not "
        "been installed by the administrator of the tenant or consented to "
        "by any user in the tenant. You might have sent your authentication "
        "request to the wrong tenant."),
    ROW(400, "invalid_scope", 1002012, MDE_FAIL_CONFIG,
        "The provided value for scope openid offline_access profile is not "
        "valid. Client credential flows must have a scope value with "
        "/.default suffixed to the resource identifier (application ID "
        "URI)."),
    ROW(400, "invalid_scope", 700022, MDE_FAIL_CONFIG,
        "The provided value for the input parameter scope is not valid "
        "because it contains more than one resource. Scope "
        "https://api.securitycenter.microsoft.com/.default "
        "https://graph.microsoft.com/.default is not valid."),
    ROW(400, "invalid_request", 901002, MDE_FAIL_CONFIG,
        "The 'resource' request parameter isn't supported."),
    ROW(400, "invalid_grant", 50196, MDE_FAIL_THROTTLED,
        "The server terminated an operation because it encountered a client "
        "request loop. Please contact your app vendor."),
    ROW(400, "invalid_scope", 70011, MDE_FAIL_CONFIG,
        "The provided value for the input parameter 'scope' isn't valid. The "
        "scope https://example.contoso.com/activity.read isn't valid."),
    ROW(400, "invalid_request", 900144, MDE_FAIL_CONFIG,
        "The request body must contain the following parameter: 'scope'."),
    ROW(401, "invalid_client", 7000218, MDE_FAIL_SECRET_INVALID,
        "The request body must contain the following parameter: "
        "'client_assertion' or 'client_secret'."),
    ROW(400, "invalid_grant", 65001, MDE_FAIL_CONSENT_REQUIRED,
        "DelegationDoesNotExist - The user or administrator hasn't consented "
        "to use the application with ID '" CID "'."),
    ROW(400, "invalid_client", 50048, MDE_FAIL_CERTIFICATE_INVALID,
        "Subject mismatches Issuer claim in the client assertion."),
    ROW(503, "temporarily_unavailable", 90033, MDE_FAIL_AUTH_SERVICE,
        "A transient error has occurred. Please try again."),
    ROW(400, "invalid_request", 123456, MDE_FAIL_AUTH_REJECTED,
        "Something new."),
    /* spec D.2: a national-cloud tenant asked on the public login host */
    ROW(400, "invalid_request", 900382, MDE_FAIL_CLOUD_MISMATCH,
        "Confidential Client is not supported in Cross Cloud request."),
    ROW(400, "invalid_request", 900432, MDE_FAIL_CLOUD_MISMATCH,
        "Confidential Client is not supported in Cross Cloud request."),
    /* no service principal: admin consent creates it */
    ROW(400, "unauthorized_client", 7000229, MDE_FAIL_APP_NOT_IN_TENANT,
        "The client application " CID " is missing service principal in the "
        "tenant " TID "."),
#undef ROW
};

static void classifies_the_catalogue(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++) {
    struct mde_entra_error e;
    enum mde_failure f = mde_entra_error_parse(
        catalogue[i].status, catalogue[i].body, strlen(catalogue[i].body), &e);
    if (f != catalogue[i].f || e.code != catalogue[i].code)
      fail_msg("AADSTS%ld: got %s/%ld", catalogue[i].code, mde_failure_name(f),
               e.code);
    assert_int_equal(e.failure, f);
    assert_int_equal(e.http_status, catalogue[i].status);
    assert_int_equal(e.n_codes, 1);
    assert_int_equal(e.codes[0], catalogue[i].code);
    assert_string_equal(e.error, catalogue[i].error);
    assert_string_equal(e.message, catalogue[i].message);
    assert_string_equal(e.trace_id, TRACE);
    assert_string_equal(e.correlation_id, CORR);
    assert_string_equal(e.timestamp, STAMP);
    char uri[128];
    snprintf(uri, sizeof(uri),
             "https://login.microsoftonline.com/error?code=%ld",
             catalogue[i].code);
    assert_string_equal(e.error_uri, uri);
    assert_int_equal(mde_entra_code_class(catalogue[i].code), catalogue[i].f);
  }
}

/* Fields gone but the description intact: details come from its tail and
 * the class from its AADSTS prefix. */
static void falls_back_to_the_description(void **state) {
  (void)state;
  static const char body[] =
      "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: "
      "The provided client secret keys for app '" CID "' are expired." TAIL
      "\"}";
  struct mde_entra_error e;
  assert_int_equal(mde_entra_error_parse(401, body, strlen(body), &e),
                   MDE_FAIL_SECRET_EXPIRED);
  assert_int_equal(e.code, 7000222);
  assert_string_equal(e.trace_id, TRACE);
  assert_string_equal(e.correlation_id, CORR);
  assert_string_equal(e.timestamp, STAMP);
  assert_string_equal(e.error_uri, "");
}

/* AADSTS70002 wraps the specific code: the first code we know wins. */
static void specific_code_beats_a_generic_one(void **state) {
  (void)state;
  static const struct {
    const char *body;
    enum mde_failure f;
    long code;
  } cases[] = {
      {"{\"error\":\"invalid_client\",\"error_description\":\"AADSTS70002: "
       "Error validating credentials. AADSTS50027: Invalid JWT token. No "
       "certificate thumbprint specified in token header." TAIL "\"}",
       MDE_FAIL_CERTIFICATE_INVALID, 50027},
      {"{\"error\":\"invalid_client\",\"error_description\":\"AADSTS70002: "
       "Error validating credentials. AADSTS50027: Invalid JWT token.\","
       "\"error_codes\":[70002,50027]}",
       MDE_FAIL_CERTIFICATE_INVALID, 50027},
      /* an unknown code alone: its `error` decides (see below) */
      {"{\"error\":\"invalid_client\",\"error_codes\":[70002]}",
       MDE_FAIL_SECRET_INVALID, 70002},
      {"{\"error\":\"invalid_request\",\"error_codes\":[70002]}",
       MDE_FAIL_AUTH_REJECTED, 70002},
      /* the array is authoritative over the text */
      {"{\"error\":\"x\",\"error_description\":\"AADSTS7000222: expired\","
       "\"error_codes\":[700016]}",
       MDE_FAIL_APP_NOT_IN_TENANT, 700016},
      /* junk entries in the array are skipped */
      {"{\"error\":\"x\",\"error_codes\":[\"7000222\",-1,1.5,null,90002]}",
       MDE_FAIL_TENANT_NOT_FOUND, 90002},
      /* every digit counts in a code read from the text */
      {"{\"error\":\"invalid_request\",\"error_description\":\"AADSTS90002: "
       "Tenant 'x' not found.\"}",
       MDE_FAIL_TENANT_NOT_FOUND, 90002},
      /* codes run from 1 to 999999999 */
      {"{\"error\":\"x\",\"error_codes\":[1]}", MDE_FAIL_AUTH_REJECTED, 1},
      {"{\"error\":\"x\",\"error_codes\":[1000000000,999999999]}",
       MDE_FAIL_AUTH_REJECTED, 999999999},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_entra_error e;
    assert_int_equal(
        mde_entra_error_parse(401, cases[i].body, strlen(cases[i].body), &e),
        cases[i].f);
    assert_int_equal(e.code, cases[i].code);
  }
}

/* Free text alone never decides a class: "expired" is not read, the
 * `error` field is. */
static void never_classifies_from_free_text(void **state) {
  (void)state;
  static const char body[] =
      "{\"error\":\"invalid_client\",\"error_description\":\"The provided "
      "client secret keys are expired.\"}";
  struct mde_entra_error e;
  assert_int_equal(mde_entra_error_parse(401, body, strlen(body), &e),
                   MDE_FAIL_SECRET_INVALID);
  assert_int_equal(e.code, 0);
  assert_string_equal(e.message,
                      "The provided client secret keys are expired.");
}

static void status_without_codes(void **state) {
  (void)state;
  static const struct {
    int status;
    const char *body;
    enum mde_failure f;
    const char *message;
  } cases[] = {
      {429, "Too Many Requests", MDE_FAIL_THROTTLED, "Too Many Requests"},
      {429, "", MDE_FAIL_THROTTLED, ""},
      {429, ENVELOPE("invalid_request", 90002, "x"), MDE_FAIL_THROTTLED,
       "AADSTS90002: x"},
      {503, "<html><body>Service Unavailable</body></html>",
       MDE_FAIL_AUTH_SERVICE, "<html><body>Service Unavailable</body></html>"},
      {500, NULL, MDE_FAIL_AUTH_SERVICE, ""},
      {400, "{\"error\":\"temporarily_unavailable\"}", MDE_FAIL_AUTH_SERVICE,
       ""},
      {400, "{\"error\":\"invalid_request\"}", MDE_FAIL_AUTH_REJECTED, ""},
      {400, "{\"error\":\"x\"}", MDE_FAIL_AUTH_REJECTED, ""},
      {400, "{\"error\":\"\"}", MDE_FAIL_PROTOCOL, ""},
      /* blanks are trimmed, down to nothing */
      {400, "{\"error\":\"x\",\"error_description\":\" \"}",
       MDE_FAIL_AUTH_REJECTED, ""},
      {400, "Bad Request\r\nmore", MDE_FAIL_PROTOCOL, "Bad Request"},
      {200, "{}", MDE_FAIL_PROTOCOL, ""},
      {400, "", MDE_FAIL_PROTOCOL, ""},
      {400, "{", MDE_FAIL_PROTOCOL, "{"},
      {400, "null", MDE_FAIL_PROTOCOL, "null"},
      {400, "[7000222]", MDE_FAIL_PROTOCOL, "[7000222]"},
      {400, "{\"error_codes\":\"7000222\"}", MDE_FAIL_PROTOCOL, ""},
      {400, "{\"error\":{\"code\":\"Forbidden\"}}", MDE_FAIL_PROTOCOL, ""},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_entra_error e;
    size_t len = cases[i].body ? strlen(cases[i].body) : 0;
    enum mde_failure f =
        mde_entra_error_parse(cases[i].status, cases[i].body, len, &e);
    if (f != cases[i].f)
      fail_msg("case %zu: got %s", i, mde_failure_name(f));
    assert_string_equal(e.message, cases[i].message);
  }
}

static void cleans_and_bounds_strings(void **state) {
  (void)state;
  /* control characters in a field, and a description longer than the
   * message buffer whose cut falls inside a two-byte character */
  size_t n = sizeof(((struct mde_entra_error *)0)->message) + 100;
  char *body = malloc(n + 200);
  assert_non_null(body);
  int k = sprintf(body, "{\"error\":\"bad\\u0007\\tvalue\",\"error_codes\":"
                        "[90002],\"error_description\":\"AADSTS90002: ");
  for (size_t i = 0; i < n; i += 2)
    memcpy(body + k + i, "\xc3\xa9", 2);
  strcpy(body + k + n, "\"}");
  struct mde_entra_error e;
  assert_int_equal(mde_entra_error_parse(400, body, strlen(body), &e),
                   MDE_FAIL_TENANT_NOT_FOUND);
  assert_string_equal(e.error, "bad  value");
  size_t m = strlen(e.message);
  assert_true(m < sizeof(e.message));
  assert_true((m - strlen("AADSTS90002: ")) % 2 == 0); /* whole chars */
  assert_int_equal((unsigned char)e.message[m - 1], 0xa9);
  /* too large to parse: status only */
  assert_int_equal(mde_entra_error_parse(401, body, MDE_ERROR_BODY_MAX + 1, &e),
                   MDE_FAIL_PROTOCOL);
  free(body);
}

#define FORBIDDEN                                                              \
  "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Missing application "      \
  "roles. API required roles: Machine.Read.All,Machine.ReadWrite.All, "        \
  "application roles: Machine.Isolate.\",\"target\":"                          \
  "\"43f4cb08-8fac-4b65-9db1-745c2ae65f3a\"}}"

static void api_403_names_the_roles(void **state) {
  (void)state;
  struct mde_api_error e;
  assert_int_equal(mde_api_error_parse(403, FORBIDDEN, strlen(FORBIDDEN), &e),
                   MDE_FAIL_PERMISSION_MISSING);
  assert_string_equal(e.code, "Forbidden");
  assert_string_equal(e.target, "43f4cb08-8fac-4b65-9db1-745c2ae65f3a");
  assert_int_equal(e.required_roles.n, 2);
  assert_string_equal(e.required_roles.v[0], "Machine.Read.All");
  assert_string_equal(e.required_roles.v[1], "Machine.ReadWrite.All");
  assert_int_equal(e.app_roles.n, 1);
  assert_string_equal(e.app_roles.v[0], "Machine.Isolate");
  mde_api_error_free(&e);
}

static void api_error_statuses(void **state) {
  (void)state;
  static const struct {
    int status;
    const char *body;
    enum mde_failure f;
    const char *code;
    size_t required, app;
  } cases[] = {
      /* the observed capture has no target */
      {403,
       "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Missing application "
       "roles. API required roles: Alert.Read.All,Alert.ReadWrite.All, "
       "application roles: .\"}}",
       MDE_FAIL_PERMISSION_MISSING, "Forbidden", 2, 0},
      {403,
       "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Missing application "
       "roles. API required roles: Score.Read.All.\"}}",
       MDE_FAIL_PERMISSION_MISSING, "Forbidden", 1, 0},
      {403, "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Forbidden\"}}",
       MDE_FAIL_PERMISSION_MISSING, "Forbidden", 0, 0},
      {403,
       "{\"error\":{\"code\":\"DisabledFeature\",\"message\":\"Tenant feature "
       "isn't enabled.\"}}",
       MDE_FAIL_NOT_PROVISIONED, "DisabledFeature", 0, 0},
      {401,
       "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"Unauthorized\"}}",
       MDE_FAIL_TOKEN_INVALID, "Unauthorized", 0, 0},
      {429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"x\"}}",
       MDE_FAIL_THROTTLED, "TooManyRequests", 0, 0},
      {500, "{\"error\":{\"code\":\"InternalServerError\"}}",
       MDE_FAIL_API_ERROR, "InternalServerError", 0, 0},
      {400,
       "{\"error\":{\"code\":\"ODataError\",\"message\":\"Invalid filter\"}}",
       MDE_FAIL_API_ERROR, "ODataError", 0, 0},
      {502, "<html>Bad Gateway</html>", MDE_FAIL_API_ERROR, "", 0, 0},
      {403, "", MDE_FAIL_PERMISSION_MISSING, "", 0, 0},
      {403, "{\"error\":\"Forbidden\"}", MDE_FAIL_PERMISSION_MISSING, "", 0, 0},
      {200, "{\"value\":[]}", MDE_FAIL_PROTOCOL, "", 0, 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct mde_api_error e;
    enum mde_failure f = mde_api_error_parse(cases[i].status, cases[i].body,
                                             strlen(cases[i].body), &e);
    if (f != cases[i].f)
      fail_msg("case %zu: got %s", i, mde_failure_name(f));
    assert_string_equal(e.code, cases[i].code);
    assert_int_equal(e.required_roles.n, cases[i].required);
    assert_int_equal(e.app_roles.n, cases[i].app);
    mde_api_error_free(&e);
  }
}

static void fixes_name_what_to_do(void **state) {
  (void)state;
  const struct mde_fix_ctx ctx = {
      .login = "https://login.microsoftonline.us",
      .tenant = "fabrikam.onmicrosoft.us",
      .client_id = CID,
      .resource = "https://api-gov.securitycenter.microsoft.us",
      .roles = "Alert.Read.All, Machine.Read.All",
  };
  static const struct {
    enum mde_failure f;
    long code;
    const char *want;
  } cases[] = {
      {MDE_FAIL_APP_NOT_IN_TENANT, 700016,
       "a tenant admin must grant admin consent: "
       "https://login.microsoftonline.us/"
       "fabrikam.onmicrosoft.us/adminconsent?client_id=" CID},
      {MDE_FAIL_CONSENT_REQUIRED, 65001, "/adminconsent?client_id=" CID},
      {MDE_FAIL_PERMISSION_MISSING, 0,
       "add Alert.Read.All, Machine.Read.All to app " CID},
      {MDE_FAIL_PERMISSION_MISSING, 0,
       "consent again: https://login.microsoftonline.us/"},
      {MDE_FAIL_SECRET_EXPIRED, 7000222,
       "create a new client secret for app " CID},
      {MDE_FAIL_SECRET_INVALID, 7000215, "Value (not its Secret ID)"},
      {MDE_FAIL_SECRET_INVALID, 7000216, "no credential was sent"},
      {MDE_FAIL_CERTIFICATE_INVALID, 700024, "clock"},
      {MDE_FAIL_CERTIFICATE_INVALID, 700027,
       "upload the configured certificate"},
      {MDE_FAIL_TENANT_NOT_FOUND, 90002, "'fabrikam.onmicrosoft.us'"},
      {MDE_FAIL_TENANT_INVALID, 900023, "GUID or a verified domain"},
      {MDE_FAIL_APP_DISABLED, 7000112, "enable the service principal"},
      {MDE_FAIL_NOT_PROVISIONED, 500011,
       "(https://api-gov.securitycenter.microsoft.us) is not provisioned in "
       "fabrikam.onmicrosoft.us, or the cloud is wrong: check the tenant's "
       "Defender licence and onboarding, and Cloud/Resource (collectd), "
       "--cloud (check_mde)"},
      {MDE_FAIL_NOT_PROVISIONED, 500011, "Defender licence and onboarding"},
      {MDE_FAIL_CLOUD_MISMATCH, 900382,
       "fabrikam.onmicrosoft.us is in another Microsoft cloud than "
       "https://login.microsoftonline.us: set Cloud (collectd) or --cloud "
       "(check_mde) to the tenant's cloud (gcc-high or dod) and use an app "
       "registration made in that cloud"},
      {MDE_FAIL_APP_NOT_IN_TENANT, 7000229,
       "admin consent: https://login.microsoftonline.us/"
       "fabrikam.onmicrosoft.us/adminconsent?client_id=" CID},
      {MDE_FAIL_SECRET_INVALID, 7999999,
       "Entra refused the client secret of app " CID},
      {MDE_FAIL_TOKEN_OPAQUE, 0, "not a JWT"},
      {MDE_FAIL_TOKEN_OPAQUE, 0, "the Defender API's answer decides"},
      {MDE_FAIL_CONFIG, 1002012,
       "https://api-gov.securitycenter.microsoft.us/.default"},
      {MDE_FAIL_CONFIG, 9001023, "not /common"},
      {MDE_FAIL_CONFIG, 901002, "scope, not resource"},
      {MDE_FAIL_THROTTLED, 50196, "request loop"},
      {MDE_FAIL_THROTTLED, 0, "Retry-After"},
      {MDE_FAIL_AUTH_REJECTED, 123456,
       "https://login.microsoftonline.us/error?code=123456"},
      {MDE_FAIL_NONE, 0, "no action needed"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *fix = mde_failure_fix(cases[i].f, cases[i].code, &ctx);
    assert_non_null(fix);
    if (!strstr(fix, cases[i].want))
      fail_msg("%s: \"%s\" lacks \"%s\"", mde_failure_name(cases[i].f), fix,
               cases[i].want);
    assert_null(strpbrk(fix, "\r\n"));
    free(fix);
  }
  /* every class has a fix, with or without context */
  for (int f = 0; f < MDE_FAIL_COUNT_; f++) {
    char *fix = mde_failure_fix((enum mde_failure)f, 0, NULL);
    assert_non_null(fix);
    assert_true(strlen(fix) > 10);
    free(fix);
  }
  char *fix = mde_failure_fix(MDE_FAIL_APP_NOT_IN_TENANT, 700016, NULL);
  assert_non_null(strstr(fix, "https://login.microsoftonline.com/%7Btenant%7D/"
                              "adminconsent?client_id=%7Bclient-id%7D"));
  free(fix);
}

/* A code Microsoft invents tomorrow still says what to do: by `error`. */
static void unknown_codes_by_error_field(void **state) {
  (void)state;
  static const struct {
    int status;
    const char *error;
    enum mde_failure secret, certificate;
    const char *fix; /* part of the fix, for a secret tenant */
  } cases[] = {
      {400, "unauthorized_client", MDE_FAIL_APP_NOT_IN_TENANT,
       MDE_FAIL_APP_NOT_IN_TENANT,
       "admin consent: https://login.microsoftonline.com/" TID
       "/adminconsent?client_id=" CID},
      {401, "invalid_client", MDE_FAIL_SECRET_INVALID,
       MDE_FAIL_CERTIFICATE_INVALID, "Entra refused the client secret"},
      {400, "invalid_resource", MDE_FAIL_NOT_PROVISIONED,
       MDE_FAIL_NOT_PROVISIONED, "is not provisioned in " TID},
      {503, "temporarily_unavailable", MDE_FAIL_AUTH_SERVICE,
       MDE_FAIL_AUTH_SERVICE, "temporarily unavailable"},
      {400, "temporarily_unavailable", MDE_FAIL_AUTH_SERVICE,
       MDE_FAIL_AUTH_SERVICE, "temporarily unavailable"},
      {400, "invalid_scope", MDE_FAIL_CONFIG, MDE_FAIL_CONFIG, "malformed"},
      /* what neither the code nor the error explains */
      {400, "invalid_request", MDE_FAIL_AUTH_REJECTED, MDE_FAIL_AUTH_REJECTED,
       "look up AADSTS9999901"},
      {400, "invalid_grant", MDE_FAIL_AUTH_REJECTED, MDE_FAIL_AUTH_REJECTED,
       "look up AADSTS9999901"},
      {400, "Invalid_Client", MDE_FAIL_AUTH_REJECTED, MDE_FAIL_AUTH_REJECTED,
       "look up AADSTS9999901"},
      {500, "something_new", MDE_FAIL_AUTH_REJECTED, MDE_FAIL_AUTH_REJECTED,
       "look up AADSTS9999901"},
  };
  const struct mde_fix_ctx ctx = {.login = "https://login.microsoftonline.com",
                                  .tenant = TID,
                                  .client_id = CID};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"error\":\"%s\",\"error_description\":\"AADSTS9999901: "
             "A message never seen before." TAIL "\",\"error_codes\":"
             "[9999901],\"trace_id\":\"" TRACE "\"}",
             cases[i].error);
    struct mde_entra_error e;
    enum mde_failure f =
        mde_entra_error_parse(cases[i].status, body, strlen(body), &e);
    if (f != cases[i].secret)
      fail_msg("%s: got %s", cases[i].error, mde_failure_name(f));
    assert_int_equal(e.code, 9999901); /* the code is still reported */
    assert_string_equal(e.trace_id, TRACE);
    f = mde_entra_error_parse_for(cases[i].status, body, strlen(body), 1, &e);
    if (f != cases[i].certificate)
      fail_msg("%s (certificate): got %s", cases[i].error, mde_failure_name(f));
    assert_int_equal(mde_entra_error_class(cases[i].error, 0), cases[i].secret);
    mde_entra_error_parse(cases[i].status, body, strlen(body), &e);
    char *fix = mde_entra_error_fix(&e, &ctx);
    assert_non_null(fix);
    if (!strstr(fix, cases[i].fix))
      fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].error, fix, cases[i].fix);
    free(fix);
  }
  /* a known code beats its `error`: 7000222 is expiry, not "the secret" */
  static const char expired[] = ENVELOPE("unauthorized_client", 7000222, "x");
  struct mde_entra_error e;
  assert_int_equal(mde_entra_error_parse(401, expired, strlen(expired), &e),
                   MDE_FAIL_SECRET_EXPIRED);
  assert_int_equal(mde_entra_error_class(NULL, 0), MDE_FAIL_AUTH_REJECTED);
}

/* Each front end names its own option; without one, both are named. */
static void fixes_speak_the_front_ends_language(void **state) {
  (void)state;
  static const struct {
    enum mde_front_end front;
    enum mde_failure f;
    const char *want, *not ;
  } cases[] = {
      {MDE_FRONT_PLUGIN, MDE_FAIL_CLOUD_MISMATCH, "set Cloud to", "--cloud"},
      {MDE_FRONT_CHECK, MDE_FAIL_CLOUD_MISMATCH, "set --cloud to", "Cloud "},
      {MDE_FRONT_ANY, MDE_FAIL_CLOUD_MISMATCH,
       "set Cloud (collectd) or --cloud (check_mde) to", NULL},
      {MDE_FRONT_PLUGIN, MDE_FAIL_NOT_PROVISIONED,
       "onboarding, and Cloud/Resource", "--cloud"},
      {MDE_FRONT_CHECK, MDE_FAIL_NOT_PROVISIONED, "onboarding, and --cloud",
       "Resource"},
      {(enum mde_front_end)7, MDE_FAIL_CLOUD_MISMATCH,
       "Cloud (collectd) or --cloud (check_mde)", NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct mde_fix_ctx ctx = {.tenant = "adatum.onmicrosoft.us",
                                    .login =
                                        "https://login.microsoftonline.com",
                                    .front = cases[i].front};
    char *fix = mde_failure_fix(cases[i].f, 0, &ctx);
    assert_non_null(fix);
    if (!strstr(fix, cases[i].want) ||
        (cases[i].not &&strstr(fix, cases[i].not )))
      fail_msg("row %zu: \"%s\"", i, fix);
    free(fix);
  }
}

static void fix_from_a_parsed_error(void **state) {
  (void)state;
  const char *body = catalogue[4].body; /* 700016 */
  struct mde_entra_error e;
  mde_entra_error_parse(400, body, strlen(body), &e);
  const struct mde_fix_ctx ctx = {.login = "https://login.microsoftonline.com",
                                  .tenant = TID,
                                  .client_id = CID};
  char *fix = mde_entra_error_fix(&e, &ctx);
  assert_non_null(strstr(fix, "https://login.microsoftonline.com/" TID
                              "/adminconsent?client_id=" CID));
  free(fix);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(classifies_the_catalogue),
      cmocka_unit_test(falls_back_to_the_description),
      cmocka_unit_test(specific_code_beats_a_generic_one),
      cmocka_unit_test(never_classifies_from_free_text),
      cmocka_unit_test(status_without_codes),
      cmocka_unit_test(cleans_and_bounds_strings),
      cmocka_unit_test(api_403_names_the_roles),
      cmocka_unit_test(api_error_statuses),
      cmocka_unit_test(fixes_name_what_to_do),
      cmocka_unit_test(fix_from_a_parsed_error),
      cmocka_unit_test(unknown_codes_by_error_field),
      cmocka_unit_test(fixes_speak_the_front_ends_language),
  };
  return cmocka_run_group_tests_name("entra_error", tests, NULL, NULL);
}
