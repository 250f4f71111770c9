#!/bin/bash
# SPDX-License-Identifier: MIT
# Changing the world while clients run, through the admin interface:
# consent revoked and granted, roles changed, secrets expired, added and
# deleted, the app disabled, the signing key rotated, alerts added and
# resolved; and every fault kind as a client sees it (latency, injected
# status, connection reset, truncated, malformed and slow bodies).
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"

APP=11111111-2222-3333-4444-555555555555
CONTOSO=aaaaaaaa-0000-4000-8000-000000000001
FABRIKAM=aaaaaaaa-0000-4000-8000-000000000002
MDE=https://api.securitycenter.microsoft.com

token() { # token TENANT [SECRET] -> body
  scurl "$LOGIN/$1/oauth2/token" -d grant_type=client_credentials -d "client_id=$APP" \
    -d "resource=$MDE" -d "client_secret=${2:-sim-secret-current}"
}
code() { token "$@" | jq -r '(.error_codes // [0])[0]'; }

# --- consent and roles
is "$(code northwind.onmicrosoft.com)" 700016 "before consent: AADSTS700016"
admin POST "/tenants/northwind.onmicrosoft.com/apps/$APP" '{"consented": true}' >/dev/null
body=$(token northwind.onmicrosoft.com)
is "$(status) $(jq -r .access_token <<<"$body" | { read -r t; jwt_claims "$t"; } | jq -r 'has("roles")')" "200 false" \
  "admin consent without permissions: a token without roles"
admin POST "/tenants/northwind.onmicrosoft.com/apps/$APP" '{"roles": ["Alert.Read.All"]}' >/dev/null
body=$(token northwind.onmicrosoft.com)
is "$(jq -r .access_token <<<"$body" | { read -r t; jwt_claims "$t"; } | jq -c .roles)" '["Alert.Read.All"]' \
  "role granted: the next token carries it"
old=$(token contoso.onmicrosoft.com | jq -r .access_token)
admin POST "/tenants/contoso.onmicrosoft.com/apps/$APP" '{"consented": false}' >/dev/null
is "$(code contoso.onmicrosoft.com)" 700016 "consent revoked: the next token request fails with AADSTS700016"
scurl "$API/api/alerts?\$top=1" -H "Authorization: Bearer $old" >/dev/null
is "$(status)" 200 "consent revoked: a token issued before still works until it expires (as in Entra)"
admin POST "/tenants/contoso.onmicrosoft.com/apps/$APP" \
  '{"roles": ["Alert.Read.All", "Machine.Read.All", "Score.Read.All"]}' >/dev/null
is "$(code contoso.onmicrosoft.com)" 0 "consent granted again: tokens again"
admin POST "/tenants/contoso.onmicrosoft.com/apps/$APP" '{"enabled": false}' >/dev/null
is "$(code contoso.onmicrosoft.com)" 7000112 "service principal disabled: AADSTS7000112"
admin POST "/tenants/contoso.onmicrosoft.com/apps/$APP" '{"enabled": true}' >/dev/null
admin POST "/apps/$APP" '{"disabled": true}' >/dev/null
is "$(code contoso.onmicrosoft.com)" 7000112 "app disabled: AADSTS7000112"
admin POST "/apps/$APP" '{"disabled": false}' >/dev/null
admin POST /tenants/contoso.onmicrosoft.com/mde '{"provisioned": false}' >/dev/null
is "$(code contoso.onmicrosoft.com)" 500011 "Defender offboarded: AADSTS500011"
admin POST /tenants/contoso.onmicrosoft.com/mde '{"provisioned": true}' >/dev/null
is "$(admin POST "/tenants/nosuch/apps/$APP" '{"consented": true}' | jq -r .error)" "no tenant 'nosuch'" \
  "admin: an unknown tenant is a clear error"

# --- secrets
admin POST "/apps/$APP/secrets/expire" '{"value": "sim-secret-current"}' >/dev/null
is "$(code contoso.onmicrosoft.com)" 7000222 "secret expired at run time: AADSTS7000222"
admin POST "/apps/$APP/secrets" '{"value": "sim-secret-rotated", "expires_in": 3600}' >/dev/null
is "$(code contoso.onmicrosoft.com sim-secret-rotated)" 0 "a new secret works"
admin POST "/apps/$APP/secrets/delete" '{"value": "sim-secret-rotated"}' >/dev/null
is "$(code contoso.onmicrosoft.com sim-secret-rotated)" 7000215 "a deleted secret: AADSTS7000215"
admin POST "/apps/$APP/secrets" '{"value": "sim-secret-current"}' >/dev/null

# --- token reuse off: every request gets a freshly signed token
is "$(admin POST /settings '{"token_reuse": false}' | jq -r .ok)" true "admin: token_reuse can be turned off"
a=$(token contoso.onmicrosoft.com | jq -r .access_token)
b=$(token contoso.onmicrosoft.com | jq -r .access_token)
ok $([ -n "$a" ] && [ "$a" != "$b" ]; echo $?) "token_reuse off: two requests, two different tokens"
admin POST /settings '{"token_reuse": true}' >/dev/null

# --- key rotation: the next key is published before it signs, the old one
# stays published for the grace period
jwks_before=$(scurl "$LOGIN/common/discovery/keys" | jq -r '[.keys[].kid] | join(" ")')
before=$(token contoso.onmicrosoft.com | jq -r .access_token)
kid1=$(jwt_header "$before" | jq -r .kid)
rot=$(admin POST /keys/rotate '{"grace_seconds": 3600}')
after=$(token contoso.onmicrosoft.com | jq -r .access_token)
kid2=$(jwt_header "$after" | jq -r .kid)
ok $([ "$kid1" != "$kid2" ] && [ "$(jq -r .current <<<"$rot")" = "$kid2" ]; echo $?) "rotation: new tokens are signed with the new key"
like "$jwks_before" "$kid2" "rotation: the new key was in the JWKS before it signed anything"
keys=$(scurl "$LOGIN/common/discovery/keys" | jq -r '[.keys[].kid] | join(" ")')
next=$(jq -r .upcoming <<<"$rot")
is "$keys" "$kid2 $next $kid1" "rotation: JWKS publishes the signing key, the upcoming one, and for the grace period the old one"
scurl "$API/api/alerts?\$top=1" -H "Authorization: Bearer $before" >/dev/null
is "$(status)" 200 "rotation: a token signed with the old key still verifies during the grace period"
admin POST /keys/rotate '{"grace_seconds": 0}' >/dev/null
scurl "$API/api/alerts?\$top=1" -H "Authorization: Bearer $after" >/dev/null
is "$(status)" 401 "rotation without grace: tokens signed with the dropped key get 401"

# --- alerts: add, update, resolve; the API and the ground truth agree
t=$(token contoso.onmicrosoft.com | jq -r .access_token)
n0=$(admin GET /tenants/$CONTOSO/alerts/truth | jq .total)
id=$(admin POST /tenants/$CONTOSO/alerts '{"title": "Added by the test", "severity": "High"}' | jq -r .id)
body=$(scurl "$API/api/alerts/$id" -H "Authorization: Bearer $t")
is "$(jq -r '[.title, .severity, .status] | join("|")' <<<"$body")" "Added by the test|High|New" "added alert is served"
is "$(admin GET /tenants/$CONTOSO/alerts/truth | jq .total)" "$((n0 + 1))" "ground truth counts it"
admin POST /tenants/$CONTOSO/alerts/$id '{"status": "InProgress"}' >/dev/null
is "$(scurl "$API/api/alerts/$id" -H "Authorization: Bearer $t" | jq -r .status)" InProgress "alert updated"
since=$(date -u +%Y-%m-%dT%H:%M:%S.0000000Z)
sleep 1
admin POST /tenants/$CONTOSO/alerts/$id '{"status": "Resolved"}' >/dev/null
body=$(scurl "$API/api/alerts?\$filter=lastUpdateTime+ge+$since" -H "Authorization: Bearer $t")
is "$(jq -r '[.value[].id] | join(",")' <<<"$body")" "$id" "incremental sync by lastUpdateTime sees exactly the changed alert"
is "$(jq -r '.value[0].resolvedTime != null' <<<"$body")" true "a resolved alert has resolvedTime"
n=$(admin POST /tenants/$CONTOSO/alerts/resolve | jq .resolved)
is "$(admin GET /tenants/$CONTOSO/alerts/truth | jq '[.counts.New[], .counts.InProgress[]] | add')" 0 \
  "resolve-all: no open alerts remain ($n resolved)"
is "$(admin POST /tenants/$CONTOSO/alerts '{"severity": "Huge"}' | jq -r .error)" \
  "alert: \"severity\" must be UnSpecified, Informational, Low, Medium or High" "admin: a bad alert names the field"

# --- faults, as the client sees them
fault() { admin PUT /faults "[$1]" >/dev/null; }
fault '{"endpoint": "alerts", "latency_ms": 400}'
start=$(date +%s%N)
scurl "$API/api/alerts?\$top=1" -H "Authorization: Bearer $t" >/dev/null
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok $(( ms >= 400 ? 0 : 1 )) "latency fault: the call took ${ms} ms (>= 400)"
slow_sent_ms=$(( start / 1000000 ))
fault '{"endpoint": "api", "status": 503, "retry_after": 9}'
body=$(scurl -D "$WORK/h" "$API/api/alerts" -H "Authorization: Bearer $t")
is "$(status) $(jq -r .error.code <<<"$body")" "503 ServiceUnavailable" "status fault on the API: Defender's error shape"
like "$(tr -d '\r' <"$WORK/h")" $'Retry-After: 9\n' "status fault: Retry-After"
fault '{"endpoint": "token", "status": 500}'
body=$(token contoso.onmicrosoft.com)
is "$(status) $(jq -r .error <<<"$body")" "500 temporarily_unavailable" "status fault on the token endpoint: Entra's error shape"
fault "{\"endpoint\": \"alerts\", \"tenant\": \"$FABRIKAM\", \"status\": 502}"
scurl "$API/api/alerts?\$top=1" -H "Authorization: Bearer $t" >/dev/null
is "$(status)" 200 "a fault aimed at one tenant spares the others"
fault '{"endpoint": "alerts", "status": 500, "probability": 0.5}'
n500=0
for i in $(seq 1 40); do
  scurl "$API/api/alerts?\$top=1" -H "Authorization: Bearer $t" >/dev/null
  [ "$(status)" = 500 ] && n500=$((n500 + 1))
done
ok $(( (n500 >= 8 && n500 <= 32) ? 0 : 1 )) "probability 0.5: $n500 of 40 calls failed"
fault '{"endpoint": "alerts", "reset": 1}'
scurl "$API/api/alerts?\$top=1" -H "Authorization: Bearer $t" >/dev/null 2>"$WORK/err"
rc=$?
ok $(( (rc == 56 || rc == 35 || rc == 52) ? 0 : 1 )) "reset fault: curl sees the connection die (exit $rc: $(head -c 80 "$WORK/err"))"
fault '{"endpoint": "alerts", "truncate": 1}'
scurl "$API/api/alerts" -H "Authorization: Bearer $t" >/dev/null 2>"$WORK/err"
rc=$?
is "$rc" 18 "truncate fault: curl reports a partial body (exit 18)"
fault '{"endpoint": "alerts", "malformed": 1}'
body=$(scurl "$API/api/alerts" -H "Authorization: Bearer $t")
rc=$?
jq . <<<"$body" >/dev/null 2>&1
ok $(( (rc == 0 && $? != 0) ? 0 : 1 )) "malformed fault: a complete 200 response whose JSON does not parse"
fault '{"endpoint": "alerts", "slow_body_ms": 100}'
start=$(date +%s%N)
body=$(scurl "$API/api/alerts?\$top=5" -H "Authorization: Bearer $t")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok $(( (ms >= 1000) && $(jq '.value | length' <<<"$body") == 5 ? 0 : 1 )) "slow body: complete but trickled (${ms} ms)"
admin POST /faults '{"endpoint": "keys", "status": 404, "duration_s": 3}' >/dev/null
scurl "$LOGIN/common/discovery/keys" >/dev/null
first=$(status)
sleep 3.2
scurl "$LOGIN/common/discovery/keys" >/dev/null
is "$first $(status)" "404 200" "a fault with duration_s ends by itself"
is "$(admin PUT /faults '[{"endpoint": "nowhere"}]' | jq -r .error)" \
  "faults[0]: \"endpoint\" must name endpoints: token_v1, token_v2, discovery, keys, alerts, machines, score, or the groups token, login, api, *" \
  "admin: a bad fault names the field"
admin DELETE /faults >/dev/null

# --- the request log lets a test prove what a client did
log=$(admin GET "/requests?since=0")
is "$(jq '[.requests[] | select(.endpoint == "alerts" and .status == 0)] | length' <<<"$log")" 1 \
  "request log: the reset request is logged with status 0"
is "$(jq -r '[.requests[-1].endpoint, .requests[-1].status] | join(" ")' <<<"$log")" "keys 200" "request log: in order"
slow=$(jq -c '[.requests[] | select(.delay_ms == 400)]' <<<"$log")
is "$(jq length <<<"$slow")" 1 "request log: the delayed request carries its delay_ms"
arrived=$(( $(jq '.[0].t_ms' <<<"$slow") - slow_sent_ms ))
ok $(( arrived >= -50 && arrived < 300 ? 0 : 1 )) \
  "request log: t_ms is when the request arrived, not when it was answered (${arrived} ms after it was sent)"
answered=$(( $(jq '.[0].answered_ms - .[0].t_ms' <<<"$slow") ))
ok $(( answered >= 400 && answered < 2000 ? 0 : 1 )) \
  "request log: answered_ms is when the answer was ready, after its delay (${answered} ms after it arrived)"
