#!/bin/bash
# SPDX-License-Identifier: MIT
# Engine memory per tenant (issue 3: "a tenant with no alerts costs a few
# KiB"): heap bytes per tenant after configuration and after a real cycle
# against mde-sim (token cached, alerts indexed), for tenants with 0 and 50
# alerts, and (issue 17) tenants with 50 alerts and 100 devices whose token
# also has Machine.Read.All and Score.Read.All: the added cost of sensor
# health per tenant; and (issue 19) tenants with README's minimal set (no
# Defender API call). Writes bench/results/engine-memory.md.
set -eu
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${BENCH_TENANTS:-1000}"
tmp="$(mktemp -d /tmp/mde-bench.XXXXXX)"
. "$root/scripts/sim.sh"
trap 'sim_stop; rm -rf "$tmp"' EXIT
"$root/scripts/gen-certs.sh" "$tmp/certs" >/dev/null
umask 077
printf 'bench-secret' >"$tmp/secret"
cat >"$tmp/world.json" <<JSON
{"settings": {"api_calls_per_minute": 0, "api_calls_per_hour": 0},
 "apps": [{"client_id": "11111111-2222-3333-4444-555555555555",
           "secrets": [{"value": "bench-secret"}]}],
 "tenant_sets": [
  {"count": $n, "seed": 1, "name_prefix": "quiet",
   "template": {"apps": {"11111111-2222-3333-4444-555555555555": {"roles": ["Alert.Read.All"]}}}},
  {"count": $n, "seed": 2, "name_prefix": "busy",
   "template": {"apps": {"11111111-2222-3333-4444-555555555555": {"roles": ["Alert.Read.All"]}},
                "alerts": {"count": 50}}},
  {"count": $n, "seed": 3, "name_prefix": "fleet",
   "template": {"apps": {"11111111-2222-3333-4444-555555555555": {"roles": ["Alert.Read.All", "Machine.Read.All", "Score.Read.All"]}},
                "alerts": {"count": 50}, "machines": 100}}]}
JSON
sim_start "$root/$build/mde-sim" "$tmp/world.json" "$tmp/certs" "$tmp" || {
  cat "$tmp/sim.log"
  exit 1
}
{
  echo "# Engine memory per tenant"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores. Heap (glibc mallinfo2) held by the"
  echo "engine per tenant: configured, then after one real cycle against mde-sim"
  echo "(token acquired, checked and cached; alerts fully synced and indexed;"
  echo "devices, where the token has Machine.Read.All, counted, and the exposure"
  echo "score read with Score.Read.All), and the Defender API calls it took."
  echo
  echo "| tenants | alerts each | devices each | configured | after a cycle | cycle wall time | API calls each | OK |"
  echo "|---|---|---|---|---|---|---|---|"
  "$root/$build/bench/engine-memory" "https://$SIM_ADDR" "$tmp/certs/ca.pem" \
    "$tmp/secret" "$n" quiet 0
  "$root/$build/bench/engine-memory" "https://$SIM_ADDR" "$tmp/certs/ca.pem" \
    "$tmp/secret" "$n" busy 50
  "$root/$build/bench/engine-memory" "https://$SIM_ADDR" "$tmp/certs/ca.pem" \
    "$tmp/secret" "$n" fleet 50 100
  "$root/$build/bench/engine-memory" "https://$SIM_ADDR" "$tmp/certs/ca.pem" \
    "$tmp/secret" "$n" busy "50, not fetched (minimal set)" 0 minimal
} | tee "$root/bench/results/engine-memory.md"
