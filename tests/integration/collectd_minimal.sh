#!/bin/bash
# SPDX-License-Identifier: MIT
# The minimal set exactly as README.md documents it (scripts/minimal-set.sh
# reads the block) in a real collectd: a healthy tenant's steady cycles
# send no request at all (no Defender API call, the token cached) and
# collectd holds only its token values; what a token request shows is still
# seen (consent missing, a role missing, Defender not provisioned), and what
# only the API shows (it failing) is not, unless a tenant fetches alerts.
. "$(dirname "$0")/lib.sh"
plan 16
start_sim "$MDE_ROOT/tests/integration/scenarios/collectd.json"
APP=11111111-2222-3333-4444-555555555555
HEALTHY=c0000000-0000-4000-8000-000000000001
(umask 077; printf 'sim-secret-current\n' >"$WORK/secret")
minimal=$("$MDE_ROOT/scripts/minimal-set.sh")
ok $? "README.md documents a minimal set"

start_collectd "<Plugin mde>
$(sim_plugin_options)
  Timeout 5
  RequireRole \"Alert.Read.All\"
$minimal
  <Tenant \"healthy\">
    TenantId \"healthy.onmicrosoft.com\"
  </Tenant>
  <Tenant \"unconsented\">
    TenantId \"unconsented.onmicrosoft.com\"
  </Tenant>
  <Tenant \"norole\">
    TenantId \"norole.onmicrosoft.com\"
  </Tenant>
  <Tenant \"unlicensed\">
    TenantId \"unlicensed.onmicrosoft.com\"
  </Tenant>
  <Tenant \"faulty\">
    TenantId \"faulty.onmicrosoft.com\"
  </Tenant>
  <Tenant \"faulty-full\">
    TenantId \"faulty.onmicrosoft.com\"
    FetchAlerts true
  </Tenant>
</Plugin>" 2 || exit 1

healthy_requests() { admin GET /stats | jq -c ".tenants[\"$HEALTHY\"]"; }
wait_for mde-healthy/bool-token_valid 1 30
ok $? "healthy: bool-token_valid = 1"
wait_cycles 1
before=$(healthy_requests)
wait_cycles 2
ok $? "collectd finishes two more cycles"
is "$(healthy_requests)" "$before" "healthy: no request in two steady cycles (the token is cached)"
is "$(jq '.alerts + .machines + .score + .other' <<<"$before")" 0 \
  "healthy: no call to the Defender API at all"
is "$(jq '.tokens_issued' <<<"$before")" 1 "healthy: one token, asked for once"

listing=$(listval)
is "$(grep '^test/mde-healthy/' <<<"$listing" | sed 's|^test/mde-healthy/||' | sort | tr '\n' ' ')" \
  "bool-consent bool-permissions bool-token_valid count-roles_missing timeleft-token " \
  "healthy: collectd holds only the token values"

# what a token request shows
note() { grep "Notification: .*plugin_instance = $1," "$WORK/collectd.log"; }
like "$(note unconsented)" "severity = FAILURE.*message = unconsented: app_not_in_tenant" \
  "unconsented: consent missing is a FAILURE"
is "$(value mde-unconsented/bool-consent)" "0.000000e+00" "unconsented: bool-consent = 0"
is "$(value mde-norole/bool-permissions) $(value mde-norole/count-roles_missing)" \
  "0.000000e+00 1.000000e+00" "norole: permissions = 0, one role missing, from the token's roles"
like "$(note unlicensed)" "message = unlicensed: not_provisioned" \
  "unlicensed: Defender not provisioned is seen at the token request"

# what only the Defender API shows
is "$(value mde-faulty/bool-token_valid)" "1.000000e+00" "faulty: bool-token_valid = 1"
is "$(note faulty | wc -l)" 0 "faulty: the API's 503s are not seen (no call)"
like "$(note faulty-full)" "message = faulty-full: api_error" \
  "faulty-full: the same tenant with FetchAlerts true sees them"
stop_collectd
