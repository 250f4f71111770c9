#!/bin/bash
# SPDX-License-Identifier: MIT
# The Values option in a real collectd: with the minimal set README
# documents for very large installs (Values "token"), a deselected value is
# absent from collectd's cache (`collectdctl listval`), the token's health
# is there, and a broken or skipped tenant still sends its notification; a
# tenant that overrides the set gets alerts by severity only, summed over
# statuses.
. "$(dirname "$0")/lib.sh"
plan 18
start_sim "$MDE_ROOT/tests/integration/scenarios/collectd.json"
APP=11111111-2222-3333-4444-555555555555
(umask 077; printf 'sim-secret-current\n' >"$WORK/secret")

start_collectd "<Plugin mde>
$(sim_plugin_options)
  Timeout 5
  AlertsInterval 1
  Values \"token\"
  # first: the engine's tenant 0 takes its own set too
  <Tenant \"bysev\">
    TenantId \"healthy.onmicrosoft.com\"
    Values \"alerts_by_severity\"
  </Tenant>
  <Tenant \"healthy\">
    TenantId \"healthy.onmicrosoft.com\"
  </Tenant>
  <Tenant \"unconsented\">
    TenantId \"unconsented.onmicrosoft.com\"
  </Tenant>
  <Tenant \"broken\">
    TenantId \"healthy.onmicrosoft.com\"
    ClientSecretExpires \"2027-02-30\"
  </Tenant>
</Plugin>" 2 || exit 1

wait_for mde-healthy/bool-token_valid 1 30
ok $? "minimal set: healthy: bool-token_valid = 1"
wait_for mde-bysev/bool-alerts_complete 1 30
ok $? "bysev: the first alert sync completed"
wait_cycles 2
ok $? "collectd finishes two more cycles"

listing=$(listval)
is "$(grep '^test/mde-healthy/' <<<"$listing" | sed 's|^test/mde-healthy/||' | sort | tr '\n' ' ')" \
  "bool-consent bool-permissions bool-token_valid count-roles_missing timeleft-token " \
  "minimal set: collectd holds only the token group for the healthy tenant"
is "$(grep -c '^test/mde-healthy/\(count-alerts_\|response_time-\|http_response_codes-\|operations-\|count-throttled\|count-machines_\)' <<<"$listing")" 0 \
  "minimal set: no alert counts, latency, HTTP codes, counters or device health in collectd's cache"
is "$(grep -c '^test/mde/duration-cycle$' <<<"$listing")" 1 "duration-cycle is always there"
is "$(value mde-unconsented/bool-token_valid)" "0.000000e+00" "unconsented: bool-token_valid = 0"
ok $( [ -n "$(counter mde-unconsented/errors-app_not_in_tenant)" ]; echo $?) "unconsented: errors-app_not_in_tenant (token group)"
n=$(grep "Notification: .*plugin_instance = unconsented," "$WORK/collectd.log")
like "$n" "severity = FAILURE.*message = unconsented: app_not_in_tenant" \
  "minimal set: the broken tenant's FAILURE notification still arrives"

# a tenant skipped when the engine is built (no such date): the top's set
is "$(grep '^test/mde-broken/' <<<"$listing" | sed 's|^test/mde-broken/||' | sort | tr '\n' ' ')" \
  "bool-token_valid count-roles_missing errors-config " \
  "minimal set: a skipped tenant dispatches the top-level set (its token values only)"
like "$(grep "Notification: .*plugin_instance = broken," "$WORK/collectd.log")" "severity = FAILURE.*message = broken: config" \
  "minimal set: the skipped tenant's FAILURE notification arrives"
is "$(grep -c "Notification: .*plugin_instance = broken," "$WORK/collectd.log") $(grep -c '<Tenant "broken"> skipped' "$WORK/collectd.log")" "1 1" \
  "the skipped tenant is skipped and notified once (not again at init)"

# the engine's own log lines reach collectd's log (escaped, at their level)
like "$(cat "$WORK/collectd.log")" '\[info\] mde plugin: tenant "healthy": healthy.onmicrosoft.com is tenant c0000000-' \
  "the engine's log lines reach collectd's log"
unlike "$(cat "$WORK/collectd.log")" "the engine failed this cycle" "no cycle failed"

# the tenant's own set replaces the inherited one
is "$(grep '^test/mde-bysev/' <<<"$listing" | sed 's|^test/mde-bysev/||' | sort | tr '\n' ' ')" \
  "bool-alerts_complete count-alerts_high count-alerts_informational count-alerts_low count-alerts_medium count-alerts_unspecified derive-alerts_created duration-alerts_age " \
  "bysev: Values \"alerts_by_severity\" replaces the inherited token set"
truth=$(admin GET /tenants/healthy.onmicrosoft.com/alerts/truth)
high=$(jq '[.counts[] | .High // 0] | add' <<<"$truth")
num_eq "$(value mde-bysev/count-alerts_high)" "$high"
ok $? "bysev: count-alerts_high = $high, the simulator's high alerts of every status"
stop_collectd
