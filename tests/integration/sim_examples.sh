#!/bin/bash
# SPDX-License-Identifier: MIT
# Every scenario shipped in examples/scenarios/ loads, serves a token and an
# alerts page for its first consented tenant, and the simulator exits
# cleanly. Keeps the examples true to the code.
. "$(dirname "$0")/lib.sh"
for scenario in "$MDE_ROOT"/examples/scenarios/*.json; do
  name=$(basename "$scenario")
  start_sim "$scenario"
  tenants=$(admin GET /tenants)
  ok $(( $(jq length <<<"$tenants") > 0 ? 0 : 1 )) "$name: loads ($(jq length <<<"$tenants") tenants)"
  app=$(jq -r '.apps[0].client_id' "$scenario")
  secret=$(jq -r '.apps[0].secrets[0].value' "$scenario")
  admin DELETE /faults >/dev/null # examples may inject faults; this checks the world
  tenant=""
  for id in $(jq -r '.[].id' <<<"$tenants" | head -50); do
    if admin GET "/tenants/$id" | jq -e --arg a "$app" '.apps[$a].roles | index("Alert.Read.All")' >/dev/null; then
      tenant=$id
      break
    fi
  done
  body=$(scurl "$LOGIN/$tenant/oauth2/v2.0/token" -d grant_type=client_credentials \
    -d "client_id=$app" -d "scope=https://api.securitycenter.microsoft.com/.default" \
    --data-urlencode "client_secret=$secret")
  is "$(status)" 200 "$name: a consented tenant gets a token"
  scurl "$API/api/alerts?\$top=1" -H "Authorization: Bearer $(jq -r .access_token <<<"$body")" >/dev/null
  is "$(status)" 200 "$name: and reads alerts"
  stop_sim
done
