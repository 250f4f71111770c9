#!/bin/bash
# SPDX-License-Identifier: MIT
# A replaced access token does not stay in collectd's memory (issue 13,
# item 5). Tokens live 10 s here and are renewed 5 s before they expire,
# so collectd replaces its token every few seconds; after five
# acquisitions the running daemon's memory, as a core would hold it, has
# exactly one access token: the current one. Before the fix a core held the replaced
# ones too, in libcurl's copies of the `Authorization: Bearer` header and
# in freed header lists.
. "$(dirname "$0")/lib.sh"
plan 7
start_sim "$MDE_ROOT/tests/integration/scenarios/collectd.json"
APP=11111111-2222-3333-4444-555555555555
TID=c0000000-0000-4000-8000-000000000001
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
admin POST /settings '{"token_lifetime": 10}' >/dev/null
start_collectd "<Plugin mde>
$(sim_plugin_options)
  RefreshMargin 5
  AlertsInterval 1
  <Tenant \"healthy\">
    TenantId \"healthy.onmicrosoft.com\"
  </Tenant>
</Plugin>" 1 || exit 1

# Five tokens issued to this tenant, and the API called with the last ones.
issued() {
  admin GET "/requests?since=0&limit=100000" |
    jq "[.requests[] | select((.endpoint | startswith(\"token\")) and .tenant == \"$TID\" and .status == 200)] | length"
}
n=0
for i in $(seq 1 300); do
  n=$(issued)
  [ "$n" -ge 5 ] && break
  sleep 0.2
done
ok $((n >= 5 ? 0 : 1)) "collectd replaced its token several times ($n tokens issued)"
wait_cycles 1 30

# Every access token for this tenant in what a core of collectd would hold
# (tests/integration/memscan.py reads the process's memory as gcore does,
# minus ASan's 16 TiB "don't dump" shadow). The sim's tokens are JWTs whose
# payload names the tenant.
found=$("$MDE_ROOT/tests/integration/memscan.py" "$COLLECTD_PID" \
  'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}' 2>"$WORK/scan.err")
ok $? "collectd's memory scanned ($(cat "$WORK/scan.err"))"
tokens=$(while read -r t; do
  [ -n "$t" ] && jwt_claims "$t" 2>/dev/null | jq -e --arg tid "$TID" '.tid == $tid' >/dev/null && echo "$t"
done <<<"$found")
count=$(grep -c . <<<"$tokens")
ok $((count >= 1 ? 0 : 1)) "the scan finds the current token (the control)"
is "$count" 1 "collectd's memory holds one access token, the current one: the $((n - 1)) replaced ones are wiped"
is "$(value mde-healthy/bool-token_valid)" "1.000000e+00" "healthy: bool-token_valid = 1 throughout"
stop_collectd
