#!/bin/bash
# SPDX-License-Identifier: MIT
# The Icinga 2 CheckCommand shipped in examples/icinga2/check_mde.conf passes
# `icinga2 daemon -C` when services use it (single tenant, --config mode,
# arrays for roles); a broken copy fails, so the test can fail. Then a real,
# private Icinga 2 daemon (its own configuration, state, spool and run
# directories in a temporary folder, running as the nagios user, not root)
# schedules check_mde through that CheckCommand against mde-sim, and the test
# reads each service's state, output and perfdata back from the daemon's
# PerfdataWriter files: OK for a consented tenant, CRITICAL for one without
# consent, and the worst of both for the --config mode.
. "$(dirname "$0")/lib.sh"
command -v icinga2 >/dev/null || { ok 1 "icinga2 is installed"; exit 1; }
# icinga2 reads its configuration as its own user (nagios on Debian)
I=$(mktemp -d /tmp/mde-icinga2.XXXXXX)
chmod 0755 "$I"
trap 'rc=$?; rm -rf "$I"; finish_exit $rc' EXIT
SAVED_WORK=$WORK
WORK="$I"
cp "$MDE_ROOT/examples/icinga2/check_mde.conf" "$WORK/check_mde.conf"
cat >"$WORK/icinga2.conf" <<CONF
const PluginDir = "/usr/lib/nagios/plugins"
include "$WORK/check_mde.conf"
object CheckCommand "ok" {
  command = [ PluginDir + "/check_dummy", "0" ]
}
object Host "mssp-monitor" {
  check_command = "ok"
}
object Service "mde-contoso" {
  host_name = "mssp-monitor"
  check_command = "mde"
  vars.mde_tenant = "contoso.onmicrosoft.com"
  vars.mde_client_id = "11111111-2222-3333-4444-555555555555"
  vars.mde_secret_file = "/etc/icinga2/mde/secret"
  vars.mde_roles = [ "Alert.Read.All", "Machine.Read.All" ]
  vars.mde_api = true
  vars.mde_warning = "2"
  vars.mde_critical = "5"
}
object Service "mde-all" {
  host_name = "mssp-monitor"
  check_command = "mde"
  vars.mde_config = "/etc/collectd/collectd.conf.d/mde.conf"
  vars.mde_config_tenants = [ "contoso", "fabrikam" ]
  vars.mde_timeout = 30
}
CONF
chmod 0644 "$WORK"/*.conf
validate() { icinga2 daemon -C -c "$WORK/icinga2.conf" >"$WORK/icinga2.out" 2>&1; }
validate
rc=$?
is "$rc" 0 "icinga2 daemon -C accepts the example CheckCommand with services using it"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$WORK/icinga2.out" | tail -15
like "$(cat "$WORK/icinga2.out")" "Instantiated 2 CheckCommands.*Instantiated 2 Services|Instantiated 2 Services.*Instantiated 2 CheckCommands" "icinga2 instantiated the CheckCommand and both services"
sed -i 's/repeat_key = true/repeat_key = maybe/' "$WORK/check_mde.conf"
validate
ok $(( $? != 0 ? 0 : 1 )) "a broken copy of the example is refused (the test can fail)"

sed -i 's/repeat_key = maybe/repeat_key = true/' "$WORK/check_mde.conf"

# --- the daemon, scheduling check_mde against the simulator
id nagios >/dev/null 2>&1 || { ok 1 "the nagios user exists"; exit 1; }
WORK=$SAVED_WORK
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
APP=11111111-2222-3333-4444-555555555555
mkdir -p "$I/data" "$I/log" "$I/cache" "$I/spool" "$I/run" "$I/perf"
cp "$MDE_BUILD/check_mde" "$MDE_CERTS/ca.pem" "$I/"
printf 'sim-secret-current\n' >"$I/secret"
chmod 0600 "$I/secret"
basic_two_tenants "$I"
# one service per case; the checker and a PerfdataWriter rotating every
# second, whose lines are the test's view of each check result (the output
# last: Icinga 2's includes the long output, on further lines)
cat >"$I/icinga2.conf" <<CONF
const PluginDir = "$I"
include "$I/check_mde.conf"
object CheckerComponent "checker" { }
object PerfdataWriter "perfdata" {
  service_temp_path = "$I/perf/service.tmp"
  service_perfdata_path = "$I/perf/service"
  host_temp_path = "$I/perf/host.tmp"
  host_perfdata_path = "$I/perf/host"
  service_format_template = "SERVICE=\$service.name\$\tSTATE=\$service.state_id\$\tPERF=\$service.perfdata\$\tOUTPUT=\$service.output\$"
  rotation_interval = 1s
}
object CheckCommand "ok" {
  command = [ "/usr/lib/nagios/plugins/check_dummy", "0" ]
}
object Host "mssp-monitor" {
  check_command = "ok"
  check_interval = 60s
}
template Service "mde-sim" {
  host_name = "mssp-monitor"
  check_command = "mde"
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
  vars.mde_client_id = "$APP"
  vars.mde_secret_file = "$I/secret"
  vars.mde_login_endpoint = "https://127.0.0.1:$SIM_PORT"
  vars.mde_api_endpoint = "https://127.0.0.1:$SIM_PORT"
  vars.mde_cacert = "$I/ca.pem"
  vars.mde_roles = [ "Alert.Read.All" ]
}
object Service "mde-contoso" {
  import "mde-sim"
  vars.mde_tenant = "contoso.onmicrosoft.com"
  vars.mde_api = true
}
object Service "mde-northwind" {
  import "mde-sim"
  vars.mde_tenant = "northwind.onmicrosoft.com"
}
object Service "mde-all" {
  import "mde-sim"
  vars.mde_config = "$I/mde.conf"
}
CONF
chown -R nagios:nagios "$I"
chmod 0644 "$I"/*.conf
DIRS=(-DConfigDir="$I" -DDataDir="$I/data" -DLogDir="$I/log" -DCacheDir="$I/cache"
  -DSpoolDir="$I/spool" -DInitRunDir="$I/run" -DPidPath="$I/run/icinga2.pid"
  -DStatePath="$I/data/icinga2.state" -DObjectsPath="$I/cache/icinga2.debug"
  -DVarsPath="$I/cache/icinga2.vars" -DModAttrPath="$I/data/modified-attributes.conf"
  -DRunAsUser=nagios -DRunAsGroup=nagios)
setpriv --reuid nagios --regid nagios --init-groups \
  icinga2 daemon -c "$I/icinga2.conf" "${DIRS[@]}" >"$I/daemon.out" 2>&1 &
ICINGA_PID=$!
trap 'rc=$?; kill "$ICINGA_PID" 2>/dev/null; wait "$ICINGA_PID" 2>/dev/null; rm -rf "$I"; finish_exit $rc' EXIT
# result NAME -> the last line the daemon wrote for that service, from the
# rotated files only (service.tmp may end in a line still being written)
result() { cat "$I"/perf/service.[0-9]* 2>/dev/null | grep -a "^SERVICE=$1"$'\t' | tail -n 1; }
field() { tr '\t' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
for i in $(seq 1 120); do
  [ -n "$(result mde-contoso)" ] && [ -n "$(result mde-northwind)" ] && [ -n "$(result mde-all)" ] && break
  kill -0 "$ICINGA_PID" 2>/dev/null || break
  sleep 0.5
done
ok $(kill -0 "$ICINGA_PID" 2>/dev/null; echo $?) "the private icinga2 daemon runs as the nagios user"
[ -n "$(result mde-all)" ] || tail -20 "$I/daemon.out" | sed 's/^/#   /'
r=$(result mde-contoso)
is "$(field "$r" STATE)" 0 "mde-contoso: OK in Icinga 2"
like "$(field "$r" OUTPUT)" "^MDE OK - contoso.onmicrosoft.com: token valid .*, API answered$" "mde-contoso: the output"
like "$(field "$r" PERF)" "^token_time=[0-9.]+s;;;0 api_time=[0-9.]+s;;;0 token_ttl=[0-9]+s roles_missing=0$" \
  "mde-contoso: Icinga 2 parsed the perfdata"
r=$(result mde-northwind)
is "$(field "$r" STATE)" 2 "mde-northwind: CRITICAL in Icinga 2 (no consent)"
like "$(field "$r" OUTPUT)" "^MDE CRITICAL - northwind.onmicrosoft.com: application not consented in tenant \[AADSTS700016\] - a tenant admin must grant admin consent: https://127.0.0.1:$SIM_PORT/northwind.onmicrosoft.com/adminconsent\?client_id=$APP$" \
  "mde-northwind: the output names the consent URL"
r=$(result mde-all)
is "$(field "$r" STATE)" 2 "mde-all (--config): CRITICAL, the worst tenant"
like "$(field "$r" OUTPUT)" "^MDE CRITICAL - 1 CRITICAL, 1 OK" "mde-all: the summary line"
ok $(grep -rqa "sim-secret" "$I/perf" "$I/daemon.out" "$I/data" "$I/cache"; echo $(( ! $? ))) \
  "the secret is in neither the perfdata, the daemon's log nor its state"
