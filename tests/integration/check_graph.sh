#!/bin/bash
# SPDX-License-Identifier: MIT
# check_mde with --home-tenant (and HomeTenantId through --config): the
# configured secret's expiry from Microsoft Graph against --cred-warn and
# --cred-crit, perfdata credential_ttl, the long output's notes (a shared
# hint), graph_permission_missing as a WARNING with its fix, Graph down,
# usage errors; nothing printed before the status line.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/graph.json"
APP=11111111-2222-3333-4444-555555555555
NOPERM=22222222-2222-3333-4444-555555555555
BASE="https://127.0.0.1:$SIM_PORT"
umask 077
printf 'g10-secret-ten-days\n' >"$WORK/secret10"
printf 'old-expired-secret\n' >"$WORK/expired"
printf 'nop-secret\n' >"$WORK/noperm"
CHECK="$MDE_BUILD/check_mde"
common=(-T contoso.onmicrosoft.com --login-endpoint "$BASE" --api-endpoint "$BASE" --cacert "$MDE_CERTS/ca.pem"
  --home-tenant partner.onmicrosoft.com --graph-endpoint "$BASE")

run() {
  OUT=$(timeout 30 "$CHECK" "$@" 2>"$WORK/stderr")
  RC=$?
  FIRST=${OUT%%$'\n'*}
}
expect() { # expect RC FIRST_LINE_REGEX DESCRIPTION -- ARGS...
  local rc="$1" re="$2" what="$3"
  shift 4
  run "$@"
  is "$RC" "$rc" "$what: exit $rc"
  like "$FIRST" "$re" "$what: first line"
}
ttl10='credential_ttl=86(3[0-9]{3}|4000)s'

# --- a secret 10 days from expiry
expect 1 "^MDE WARNING - contoso.onmicrosoft.com: credential expires in 10.0 days - renew it and update the configuration\|.* $ttl10\$" \
  "10 days, --cred-warn 30" -- -C "$APP" "${common[@]}" --secret-file "$WORK/secret10" --cred-warn 30
like "$OUT" $'\ncredential expiry: from Microsoft Graph' "10 days: the long output names Graph as the source"
is "$(cat "$WORK/stderr")" "" "10 days: nothing on stderr"
expect 0 "^MDE OK - contoso.onmicrosoft.com: token valid .* $ttl10\$" \
  "10 days, --cred-warn 5" -- -C "$APP" "${common[@]}" --secret-file "$WORK/secret10" --cred-warn 5
expect 2 "^MDE CRITICAL - contoso.onmicrosoft.com: credential expires in 10.0 days" \
  "10 days, --cred-crit 15" -- -C "$APP" "${common[@]}" --secret-file "$WORK/secret10" --cred-warn 30 --cred-crit 15
expect 0 "^MDE OK - .* credential_ttl=[0-9]+s\$" \
  "v1 tokens: Graph with resource=" -- -C "$APP" "${common[@]}" --secret-file "$WORK/secret10" --token-version 1 --cred-warn 5
expect 2 "^MDE CRITICAL - contoso.onmicrosoft.com: credential expires in 3.0 days" \
  "--secret-expires wins over Graph" -- -C "$APP" "${common[@]}" --secret-file "$WORK/secret10" \
  --secret-expires "$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)" --cred-crit 5

# --- an expired secret: CRITICAL from Entra; Graph cannot be read with it
# either (the collectd test shows its date when another tenant's secret
# reads Graph)
expect 2 "^MDE CRITICAL - contoso.onmicrosoft.com: client secret expired \[AADSTS7000222\] .*roles_missing=0\$" \
  "expired secret" -- -C "$APP" "${common[@]}" --secret-file "$WORK/expired"
like "$OUT" $'\ncredential: Microsoft Graph: Graph token in home tenant partner.onmicrosoft.com refused \\(HTTP 401\\): AADSTS7000222' \
  "expired secret: the long output says Graph refused it too"

# --- no Application.Read.All: WARNING with the fix; the MDE part is fine
expect 1 "^MDE WARNING - contoso.onmicrosoft.com: credential expiry unreadable from Microsoft Graph - grant Application.Read.All \(Microsoft Graph\) in home tenant partner.onmicrosoft.com, then consent: $BASE/partner.onmicrosoft.com/adminconsent\?client_id=$NOPERM\|" \
  "no Graph permission" -- -C "$NOPERM" "${common[@]}" --secret-file "$WORK/noperm"
like "$OUT" $'\nclass: graph_permission_missing\nreason: the Graph token of home tenant partner.onmicrosoft.com carries none of Application.Read.All' \
  "no Graph permission: class and reason in the long output"

# --- two secrets sharing the hint; ClientSecretKeyId picks one
kid=$(admin POST "/apps/$APP/secrets" '{"value": "g10-renewed-forty-days", "expires_in": 3456000}' | jq -r .key_id)
expect 1 "^MDE WARNING - contoso.onmicrosoft.com: credential expires in 10.0 days" \
  "shared hint: the earliest valid secret counts" -- -C "$APP" "${common[@]}" --secret-file "$WORK/secret10" --cred-warn 30
like "$OUT" $'\ncredential: 2 secrets of the app begin as the configured one; the earliest-expiring still valid one \\(keyId 0000000a-0000-4000-8000-00000000000a\\) counts: set ClientSecretKeyId' \
  "shared hint: the long output says so"
cat >"$WORK/collectd.conf" <<CONF
<Plugin mde>
  ClientId "$APP"
  LoginEndpoint "$BASE"
  ApiEndpoint "$BASE"
  HomeTenantId "partner.onmicrosoft.com"
  GraphEndpoint "$BASE"
  <Tenant "renewed">
    TenantId "contoso.onmicrosoft.com"
    ClientSecretFile "$WORK/secret10"
    ClientSecretKeyId "$kid"
  </Tenant>
  <Tenant "ten">
    TenantId "contoso.onmicrosoft.com"
    ClientSecretFile "$WORK/secret10"
  </Tenant>
</Plugin>
CONF
expect 1 "^MDE WARNING - 1 WARNING, 1 OK\|tenants=2 ok=1 warning=1 critical=0 unknown=0\$" \
  "--config with HomeTenantId and ClientSecretKeyId" -- --config "$WORK/collectd.conf" --cacert "$MDE_CERTS/ca.pem" --cred-warn 30
like "$OUT" $'\nWARNING: ten: credential expires in 10.0 days' "--config: the tenant without a keyId warns"
unlike "$OUT" "renewed: credential expires" "--config: ClientSecretKeyId picks the 40-day secret"

# --- Graph down: the check still says what it knows of Defender
admin POST /faults '{"endpoint": "graph", "status": 503}' >/dev/null
expect 0 "^MDE OK - contoso.onmicrosoft.com: token valid .*roles_missing=0\$" \
  "Graph down: OK, no credential_ttl" -- -C "$APP" "${common[@]}" --secret-file "$WORK/secret10" --cred-warn 30
like "$OUT" $'\ncredential: Microsoft Graph: Graph refused to read application '"$APP"' in partner.onmicrosoft.com: HTTP 503' \
  "Graph down: the long output says why"
admin DELETE /faults >/dev/null

# --- usage
expect 3 "^MDE UNKNOWN - --graph-endpoint goes with --home-tenant TENANT\$" "--graph-endpoint alone" \
  -- -T contoso.onmicrosoft.com -C "$APP" --secret-file "$WORK/secret10" --graph-endpoint "$BASE"
expect 3 "^MDE UNKNOWN - tenant \"contoso.onmicrosoft.com\": HomeTenantId \"not a tenant\" is neither a GUID nor a domain name\$" \
  "a bad --home-tenant" -- -T contoso.onmicrosoft.com -C "$APP" --secret-file "$WORK/secret10" --home-tenant "not a tenant"
expect 3 "^MDE UNKNOWN - tenant \"contoso.onmicrosoft.com\": GraphEndpoint \"$BASE/v1.0\" is not an https:// scheme and host" \
  "a --graph-endpoint with a path" -- -T contoso.onmicrosoft.com -C "$APP" --secret-file "$WORK/secret10" \
  --home-tenant partner.onmicrosoft.com --graph-endpoint "$BASE/v1.0"
"$CHECK" --help | grep -q -- "--home-tenant TENANT the partner's own tenant"
ok $? "--help documents --home-tenant"
unlike "$OUT$(cat "$WORK/stderr")" "g10-secret|g10-renewed|nop-secret|old-expired" "no secret in any output"
