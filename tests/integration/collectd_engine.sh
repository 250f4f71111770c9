#!/bin/bash
# SPDX-License-Identifier: MIT
# The engine's behaviour where it shows in a real collectd (issue 12):
# a tenant with more alert pages than one cycle's call budget reaches exact
# counts under Microsoft's real quotas without one 429; counts stop being
# dispatched (a gap, not a flat line) when syncs fail for longer than two
# alerts intervals, with their age reported; ReadWrite roles satisfy Read
# requirements; and with one connection, a hung tenant does not starve the
# others. The state machine behind each is unit-tested exactly in
# tests/unit/test_engine_sm.c; this is the end-to-end witness.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/engine.json"
APP=11111111-2222-3333-4444-555555555555
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
common="  ClientId \"$APP\"
  ClientSecretFile \"$WORK/secret\"
  LoginEndpoint \"https://127.0.0.1:$SIM_PORT\"
  ApiEndpoint \"https://127.0.0.1:$SIM_PORT\"
  CACert \"$MDE_CERTS/ca.pem\""

start_collectd "<Plugin mde>
$common
  Timeout 30
  <Tenant \"large\">
    TenantId \"large.onmicrosoft.com\"
    RequireRole \"Alert.Read.All\"
  </Tenant>
  <Tenant \"writer\">
    TenantId \"writer.onmicrosoft.com\"
    RequireRole \"Alert.Read.All\"
    RequireRole \"Machine.Read.All\"
  </Tenant>
  <Tenant \"fading\">
    TenantId \"fading.onmicrosoft.com\"
    RequireRole \"Alert.Read.All\"
    AlertsInterval 2
  </Tenant>
</Plugin>" 5 || exit 1

# --- ReadWrite roles satisfy Read requirements: no false alarm
wait_for mde-writer/bool-token_valid 1 30
ok $? "writer: bool-token_valid = 1"
wait_for mde-writer/bool-alerts_complete 1 30
ok $? "writer: bool-alerts_complete = 1"
is "$(value mde-writer/bool-permissions)" "1.000000e+00" "writer: Alert.ReadWrite.All and Machine.ReadWrite.All satisfy the Read roles (bool-permissions = 1)"
is "$(value mde-writer/count-roles_missing)" "0.000000e+00" "writer: count-roles_missing = 0"
truth=$(admin GET /tenants/writer.onmicrosoft.com/alerts/truth)
is "$(value mde-writer/count-alerts_new_high)" "$(jq '.counts.New.High' <<<"$truth" | awk '{printf "%.6e", $1}')" "writer: alert counts equal the simulator's"

# --- a sync larger than one cycle's budget completes, resuming
is "$(value mde-large/bool-alerts_complete)" "0.000000e+00" "large: bool-alerts_complete = 0 while the first sync runs"
unlike "$(listval)" "mde-large/count-alerts" "large: no alert counts before the sync completes"
wait_for mde-large/bool-alerts_complete 1 240
ok $? "large: 300,000 alerts in pages of 10,000 complete (bool-alerts_complete = 1)"
mismatch=$(counts_mismatch large.onmicrosoft.com large)
is "$mismatch" "" "large: all 20 counts equal the simulator's ($(admin GET /tenants/large.onmicrosoft.com/alerts/truth | jq .total) alerts)"
log=$(admin GET "/requests?since=0&limit=100000")
pages=$(jq '[.requests[] | select(.endpoint == "alerts" and .tenant == "e0000000-0000-4000-8000-000000000001")] | length' <<<"$log")
throttled=$(jq '[.requests[] | select(.tenant == "e0000000-0000-4000-8000-000000000001" and .status == 429)] | length' <<<"$log")
is "$throttled" 0 "large: not one 429 from the simulator's real 100/min and 1,500/h quotas"
ok $((pages >= 30 && pages <= 45 ? 0 : 1)) "large: 30 pages fetched once each, a cut page again at most ($pages requests)"
if [ -n "${MDE_BENCH_OUT:-}" ]; then
  span=$(jq '[.requests[] | select(.endpoint == "alerts" and .tenant == "e0000000-0000-4000-8000-000000000001") | .t_ms] | (max - min) / 1000' <<<"$log")
  echo "large_sync_seconds=$span pages=$pages" >>"$MDE_BENCH_OUT"
fi

# --- stale counts stop; their age is reported
wait_for mde-fading/bool-alerts_complete 1 30
ok $? "fading: first sync complete"
like "$(listval)" "mde-fading/count-alerts_new_" "fading: alert counts reported while fresh"
admin POST /faults '{"endpoint": "alerts", "tenant": "fading.onmicrosoft.com", "status": 503}' >/dev/null
gone=1
for i in $(seq 1 300); do
  listval | grep -q "mde-fading/count-alerts_" || { gone=0; break; }
  sleep 0.2
done
ok $gone "fading: with the API down, counts stop being dispatched (collectd's cache lets them expire)"
age=$(value mde-fading/duration-alerts_age)
ok $(awk -v a="$age" 'BEGIN { exit !(a > 2 * 2 + 5) }'; echo $?) "fading: duration-alerts_age is past 2 x AlertsInterval + the interval ($age s)"
is "$(value mde-fading/bool-token_valid)" "1.000000e+00" "fading: the token is still valid (only the data is stale)"
admin DELETE /faults >/dev/null
admin POST /faults '{"endpoint": "token", "tenant": "e0000000-0000-4000-8000-000000000010", "latency_ms": 20000}' >/dev/null
back=1
for i in $(seq 1 150); do
  listval | grep -q "mde-fading/count-alerts_" && { back=0; break; }
  sleep 0.2
done
ok $back "fading: counts return once the API answers"
stop_collectd

# --- one connection, a hung tenant first in line: the others get their turn
rm -f "$WORK/collectd.sock"
start_collectd "<Plugin mde>
$common
  Timeout 60
  MaxConnections 1
  AlertsInterval 1
$(for i in 0 1 2 3; do
    name=row$i; [ $i = 0 ] && name=hung
    printf '  <Tenant "%s">\n    TenantId "e0000000-0000-4000-8000-00000000001%d"\n  </Tenant>\n' $name $i
  done)
</Plugin>" 2 || exit 1
for t in row1 row2 row3; do
  wait_for "mde-$t/bool-alerts_complete" 1 30
  ok $? "$t: synced beside a hung tenant with MaxConnections 1"
done
like "$(counter mde-hung/errors-network)" "^[0-9]" "hung: reported as network"
# Every cycle each row calls the API twice, alerts then the machines probe
# (AlertsInterval 1): over the next five cycles, not one of those calls may
# wait behind the hung tenant.
errors() { for t in row1 row2 row3; do printf '%s ' "$(counter "mde-$t/errors-network")"; done; }
before=$(errors)
calls=$(counter mde-row1/operations-api_requests)
for i in $(seq 1 150); do
  [ "$(counter mde-row1/operations-api_requests)" -ge $((calls + 10)) ] && break
  sleep 0.2
done
ok $(( $(counter mde-row1/operations-api_requests) >= calls + 10 ? 0 : 1 )) "row1: five more cycles of API calls"
is "$(errors)" "$before" "rows: no network failure in those cycles (the hung tenant starts after them)"
