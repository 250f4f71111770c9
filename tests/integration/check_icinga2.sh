#!/bin/bash
# The Icinga 2 CheckCommand shipped in examples/icinga2/check_mde.conf passes
# `icinga2 daemon -C` when services use it (single tenant, --config mode,
# arrays for roles); a broken copy fails, so the test can fail.
. "$(dirname "$0")/lib.sh"
command -v icinga2 >/dev/null || { ok 1 "icinga2 is installed"; exit 1; }
# icinga2 reads its configuration as its own user (nagios on Debian)
I=$(mktemp -d /tmp/mde-icinga2.XXXXXX)
chmod 0755 "$I"
trap 'rc=$?; rm -rf "$I"; finish_exit $rc' EXIT
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
