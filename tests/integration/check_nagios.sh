#!/bin/bash
# check_mde in a real Nagios engine (Debian's nagios4-core, running checks as
# the nagios user): a config with one host and services for several
# simulator tenants, using the command definitions shipped in
# examples/nagios/check_mde.cfg. The test waits for the scheduled checks and
# reads each service's state and output from the engine's status.dat.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
APP=11111111-2222-3333-4444-555555555555
id nagios >/dev/null 2>&1 || { ok 1 "the nagios user exists (nagios4-core)"; exit 1; }

# Nagios runs checks as its own user: it gets its own folder.
D=$(mktemp -d /tmp/mde-nagios.XXXXXX)
chmod 0755 "$D"
trap 'rc=$?; kill "$NAGIOS_PID" 2>/dev/null; wait "$NAGIOS_PID" 2>/dev/null; rm -rf "$D"; finish_exit $rc' EXIT
cp "$MDE_BUILD/check_mde" /usr/lib/nagios/plugins/check_dummy "$D/"
cp "$MDE_CERTS/ca.pem" "$D/ca.pem"
# the shipped example, read from Nagios's own folder (the checkout may not
# be readable by the nagios user)
cp "$MDE_ROOT/examples/nagios/check_mde.cfg" "$D/example-check_mde.cfg"
printf 'sim-secret-current\n' >"$D/secret"
chmod 0600 "$D/secret"
mkdir -p "$D/checkresults"
chown -R nagios:nagios "$D"

EXTRA="--login-endpoint https://127.0.0.1:$SIM_PORT --api-endpoint https://127.0.0.1:$SIM_PORT --cacert $D/ca.pem -r Alert.Read.All"
cat >"$D/mde.conf" <<CONF
<Plugin mde>
  ClientId "$APP"
  ClientSecretFile "$D/secret"
  LoginEndpoint "https://127.0.0.1:$SIM_PORT"
  ApiEndpoint "https://127.0.0.1:$SIM_PORT"
  CACert "$D/ca.pem"
  RequireRole "Alert.Read.All"
  <Tenant "contoso">
    TenantId "contoso.onmicrosoft.com"
  </Tenant>
  <Tenant "northwind">
    TenantId "northwind.onmicrosoft.com"
  </Tenant>
</Plugin>
CONF
cat >"$D/objects.cfg" <<CONF
define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    ok
    command_line    \$USER1\$/check_dummy 0
}
define contact {
    contact_name                    nobody
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      ok
    service_notification_commands   ok
}
define host {
    host_name               mssp-monitor
    address                 127.0.0.1
    check_command           ok
    max_check_attempts      1
    check_interval          60
    check_period            24x7
    contacts                nobody
    notification_period     24x7
}
CONF
service() { # service NAME COMMAND
  cat >>"$D/objects.cfg" <<CONF
define service {
    host_name               mssp-monitor
    service_description     $1
    check_command           $2
    max_check_attempts      1
    check_interval          2
    retry_interval          2
    check_period            24x7
    contacts                nobody
    notification_period     24x7
}
CONF
}
service "MDE contoso" "check_mde!contoso.onmicrosoft.com!$APP!$D/secret!$EXTRA --api"
service "MDE northwind" "check_mde!northwind.onmicrosoft.com!$APP!$D/secret!$EXTRA"
service "MDE fabrikam" "check_mde!fabrikam.onmicrosoft.com!$APP!$D/secret!$EXTRA"
service "MDE all tenants" "check_mde_config!$D/mde.conf!"
service "MDE contoso via config" "check_mde_config_tenant!$D/mde.conf!contoso!--api"
# sensor health (issue 17): the range's end is the count of devices not
# Active in the simulator's ground truth, so the boundary is OK
sick=$(admin GET /tenants/contoso.onmicrosoft.com/machines/truth |
  jq '[.health | to_entries[] | select(.key != "Active") | .value] | add')
service "MDE contoso sensors" "check_mde!contoso.onmicrosoft.com!$APP!$D/secret!$EXTRA --machines --unhealthy-warn $sick --unprotected-crit 10"

cat >"$D/nagios.cfg" <<CONF
log_file=$D/nagios.log
cfg_file=$D/objects.cfg
cfg_file=$D/example-check_mde.cfg
object_cache_file=$D/objects.cache
precached_object_file=$D/objects.precache
resource_file=$D/resource.cfg
status_file=$D/status.dat
status_update_interval=1
nagios_user=nagios
nagios_group=nagios
check_external_commands=0
command_file=$D/nagios.cmd
lock_file=$D/nagios.lock
temp_file=$D/nagios.tmp
temp_path=$D
check_result_path=$D/checkresults
check_result_reaper_frequency=1
interval_length=1
service_inter_check_delay_method=n
host_inter_check_delay_method=n
max_service_check_spread=1
max_host_check_spread=1
enable_notifications=0
retain_state_information=0
state_retention_file=$D/retention.dat
use_syslog=0
log_rotation_method=n
enable_environment_macros=0
CONF
printf '$USER1$=%s\n' "$D" >"$D/resource.cfg"
chown nagios:nagios "$D"/*.cfg
out=$(nagios4 -v "$D/nagios.cfg" 2>&1)
rc=$?
is "$rc" 0 "nagios4 -v accepts the configuration with examples/nagios/check_mde.cfg"
[ "$rc" -eq 0 ] || { echo "$out" | tail -20 | sed 's/^/#   /'; exit 1; }

nagios4 "$D/nagios.cfg" >"$D/nagios.out" 2>&1 &
NAGIOS_PID=$!

# status.dat -> "description|state|output" per checked service
services() {
  awk '/^servicestatus \{/ { s = 1; d = ""; st = ""; o = ""; c = 0; next }
       s && /^\tservice_description=/ { d = substr($0, index($0, "=") + 1) }
       s && /^\tcurrent_state=/ { st = substr($0, index($0, "=") + 1) }
       s && /^\tplugin_output=/ { o = substr($0, index($0, "=") + 1) }
       s && /^\thas_been_checked=/ { c = substr($0, index($0, "=") + 1) }
       s && /^\t\}/ { if (c == 1) print d "|" st "|" o; s = 0 }' "$D/status.dat" 2>/dev/null
}
for i in $(seq 1 120); do
  [ "$(services | wc -l)" -ge 6 ] && break
  sleep 0.5
done
status=$(services)
is "$(wc -l <<<"$status" | tr -d ' ')" 6 "Nagios checked every service"
state_of() { grep "^$1|" <<<"$status" | cut -d'|' -f2; }
output_of() { grep "^$1|" <<<"$status" | cut -d'|' -f3-; }
is "$(state_of 'MDE contoso')" 0 "MDE contoso: OK in Nagios"
like "$(output_of 'MDE contoso')" "^MDE OK - contoso.onmicrosoft.com: token valid .*, API answered$" "MDE contoso: output"
is "$(state_of 'MDE northwind')" 2 "MDE northwind: CRITICAL in Nagios"
like "$(output_of 'MDE northwind')" "^MDE CRITICAL - northwind.onmicrosoft.com: application not consented in tenant \[AADSTS700016\] - a tenant admin must grant admin consent: https://127.0.0.1:$SIM_PORT/northwind.onmicrosoft.com/adminconsent\?client_id=$APP$" \
  "MDE northwind: output names the consent URL"
is "$(state_of 'MDE fabrikam')" 2 "MDE fabrikam: CRITICAL (no role granted)"
is "$(state_of 'MDE all tenants')" 2 "MDE all tenants: CRITICAL (the worst)"
is "$(output_of 'MDE all tenants')" "MDE CRITICAL - 1 CRITICAL, 1 OK" "MDE all tenants: the summary line"
is "$(state_of 'MDE contoso via config')" 0 "MDE contoso via config: OK"
perf=$(awk '/service_description=MDE contoso$/ { s = 1 } s && /performance_data=/ { print substr($0, index($0, "=") + 1); exit }' "$D/status.dat")
like "$perf" "^token_time=[0-9.]+s;;;0 api_time=[0-9.]+s;;;0 token_ttl=[0-9]+s roles_missing=0$" "MDE contoso: Nagios parsed the perfdata"
is "$(state_of 'MDE contoso sensors')" 0 "MDE contoso sensors: OK at the --unhealthy-warn boundary ($sick not Active)"
perf=$(awk '/service_description=MDE contoso sensors$/ { s = 1 } s && /performance_data=/ { print substr($0, index($0, "=") + 1); exit }' "$D/status.dat")
want=$(admin GET /tenants/contoso.onmicrosoft.com/machines/truth | jq -r '"machines_active=\(.health.Active);;;0 .* machines_onboarded=\(.onboarding.onboarded);;;0 machines_canbeonboarded=\(.onboarding.CanBeOnboarded);;10;0 .*"')
like "$perf" "roles_missing=0 $want machines_unhealthy=$sick;$sick;;0 exposure_score=[0-9.]+;;;0;100$" \
  "MDE contoso sensors: Nagios parsed the device perfdata, equal to the ground truth"
ok $(grep -q "sim-secret" "$D/status.dat" "$D/nagios.log"; echo $(( ! $? ))) "the secret is in neither status.dat nor the Nagios log"
