#!/bin/bash
# SPDX-License-Identifier: MIT
# mde.so in a real collectd (Debian's collectd-core) against mde-sim: every
# failure class as values and exactly one notification, alert counts equal
# to the simulator's ground truth, transitions while collectd runs (alerts
# added and resolved, signing keys rotated, a role removed, consent revoked,
# a secret expired), and no secret or token in the log or the CSV files.
# Under make check the plugin is the ASan build, preloaded into collectd.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/collectd.json"
APP=11111111-2222-3333-4444-555555555555
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
printf 'sim-secret-expired\n' >"$WORK/secret-expired"
printf 'sim-secret-changing\n' >"$WORK/secret-changing"
admin POST "/apps/$APP/secrets" '{"value": "sim-secret-changing"}' >/dev/null

start_collectd "<Plugin mde>
$(sim_plugin_options)
  RequireRole \"Alert.Read.All\"
  Timeout 5
  AlertsInterval 1
  <Tenant \"healthy\">
    TenantId \"healthy.onmicrosoft.com\"
    ClientSecretExpires \"$(date -u -d '+30 days' +%Y-%m-%d)\"
    RequireRole \"Alert.Read.All\"
    RequireRole \"Machine.Read.All\"
  </Tenant>
  <Tenant \"unconsented\">
    TenantId \"unconsented.onmicrosoft.com\"
  </Tenant>
  <Tenant \"norole\">
    TenantId \"norole.onmicrosoft.com\"
  </Tenant>
  <Tenant \"expired\">
    TenantId \"c0000000-0000-4000-8000-000000000004\"
    ClientSecretFile \"$WORK/secret-expired\"
  </Tenant>
  <Tenant \"unknown\">
    TenantId \"nosuchtenant.onmicrosoft.com\"
  </Tenant>
  <Tenant \"throttled\">
    TenantId \"throttled.onmicrosoft.com\"
  </Tenant>
  <Tenant \"faulty\">
    TenantId \"faulty.onmicrosoft.com\"
  </Tenant>
  <Tenant \"unlicensed\">
    TenantId \"unlicensed.onmicrosoft.com\"
  </Tenant>
  <Tenant \"changing\">
    TenantId \"changing.onmicrosoft.com\"
    ClientSecretFile \"$WORK/secret-changing\"
    RequireRole \"Alert.Read.All\"
    RequireRole \"Machine.Read.All\"
    CredentialCheckInterval 10
  </Tenant>
</Plugin>" 2 || exit 1

wait_for mde-healthy/bool-token_valid 1 30
ok $? "healthy: bool-token_valid = 1"
wait_cycles 3 # every tenant has reported, failures settled
ok $? "collectd finishes three more cycles"

# --- the healthy tenant: counts equal the ground truth
mismatch=$(counts_mismatch healthy.onmicrosoft.com healthy)
is "$mismatch" "" "healthy: all 20 count-alerts_<status>_<severity> equal the simulator's ($(admin GET /tenants/healthy.onmicrosoft.com/alerts/truth | jq .total) alerts)"
for v in bool-consent bool-permissions; do is "$(value mde-healthy/$v)" "1.000000e+00" "healthy: $v = 1"; done
is "$(value mde-healthy/count-roles_missing)" "0.000000e+00" "healthy: count-roles_missing = 0"
ttl=$(value mde-healthy/timeleft-token)
ok $(awk -v t="$ttl" 'BEGIN { exit !(t > 3000 && t <= 3599) }'; echo $?) "healthy: timeleft-token is plausible ($ttl s)"
for kind in token api; do
  rt=$(value "mde-healthy/response_time-$kind")
  ok $(awk -v t="$rt" 'BEGIN { exit !(t > 0 && t < 5) }'; echo $?) "healthy: response_time-$kind is positive and plausible ($rt s)"
done
is "$(counter mde-healthy/operations-token_requests)" "1" "healthy: one token request over several cycles (cached)"
ok $(( $(counter mde-healthy/http_response_codes-200) >= 4 ? 0 : 1 )) "healthy: http_response_codes-200 counts responses ($(counter mde-healthy/http_response_codes-200))"
left=$(value mde-healthy/timeleft-credential)
ok $(awk -v t="$left" 'BEGIN { exit !(t > 28 * 86400 && t <= 30 * 86400) }'; echo $?) "healthy: timeleft-credential counts down to ClientSecretExpires ($left s)"
cyc=$(value mde/duration-cycle)
ok $(awk -v t="$cyc" 'BEGIN { exit !(t > 0 && t < 1.6) }'; echo $?) "duration-cycle is under 80% of the 2 s interval ($cyc s)"

# --- every failure class, as values
check_class() { # check_class TENANT CLASS [BOOL-IDENT WANT]
  ok $( [ -n "$(value "mde-$1/errors-$2")" ]; echo $?) "$1: errors-$2 is reported"
  [ $# -gt 2 ] && is "$(value "mde-$1/$3")" "$4" "$1: $3 = ${4%%.*}"
}
check_class unconsented app_not_in_tenant bool-consent 0.000000e+00
is "$(value mde-unconsented/bool-token_valid)" "0.000000e+00" "unconsented: bool-token_valid = 0"
check_class norole permission_missing bool-permissions 0.000000e+00
is "$(value mde-norole/count-roles_missing)" "1.000000e+00" "norole: count-roles_missing = 1"
check_class expired secret_expired bool-token_valid 0.000000e+00
check_class unknown tenant_not_found bool-token_valid 0.000000e+00
check_class throttled throttled count-throttled 1.000000e+00
ra=$(value mde-throttled/duration-retry_after)
ok $(awk -v t="$ra" 'BEGIN { exit !(t > 500 && t <= 600) }'; echo $?) "throttled: duration-retry_after counts down from Retry-After ($ra s)"
check_class faulty api_error
ok $( [ -n "$(value mde-faulty/http_response_codes-503)" ]; echo $?) "faulty: http_response_codes-503"

# --- exactly one notification per broken tenant, with what on-call needs
notes() { grep -c "Notification: .*plugin_instance = $1," "$WORK/collectd.log"; }
for t in unconsented norole expired unknown throttled faulty unlicensed; do
  is "$(notes "$t")" 1 "$t: exactly one notification after several cycles"
done
is "$(notes healthy)" 0 "healthy: no notification"
n=$(grep "plugin_instance = unconsented," "$WORK/collectd.log")
like "$n" "severity = FAILURE" "unconsented: a FAILURE"
like "$n" "message = unconsented: app_not_in_tenant \[AADSTS700016 trace [0-9a-f-]{36}\] - a tenant admin must grant admin consent: https://127.0.0.1:$SIM_PORT/unconsented.onmicrosoft.com/adminconsent\?client_id=$APP" \
  "unconsented: message names tenant, class, AADSTS code, trace id and the admin-consent URL"
like "$(grep "plugin_instance = throttled," "$WORK/collectd.log")" "severity = WARNING" "throttled: a WARNING"
# Defender not licensed is a fact, not an outage: one WARNING, no page
n=$(grep "plugin_instance = unlicensed," "$WORK/collectd.log")
like "$n" "severity = WARNING" "unlicensed: a WARNING"
like "$n" "message = unlicensed: not_provisioned \[AADSTS500011 trace [0-9a-f-]{36}\] - Defender for Endpoint \(https://api.securitycenter.microsoft.com\) is not provisioned in unlicensed.onmicrosoft.com, or the cloud is wrong" \
  "unlicensed: message names the class and both causes"
check_class unlicensed not_provisioned bool-token_valid 0.000000e+00
like "$(grep "plugin_instance = faulty," "$WORK/collectd.log")" "severity = WARNING" \
  "faulty: api_error is a WARNING, as README's failure-class table says"
like "$(grep "plugin_instance = norole," "$WORK/collectd.log")" "add Alert.Read.All to app $APP, then consent again" \
  "norole: the message names the missing role"

# --- the README's metric table, row by row, against this collectd
listing=$(listval)
missing=""
while IFS= read -r ident; do
  ident=${ident//<status>_<severity>/new_high}
  ident=${ident//<code>/200}
  ident=${ident//<health>/active}
  ident=${ident//<onboarding>/onboarded}
  ident=${ident//<failure class>/app_not_in_tenant}
  case "$ident" in
    duration-cycle) grep -qx "test/mde/$ident" <<<"$listing" || missing="$missing $ident" ;;
    timeleft-credential_earliest | count-credentials_*) ;; # HomeTenantId only: collectd_graph.sh
    'count-alerts_<severity>') ;; # not in the default set: collectd_values.sh
    *) grep -q "^test/mde-[a-z]*/$ident\$" <<<"$listing" || missing="$missing $ident" ;;
  esac
done < <(sed -n '/^| identifier | type/,/^$/p' "$MDE_ROOT/README.md" | grep -o '`[a-z_]*-[^`]*`' | tr -d '`')
is "$missing" "" "every identifier in README.md's metric table is reported by collectd"

# --- transitions while collectd runs
admin POST /tenants/changing.onmicrosoft.com/alerts '{"severity": "High", "status": "New"}' >/dev/null
admin POST /tenants/changing.onmicrosoft.com/alerts/resolve >/dev/null
truth=$(admin GET /tenants/changing.onmicrosoft.com/alerts/truth)
wait_for mde-changing/count-alerts_resolved_high "$(jq .counts.Resolved.High <<<"$truth")" 10
ok $? "changing: alerts added and resolved are counted within the interval"
is "$(value mde-changing/count-alerts_new_high)" "0.000000e+00" "changing: no open high alerts left"
admin POST /keys/rotate '{}' >/dev/null
wait_cycles 2
ok $? "changing: two cycles after the keys rotated"
is "$(value mde-changing/bool-token_valid)" "1.000000e+00" "changing: signing keys rotated, still valid"
admin POST "/tenants/changing.onmicrosoft.com/apps/$APP" '{"roles": ["Alert.Read.All"]}' >/dev/null
wait_for mde-changing/bool-permissions 0 20
ok $? "changing: a removed role is seen within CredentialCheckInterval"
admin POST "/tenants/changing.onmicrosoft.com/apps/$APP" '{"consented": false}' >/dev/null
wait_for mde-changing/bool-consent 0 20
ok $? "changing: revoked consent is seen within CredentialCheckInterval"
admin POST "/tenants/changing.onmicrosoft.com/apps/$APP" '{"roles": ["Alert.Read.All", "Machine.Read.All"]}' >/dev/null
# the tenant backs off after the failure (60 s); a restart of the check is
# not needed for the next step: expire its secret and watch the class move
admin POST "/apps/$APP/secrets/expire" '{"value": "sim-secret-changing"}' >/dev/null
printf 'sim-secret-changing\n' >"$WORK/secret-changing" # touch: re-read, token dropped
touch -d '+1 second' "$WORK/secret-changing"
for i in $(seq 1 50); do [ -n "$(counter mde-changing/errors-secret_expired)" ] && break; sleep 0.2; done
ok $( [ -n "$(counter mde-changing/errors-secret_expired)" ]; echo $?) "changing: an expired secret is seen as soon as the secret file changes"
changing=$(grep -c "plugin_instance = changing," "$WORK/collectd.log")
is "$changing" 3 "changing: one notification per change (permission, consent, secret)"

# --- a secret file opened to other users at run time: the next cycle
# reads it again (its mode is part of its identity), refuses it, and says
# which file and why, as at start
chmod o+r "$WORK/secret"
for i in $(seq 1 50); do [ -n "$(counter mde-healthy/errors-credential_unusable)" ] && break; sleep 0.2; done
ok $( [ -n "$(counter mde-healthy/errors-credential_unusable)" ]; echo $?) "healthy: chmod o+r of its secret file at run time is credential_unusable"
like "$(cat "$WORK/collectd.log")" "secret file $WORK/secret is accessible by other users \(mode 0604\)" \
  "healthy: the log names the opened secret file and the fix"
chmod o-r "$WORK/secret"

# --- nothing secret leaves the plugin
stop_collectd
leaks=$(grep -rlE 'sim-secret|eyJ[A-Za-z0-9_-]{20,}\.' "$WORK/collectd.log" "$WORK/collectd.out" "$WORK/csv" 2>/dev/null)
is "$leaks" "" "no secret and no token in the collectd log or the CSV files"
