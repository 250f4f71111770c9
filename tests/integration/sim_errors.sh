#!/bin/bash
# SPDX-License-Identifier: MIT
# Every token-endpoint failure the issue names, asserted on HTTP status,
# `error`, `error_codes` and the message prefix, plus the envelope itself
# (Trace ID / Correlation ID / Timestamp lines, trace_id, error_uri) and
# the plain-text 429.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"

APP=11111111-2222-3333-4444-555555555555
RETIRED=99999999-8888-7777-6666-555555555555
CONTOSO=aaaaaaaa-0000-4000-8000-000000000001
MDE=https://api.securitycenter.microsoft.com
JWT_BEARER=urn:ietf:params:oauth:client-assertion-type:jwt-bearer

# expect NAME STATUS ERROR CODE MESSAGE_PREFIX -- curl args...
expect() {
  local name="$1" st="$2" err="$3" code="$4" prefix="$5"
  shift 6
  local body
  body=$(scurl "$@")
  local got
  got="$(status) $(jq -r '.error + " " + (.error_codes | map(tostring) | join(","))' <<<"$body" 2>/dev/null)"
  is "$got" "$st $err $code" "$name: HTTP $st, $err, [$code]"
  local msg
  msg=$(aad_message <<<"$body" 2>/dev/null)
  if [[ "$msg" == "AADSTS$code: $prefix"* ]]; then
    ok 0 "$name: message starts 'AADSTS$code: ${prefix:0:50}...'"
  else
    ok 1 "$name: message starts 'AADSTS$code: ${prefix:0:50}...'"
    echo "#   got: $msg"
  fi
}

v1() { echo "$LOGIN/$1/oauth2/token"; }
v2() { echo "$LOGIN/$1/oauth2/v2.0/token"; }
secret_v1=(-d grant_type=client_credentials -d "client_id=$APP" -d "resource=$MDE" -d client_secret=sim-secret-current)

expect "malformed tenant" 400 invalid_request 900023 \
  "Specified tenant identifier 'not_a_tenant' is neither a valid DNS name, nor a valid external domain." \
  -- "$(v1 not_a_tenant)" "${secret_v1[@]}"
expect "GUID with a short group" 400 invalid_request 900023 "Specified tenant identifier" \
  -- "$(v1 aaaaaaaa-0000-4000-8000-00000000001)" "${secret_v1[@]}"
expect "unknown tenant" 400 invalid_tenant 90002 "Tenant 'unknown.onmicrosoft.com' not found." \
  -- "$(v1 unknown.onmicrosoft.com)" "${secret_v1[@]}"
expect "empty GUID tenant" 400 invalid_tenant 90002 \
  "Requested tenant identifier '00000000-0000-0000-0000-000000000000' is not valid." \
  -- "$(v1 00000000-0000-0000-0000-000000000000)" "${secret_v1[@]}"
# spec D.2: a confidential client of the wrong cloud (AADSTS900382)
expect "gov tenant on the public cloud's host (v1)" 400 invalid_request 900382 \
  "Confidential Client is not supported in Cross Cloud request." \
  -- "$(v1 adatum.onmicrosoft.us)" "${secret_v1[@]}"
expect "gov tenant by GUID on login.windows.net (v2)" 400 invalid_request 900382 \
  "Confidential Client is not supported in Cross Cloud request." \
  -- "https://login.windows.net:$SIM_PORT/aaaaaaaa-0000-4000-8000-000000000007/oauth2/v2.0/token" \
  -d grant_type=client_credentials -d "client_id=$APP" -d "scope=$MDE/.default" -d client_secret=sim-secret-current
expect "public tenant on the US Government host" 400 invalid_tenant 90002 "Tenant 'contoso.onmicrosoft.com' not found." \
  -- "$LOGIN_US/contoso.onmicrosoft.com/oauth2/token" "${secret_v1[@]}"
expect "client credentials on /common" 400 invalid_request 9001023 \
  "The grant type isn't supported over the /common or /consumers endpoints." \
  -- "$(v2 common)" -d grant_type=client_credentials -d "client_id=$APP" -d "scope=$MDE/.default" -d client_secret=x
expect "app not in tenant (no consent)" 400 unauthorized_client 700016 \
  "Application with identifier '$APP' was not found in the directory 'northwind.onmicrosoft.com'." \
  -- "$(v1 northwind.onmicrosoft.com)" "${secret_v1[@]}"
expect "service principal disabled" 400 unauthorized_client 7000112 \
  "Application '$APP'(Contoso MSSP Monitor) is disabled." \
  -- "$(v1 wingtip.onmicrosoft.com)" "${secret_v1[@]}"
expect "app disabled" 400 unauthorized_client 7000112 "Application '$RETIRED'(Retired Integration) is disabled." \
  -- "$(v1 contoso.onmicrosoft.com)" -d grant_type=client_credentials -d "client_id=$RETIRED" \
  -d "resource=$MDE" -d client_secret=sim-secret-retired
expect "no credential" 401 invalid_client 7000216 \
  "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type." \
  -- "$(v1 contoso.onmicrosoft.com)" -d grant_type=client_credentials -d "client_id=$APP" -d "resource=$MDE"
expect "wrong secret" 401 invalid_client 7000215 \
  "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value" \
  -- "$(v1 contoso.onmicrosoft.com)" -d grant_type=client_credentials -d "client_id=$APP" -d "resource=$MDE" \
  -d client_secret=not-the-secret
expect "expired secret" 401 invalid_client 7000222 \
  "The provided client secret keys for app '$APP' are expired." \
  -- "$(v2 contoso.onmicrosoft.com)" -d grant_type=client_credentials -d "client_id=$APP" \
  -d "scope=$MDE/.default" -d client_secret=sim-secret-expired

aud="https://login.microsoftonline.com/$CONTOSO/oauth2/v2.0/token"
rogue=$(make_assertion "$MDE_CERTS/rogue.pem" "$MDE_CERTS/rogue.key" "$APP" "$aud")
expect "certificate not registered" 401 invalid_client 700027 \
  "The certificate with identifier used to sign the client assertion is not registered on application." \
  -- "$(v2 $CONTOSO)" -d grant_type=client_credentials -d "client_id=$APP" -d "scope=$MDE/.default" \
  -d "client_assertion_type=$JWT_BEARER" -d "client_assertion=$rogue"
thumb=$(openssl x509 -in "$MDE_CERTS/rogue.pem" -outform DER | openssl dgst -sha1 -binary | xxd -p -u | tr -d '\n')
like "$(aad_message <"$WORK/body")" "Thumbprint of key used by client: '$thumb'" "700027 names the client's SHA-1 thumbprint"
# A registered certificate's thumbprint, signed with another key.
forged=$(make_assertion "$MDE_CERTS/app1.pem" "$MDE_CERTS/rogue.key" "$APP" "$aud")
expect "assertion with a bad signature" 401 invalid_client 700027 "Client assertion failed signature validation." \
  -- "$(v2 $CONTOSO)" -d grant_type=client_credentials -d "client_id=$APP" -d "scope=$MDE/.default" \
  -d "client_assertion_type=$JWT_BEARER" -d "client_assertion=$forged"
old=$(( $(date +%s) - 7200 ))
stale=$(NBF=$old EXP=$((old + 600)) make_assertion "$MDE_CERTS/app1.pem" "$MDE_CERTS/app1.key" "$APP" "$aud")
expect "expired assertion" 401 invalid_client 700024 \
  "Client assertion is not within its valid time range. Current time: " \
  -- "$(v2 $CONTOSO)" -d grant_type=client_credentials -d "client_id=$APP" -d "scope=$MDE/.default" \
  -d "client_assertion_type=$JWT_BEARER" -d "client_assertion=$stale"
like "$(aad_message <"$WORK/body")" "assertion valid from [0-9-]+T[0-9:]+\.[0-9]{7}Z, expiry time of assertion" \
  "700024 gives the window with 7-digit timestamps"
wrong_aud=$(AUD="https://login.microsoftonline.com/$CONTOSO/oauth2/authorize" make_assertion "$MDE_CERTS/app1.pem" "$MDE_CERTS/app1.key" "$APP" x)
expect "assertion for another audience" 401 invalid_client 50012 \
  "Client assertion audience claim does not match Realm issuer." \
  -- "$(v2 $CONTOSO)" -d grant_type=client_credentials -d "client_id=$APP" -d "scope=$MDE/.default" \
  -d "client_assertion_type=$JWT_BEARER" -d "client_assertion=$wrong_aud"
mismatch=$(SUB=someone-else make_assertion "$MDE_CERTS/app1.pem" "$MDE_CERTS/app1.key" "$APP" "$aud")
expect "assertion sub != iss" 401 invalid_client 50048 "Subject mismatches Issuer claim in the client assertion." \
  -- "$(v2 $CONTOSO)" -d grant_type=client_credentials -d "client_id=$APP" -d "scope=$MDE/.default" \
  -d "client_assertion_type=$JWT_BEARER" -d "client_assertion=$mismatch"

expect "MDE not provisioned in the tenant" 400 invalid_resource 500011 \
  "The resource principal named $MDE was not found in the tenant named Tailspin." \
  -- "$(v1 tailspin.onmicrosoft.com)" "${secret_v1[@]}"
expect "regional host as resource" 400 invalid_resource 500011 \
  "The resource principal named https://api-eu.securitycenter.microsoft.com was not found" \
  -- "$(v1 contoso.onmicrosoft.com)" -d grant_type=client_credentials -d "client_id=$APP" \
  -d resource=https://api-eu.securitycenter.microsoft.com -d client_secret=sim-secret-current
expect "scope without /.default" 400 invalid_scope 1002012 \
  "The provided value for scope $MDE/Alert.Read.All is not valid. Client credential flows must have a scope value with /.default" \
  -- "$(v2 contoso.onmicrosoft.com)" -d grant_type=client_credentials -d "client_id=$APP" \
  -d "scope=$MDE/Alert.Read.All" -d client_secret=sim-secret-current
expect "scope with two resources" 400 invalid_scope 700022 \
  "The provided value for the input parameter scope is not valid because it contains more than one resource." \
  -- "$(v2 contoso.onmicrosoft.com)" -d grant_type=client_credentials -d "client_id=$APP" \
  --data-urlencode "scope=$MDE/.default https://graph.microsoft.com/.default" -d client_secret=sim-secret-current
expect "resource sent to v2" 400 invalid_request 901002 "The 'resource' request parameter isn't supported." \
  -- "$(v2 contoso.onmicrosoft.com)" "${secret_v1[@]}"
expect "missing grant_type" 400 invalid_request 900144 \
  "The request body must contain the following parameter: 'grant_type'." \
  -- "$(v1 contoso.onmicrosoft.com)" -d "client_id=$APP"
expect "JSON body instead of a form" 400 invalid_request 900144 \
  "The request body must contain the following parameter: 'grant_type'." \
  -- "$(v1 contoso.onmicrosoft.com)" -H 'Content-Type: application/json' -d '{"grant_type":"client_credentials"}'
expect "duplicated parameter" 400 invalid_request 9000411 \
  "The request is not properly formatted. The parameter 'client_id' is duplicated." \
  -- "$(v1 contoso.onmicrosoft.com)" "${secret_v1[@]}" -d "client_id=$APP"
expect "GET on the token endpoint" 400 invalid_request 900561 \
  "The endpoint only accepts POST, OPTIONS requests. Received a GET request." \
  -- "$(v1 contoso.onmicrosoft.com)"

# The envelope itself, on one of them.
body=$(scurl "$(v1 northwind.onmicrosoft.com)" "${secret_v1[@]}" -H "client-request-id: 0b5bd1d6-95e4-4c60-9a1c-8d9b2a39b3c4")
desc=$(jq -r .error_description <<<"$body")
like "$desc" $'^AADSTS700016: .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: 0b5bd1d6-95e4-4c60-9a1c-8d9b2a39b3c4\r\nTimestamp: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
  "error_description: message, Trace ID, Correlation ID (echoes client-request-id), Timestamp"
is "$(jq -r '[(.trace_id | length), .correlation_id, (.timestamp | test("^[0-9-]{10} [0-9:]{8}Z$")), .error_uri] | join(" ")' <<<"$body")" \
  "36 0b5bd1d6-95e4-4c60-9a1c-8d9b2a39b3c4 true https://login.microsoftonline.com/error?code=700016" \
  "envelope: trace_id, correlation_id, timestamp, error_uri"
is "$(jq -r 'keys_unsorted | join(",")' <<<"$body")" \
  "error,error_description,error_codes,timestamp,trace_id,correlation_id,error_uri" "envelope: fields in order"

# Status overrides and the request-loop lockout, set at run time.
admin POST /settings '{"error_status": {"700016": 401}, "loop_requests_per_minute": 3, "loop_lockout_seconds": 60}' >/dev/null
scurl "$(v1 northwind.onmicrosoft.com)" "${secret_v1[@]}" >/dev/null
is "$(status)" 401 "settings.error_status overrides the status of an AADSTS code"
for i in 1 2 3; do scurl "$(v1 contoso.onmicrosoft.com)" "${secret_v1[@]}" >/dev/null; done
is "$(status)" 200 "three token requests in a minute are fine"
expect "request loop" 400 invalid_grant 50196 \
  "The server terminated an operation because it encountered a client request loop." \
  -- "$(v1 contoso.onmicrosoft.com)" "${secret_v1[@]}"
admin POST /settings '{"loop_requests_per_minute": 0}' >/dev/null
scurl "$(v1 contoso.onmicrosoft.com)" "${secret_v1[@]}" >/dev/null
is "$(status)" 400 "the loop lockout lasts its full period"

# Token-endpoint throttling: plain text and Retry-After.
admin PUT /faults '[{"endpoint": "token", "status": 429, "retry_after": 17}]' >/dev/null
body=$(scurl -D "$WORK/headers" "$(v1 fabrikam.onmicrosoft.com)" "${secret_v1[@]}")
is "$(status) $body" "429 Too Many Requests" "throttled token request: 429 with plain text 'Too Many Requests'"
like "$(tr -d '\r' <"$WORK/headers")" $'Retry-After: 17\n' "throttled token request: Retry-After header"
like "$(tr -d '\r' <"$WORK/headers")" $'Content-Type: text/plain' "throttled token request: not JSON"
admin DELETE /faults >/dev/null

# A code Microsoft has not invented yet, under any OAuth error (a fault).
admin PUT /faults '[{"endpoint": "token", "status": 400, "aadsts": 9999901, "error": "unauthorized_client"}]' >/dev/null
expect "injected unknown code" 400 unauthorized_client 9999901 "An error injected by a test (unauthorized_client)." \
  -- "$(v1 contoso.onmicrosoft.com)" "${secret_v1[@]}"
admin PUT /faults '[{"endpoint": "token_v2", "status": 503, "error": "temporarily_unavailable"}]' >/dev/null
expect "injected error, default code" 503 temporarily_unavailable 90033 "An error injected by a test" \
  -- "$(v2 contoso.onmicrosoft.com)" -d grant_type=client_credentials -d "client_id=$APP" -d "scope=$MDE/.default" -d client_secret=x
out=$(admin PUT /faults '[{"endpoint": "token", "aadsts": 9999901}]')
like "$(jq -r .error <<<"$out")" '"aadsts" and "error" go with a "status" >= 400' "a fault with a code but no status is refused"
out=$(admin PUT /faults '[{"endpoint": "token", "status": 400, "error": "Not An Error"}]')
like "$(jq -r .error <<<"$out")" '"error" is an OAuth error such as invalid_client' "a fault with a malformed error is refused"
admin DELETE /faults >/dev/null
