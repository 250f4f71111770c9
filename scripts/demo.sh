#!/bin/bash
# SPDX-License-Identifier: MIT
# make demo: mde-sim with examples/scenarios/demo.json on loopback, a real
# collectd with mde.so, rrdtool, unixsock and write_prometheus, and, every
# interval until Ctrl-C (or for DEMO_SECONDS): a table of each tenant's key
# metrics, check_mde's verdict for it, and where to look next. A minute in,
# one customer (woodgrovebank) revokes consent. PNG graphs are rendered with
# rrdtool into build/demo/graphs. Everything it starts, it stops; nothing
# outside its temporary folder and the build tree is touched.
set -u
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${DEMO_SECONDS:-0}"
interval="${DEMO_INTERVAL:-5}"
revoke_after="${DEMO_REVOKE_AFTER:-60}"
check_interval="${DEMO_CHECK_INTERVAL:-20}"
graphs="$root/$build/demo/graphs"
tmp="$(mktemp -d /tmp/mde-demo.XXXXXX)"
. "$root/scripts/sim.sh"
collectd_pid=""
cleanup() {
  if [ -n "$collectd_pid" ]; then
    kill "$collectd_pid" 2>/dev/null
    wait "$collectd_pid" 2>/dev/null
  fi
  sim_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo; echo "stopping"; exit 0' INT TERM

say() { printf '%s\n' "$*"; }
die() { say "demo: $*" >&2; exit 1; }

# --- the simulated Microsoft cloud
"$root/scripts/gen-certs.sh" "$tmp/certs" >/dev/null || die "cannot make certificates"
sim_start "$root/$build/mde-sim" "$root/examples/scenarios/demo.json" \
  "$tmp/certs" "$tmp" || { cat "$tmp/sim.log"; die "mde-sim did not start"; }
app=11111111-2222-3333-4444-555555555555

# Secrets in owner-only files: never on a command line.
umask 077
printf 'demo-secret-not-for-production\n' >"$tmp/secret"
printf 'demo-secret-expired\n' >"$tmp/secret-expired"
umask 022

# A free loopback port for write_prometheus.
prom=""
for p in $(seq 19103 19199); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    prom=$p
    break
  fi
done
[ -n "$prom" ] || die "no free port for write_prometheus"

# --- a real collectd
mkdir -p "$tmp/plugins" "$tmp/rrd" "$graphs"
cp "$root/$build/mde.so" "$tmp/plugins/" # collectd refuses symlinked plugins
for p in logfile unixsock rrdtool write_prometheus; do
  cp "/usr/lib/collectd/$p.so" "$tmp/plugins/" || die "collectd's $p plugin is missing (make deps)"
done
cat >"$tmp/collectd.conf" <<CONF
Hostname "demo"
FQDNLookup false
BaseDir "$tmp"
PIDFile "$tmp/collectd.pid"
PluginDir "$tmp/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval $interval
LoadPlugin logfile
<Plugin logfile>
  LogLevel "info"
  File "$tmp/collectd.log"
  Timestamp true
  PrintSeverity true
</Plugin>
LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "$tmp/collectd.sock"
</Plugin>
LoadPlugin rrdtool
<Plugin rrdtool>
  DataDir "$tmp/rrd"
  CacheTimeout 0
</Plugin>
LoadPlugin write_prometheus
<Plugin write_prometheus>
  Host "127.0.0.1"
  Port "$prom"
</Plugin>
LoadPlugin mde
<Plugin mde>
  ClientId "$app"
  ClientSecretFile "$tmp/secret"
  # the simulator stands in for login.microsoftonline.com and the API
  LoginEndpoint "https://127.0.0.1:$SIM_PORT"
  ApiEndpoint "https://127.0.0.1:$SIM_PORT"
  CACert "$tmp/certs/ca.pem"
  # the app's secret expiry, from Microsoft Graph in the partner's own tenant
  HomeTenantId "contosomssp.onmicrosoft.com"
  GraphEndpoint "https://127.0.0.1:$SIM_PORT"
  RequireRole "Alert.Read.All"
  CredentialCheckInterval $check_interval
  AlertsInterval $interval
  <Tenant "contosopharma">
    TenantId "contosopharma.onmicrosoft.com"
    RequireRole "Alert.Read.All"
    RequireRole "Machine.Read.All"
  </Tenant>
  <Tenant "fabrikamlogistics">
    TenantId "fabrikamlogistics.onmicrosoft.com"
  </Tenant>
  <Tenant "litwareretail">
    TenantId "litwareretail.onmicrosoft.com"
  </Tenant>
  <Tenant "northwindfoods">
    TenantId "northwindfoods.onmicrosoft.com"
    ClientSecretFile "$tmp/secret-expired"
  </Tenant>
  <Tenant "tailspintoys">
    TenantId "tailspintoys.onmicrosoft.com"
  </Tenant>
  <Tenant "woodgrovebank">
    TenantId "woodgrovebank.onmicrosoft.com"
  </Tenant>
</Plugin>
CONF
collectd -f -C "$tmp/collectd.conf" >"$tmp/collectd.out" 2>&1 &
collectd_pid=$!
for _ in $(seq 100); do [ -S "$tmp/collectd.sock" ] && break; sleep 0.1; done
[ -S "$tmp/collectd.sock" ] || { cat "$tmp/collectd.out" "$tmp/collectd.log"; die "collectd did not start"; }

tenants=(contosopharma fabrikamlogistics litwareretail northwindfoods tailspintoys woodgrovebank)
days() { # days TENANT -> timeleft-credential in days (one decimal), or "-"
  local v
  v=$(collectdctl -s "$tmp/collectd.sock" getval "demo/mde-$1/timeleft-credential" 2>/dev/null | sed -n '1s/^[^=]*=//p')
  [ -n "$v" ] && awk -v s="$v" 'BEGIN { printf "%.1f", s / 86400 }' || printf -- '-'
}
val() { # val TENANT IDENT -> a number, or "-"
  local v
  v=$(collectdctl -s "$tmp/collectd.sock" getval "demo/mde-$1/$2" 2>/dev/null | sed -n '1s/^[^=]*=//p')
  [ -n "$v" ] && printf '%.0f' "$v" || printf -- '-'
}
alerts() { # alerts TENANT STATUS -> the sum over severities
  local sum=0 s v
  for s in informational low medium high unspecified; do
    v=$(val "$1" "count-alerts_$2_$s")
    [ "$v" = "-" ] && { printf -- '-'; return; }
    sum=$((sum + v))
  done
  printf '%d' "$sum"
}
graph() {
  local dir="$tmp/rrd/demo/mde-contosopharma" out
  [ -f "$dir/count-alerts_new_high.rrd" ] || return 0
  local defs=() s colors=(high:CC0000 medium:FF8800 low:DDCC00 informational:3366CC)
  for s in "${colors[@]}"; do
    defs+=("DEF:${s%%:*}=$dir/count-alerts_new_${s%%:*}.rrd:value:AVERAGE"
      "AREA:${s%%:*}#${s#*:}:${s%%:*}:STACK")
  done
  rrdtool graph "$graphs/alerts-contosopharma.png" --start -10min --title \
    "contosopharma: new alerts by severity" --vertical-label alerts \
    "${defs[@]}" >/dev/null 2>&1
  for t in "${tenants[@]}"; do
    dir="$tmp/rrd/demo/mde-$t"
    [ -f "$dir/response_time-token.rrd" ] || continue
    out=("DEF:token=$dir/response_time-token.rrd:value:AVERAGE"
      "LINE2:token#3366CC:token endpoint")
    [ -f "$dir/response_time-api.rrd" ] &&
      out+=("DEF:api=$dir/response_time-api.rrd:value:AVERAGE" "LINE2:api#CC6600:Defender API")
    rrdtool graph "$graphs/latency-$t.png" --start -10min --title "$t: latency" \
      --vertical-label seconds "${out[@]}" >/dev/null 2>&1
    [ -f "$dir/timeleft-credential.rrd" ] &&
      rrdtool graph "$graphs/credential-left-$t.png" --start -10min \
        --title "$t: client secret days left (Microsoft Graph)" --vertical-label days \
        "DEF:s=$dir/timeleft-credential.rrd:value:AVERAGE" "CDEF:d=s,86400,/" \
        "AREA:d#CC8800:days left" >/dev/null 2>&1
    [ -f "$dir/timeleft-token.rrd" ] &&
      rrdtool graph "$graphs/token-left-$t.png" --start -10min \
        --title "$t: token time left" --vertical-label seconds \
        "DEF:left=$dir/timeleft-token.rrd:value:AVERAGE" "AREA:left#55AA55:seconds left" \
        >/dev/null 2>&1
  done
}

say "mde-sim:    https://$SIM_ADDR (admin http://$SIM_ADMIN), world: examples/scenarios/demo.json"
say "collectd:   pid $collectd_pid, config $tmp/collectd.conf, log $tmp/collectd.log"
say "prometheus: http://127.0.0.1:$prom/metrics (write_prometheus)"
say "graphs:     $graphs/ (rrdtool, refreshed every interval)"
say "Tenants: alert churn and unhealthy sensors (contosopharma), never consented (fabrikamlogistics),"
say "missing Alert.Read.All (litwareretail), expired secret (northwindfoods), throttled"
say "(tailspintoys), and woodgrovebank, whose admin revokes consent after ${revoke_after} s."
say "The app's client secret expires in 10 days: Microsoft Graph in the partner's home tenant"
say "says so (SECRET_D, timeleft-credential in days), and collectd sends a WARNING."

start=$(date +%s)
revoked=0
while :; do
  sleep "$interval"
  now=$(date +%s)
  if [ "$revoked" = 0 ] && [ $((now - start)) -ge "$revoke_after" ]; then
    curl -sS -X POST "http://$SIM_ADMIN/tenants/woodgrovebank.onmicrosoft.com/apps/$app" \
      -d '{"consented": false}' >/dev/null && revoked=1 &&
      say ">>> woodgrovebank's admin revoked consent: collectd sees it within CredentialCheckInterval (${check_interval} s)"
  fi
  verdicts=$("$root/$build/check_mde" --config "$tmp/collectd.conf" --api -t 10 2>/dev/null)
  say ""
  say "== $(date -u +%H:%M:%S) (+$((now - start)) s)   check_mde: ${verdicts%%|*}"
  printf '%-18s %5s %7s %5s %6s %5s %5s %5s %5s %6s %8s  %s\n' TENANT TOKEN CONSENT ROLES MISSING 429 NEW INPROG RESLVD TTL SECRET_D CHECK_MDE
  for t in "${tenants[@]}"; do
    line=$(grep -E "^(CRITICAL|WARNING|UNKNOWN): $t:" <<<"$verdicts" | head -n1 | cut -c1-70)
    printf '%-18s %5s %7s %5s %6s %5s %5s %5s %5s %6s %8s  %s\n' "$t" \
      "$(val "$t" bool-token_valid)" "$(val "$t" bool-consent)" \
      "$(val "$t" bool-permissions)" "$(val "$t" count-roles_missing)" \
      "$(val "$t" count-throttled)" \
      "$(alerts "$t" new)" "$(alerts "$t" inprogress)" "$(alerts "$t" resolved)" \
      "$(val "$t" timeleft-token)" "$(days "$t")" "${line:-OK}"
  done
  # Sensor health (issue 17): contosopharma has devices that stopped
  # reporting and some never onboarded.
  say "sensors: contosopharma $(val contosopharma count-machines_health_active) active," \
    "$(val contosopharma count-machines_health_inactive) inactive," \
    "$(val contosopharma count-machines_health_impairedcommunication) impaired," \
    "$(val contosopharma count-machines_health_nosensordata) no sensor data;" \
    "$(val contosopharma count-machines_onboarding_canbeonboarded) can be onboarded;" \
    "exposure score $(val contosopharma gauge-exposure_score)"
  graph
  [ "$seconds" -gt 0 ] && [ $((now - start + interval)) -gt "$seconds" ] && break
done
say ""
say "Notifications collectd dispatched:"
grep -o 'plugin_instance = [a-z]*, type = bool, type_instance = token_valid, message = .*' \
  "$tmp/collectd.log" | sed 's/, type = bool, type_instance = token_valid, message = / /; s/^plugin_instance = /  /' | cut -c1-150
grep -o 'plugin_instance = [a-z]*, type = timeleft, type_instance = credential, message = .*' \
  "$tmp/collectd.log" | sed 's/, type = timeleft, type_instance = credential, message = / /; s/^plugin_instance = /  /' | cut -c1-150 | head -n 2
say ""
say "What Prometheus scraped last (while the demo runs: curl -s http://127.0.0.1:$prom/metrics):"
curl -s "http://127.0.0.1:$prom/metrics" | grep -E '^collectd_mde_bool\{' | head -n 4 | sed 's/^/  /'
say ""
say "Where to look next:"
say "  PNG graphs:         $graphs/"
say "  Requests mde-sim saw: $(curl -s "http://$SIM_ADMIN/stats" | jq -c '{requests, tokens_issued, throttled}')"
