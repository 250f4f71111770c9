#!/bin/bash
# SPDX-License-Identifier: MIT
# mde-sim's Microsoft Graph (spec D.4): a Graph token in the app's home
# tenant (v1 resource= and v2 scope=), with a `nonce` header no client can
# verify, carrying the app's Graph roles; the two application reads with
# $select and $filter; Authorization_RequestDenied without a read role;
# Request_ResourceNotFound for an app of another home tenant; credentials
# added, expired and removed through the admin interface.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/graph.json"

APP=11111111-2222-3333-4444-555555555555
NOPERM=22222222-2222-3333-4444-555555555555
ELSE=33333333-2222-3333-4444-555555555555
GRAPH="https://graph.microsoft.com:$SIM_PORT"
SEL='$select=id,appId,passwordCredentials,keyCredentials'

gtoken() { # gtoken APP SECRET [TENANT] [v1|v2] -> access token
  if [ "${4:-v2}" = v1 ]; then
    scurl "$LOGIN/${3:-partner.onmicrosoft.com}/oauth2/token" -d grant_type=client_credentials \
      -d "client_id=$1" -d "client_secret=$2" -d resource=https://graph.microsoft.com
  else
    scurl "$LOGIN/${3:-partner.onmicrosoft.com}/oauth2/v2.0/token" -d grant_type=client_credentials \
      -d "client_id=$1" -d "client_secret=$2" -d scope=https://graph.microsoft.com/.default
  fi | jq -r .access_token
}
graph() { # graph TOKEN PATH-AND-QUERY
  scurl "$GRAPH$2" -H "Authorization: Bearer $1" -G
}
byid() { graph "$1" "/v1.0/applications(appId='$2')?$SEL"; }

# --- the token
tok=$(gtoken $APP g10-secret-ten-days)
is "$(jwt_claims "$tok" | jq -c '[.aud, .tid, .roles]')" \
  '["https://graph.microsoft.com","aaaaaaaa-0000-4000-8000-00000000000a",["Application.Read.All"]]' \
  "v2 scope: a Graph token for the home tenant with the app's Graph roles"
like "$(jwt_header "$tok" | jq -r .nonce)" '^[A-Za-z0-9_-]{20,}$' "the Graph token carries a nonce header, as the real one"
tok1=$(gtoken $APP g10-secret-ten-days partner.onmicrosoft.com v1)
is "$(jwt_claims "$tok1" | jq -r .aud)" https://graph.microsoft.com "v1 resource=: a Graph token too"
ctok=$(gtoken $APP g10-secret-ten-days contoso.onmicrosoft.com)
is "$(jwt_claims "$ctok" | jq -c .roles)" null "a Graph token in a customer tenant carries no Graph roles"

# --- the token cannot be verified by a client: the signature covers a
# hashed nonce (openssl over header.claims fails), yet Graph takes it
printf '%s' "$tok" | cut -d. -f1,2 | tr -d '\n' >"$WORK/signed"
printf '%s' "$tok" | cut -d. -f3 | tr '_-' '/+' | { read -r s; while [ $((${#s} % 4)) -ne 0 ]; do s="$s="; done; printf '%s' "$s"; } | base64 -d >"$WORK/sig"
scurl "$LOGIN/common/discovery/keys" | jq -r --arg k "$(jwt_header "$tok" | jq -r .kid)" \
  '.keys[] | select(.kid == $k) | .x5c[0]' | { read -r c; printf -- '-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n' "$c"; } \
  | openssl x509 -pubkey -noout >"$WORK/pub.pem" 2>/dev/null
openssl dgst -sha256 -verify "$WORK/pub.pem" -signature "$WORK/sig" "$WORK/signed" >/dev/null 2>&1
ok $([ $? -ne 0 ] && [ -s "$WORK/pub.pem" ]; echo $?) "a client cannot verify the Graph token's signature with Entra's published key"

# --- reads
body=$(byid "$tok" $APP)
is "$(status)" 200 "GET applications(appId=...) with the read role: 200"
is "$(jq -c '[.appId, (.passwordCredentials | length), (.keyCredentials | length), has("displayName")]' <<<"$body")" \
  "[\"$APP\",2,1,false]" "the app with its secrets and certificate; \$select leaves displayName out"
is "$(jq -c '.passwordCredentials[0] | [.keyId, .hint, .displayName, .secretText]' <<<"$body")" \
  '["0000000a-0000-4000-8000-00000000000a","g10","collectd",null]' \
  "a secret: keyId, hint (its first three characters), displayName; secretText null"
end=$(jq -r '.passwordCredentials[0].endDateTime' <<<"$body")
left=$(( $(date -d "$end" +%s) - $(date +%s) ))
ok $([ "$left" -gt 863000 ] && [ "$left" -le 864000 ]; echo $?) "its endDateTime is 10 days ahead ($end)"
fp=$(openssl x509 -in "$MDE_CERTS/app1.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
is "$(jq -r '.keyCredentials[0] | "\(.customKeyIdentifier) \(.type) \(.usage)"' <<<"$body")" \
  "$fp AsymmetricX509Cert Verify" "a certificate: customKeyIdentifier is its SHA-1 thumbprint"
cend=$(openssl x509 -in "$MDE_CERTS/app1.pem" -noout -enddate | sed 's/notAfter=//')
is "$(date -d "$(jq -r '.keyCredentials[0].endDateTime' <<<"$body")" +%s)" "$(date -d "$cend" +%s)" \
  "the certificate's endDateTime is its notAfter"
body=$(graph "$tok" "/v1.0/applications?\$filter=appId%20eq%20'$APP'&$SEL")
is "$(status) $(jq -c '[.value[0].appId, (.value[0].passwordCredentials | length)]' <<<"$body")" "200 [\"$APP\",2]" \
  "GET applications?\$filter=appId eq '...': the same app in a list"
body=$(graph "$tok" "/v1.0/applications(appId='$APP')?\$select=nosuch")
is "$(status) $(jq -r .error.code <<<"$body")" "400 BadRequest" "an unknown \$select property: 400"

# --- refusals
ntok=$(gtoken $NOPERM nop-secret)
body=$(byid "$ntok" $NOPERM)
is "$(status) $(jq -r '.error.code + ": " + .error.message' <<<"$body")" \
  "403 Authorization_RequestDenied: Insufficient privileges to complete the operation." \
  "no Graph read role: 403 Authorization_RequestDenied"
etok=$(gtoken $ELSE els-secret elsewhere.onmicrosoft.com)
body=$(byid "$etok" $APP)
is "$(status) $(jq -r .error.code <<<"$body")" "404 Request_ResourceNotFound" \
  "an app registered in another home tenant: Request_ResourceNotFound"
body=$(graph "$etok" "/v1.0/applications?\$filter=appId%20eq%20'$APP'")
is "$(status) $(jq -c .value <<<"$body")" "200 []" "... and through \$filter an empty list"
body=$(byid "$ctok" $APP)
is "$(status) $(jq -r .error.code <<<"$body")" "403 Authorization_RequestDenied" \
  "a Graph token of a customer tenant (no Graph roles there): 403"
mtok=$(scurl "$LOGIN/partner.onmicrosoft.com/oauth2/token" -d grant_type=client_credentials -d "client_id=$APP" \
  -d client_secret=g10-secret-ten-days -d resource=https://api.securitycenter.microsoft.com | jq -r .access_token)
body=$(byid "$mtok" $APP)
is "$(status) $(jq -r .error.code <<<"$body")" "401 InvalidAuthenticationToken" "a token for another resource: 401"
body=$(byid "${tok%?}x" $APP)
is "$(status)" 401 "a tampered Graph token: 401"

# --- the world changes
admin POST "/apps/$NOPERM/graph" '{"roles": ["Application.ReadWrite.All"]}' >/dev/null
byid "$(gtoken $NOPERM nop-secret)" $NOPERM >/dev/null
is "$(status)" 200 "Application.ReadWrite.All granted at run time: the read works"
admin POST "/apps/$NOPERM/graph" '{"roles": ["Directory.Read.All"]}' >/dev/null
byid "$(gtoken $NOPERM nop-secret)" $NOPERM >/dev/null
is "$(status)" 200 "Directory.Read.All also allows the read"
kid=$(admin POST "/apps/$APP/secrets" '{"value": "g10-renewed", "expires_in": 63072000, "display_name": "renewed"}' | jq -r .key_id)
body=$(byid "$tok" $APP)
is "$(jq -r --arg k "$kid" '.passwordCredentials[] | select(.keyId == $k) | "\(.hint) \(.displayName)"' <<<"$body")" \
  "g10 renewed" "a secret added at run time shows with its keyId (two secrets now share the hint g10)"
admin POST "/apps/$APP/secrets/expire" '{"value": "g10-secret-ten-days"}' >/dev/null
body=$(byid "$tok" $APP)
end=$(jq -r '.passwordCredentials[] | select(.keyId == "0000000a-0000-4000-8000-00000000000a") | .endDateTime' <<<"$body")
ok $([ "$(date -d "$end" +%s)" -lt "$(date +%s)" ]; echo $?) "a secret expired at run time: its endDateTime is past"
admin POST "/apps/$APP/secrets/delete" '{"value": "g10-secret-ten-days"}' >/dev/null
admin POST "/apps/$APP/certificates/delete" >/dev/null
body=$(byid "$tok" $APP)
is "$(jq -c '[(.passwordCredentials | length), (.keyCredentials | length)]' <<<"$body")" "[2,0]" \
  "secrets and certificates removed at run time are gone from Graph"
n=$(admin GET /stats | jq -r '.endpoints.graph.requests')
ok $([ "$n" -gt 10 ] 2>/dev/null; echo $?) "admin /stats counts Graph requests ($n)"
