#!/bin/bash
# SPDX-License-Identifier: MIT
# Credential expiry from Microsoft Graph in a real collectd (HomeTenantId):
# a secret 10 days from expiry (timeleft-credential, app-level values, one
# WARNING notification), an expired one (FAILURE), two secrets sharing a
# hint (the earliest valid counts, a note in the log), a renewal (OKAY),
# an app without Application.Read.All (graph_permission_missing, Defender
# values still flowing) and Graph down (the last expiry keeps counting
# down, nothing else changes). Under make check the plugin is the ASan
# build.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/graph.json"
APP=11111111-2222-3333-4444-555555555555
NOPERM=22222222-2222-3333-4444-555555555555
EP="https://127.0.0.1:$SIM_PORT"
umask 077
printf 'g10-secret-ten-days\n' >"$WORK/secret10"
printf 'old-expired-secret\n' >"$WORK/secret-expired"
printf 'nop-secret\n' >"$WORK/secret-noperm"

start_collectd "<Plugin mde>
  ClientId \"$APP\"
  LoginEndpoint \"$EP\"
  ApiEndpoint \"$EP\"
  GraphEndpoint \"$EP\"
  CACert \"$MDE_CERTS/ca.pem\"
  HomeTenantId \"partner.onmicrosoft.com\"
  CredentialCheckInterval 10
  RequireRole \"Alert.Read.All\"
  ProbeRoles false
  Timeout 5
  AlertsInterval 1
  <Tenant \"ten\">
    TenantId \"contoso.onmicrosoft.com\"
    ClientSecretFile \"$WORK/secret10\"
  </Tenant>
  <Tenant \"expired\">
    TenantId \"contoso.onmicrosoft.com\"
    ClientSecretFile \"$WORK/secret-expired\"
  </Tenant>
  <Tenant \"noperm\">
    TenantId \"contoso.onmicrosoft.com\"
    ClientId \"$NOPERM\"
    ClientSecretFile \"$WORK/secret-noperm\"
  </Tenant>
</Plugin>" 1 || exit 1

# in_range IDENT LO HI: the value is within [LO, HI]
in_range() { awk -v v="$(value "$1")" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v + 0 >= lo && v + 0 <= hi) }'; }
# wait_log REGEX [SECONDS]: until collectd's log matches
wait_log() {
  local i
  for i in $(seq 1 $((${2:-30} * 5))); do
    grep -qE "$1" "$WORK/collectd.log" && return 0
    sleep 0.2
  done
  return 1
}
notes() { grep -cE "Notification: .*plugin_instance = $1, type = timeleft, type_instance = credential, message = $2" "$WORK/collectd.log"; }

wait_for mde-ten/bool-token_valid 1 30
ok $? "ten: bool-token_valid = 1"
wait_cycles 2
ok $? "collectd finishes two more cycles"

# --- a secret 10 days from expiry
in_range mde-ten/timeleft-credential 863000 864000
ok $? "ten: timeleft-credential from Graph is 10 days ($(value mde-ten/timeleft-credential))"
in_range mde/timeleft-credential_earliest 863000 864000
ok $? "app: timeleft-credential_earliest is the 10-day secret ($(value mde/timeleft-credential_earliest))"
is "$(value mde/count-credentials_expiring)" "1.000000e+00" "app: count-credentials_expiring = 1 (within CredentialWarning, 30 days)"
is "$(value mde/count-credentials_expired)" "1.000000e+00" "app: count-credentials_expired = 1 (still registered)"
missing=""
for ident in $(sed -n '/^| identifier | type/,/^$/p' "$MDE_ROOT/README.md" | grep -o '`[a-z_]*-credential[^`]*`' | tr -d '`'); do
  listval | grep -qE "^test/mde(-ten)?/$ident\$" || missing="$missing $ident"
done
is "$missing" "" "README.md's credential rows are reported (app-level ones with an empty plugin instance)"
is "$(notes ten 'ten: client credential expires in 10.0 days')" 1 "ten: one WARNING notification"
grep -q "Notification: severity = WARNING.*plugin_instance = ten, type = timeleft" "$WORK/collectd.log"
ok $? "ten: the notification is a WARNING"

# --- an expired secret
is "$(value mde-expired/timeleft-credential)" "0.000000e+00" "expired: timeleft-credential = 0"
grep -q "Notification: severity = FAILURE.*plugin_instance = expired, type = timeleft, type_instance = credential, message = expired: client credential expired" "$WORK/collectd.log"
ok $? "expired: a FAILURE notification for the credential"
like "$(getval mde-expired/errors-secret_expired)" "value=" "expired: Entra's secret_expired too"

# --- no Graph permission: the class, its fix; Defender values flow
wait_log "plugin_instance = noperm.*graph_permission_missing.*Application.Read.All" 20
ok $? "noperm: a graph_permission_missing notification whose fix names Application.Read.All"
grep -q "noperm: graph_permission_missing.*partner.onmicrosoft.com/adminconsent" "$WORK/collectd.log"
ok $? "noperm: ... and the home tenant's admin-consent URL"
is "$(value mde-noperm/bool-token_valid)" "1.000000e+00" "noperm: bool-token_valid = 1"
is "$(counts_mismatch contoso.onmicrosoft.com noperm)" "" "noperm: alert counts still equal the simulator's"
is "$(value mde-noperm/timeleft-credential)" "" "noperm: no timeleft-credential (Graph not readable)"
unlike "$(listval)" "credential_earliest_$NOPERM" "noperm: no app-level values for an app Graph will not describe"

# --- two secrets sharing the hint: the earliest valid one counts
admin POST "/apps/$APP/secrets" '{"value": "g10-renewed-forty-days", "expires_in": 3456000}' >/dev/null
wait_log "ten: 2 secrets of the app begin as the configured one" 30
ok $? "shared hint: the log says which counts and names ClientSecretKeyId"
in_range mde-ten/timeleft-credential 860000 864000
ok $? "shared hint: the earliest-expiring valid secret counts (10 days)"

# --- renewal: the new secret in the file, the old one deleted
printf 'g10-renewed-forty-days\n' >"$WORK/secret10.new"
mv "$WORK/secret10.new" "$WORK/secret10"
admin POST "/apps/$APP/secrets/delete" '{"value": "g10-secret-ten-days"}' >/dev/null
wait_log "Notification: severity = OKAY.*plugin_instance = ten, type = timeleft, type_instance = credential, message = ten: client credential renewed" 30
ok $? "renewed: an OKAY notification"
in_range mde-ten/timeleft-credential 3450000 3456000
ok $? "renewed: timeleft-credential is 40 days ($(value mde-ten/timeleft-credential))"
is "$(notes ten 'ten: client credential expires')" 1 "renewed: still only the one WARNING"

# --- Graph down: the last expiry counts down, nothing else breaks
admin POST /faults '{"endpoint": "graph", "status": 503}' >/dev/null
before=$(admin GET /stats | jq .endpoints.graph.requests)
wait_log "credential expiry from Microsoft Graph: Graph refused to read application $APP in partner.onmicrosoft.com: HTTP 503" 30
ok $? "Graph down: the plugin logs it"
t1=$(value mde-ten/timeleft-credential)
wait_cycles 3
t2=$(value mde-ten/timeleft-credential)
ok $(awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b < a && b > 3440000) }'; echo $?) "Graph down: timeleft-credential keeps counting down ($t1 -> $t2)"
is "$(value mde-ten/bool-token_valid)" "1.000000e+00" "Graph down: ten still has a valid token"
ok $(( $(admin GET /stats | jq .endpoints.graph.requests) > before ? 0 : 1 )) "Graph down: it is asked again"
is "$(grep -c 'Notification: .*plugin_instance = ten,' "$WORK/collectd.log")" 2 "Graph down: no new notification for ten"

unlike "$(cat "$WORK/collectd.log" "$WORK"/csv/test/*/* 2>/dev/null)" "g10-secret|g10-renewed|nop-secret|old-expired-secret" \
  "no secret in the log or the CSV files"
