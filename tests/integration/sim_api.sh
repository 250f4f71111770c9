#!/bin/bash
# SPDX-License-Identifier: MIT
# The Defender API as a client meets it: what a token without a role, a
# token for another resource, a forged or expired token gets; OData filters
# and paging checked against the ground truth; quotas with Retry-After; the
# cheap permission probes.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"

APP=11111111-2222-3333-4444-555555555555
CONTOSO=aaaaaaaa-0000-4000-8000-000000000001
MDE=https://api.securitycenter.microsoft.com

token_for() { # token_for TENANT [RESOURCE]
  scurl "$LOGIN/$1/oauth2/token" -d grant_type=client_credentials -d "client_id=$APP" \
    -d "resource=${2:-$MDE}" -d client_secret=sim-secret-current | jq -r .access_token
}
get() { # get TOKEN PATH
  scurl "$API$2" -H "Authorization: Bearer $1"
}

contoso=$(token_for contoso.onmicrosoft.com)
fabrikam=$(token_for fabrikam.onmicrosoft.com)
litware=$(token_for litware.onmicrosoft.com)

# --- quotas: per app+tenant, with Retry-After (first: no calls made yet)
admin POST /settings '{"api_calls_per_minute": 5}' >/dev/null
empty=$(token_for empty.onmicrosoft.com)
codes=""
for i in 1 2 3 4 5 6; do get "$empty" "/api/alerts?\$top=1" >/dev/null; codes="$codes $(status)"; done
is "$codes" " 200 200 200 200 200 429" "the sixth call in a minute is throttled"
body=$(scurl -D "$WORK/h" "$API/api/alerts" -H "Authorization: Bearer $empty")
is "$(status) $(jq -r .error.code <<<"$body")" "429 TooManyRequests" "throttled: 429 TooManyRequests"
ra=$(tr -d '\r' <"$WORK/h" | sed -n 's/^Retry-After: //p')
ok $(( (ra >= 1 && ra <= 60) ? 0 : 1 )) "throttled: Retry-After is the wait in seconds ($ra)"
get "$contoso" "/api/alerts?\$top=1" >/dev/null
is "$(status)" 200 "another tenant is not throttled by it"
stats=$(admin GET /stats)
is "$(jq -r '.tenants["aaaaaaaa-0000-4000-8000-000000000008"].throttled' <<<"$stats")" 2 \
  "admin: throttled calls counted per tenant"
admin POST /settings '{"api_calls_per_minute": 100}' >/dev/null

# --- authorization
is "$(jwt_claims "$fabrikam" | jq -r 'has("roles")')" false \
  "consented app without granted roles: the token has no roles claim at all"
body=$(get "$fabrikam" /api/alerts)
is "$(status) $(jq -r .error.code <<<"$body")" "403 Forbidden" "token without roles: 403 Forbidden"
is "$(jq -r .error.message <<<"$body")" \
  "Missing application roles. API required roles: Alert.Read.All,Alert.ReadWrite.All, application roles: ." \
  "token without roles: the real 'Missing application roles' message"
body=$(get "$litware" /api/alerts)
is "$(jq -r .error.message <<<"$body")" \
  "Missing application roles. API required roles: Alert.Read.All,Alert.ReadWrite.All, application roles: Machine.Read.All." \
  "token with another role: the message names the roles it has"
like "$(jq -r .error.target <<<"$body")" '^[0-9a-f-]{36}$' "MDE error: target is a tracking id"
get "$litware" "/api/machines?\$top=1" >/dev/null
is "$(status)" 404 "Machine.Read.All probe on a tenant without machines: 404 (real behaviour)"
body=$(get "$contoso" "/api/machines?\$top=1")
is "$(status) $(jq '.value | length' <<<"$body")" "200 1" "/api/machines?\$top=1 with Machine.Read.All: one machine"
is "$(jq -r '.value[0] | keys_unsorted | join(",")' <<<"$body")" \
  "id,computerDnsName,firstSeen,lastSeen,osPlatform,osProcessor,version,osBuild,lastIpAddress,lastExternalIpAddress,healthStatus,rbacGroupId,rbacGroupName,riskScore,exposureLevel,isAadJoined,aadDeviceId,machineTags,deviceValue,onboardingStatus,osArchitecture,ipAddresses" \
  "machine object: the documented fields"
body=$(get "$contoso" /api/exposureScore)
is "$(status) $(jq -r '[."@odata.context", (.score|type)] | join(" ")' <<<"$body")" \
  "200 $API/api/\$metadata#ExposureScore/\$entity number" "/api/exposureScore with Score.Read.All"
get "$litware" /api/exposureScore >/dev/null
is "$(status)" 403 "/api/exposureScore without Score.Read.All: 403"

graph=$(token_for contoso.onmicrosoft.com https://graph.microsoft.com)
is "$(jwt_claims "$graph" | jq -r '[.aud, has("roles")] | join(" ")')" "https://graph.microsoft.com false" \
  "a token for another resource (Graph) is issued"
get "$graph" /api/alerts >/dev/null
is "$(status)" 403 "a token for another resource is refused by the API with 403 (observed behaviour)"

# --- authentication: 401 for anything but a genuine, live Entra token
get "" /api/alerts >/dev/null
is "$(status)" 401 "no token: 401"
body=$(scurl "$API/api/alerts")
is "$(status) $(jq -r .error.code <<<"$body")" "401 Unauthorized" "no Authorization header: 401 Unauthorized"
tampered="${contoso%.*}.$(printf 'forged' | b64url)"
get "$tampered" /api/alerts >/dev/null
is "$(status)" 401 "bad signature: 401"
header=$(printf '{"alg":"none","typ":"JWT"}' | b64url)
payload=$(jwt_claims "$contoso" | b64url)
get "$header.$payload." /api/alerts >/dev/null
is "$(status)" 401 "alg none: 401"
kid=$(jwt_header "$contoso" | jq -r .kid)
hs_header=$(printf '{"alg":"HS256","typ":"JWT","kid":"%s"}' "$kid" | b64url)
hs_sig=$(printf '%s' "$hs_header.$payload" | openssl dgst -sha256 -hmac "public-key-bytes" -binary | b64url)
get "$hs_header.$payload.$hs_sig" /api/alerts >/dev/null
is "$(status)" 401 "HS256 token: 401"
get "garbage" /api/alerts >/dev/null
is "$(status)" 401 "garbage bearer: 401"

# --- OData against the ground truth
truth=$(admin GET /tenants/$CONTOSO/alerts/truth)
count() { # count FILTER -> number of alerts across all pages
  local url="$API/api/alerts?\$filter=$(jq -rn --arg f "$1" '$f|@uri')" n=0 body i
  for i in $(seq 1 50); do
    body=$(scurl "$url" -H "Authorization: Bearer $contoso")
    [ "$(status)" = 200 ] || { echo "HTTP $(status)"; return; }
    n=$((n + $(jq '.value | length' <<<"$body")))
    url=$(jq -r '."@odata.nextLink" // empty' <<<"$body")
    [ -z "$url" ] && break
  done
  echo "$n"
}
is "$(count "status eq 'New'")" "$(jq '[.counts.New[]] | add' <<<"$truth")" "\$filter status eq 'New' = ground truth"
is "$(count "status ne 'Resolved' and severity eq 'High'")" \
  "$(jq '[.counts.New.High, .counts.InProgress.High, .counts.Unknown.High] | add' <<<"$truth")" \
  "\$filter status ne 'Resolved' and severity eq 'High' = ground truth"
is "$(count "severity ge 'Medium'")" "$(jq '[.counts[] | .Medium + .High] | add' <<<"$truth")" \
  "\$filter severity ge 'Medium' (enum order) = ground truth"
is "$(count "lastUpdateTime ge 2000-01-01T00:00:00Z")" "$(jq .total <<<"$truth")" \
  "\$filter lastUpdateTime ge (long ago) = every alert"
is "$(count "alertCreationTime gt 2099-01-01T00:00:00.0000000Z")" 0 "\$filter alertCreationTime gt (future) = none"
is "$(count "lastUpdateTime ge '2019-11-22T00:00:00Z'")" "HTTP 400" "a quoted DateTimeOffset is an OData type error"

body=$(get "$contoso" "/api/alerts?\$top=7&\$skip=3")
is "$(jq '.value | length' <<<"$body")" 7 "\$top=7 returns 7"
all=$(get "$contoso" "/api/alerts?\$top=25" | jq -r '[.value[].id] | .[3:10] | join(",")')
is "$(jq -r '[.value[].id] | join(",")' <<<"$body")" "$all" "\$skip=3 skips exactly three"
body=$(get "$contoso" "/api/alerts?\$top=40")
next=$(jq -r '."@odata.nextLink"' <<<"$body")
like "$next" '\$top=15&\$skip=25$' "nextLink carries the remaining \$top and the next \$skip (page size 25)"
for bad in "\$top=abc" "\$top=-1" "\$top=10001" "\$skip=x" "\$filter=status%20eq" \
  "\$filter=status%20eq%20'Nope'" "\$filter=title%20eq%20'x'" "\$filter=status%20eq%20'New'%20or%20status%20eq%20'Resolved'"; do
  body=$(get "$contoso" "/api/alerts?$bad")
  is "$(status) $(jq -r .error.code <<<"$body")" "400 ODataError" "bad OData ($bad): 400 ODataError"
done
id=$(get "$contoso" "/api/alerts?\$top=1" | jq -r '.value[0].id')
body=$(get "$contoso" "/api/alerts/$id")
is "$(status) $(jq -r .id <<<"$body")" "200 $id" "GET /api/alerts/{id}: the bare alert"
get "$contoso" /api/alerts/da000_1 >/dev/null
is "$(status)" 404 "GET /api/alerts/{unknown id}: 404"
scurl -X DELETE "$API/api/alerts" -H "Authorization: Bearer $contoso" >/dev/null
is "$(status)" 405 "DELETE on alerts: refused"
get "$contoso" /api/nothing-here >/dev/null
is "$(status)" 404 "unknown API path: 404"

