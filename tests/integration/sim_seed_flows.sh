#!/bin/bash
# SPDX-License-Identifier: MIT
# The partner flows of the seed document, run with curl against mde-sim as
# a partner would run them against Microsoft: a v1 token with resource=
# (its PowerShell sample), a v2 token with scope= (its curl sample, but
# with TLS verified), the token decoded to check roles and tid, and
# GET /api/alerts with the bearer (its C# sample). Then the same with a
# certificate credential (client assertion, RS256 + x5t and PS256 +
# x5t#S256), HTTP Basic on v2, and discovery/JWKS.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"

APP=11111111-2222-3333-4444-555555555555
CONTOSO=aaaaaaaa-0000-4000-8000-000000000001
MDE=https://api.securitycenter.microsoft.com

# --- v1, resource= (the PowerShell sample's body)
body=$(scurl "$LOGIN/contoso.onmicrosoft.com/oauth2/token" \
  --data-urlencode "resource=$MDE" --data-urlencode "client_id=$APP" \
  --data-urlencode "client_secret=sim-secret-current" \
  --data-urlencode "grant_type=client_credentials")
is "$(status)" 200 "v1 token: 200"
is "$(jq -r '[.token_type, (.expires_in|type), (.expires_on|type), (.not_before|type), .resource] | join(" ")' <<<"$body")" \
  "Bearer string string string $MDE" "v1 token: numbers are strings, resource echoed"
is "$(jq -r 'keys_unsorted | join(",")' <<<"$body")" \
  "token_type,expires_in,ext_expires_in,expires_on,not_before,resource,access_token" \
  "v1 token: fields in the real service's order"
now=$(date +%s)
nb=$(jq -r .not_before <<<"$body")
eo=$(jq -r .expires_on <<<"$body")
is "$((eo - nb))" 3899 "v1 token: expires_on - not_before = 3599 + 300"
ok $(( (nb >= now - 302 && nb <= now - 298) ? 0 : 1 )) "v1 token: not_before is now - 300"
token=$(jq -r .access_token <<<"$body")
claims=$(jwt_claims "$token")
is "$(jq -r .tid <<<"$claims")" "$CONTOSO" "v1 token: tid is the tenant's GUID (asked by domain)"
is "$(jq -c .roles <<<"$claims")" '["Alert.Read.All","Machine.Read.All","Score.Read.All"]' \
  "v1 token: roles claim holds the granted app roles"
is "$(jq -r '[.aud, .iss, .appid, .appidacr, .ver] | join(" ")' <<<"$claims")" \
  "$MDE https://sts.windows.net/$CONTOSO/ $APP 1 1.0" "v1 token: aud, iss, appid, appidacr, ver"
is "$(jq -r 'keys_unsorted | join(",")' <<<"$claims")" \
  "aud,iss,iat,nbf,exp,aio,appid,appidacr,idp,oid,rh,roles,sub,tid,uti,ver" \
  "v1 token: claims of the spec's template, in order"
is "$(jwt_header "$token" | jq -r '[.typ, .alg, (.x5t == .kid)] | join(" ")')" "JWT RS256 true" \
  "token header: typ, alg RS256, x5t = kid"

# --- v2, scope= (the curl sample, TLS verified)
body=$(scurl -X POST "$LOGIN/$CONTOSO/oauth2/v2.0/token" \
  -H "Content-Type: application/x-www-form-urlencoded" \
  -d "grant_type=client_credentials" -d "client_id=$APP" \
  -d "scope=https://securitycenter.onmicrosoft.com/windowsatpservice/.default" \
  --data-urlencode "client_secret=sim-secret-current")
is "$(status)" 200 "v2 token: 200"
is "$(jq -r '[.token_type, (.expires_in|type), .expires_in, (has("refresh_token"))] | join(" ")' <<<"$body")" \
  "Bearer number 3599 false" "v2 token: integers, no refresh token"
token2=$(jq -r .access_token <<<"$body")
is "$(jwt_claims "$token2" | jq -r .aud)" "https://securitycenter.onmicrosoft.com/windowsatpservice" \
  "v2 token: aud is the scope's resource"

# --- the token drives the API (the C# sample)
body=$(scurl "$API/api/alerts" -H "Authorization: Bearer $token")
is "$(status)" 200 "GET /api/alerts with the v1 token: 200"
is "$(jq -r '."@odata.context"' <<<"$body")" "$API/api/\$metadata#Alerts" "alerts: @odata.context"
truth=$(admin GET /tenants/$CONTOSO/alerts/truth)
# Walk every page as a client would, following @odata.nextLink.
total=0
url="$API/api/alerts"
for page in $(seq 1 20); do
  body=$(scurl "$url" -H "Authorization: Bearer $token2")
  total=$((total + $(jq '.value | length' <<<"$body")))
  url=$(jq -r '."@odata.nextLink" // empty' <<<"$body")
  [ -z "$url" ] && break
done
is "$total" "$(jq .total <<<"$truth")" "alerts: paging by nextLink returns every alert (v2 token)"
is "$(jq -r '.value[0] | keys_unsorted | join(",")' <<<"$body")" \
  "id,incidentId,investigationId,assignedTo,severity,status,classification,determination,investigationState,detectionSource,detectorId,category,threatFamilyName,title,description,alertCreationTime,firstEventTime,lastEventTime,lastUpdateTime,resolvedTime,machineId,computerDnsName,rbacGroupName,aadTenantId,threatName,mitreTechniques,relatedUser,comments,evidence" \
  "alert object: every documented field, in the documented order"
body=$(scurl "$API/api/v1.0/alerts?\$filter=severity+eq+'High'" -H "Authorization: Bearer $token")
want=$(jq '[.counts[].High] | add' <<<"$truth")
is "$(jq '.value | length' <<<"$body")" "$want" "/api/v1.0/alerts with \$filter severity eq 'High' matches the ground truth"

# --- regional hosts serve the same API
for host in api-eu.securitycenter.microsoft.com eu.api.security.microsoft.com; do
  scurl "https://$host:$SIM_PORT/api/alerts?\$top=1" -H "Authorization: Bearer $token" >/dev/null
  is "$(status)" 200 "regional host $host serves the API"
done

is "$(admin GET /tenants/$CONTOSO | jq -r '[.region, .stats.other_region] | join(" ")')" "eu 0" \
  "a tenant pinned to eu: calls through the global and eu hosts are not counted as other-region"
scurl "https://api-us.securitycenter.microsoft.com:$SIM_PORT/api/alerts?\$top=1" -H "Authorization: Bearer $token" >/dev/null
is "$(status) $(admin GET /tenants/$CONTOSO | jq -r .stats.other_region)" "200 1" \
  "a call through api-us is served, and counted as other-region"

# --- HTTP Basic client authentication (v2)
body=$(scurl -u "$APP:sim-secret-current" "$LOGIN/$CONTOSO/oauth2/v2.0/token" \
  -d grant_type=client_credentials -d "scope=$MDE/.default")
is "$(status)" 200 "v2 token with client_secret_basic: 200"

# --- certificate credential: client assertion, RS256 + x5t
aud="https://login.microsoftonline.com/$CONTOSO/oauth2/v2.0/token"
assertion=$(make_assertion "$MDE_CERTS/app1.pem" "$MDE_CERTS/app1.key" "$APP" "$aud")
body=$(scurl "$LOGIN/$CONTOSO/oauth2/v2.0/token" -d grant_type=client_credentials \
  -d "client_id=$APP" -d "scope=$MDE/.default" \
  -d "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer" \
  -d "client_assertion=$assertion")
is "$(status)" 200 "certificate credential (RS256 + x5t): 200"
is "$(jq -r .access_token <<<"$body" | { read -r t; jwt_claims "$t"; } | jq -r .appidacr)" 2 \
  "certificate credential: appidacr is 2"

assertion=$(ALG=PS256 make_assertion "$MDE_CERTS/app1.pem" "$MDE_CERTS/app1.key" "$APP" \
  "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/token")
scurl "$LOGIN/contoso.onmicrosoft.com/oauth2/token" -d grant_type=client_credentials \
  -d "client_id=$APP" -d "resource=$MDE" \
  -d "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer" \
  -d "client_assertion=$assertion" >/dev/null
is "$(status)" 200 "certificate credential (PS256 + x5t#S256, v1): 200"

# --- discovery and keys point back at the simulator; tokens verify with them
body=$(scurl "$LOGIN/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
is "$(jq -r .token_endpoint <<<"$body")" "$LOGIN/$CONTOSO/oauth2/v2.0/token" \
  "v2 discovery: a domain resolves to the tenant GUID in token_endpoint"
jwks_uri=$(jq -r .jwks_uri <<<"$body")
is "$(jq -r .issuer <<<"$body")" "https://login.microsoftonline.com/$CONTOSO/v2.0" "v2 discovery: issuer"
body=$(scurl "$LOGIN/$CONTOSO/.well-known/openid-configuration")
is "$(jq -r '[.issuer, .jwks_uri] | join(" ")' <<<"$body")" \
  "https://sts.windows.net/$CONTOSO/ $LOGIN/common/discovery/keys" "v1 discovery: issuer and jwks_uri"
jwks=$(scurl "$jwks_uri")
kid=$(jwt_header "$token" | jq -r .kid)
is "$(jq -r --arg k "$kid" '.keys[] | select(.kid == $k) | [.kty, .use, (.x5t == .kid), (.issuer != null)] | join(" ")' <<<"$jwks")" \
  "RSA sig true true" "v2 JWKS publishes the signing key (kid = x5t, issuer member)"
is "$(scurl "$LOGIN/common/discovery/keys" | jq -r --arg k "$kid" '.keys[] | select(.kid == $k) | has("issuer")')" \
  "false" "v1 JWKS (/common/discovery/keys) publishes it too, without issuer"
# Verify the token's RS256 signature with openssl, from the JWKS x5c.
x5c=$(jq -r --arg k "$kid" '.keys[] | select(.kid == $k) | .x5c[0]' <<<"$jwks")
printf -- '-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n' \
  "$(printf '%s' "$x5c" | fold -w 64)" >"$WORK/sign.pem"
openssl x509 -in "$WORK/sign.pem" -pubkey -noout >"$WORK/sign.pub"
printf '%s' "${token%.*}" >"$WORK/input"
sig=$(printf '%s' "${token##*.}" | tr '_-' '/+')
while [ $((${#sig} % 4)) -ne 0 ]; do sig="$sig="; done
printf '%s' "$sig" | base64 -d >"$WORK/sig"
openssl dgst -sha256 -verify "$WORK/sign.pub" -signature "$WORK/sig" "$WORK/input" >/dev/null 2>&1
ok $? "the access token's RS256 signature verifies with the published x5c"

# --- what the client sent is visible to tests, credentials redacted
scurl -A "MdePartner-Contoso-Monitor/1.0" "$API/api/alerts?\$top=1" -H "Authorization: Bearer $token" >/dev/null
last=$(admin GET /last-request/alerts)
is "$(jq -r '.headers["User-Agent"]' <<<"$last")" "MdePartner-Contoso-Monitor/1.0" "admin: last request's User-Agent"
entry=$(admin GET /requests | jq -c '.requests[-1]')
is "$(jq -r '[.endpoint, .host, .user_agent] | join(" ")' <<<"$entry")" \
  "alerts api.securitycenter.microsoft.com:$SIM_PORT MdePartner-Contoso-Monitor/1.0" \
  "request log: each entry has its Host and User-Agent"
scurl -A "MdePartner-Contoso-Monitor/1.0" "https://ina.api.security.microsoft.com:$SIM_PORT/api/alerts?\$top=1" \
  -H "Authorization: Bearer $token" >/dev/null
is "$(status) $(admin GET /requests | jq -r '.requests[-1] | .host + " " + .user_agent')" \
  "200 ina.api.security.microsoft.com:$SIM_PORT MdePartner-Contoso-Monitor/1.0" \
  "a regional host (ina): served, its Host logged, the same User-Agent entry reused"
is "$(jq -r '.headers.Authorization' <<<"$last")" "Bearer [redacted]" "admin: the bearer token is never echoed"
stats=$(admin GET /stats)
is "$(jq -r --arg t "$CONTOSO" '.tenants[$t].tokens_issued' <<<"$stats")" 5 "admin: one token counted per token issued (5 above)"
