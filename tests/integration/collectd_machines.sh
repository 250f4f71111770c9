#!/bin/bash
# SPDX-License-Identifier: MIT
# Sensor health and coverage (issue 17) in a real collectd against mde-sim:
# a tenant with 25,000 devices over three pages counted exactly as the
# simulator's ground truth, with its exposure score; a device turned
# inactive while collectd runs seen within one MachinesInterval; a tenant
# whose token has only Machine.ReadWrite.All; one without a Machine role
# (no device values, no failure); one without devices (zeros, no failure).
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/machines.json"
APP=11111111-2222-3333-4444-555555555555
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
INTERVAL=6 # MachinesInterval, seconds
# Pages of 5,000 (five for the fleet): under ASan a page of 10,000 devices
# (9 MB) can outlast a 2.4 s cycle deadline; the sync then resumes next
# cycle, but reports the cut as a network failure (see the nodevices
# check below, which must stay quiet).
admin POST /settings '{"page_size": 5000}' >/dev/null

start_collectd "<Plugin mde>
$(sim_plugin_options)
  Timeout 10
  MachinesInterval $INTERVAL
  <Tenant \"fleet\">
    TenantId \"fleet.onmicrosoft.com\"
  </Tenant>
  <Tenant \"small\">
    TenantId \"small.onmicrosoft.com\"
  </Tenant>
  <Tenant \"alertsonly\">
    TenantId \"alertsonly.onmicrosoft.com\"
  </Tenant>
  <Tenant \"nodevices\">
    TenantId \"nodevices.onmicrosoft.com\"
  </Tenant>
</Plugin>" 3 || exit 1

# --- 25,000 devices: exact counts, all pages
total=$(admin GET /tenants/fleet.onmicrosoft.com/machines/truth | jq .total)
is "$total" 25000 "fleet: the simulator holds 25,000 devices"
wait_for mde-fleet/count-machines_onboarding_onboarded \
  "$(admin GET /tenants/fleet.onmicrosoft.com/machines/truth | jq .onboarding.onboarded)" 90
is "$(machines_mismatch fleet.onmicrosoft.com fleet)" "" \
  "fleet: every health and onboarding count equals the ground truth"
sum=0
for o in onboarded canbeonboarded unsupported insufficientinfo unknown; do
  sum=$((sum + $(printf '%.0f' "$(value "mde-fleet/count-machines_onboarding_$o")")))
done
is "$sum" 25000 "fleet: the onboarding counts add up to every device"
FLEET=d0000000-0000-4000-8000-000000000001
pages=$(admin GET "/requests?since=0&limit=100000" |
  jq --arg t "$FLEET" '[.requests[] | select(.endpoint == "machines" and .status == 200 and .tenant == $t)] | length')
ok $(( pages >= 5 ? 0 : 1 )) "fleet: the sync paged (200s from /api/machines: $pages)"
ok "$(num_eq "$(value mde-fleet/gauge-exposure_score)" 41.5; echo $?)" \
  "fleet: gauge-exposure_score is the tenant's score (41.5)"
is "$(value mde-fleet/bool-token_valid)" "1.000000e+00" "fleet: token valid"

# --- Machine.ReadWrite.All, and a device turning inactive
is "$(machines_mismatch small.onmicrosoft.com small)" "" \
  "small (Machine.ReadWrite.All only): counts equal the ground truth"
admin POST /tenants/small.onmicrosoft.com/machines/0 '{"healthStatus": "Active", "onboardingStatus": "onboarded"}' >/dev/null
wait_for mde-small/count-machines_health_active \
  "$(admin GET /tenants/small.onmicrosoft.com/machines/truth | jq .health.Active)" 30
want=$(admin POST /tenants/small.onmicrosoft.com/machines/0 '{"healthStatus": "Inactive"}' | jq .health.Inactive)
start=$(date +%s.%N)
wait_for mde-small/count-machines_health_inactive "$want" 30
seen=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
# within one MachinesInterval, plus one collectd interval (3 s) for the
# read that notices it and one for the value to reach the socket
ok "$(awk -v t="$seen" -v lim=$((INTERVAL + 6)) 'BEGIN { exit !(t <= lim) }'; echo $?)" \
  "small: a device turned Inactive is counted within one MachinesInterval (${seen}s, limit $((INTERVAL + 6))s)"
is "$(machines_mismatch small.onmicrosoft.com small)" "" "small: and every count still equals the ground truth"
is "$(value mde-small/gauge-exposure_score)" "" "small: no exposure score without Score.Read.All"

# --- no Machine role: no device values and no failure
wait_cycles 2
is "$(listval | grep -c '^test/mde-alertsonly/.*machines')" 0 "alertsonly: no machine values"
is "$(value mde-alertsonly/bool-permissions)" "1.000000e+00" "alertsonly: permissions OK"
unlike "$(grep 'plugin_instance = alertsonly,' "$WORK/collectd.log")" "." \
  "alertsonly: no notification (no false failure)"
is "$(admin GET /stats | jq '.tenants["d0000000-0000-4000-8000-000000000003"].machines // 0')" 0 \
  "alertsonly: /api/machines never called"

# --- no devices: a 404, counted as zeros, not a failure
is "$(machines_mismatch nodevices.onmicrosoft.com nodevices)" "" "nodevices: zero counts (404)"
is "$(value mde-nodevices/count-machines_health_active)" "0.000000e+00" "nodevices: reported, as 0"
unlike "$(grep 'plugin_instance = nodevices,' "$WORK/collectd.log")" "." "nodevices: no notification"
unlike "$(cat "$WORK/collectd.log")" "sim-secret-current" "no secret in the log"
