#!/bin/bash
# make demo: starts mde-sim with examples/scenarios/demo.json on loopback and
# shows, every few seconds, what a partner sees for each customer tenant when
# it runs the documented flow (token -> check roles and tid -> GET
# /api/alerts). A minute in, one customer revokes consent.
# Runs until Ctrl-C, or DEMO_SECONDS. Touches nothing outside its temporary
# folder. (The collectd plugin and check_mde join this demo as they land.)
set -u
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${DEMO_SECONDS:-0}"
interval="${DEMO_INTERVAL:-5}"
tmp="$(mktemp -d /tmp/mde-demo.XXXXXX)"
. "$root/scripts/sim.sh"
cleanup() {
  sim_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$root/scripts/gen-certs.sh" "$tmp/certs" >/dev/null
sim_start "$root/$build/mde-sim" "$root/examples/scenarios/demo.json" \
  "$tmp/certs" "$tmp" || { cat "$tmp/sim.log"; exit 1; }
listen=$SIM_ADDR port=$SIM_PORT admin=$SIM_ADMIN

# Secrets live in files readable by their owner only; curl reads them with
# @file so they never appear in a process list.
umask 077
printf '%s' demo-secret-not-for-production >"$tmp/secret"
printf '%s' demo-secret-expired >"$tmp/secret-expired"
app=11111111-2222-3333-4444-555555555555
resolve=(--resolve "login.microsoftonline.com:$port:127.0.0.1"
  --resolve "api.securitycenter.microsoft.com:$port:127.0.0.1")
tenants=(contosopharma fabrikamlogistics litwareretail northwindfoods tailspintoys woodgrovebank)

# Prints one row: tenant, token verdict, roles, alerts by status, HTTP.
probe() {
  local tenant="$1.onmicrosoft.com" secret="$tmp/secret"
  [ "$1" = northwindfoods ] && secret="$tmp/secret-expired"
  local body code
  body=$(curl -sS --max-time 10 --cacert "$tmp/certs/ca.pem" "${resolve[@]}" \
    "https://login.microsoftonline.com:$port/$tenant/oauth2/v2.0/token" \
    -d grant_type=client_credentials -d "client_id=$app" \
    -d "scope=https://api.securitycenter.microsoft.com/.default" \
    --data-urlencode "client_secret@$secret" -w '\n%{http_code}')
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  if [ "$code" != 200 ]; then
    local err
    err=$(jq -r '.error_description // empty' <<<"$body" 2>/dev/null | head -n1 | tr -d '\r' | cut -c1-60)
    printf '%-20s %-9s %-32s %s\n' "$1" "NO TOKEN" "-" "${err:-HTTP $code}"
    return
  fi
  local token claims roles
  token=$(jq -r .access_token <<<"$body")
  claims=$(cut -d. -f2 <<<"$token" | tr '_-' '/+' | { read -r s; while [ $((${#s} % 4)) -ne 0 ]; do s="$s="; done; base64 -d <<<"$s"; })
  roles=$(jq -r '(.roles // []) | join(",") | if . == "" then "(none)" else . end' <<<"$claims")
  body=$(curl -sS --max-time 10 --cacert "$tmp/certs/ca.pem" "${resolve[@]}" \
    -H "Authorization: Bearer $token" -A "MdatpPartner-collectd-mde-demo/0.1" \
    "https://api.securitycenter.microsoft.com:$port/api/alerts" -w '\n%{http_code}')
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  if [ "$code" = 200 ]; then
    printf '%-20s %-9s %-32s %s\n' "$1" "ok" "${roles:0:32}" \
      "$(jq -r '[.value[] | .status] | group_by(.) | map("\(.[0])=\(length)") | join(" ")' <<<"$body")"
  else
    printf '%-20s %-9s %-32s %s\n' "$1" "ok" "${roles:0:32}" \
      "API $code $(jq -r '.error.code' <<<"$body" 2>/dev/null)"
  fi
}

echo "mde-sim is serving https://$listen (admin http://$admin)"
echo "Tenants: healthy with churn, unconsented, missing a role, expired secret,"
echo "throttled, and one (woodgrovebank) whose admin revokes consent after 60 s."
start=$(date +%s)
revoked=0
while :; do
  now=$(date +%s)
  if [ "$revoked" = 0 ] && [ $((now - start)) -ge 60 ]; then
    curl -sS -X POST "http://$admin/tenants/woodgrovebank.onmicrosoft.com/apps/$app" \
      -d '{"consented": false}' >/dev/null && revoked=1
  fi
  echo
  echo "== $(date -u +%H:%M:%S) (+$((now - start)) s)"
  printf '%-20s %-9s %-32s %s\n' TENANT TOKEN ROLES "ALERTS / PROBLEM"
  for t in "${tenants[@]}"; do probe "$t"; done
  [ "$seconds" -gt 0 ] && [ $((now - start + interval)) -gt "$seconds" ] && break
  sleep "$interval"
done
echo
echo "Requests the simulator saw: $(curl -s "http://$admin/stats" | jq -c '{requests, tokens_issued, throttled}')"
