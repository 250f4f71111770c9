#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile peers at scale (issue 13, item 1): mde.so (the plain build) in a
# real collectd with N tenants (default 1,000) against mde-sim, in two
# phases, each a fresh collectd: (1) every endpoint streams a body that
# never ends; (2) tokens are fine and every alerts page never ends (the
# large-cap transfers the memory budget is for). For each: collectd's peak
# RSS (VmHWM), how many tenants report a failure (all of them should), how
# many of them `protocol` or `network`, and any other class (`overrun`: a
# page the memory budget held had some of it waiting unread at its second
# deadline).
# Writes endless.md to BENCH_OUT (default bench/results).
#   bench/endless.sh [BUILD]
# Environment: BENCH_TENANTS (1000), BENCH_INTERVAL (10), BENCH_CYCLES (3),
# BENCH_MAX_CONNECTIONS (32, the default).
set -eu
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
case "$build" in /*) bdir="$build" ;; *) bdir="$root/$build" ;; esac
n="${BENCH_TENANTS:-1000}"
interval="${BENCH_INTERVAL:-10}"
cycles="${BENCH_CYCLES:-3}"
conns="${BENCH_MAX_CONNECTIONS:-32}"
out="${BENCH_OUT:-$root/bench/results}"
app=11111111-2222-3333-4444-555555555555
tmp="$(mktemp -d /tmp/mde-endless.XXXXXX)"
. "$root/scripts/sim.sh"
COLLECTD_PID=""
cleanup() {
  if [ -n "$COLLECTD_PID" ]; then
    kill -TERM "$COLLECTD_PID" 2>/dev/null || true
    wait "$COLLECTD_PID" 2>/dev/null || true
  fi
  sim_stop 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
say() { echo "endless: $*" >&2; }
readelf -d "$bdir/mde.so" | grep -q libasan && {
  say "$bdir/mde.so is the ASan build: RSS would measure ASan; use the plain build"
  exit 1
}

"$root/scripts/gen-certs.sh" "$tmp/certs" >/dev/null
umask 077
printf 'bench-secret' >"$tmp/secret"
umask 022
cat >"$tmp/world.json" <<JSON
{"description": "bench/endless.sh: $n tenants, quotas off",
 "settings": {"api_calls_per_minute": 0, "api_calls_per_hour": 0},
 "apps": [{"client_id": "$app", "secrets": [{"value": "bench-secret"}]}],
 "tenant_sets": [{"count": $n, "seed": 7, "name_prefix": "tenant",
   "template": {"apps": {"$app": {"roles": ["Alert.Read.All"]}},
                "alerts": {"count": 5}}}]}
JSON
sim_start "$bdir/mde-sim" "$tmp/world.json" "$tmp/certs" "$tmp" ||
  { say "mde-sim did not start: $(cat "$tmp/sim.log")"; exit 1; }
domains=$(curl -sS "http://$SIM_ADMIN/tenants" | jq -r '.[].domains[0]' | head -n "$n")

run_phase() { # run_phase NAME FAULTS_JSON
  local name="$1" run="$tmp/$1"
  mkdir -p "$run/plugins"
  cp "$bdir/mde.so" /usr/lib/collectd/logfile.so /usr/lib/collectd/unixsock.so "$run/plugins/"
  curl -sS -X PUT "http://$SIM_ADMIN/faults" -d "$2" >/dev/null
  {
    cat <<CONF
Hostname "bench"
FQDNLookup false
BaseDir "$run"
PIDFile "$run/collectd.pid"
PluginDir "$run/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval $interval
LoadPlugin logfile
<Plugin logfile>
  LogLevel "warning"
  File "$run/collectd.log"
</Plugin>
LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "$run/collectd.sock"
</Plugin>
LoadPlugin mde
<Plugin mde>
  ClientId "$app"
  ClientSecretFile "$tmp/secret"
  LoginEndpoint "https://127.0.0.1:$SIM_PORT"
  ApiEndpoint "https://127.0.0.1:$SIM_PORT"
  CACert "$tmp/certs/ca.pem"
  MaxConnections $conns
  ProbeRoles false
CONF
    local i=0 d
    for d in $domains; do
      printf '  <Tenant "t%d">\n    TenantId "%s"\n  </Tenant>\n' "$i" "$d"
      i=$((i + 1))
    done
    echo "</Plugin>"
  } >"$run/collectd.conf"
  collectd -f -C "$run/collectd.conf" >"$run/collectd.out" 2>&1 &
  COLLECTD_PID=$!
  local t0 k
  for k in $(seq 1 100); do [ -S "$run/collectd.sock" ] && break; sleep 0.1; done
  # the cycles asked for, then one more interval for the last values
  sleep $((interval * (cycles + 1)))
  local hwm classes failing other reported
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$COLLECTD_PID/status")
  classes=$(collectdctl -s "$run/collectd.sock" listval | grep -o 'mde-t[0-9]*/errors-[a-z_]*' | sort -u)
  failing=$(grep -E 'errors-(protocol|network)$' <<<"$classes" | cut -d/ -f1 | sort -u | wc -l)
  # any class at all: no tenant may go unreported
  reported=$(cut -d/ -f1 <<<"$classes" | sort -u | grep -c . || true)
  other=$(grep -vE 'errors-(protocol|network)$' <<<"$classes" | sed 's|.*/errors-||' | sort | uniq -c | tr '\n' ' ')
  kill -TERM "$COLLECTD_PID"
  wait "$COLLECTD_PID" || true
  COLLECTD_PID=""
  printf '| %s | %d | %.1f | %d of %d | %d of %d | %s |\n' "$name" "$n" "$(echo "$hwm / 1024" | bc -l)" \
    "$reported" "$n" "$failing" "$n" "${other:-none}" >>"$tmp/rows"
  say "$name: peak RSS $hwm KiB, $reported of $n tenants reported a failure, $failing protocol/network, other: ${other:-none}"
}

: >"$tmp/rows"
run_phase every-endpoint '[{"endpoint": "*", "endless": 1}]'
run_phase alerts-pages '[{"endpoint": "alerts", "endless": 1}]'
mkdir -p "$out"
{
  echo "# Endless bodies at scale (bench/endless.sh)"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); mde.so plain build; Interval $interval, $cycles cycles, MaxConnections $conns, MemoryBudget default."
  echo
  echo "| phase | tenants | collectd peak RSS (MiB) | tenants reported a failure | of them protocol/network | other classes (tenants) |"
  echo "|---|---|---|---|---|---|"
  cat "$tmp/rows"
} >"$out/endless.md"
cat "$out/endless.md"
