#!/bin/bash
# SPDX-License-Identifier: MIT
# The devices of the Defender API (issue 17) as a client meets them: the
# whole list paged by @odata.nextLink ($skip) in pages of at most 10,000,
# summed page by page to exactly the simulator's ground truth; $top limits;
# 404 for a tenant without devices; the roles each endpoint wants; the
# exposure score; a device's health changed through the admin interface.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/machines.json"

APP=11111111-2222-3333-4444-555555555555
MDE=https://api.securitycenter.microsoft.com

token_for() { # token_for TENANT
  scurl "$LOGIN/$1/oauth2/token" -d grant_type=client_credentials -d "client_id=$APP" \
    -d "resource=$MDE" -d client_secret=sim-secret-current | jq -r .access_token
}
get() { scurl "$2" -H "Authorization: Bearer $1"; } # get TOKEN URL

fleet=$(token_for fleet.onmicrosoft.com)
small=$(token_for small.onmicrosoft.com)
alertsonly=$(token_for alertsonly.onmicrosoft.com)
nodevices=$(token_for nodevices.onmicrosoft.com)

# Counts of every page of $1's /api/machines, followed by nextLink, as
# '{"pages": n, "health": {...onboarded...}, "onboarding": {...}}'.
walk() {
  local url="$API/api/machines" pages=0 body
  : >"$WORK/devices"
  while [ -n "$url" ]; do
    body=$(get "$1" "$url")
    [ "$(status)" = 200 ] || { echo "{\"status\": $(status)}"; return; }
    pages=$((pages + 1))
    jq -c '.value[] | [.onboardingStatus, .healthStatus]' <<<"$body" >>"$WORK/devices"
    url=$(jq -r '."@odata.nextLink" // empty' <<<"$body" | sed "s#^https://[^/]*#$API#")
    [ "$pages" -lt 20 ] || break
  done
  jq -s --argjson pages "$pages" '{pages: $pages,
    health: (map(select(.[0] | ascii_downcase == "onboarded")) | group_by(.[1]) | map({(.[0][1]): length}) | add),
    onboarding: (group_by(.[0]) | map({(.[0][0]): length}) | add)}' "$WORK/devices"
}
# The ground truth without its zero rows, in walk's shape.
truth() {
  admin GET "/tenants/$1/machines/truth" |
    jq --argjson pages "$2" '{pages: $pages, health: (.health | with_entries(select(.value > 0))),
      onboarding: (.onboarding | with_entries(select(.value > 0)))}'
}
same() { # same GOT WANT DESCRIPTION: JSON equal
  if jq -e --argjson a "$1" --argjson b "$2" -n '$a == $b' >/dev/null 2>&1; then
    ok 0 "$3"
  else
    ok 1 "$3"
    echo "#   got:  $(jq -c . <<<"$1")"
    echo "#   want: $(jq -c . <<<"$2")"
  fi
}

# --- paging: 25,000 devices in pages of 10,000 (the real maximum)
got=$(walk "$fleet")
same "$got" "$(truth fleet.onmicrosoft.com 3)" \
  "25,000 devices: 3 pages by nextLink, counts equal the ground truth"
is "$(wc -l <"$WORK/devices") $(jq -r '.[0]' "$WORK/devices" | sort -u | tr '\n' ' ')" \
  "25000 CanBeOnboarded InsufficientInfo Unsupported onboarded " \
  "every device once, in all four onboarding states (spelled as machine.md does)"
body=$(get "$fleet" "$API/api/machines")
like "$(jq -r '."@odata.nextLink"' <<<"$body")" '/api/machines\?\$skip=10000$' "nextLink carries \$skip"
is "$(jq '.value | length' <<<"$body")" 10000 "a page without \$top holds 10,000 devices"
body=$(get "$fleet" "$API/api/machines?\$top=10000&\$skip=20000")
is "$(status) $(jq '.value | length' <<<"$body") $(jq 'has("@odata.nextLink")' <<<"$body")" "200 5000 false" \
  "\$top=10000&\$skip=20000: the last 5,000, no nextLink"
body=$(get "$fleet" "$API/api/machines?\$top=10001")
is "$(status) $(jq -r .error.code <<<"$body")" "400 ODataError" "\$top above 10,000: 400 ODataError"
first=$(get "$fleet" "$API/api/machines?\$top=3" | jq -c '[.value[].id]')
again=$(get "$fleet" "$API/api/machines?\$top=3" | jq -c '[.value[].id]')
is "$first" "$again" "the same devices in the same order on every call (deterministic)"

# --- a chosen mix, enum names in any case in the scenario
got=$(walk "$small")
same "$got" "$(truth small.onmicrosoft.com 1)" "40 devices with a chosen mix: counts equal the ground truth"
t=$(admin GET /tenants/small.onmicrosoft.com/machines/truth)
is "$(jq '[.health.ImpairedCommunication, .health.NoSensorDataImpairedCommunication, .health.Unknown, .onboarding.Unsupported, .onboarding.InsufficientInfo] | add' <<<"$t")" 0 \
  "the mix's zero-weight states are absent"
ok "$(jq -e '.health.Inactive > 0 and .health.NoSensorData > 0 and .onboarding.CanBeOnboarded > 0' <<<"$t" >/dev/null; echo $?)" \
  "the mix's states are all drawn"

# --- the admin interface turns one device inactive
id=$(get "$small" "$API/api/machines?\$top=1" | jq -r '.value[0].id')
admin POST /tenants/small.onmicrosoft.com/machines/0 '{"healthStatus": "Active", "onboardingStatus": "onboarded"}' >/dev/null
before=$(admin GET /tenants/small.onmicrosoft.com/machines/truth | jq .health.Inactive)
after=$(admin POST /tenants/small.onmicrosoft.com/machines/0 '{"healthStatus": "inactive"}' | jq .health.Inactive)
is "$((after - before))" 1 "admin: a device turned Inactive is one more Inactive in the ground truth"
body=$(get "$small" "$API/api/machines?\$top=1")
is "$(jq -r '.value[0] | .id + " " + .healthStatus' <<<"$body")" "$id Inactive" "the API serves the device as Inactive, same id"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$ADMIN/tenants/small.onmicrosoft.com/machines/40" --data '{"healthStatus": "Inactive"}')" \
  404 "admin: a device index past the fleet is 404"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$ADMIN/tenants/small.onmicrosoft.com/machines/1" --data '{"healthStatus": "Sleeping"}')" \
  400 "admin: an undocumented health is refused"

# --- roles, 404, exposure score
get "$small" "$API/api/machines?\$top=1" >/dev/null
is "$(status)" 200 "Machine.ReadWrite.All reads machines"
body=$(get "$alertsonly" "$API/api/machines")
is "$(status) $(jq -r .error.message <<<"$body")" \
  "403 Missing application roles. API required roles: Machine.Read.All,Machine.ReadWrite.All, application roles: Alert.Read.All." \
  "without a Machine role: 403 with the real message"
body=$(get "$nodevices" "$API/api/machines")
is "$(status) $(jq -r .error.code <<<"$body")" "404 NotFound" "no devices: 404 (get-machines.md)"
body=$(get "$fleet" "$API/api/exposureScore")
is "$(status) $(jq -r .score <<<"$body")" "200 41.5" "exposure score as the scenario set it"
admin POST /tenants/fleet.onmicrosoft.com/exposure_score '{"score": 57.25}' >/dev/null
is "$(get "$fleet" "$API/api/exposureScore" | jq -r .score)" 57.25 "admin: the exposure score changed"
get "$small" "$API/api/exposureScore" >/dev/null
is "$(status)" 403 "exposure score without Score.Read.All: 403"
