#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench (simulator part): how many keep-alive HTTPS requests a second
# mde-sim serves on this machine, so later benchmarks know it is not their
# bottleneck. wrk (2 threads, 64 connections) runs on the same 2 cores as
# the simulator, against 127.0.0.1 only. Writes bench/results/sim-load.md.
set -eu
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${BENCH_SECONDS:-10}"
conns="${BENCH_CONNECTIONS:-64}"
tmp="$(mktemp -d /tmp/mde-bench.XXXXXX)"
. "$root/scripts/sim.sh"
cleanup() {
  sim_stop
  rm -rf "$tmp"
}
trap cleanup EXIT

"$root/scripts/gen-certs.sh" "$tmp/certs" >/dev/null
sim_start "$root/$build/mde-sim" "$root/bench/scenarios/sim-load.json" \
  "$tmp/certs" "$tmp" || { cat "$tmp/sim.log"; exit 1; }
url="https://$SIM_ADDR"

token=$(curl -sS --cacert "$tmp/certs/ca.pem" "$url/tenant0.onmicrosoft.com/oauth2/v2.0/token" \
  -d grant_type=client_credentials -d client_id=11111111-2222-3333-4444-555555555555 \
  -d scope=https://api.securitycenter.microsoft.com/.default -d client_secret=bench-secret |
  jq -r .access_token)
bytes=$(curl -sS --cacert "$tmp/certs/ca.pem" -H "Authorization: Bearer $token" \
  "$url/api/alerts?\$top=50" | wc -c)

run() { # run NAME SCRIPT [ENV...]
  local name="$1" script="$2"
  shift 2
  env "$@" wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$root/bench/wrk/$script" \
    "$url" >"$tmp/$name.txt" 2>&1
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$tmp/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/$name.txt")
  bad=$(awk '/^non-2xx/ {print $2}' "$tmp/$name.txt")
  printf '| %s | %.0f | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "${bad:-?}"
}

cpu=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')
{
  echo "# mde-sim load test"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($cpu), $(uname -sr)."
  echo "wrk -t2 -c$conns -d${seconds}s over HTTPS keep-alive on 127.0.0.1;"
  echo "wrk and mde-sim share the cores. Scenario: bench/scenarios/sim-load.json"
  echo "(1,000 tenants x 50 alerts). Alert page: \$top=50, $bytes bytes."
  echo
  echo "| workload | requests/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|"
  run "token, one tenant (reused within the second)" token.lua TENANTS=1
  run "token, 1,000 tenants round-robin" token.lua TENANTS=1000
  curl -sS -X POST "http://$SIM_ADMIN/settings" -d '{"token_reuse": false}' | jq -e .ok >/dev/null || { echo "bench: cannot turn token reuse off" >&2; exit 1; }
  run "token, 1,000 tenants, every token freshly RS256-signed" token.lua TENANTS=1000
  run "alerts page (\$top=50)" alerts.lua "TOKEN=$token"
} | tee "$root/bench/results/sim-load.md"
