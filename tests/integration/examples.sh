#!/bin/bash
# SPDX-License-Identifier: MIT
# The examples, checked: every collectd snippet passes check_mde --validate
# (the plugin's own option parser; paths pointed at test credentials) and a
# broken copy does not; a shard forwards to a central collectd over the
# network plugin, encrypted, as forwarding-*.conf show; the Prometheus rules
# pass promtool and fire on the series collectd-mde exports; the Grafana
# dashboard is JSON over metric names write_prometheus really exports.
. "$(dirname "$0")/lib.sh"
EX="$MDE_ROOT/examples"
CHECK="$MDE_BUILD/check_mde"
mkdir -p "$WORK/mde"
umask 077
for s in client-secret other-app-secret commercial-app-secret usgov-app-secret; do
  printf 'example-secret\n' >"$WORK/mde/$s"
done
cp "$MDE_CERTS/app1.pem" "$WORK/mde/app.pem"
cp "$MDE_CERTS/app1.key" "$WORK/mde/app.key"
umask 022

for f in "$EX"/collectd/*.conf; do
  name=$(basename "$f")
  grep -q '<Plugin mde>' "$f" || continue
  sed "s|/etc/collectd/mde/|$WORK/mde/|g" "$f" >"$WORK/$name"
  tenants=$(grep -c '<Tenant ' "$f")
  out=$("$CHECK" --config "$WORK/$name" --validate)
  rc=$?
  is "$rc $out" "0 MDE OK - $WORK/$name: valid, $tenants tenant$([ "$tenants" = 1 ] || echo s)|tenants=$tenants" \
    "examples/collectd/$name: valid ($tenants tenants)"
done
sed 's/ClientId "11111111-2222-3333-4444-555555555555"/ClientId "not-a-guid"/' "$WORK/minimal.conf" >"$WORK/broken.conf"
out=$("$CHECK" --config "$WORK/broken.conf" --validate)
is "$? $out" '3 MDE UNKNOWN - tenant "contoso": ClientId "not-a-guid" is not a GUID (the application id of the partner app)' \
  "a broken copy is refused, naming option and tenant"

# --- forwarding: a shard with the plugin, a central collectd receiving
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
mkdir -p "$WORK/plugins" "$WORK/central" "$WORK/shard"
cp "$MDE_BUILD/mde.so" /usr/lib/collectd/{network,csv,logfile}.so "$WORK/plugins/"
preload=""
readelf -d "$MDE_BUILD/mde.so" | grep -q libasan && preload="$(gcc -print-file-name=libasan.so)"
port=$((20000 + RANDOM % 20000))
printf 'shard-1: change-me\n' >"$WORK/network-auth"
common() { # common NAME
  cat <<CONF
Hostname "$1"
FQDNLookup false
BaseDir "$WORK/$1"
PIDFile "$WORK/$1/pid"
PluginDir "$WORK/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval 2
LoadPlugin logfile
<Plugin logfile>
  File "$WORK/$1/log"
</Plugin>
CONF
}
{ common central
  sed -e "s|\"0.0.0.0\" \"25826\"|\"127.0.0.1\" \"$port\"|" -e "s|/etc/collectd/network-auth|$WORK/network-auth|" \
    -e '/^LoadPlugin rrdtool/,/^<\/Plugin>/d' -e '/^LoadPlugin write_prometheus/,/^<\/Plugin>/d' \
    "$EX/collectd/forwarding-central.conf"
  printf 'LoadPlugin csv\n<Plugin csv>\n  DataDir "%s/central/csv"\n</Plugin>\n' "$WORK"
} >"$WORK/central.conf"
# The same shard file on two hosts, Shard "1/2" and "2/2": each tenant is
# monitored by exactly one of them, and the central collectd has both.
for k in 1 2; do
  mkdir -p "$WORK/shard$k"
  { common "shard$k"
    sed -e "s|/etc/collectd/mde/|$WORK/mde/|g" -e "s|\"collectd-central.example.net\" \"25826\"|\"127.0.0.1\" \"$port\"|" \
      -e 's|customer0001.onmicrosoft.com|contoso.onmicrosoft.com|' -e 's|customer0002.onmicrosoft.com|northwind.onmicrosoft.com|' \
      -e "s|^  Shard \"1/2\"|  Shard \"$k/2\"|" \
      -e "s|^  ClientSecretFile .*|  ClientSecretFile \"$WORK/mde/sim-secret\"\n  LoginEndpoint \"https://127.0.0.1:$SIM_PORT\"\n  ApiEndpoint \"https://127.0.0.1:$SIM_PORT\"\n  CACert \"$MDE_CERTS/ca.pem\"|" \
      "$EX/collectd/forwarding-shard.conf"
  } >"$WORK/shard$k.conf"
done
(umask 077; printf 'sim-secret-current\n' >"$WORK/mde/sim-secret")
collectd -f -C "$WORK/central.conf" >"$WORK/central/out" 2>&1 &
central=$!
LD_PRELOAD="$preload" collectd -f -C "$WORK/shard1.conf" >"$WORK/shard1/out" 2>&1 &
shard1=$!
LD_PRELOAD="$preload" collectd -f -C "$WORK/shard2.conf" >"$WORK/shard2/out" 2>&1 &
shard2=$!
# csv_of TENANT VALUE: the central's CSV files of it, from either host
csv_of() { ls "$WORK"/central/csv/shard[12]/mde-"$1"/"$2"-* 2>/dev/null; }
for i in $(seq 1 60); do
  [ -s "$(csv_of customer-0001 bool-token_valid | head -n1)" ] &&
    [ -s "$(csv_of customer-0002 errors-app_not_in_tenant | head -n1)" ] && break
  sleep 0.5
done
last() { tail -n1 "$(csv_of "$1" "$2" | head -n1)" 2>/dev/null | cut -d, -f2; }
is "$(last customer-0001 bool-token_valid)" "1.000000" "forwarding: the central collectd receives the healthy tenant"
ok $([ -n "$(last customer-0002 errors-app_not_in_tenant)" ]; echo $?) "forwarding: and the failure class of the unconsented one"
hosts() { ls -d "$WORK"/central/csv/shard[12]/mde-"$1" 2>/dev/null | wc -l; }
is "$(hosts customer-0001) $(hosts customer-0002)" "1 1" "forwarding: Shard 1/2 and 2/2 of one file: each tenant from exactly one host"
kill "$shard1" "$shard2" "$central"
wait "$shard1" "$shard2" "$central"
ok $(cat "$WORK"/shard[12]/out | grep -q Sanitizer; echo $(( ! $? ))) "forwarding: the shards exit cleanly"

# --- Prometheus and Grafana
if command -v promtool >/dev/null; then
  out=$(promtool check rules "$EX/prometheus/mde-rules.yml" 2>&1)
  is "$?" 0 "promtool check rules accepts examples/prometheus/mde-rules.yml"
  out=$(cd "$MDE_ROOT/tests/integration" && promtool test rules prometheus-rules.test.yml 2>&1)
  rc=$?
  is "$rc" 0 "promtool test rules: the alerts fire on collectd-mde's series"
  [ "$rc" -eq 0 ] || sed 's/^/#   /' <<<"$out" | head -30
else
  ok 1 "promtool is installed (make deps)"
fi
jq -e . "$EX/grafana/mde-dashboard.json" >/dev/null
ok $? "examples/grafana/mde-dashboard.json is JSON"
names=$(jq -r '.panels[].targets[].expr' "$EX/grafana/mde-dashboard.json" | grep -o 'collectd_mde_[a-z_]*' | sort -u)
exported='^collectd_mde_(bool|count|derive_total|duration_seconds|errors_total|http_response_codes_total|operations_total|response_time|timeleft)$'
unknown=$(grep -vE "$exported" <<<"$names")
is "$unknown" "" "the dashboard queries only metrics write_prometheus exports ($(wc -l <<<"$names") names)"
