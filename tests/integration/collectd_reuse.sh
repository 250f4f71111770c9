#!/bin/bash
# SPDX-License-Identifier: MIT
# Connections the server closed while idle (issue 19's scale runs): the
# simulator, like many servers, closes a kept-alive connection idle for a
# while, with a TLS close_notify, which Debian 12's libcurl cannot tell from
# a live connection: a request sent on it dies without an answer, and so
# may libcurl's one retry, on the next pooled connection, dead the same
# way. Every such request read as a network failure: 86 false alarms in a
# 500-tenant cycle at Interval 40. Here: 16 tenants, 16 connections, the
# simulator closing them after 1 s idle, cycles 2 s apart: every cycle
# meets a pool of dead connections, and no tenant may fail.
. "$(dirname "$0")/lib.sh"
plan 6
APP=11111111-2222-3333-4444-555555555555
cat >"$WORK/world.json" <<JSON
{"description": "collectd_reuse.sh: 16 tenants with 5 alerts each",
 "apps": [{"client_id": "$APP", "secrets": [{"value": "sim-secret-current"}]}],
 "tenant_sets": [{"count": 16, "seed": 3, "name_prefix": "reuse",
   "template": {"apps": {"$APP": {"roles": ["Alert.Read.All"]}},
                "alerts": {"count": 5}}}]}
JSON
start_sim "$WORK/world.json" --idle-timeout 1
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
block() {
  printf '<Plugin mde>\n'
  sim_plugin_options
  printf '  MaxConnections 16\n  AlertsInterval 1\n'
  local i
  for i in $(seq 0 15); do
    printf '  <Tenant "r%d">\n    TenantId "reuse%d.onmicrosoft.com"\n  </Tenant>\n' "$i" "$i"
  done
  printf '</Plugin>\n'
}
start_collectd "$(block)" 2 || exit 1
wait_cycles 6 90
ok $? "six cycles, each after the server closed the last one's connections"
served=$(admin GET "/requests?since=0&limit=10000" | jq '[.requests[] | select(.endpoint == "alerts")] | length')
ok $((served >= 16 * 3 ? 0 : 1)) "alerts were asked for across the cycles ($served answers)"
unlike "$(grep -i 'notification' "$WORK/collectd.log")" "FAILURE" \
  "no tenant failed: no false network alarm"
is "$(ls "$WORK"/csv/test/mde-r*/errors-network-* 2>/dev/null | wc -l)" "0" \
  "no network error counted"
stop_collectd
