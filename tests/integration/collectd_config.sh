#!/bin/bash
# SPDX-License-Identifier: MIT
# The <Plugin mde> block as a sysadmin meets it: collectd refuses each kind
# of bad configuration with a message naming the option and the tenant (so
# the plugin never runs half-configured), and `collectd -T` runs one real
# read against mde-sim. Checked with `collectd -T`: collectd 5.12's `-t`
# exits before it reads the configuration at all (an upstream bug), so it
# cannot catch anything.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/collectd.json"
APP=11111111-2222-3333-4444-555555555555
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
printf 'sim-secret-current\n' >"$WORK/loose"
chmod 0644 "$WORK/loose"
mkdir -p "$WORK/plugins"
cp "$MDE_BUILD/mde.so" "$WORK/plugins/"
cp /usr/lib/collectd/logfile.so /usr/lib/collectd/csv.so "$WORK/plugins/"
preload=""
readelf -d "$MDE_BUILD/mde.so" | grep -q libasan && preload="$(gcc -print-file-name=libasan.so)"

# conf BLOCK -> a collectd.conf around the block
conf() {
  { collectd_globals 10
    collectd_log_stdout
    cat <<CONF
LoadPlugin csv
<Plugin csv>
  DataDir "$WORK/csv"
</Plugin>
LoadPlugin mde
$1
CONF
  } >"$WORK/c.conf"
}
collectd_run() { LD_PRELOAD="$preload" timeout 60 collectd "$@" -C "$WORK/c.conf" 2>&1; }

COMMON="ClientId \"$APP\"
  LoginEndpoint \"https://127.0.0.1:$SIM_PORT\"
  ApiEndpoint \"https://127.0.0.1:$SIM_PORT\"
  CACert \"$MDE_CERTS/ca.pem\""
refused() { # refused "WHAT" BLOCK EXPECTED_MESSAGE
  conf "$2"
  local out rc
  out=$(collectd_run -T)
  rc=$?
  ok $(( rc != 0 ? 0 : 1 )) "collectd refuses $1 (exit $rc)"
  like "$out" "$(printf '%s' "$3" | sed 's/[][\.*^$(){}+?|]/\\&/g')" "$1: the error says: $3"
  LAST_OUT=$out
}
# ... and says it once: no second line from a buffer nobody filled (the
# others say that the tenant is skipped, and that none is left).
said_once() { # said_once "WHAT"
  is "$(grep 'mde plugin: ' <<<"$LAST_OUT" | grep -vc 'skipped (config)$\|no usable <Tenant> block')" 1 \
    "$1: one plugin error line, no uninitialised text after it"
  unlike "$LAST_OUT" $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$1: nothing but text in collectd's log"
}
tenant() { printf '<Tenant "t1">\n TenantId "%s"\n %s\n</Tenant>' "$1" "${2:-}"; }

refused "an unknown option" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com 'Colour "blue"')
</Plugin>" 'mde plugin: <Tenant "t1">: unknown option "Colour"'
refused "a tenant-only option at the top" "<Plugin mde>
  $COMMON
  TenantId \"x.onmicrosoft.com\"
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>" 'mde plugin: <Plugin mde>: option "TenantId" belongs inside a <Tenant> block'
refused "a top-only option in a tenant" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com 'Timeout 3')
</Plugin>" 'mde plugin: <Tenant "t1">: option "Timeout" belongs at the top of <Plugin mde>'
refused "a malformed client id" "<Plugin mde>
  $COMMON
  ClientId \"11111111-2222\"
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>" 'mde plugin: tenant "t1": ClientId "11111111-2222" is not a GUID'
refused "a malformed tenant id" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  $(tenant 'not a tenant')
</Plugin>" 'tenant "t1": TenantId "not a tenant" is neither a GUID nor a domain name'
refused "a missing credential" "<Plugin mde>
  $COMMON
  $(tenant healthy.onmicrosoft.com)
</Plugin>" 'tenant "t1": no credential: set ClientSecretFile, ClientSecretEnv'
refused "a world-readable secret file" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/loose\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>" "is accessible by other users (mode 0644); run: chmod 600 $WORK/loose"
refused "an unreadable secret file" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/nope\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>" "tenant \"t1\": cannot open secret file $WORK/nope: No such file or directory"
refused "a plain-http endpoint" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com 'LoginEndpoint "http://127.0.0.1:1"')
</Plugin>" 'LoginEndpoint "http://127.0.0.1:1" is not an https:// URL'
refused "an unknown cloud" "<Plugin mde>
  $COMMON
  Cloud \"mars\"
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>" 'Cloud "mars" is not one of public, gcc, gcc-high, dod'
refused "an out-of-range number" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  TokenVersion 3
  $(tenant healthy.onmicrosoft.com)
</Plugin>" '<Plugin mde>: "TokenVersion" takes a whole number from 1 to 2'
refused "a bad expiry date" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  ClientSecretExpires \"next year\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>" '"ClientSecretExpires" is a date such as "2027-01-31", not "next year"'
said_once "a bad expiry date"
refused "an unknown assertion algorithm" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  AssertionAlgorithm \"ES256\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>" 'mde plugin: <Plugin mde>: "AssertionAlgorithm" is RS256 or PS256, not "ES256"'
said_once "an unknown assertion algorithm"
# A second tenant of the same name is skipped (its values would mix with
# the first's, so it is only logged); the first runs.
conf "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com)
  $(tenant norole.onmicrosoft.com)
</Plugin>"
out=$(collectd_run -T)
is "$?" 0 "collectd runs the first of two tenants with one name"
like "$out" '<Tenant "t1"> appears twice.*that <Tenant> block is skipped.*monitoring 1 tenant \(0 skipped\)' \
  "two tenants with one name: the second is skipped, and the log says why"
refused "a tenant name collectd cannot use" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  <Tenant \"a/b\">
    TenantId \"healthy.onmicrosoft.com\"
  </Tenant>
</Plugin>" "<Tenant> needs a name of letters, digits"
refused "no tenant at all" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
</Plugin>" "no <Tenant> block: nothing to monitor"
refused "a tenant without TenantId" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  <Tenant \"t1\">
  </Tenant>
</Plugin>" '<Tenant "t1">: "TenantId" is required'

# A tenant's own credential replaces the inherited one (no "2 credentials").
conf "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com "ClientCertificate \"$MDE_CERTS/app1.pem\"
  ClientKey \"$MDE_CERTS/app1.key\"")
</Plugin>"
out=$(collectd_run -T)
is "$?" 0 "collectd accepts a tenant with its own certificate credential"

# The daemon itself refuses to start on a bad block.
conf "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/loose\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>"
out=$(collectd_run -f)
rc=$?
ok $(( rc != 0 ? 0 : 1 )) "the collectd daemon does not start with a world-readable secret file (exit $rc)"
like "$out" "Error: Parsing the config file failed" "collectd says it refused the configuration"

# collectd -T: initialise, read once, shut down.
conf "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com 'RequireRole "Alert.Read.All"')
</Plugin>"
out=$(collectd_run -T)
rc=$?
is "$rc" 0 "collectd -T runs one read and exits 0"
like "$out" "mde plugin: monitoring 1 tenant" "collectd -T: the plugin initialised"
ok $(grep -q "Sanitizer" <<<"$out"; echo $(( ! $? ))) "collectd -T: no sanitizer report"
unlike "$out" "read-function of (the )?.?mde.? plugin failed|Initialization of plugin .mde. failed" \
  "collectd -T: the plugin's init and read did not fail"
# (collectd -T stops its write threads without draining their queue, so the
# values of this one read may never reach the CSV files: the values are
# checked in collectd_plugin.sh, against a collectd that keeps running.)

# An AlertsInterval the call budget cannot keep starts, and says so once
# at WARNING, naming the option and the block.
conf "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  $(tenant healthy.onmicrosoft.com 'AlertsInterval 2')
</Plugin>"
out=$(collectd_run -T)
like "$out" 'mde plugin: <Tenant "t1">: "AlertsInterval" 2 s cannot be kept' \
  "AlertsInterval 2: the plugin says the budget cannot keep it"

# Shard "K/N": the host whose shard holds the tenant monitors it; the other
# starts anyway, idle, and says why (refusing would take every other plugin
# of that host down with it).
said=""
for k in 1 2; do
  conf "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  Shard \"$k/2\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>"
  out=$(collectd_run -T)
  is "$?" 0 "collectd -T with Shard \"$k/2\" starts"
  unlike "$out" "Initialization of plugin .mde. failed" \
    "collectd -T with Shard \"$k/2\": the plugin initialises, idle or not"
  grep -q "Shard $k/2: none of the 1 tenants is this host's" <<<"$out" && said="${said}none "
  grep -q "Shard $k/2: 1 of 1 tenants are this host's" <<<"$out" && said="${said}one "
done
is "$(tr ' ' '\n' <<<"$said" | sort | tr -d '\n')" "noneone" \
  "Shard 1/2 and 2/2: one host has the tenant, the other says it has none"
refused "Shard \"0/2\"" "<Plugin mde>
  $COMMON
  ClientSecretFile \"$WORK/secret\"
  Shard \"0/2\"
  $(tenant healthy.onmicrosoft.com)
</Plugin>" '"Shard" "0/2": K must be from 1 to N'
