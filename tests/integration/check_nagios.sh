#!/bin/bash
# SPDX-License-Identifier: MIT
# check_mde in a real Nagios engine (Debian's nagios4-core, running checks as
# the nagios user): a config with one host and services for several
# simulator tenants, using the command definitions shipped in
# examples/nagios/check_mde.cfg. The test waits for the scheduled checks and
# reads each service's state and output from the engine's status.dat.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
APP=11111111-2222-3333-4444-555555555555
id nagios >/dev/null 2>&1 || { ok 1 "the nagios user exists (nagios4-core)"; exit 1; }

nagios_objects
D=$NAGIOS_DIR
cp "$MDE_BUILD/check_mde" "$D/"
cp "$MDE_CERTS/ca.pem" "$D/ca.pem"
# the shipped example, read from Nagios's own folder (the checkout may not
# be readable by the nagios user)
cp "$MDE_ROOT/examples/nagios/check_mde.cfg" "$D/example-check_mde.cfg"
printf 'sim-secret-current\n' >"$D/secret"
chmod 0600 "$D/secret"

EXTRA="--login-endpoint https://127.0.0.1:$SIM_PORT --api-endpoint https://127.0.0.1:$SIM_PORT --cacert $D/ca.pem -r Alert.Read.All"
basic_two_tenants "$D"
nagios_service "MDE contoso" "check_mde!contoso.onmicrosoft.com!$APP!$D/secret!$EXTRA --api"
nagios_service "MDE northwind" "check_mde!northwind.onmicrosoft.com!$APP!$D/secret!$EXTRA"
nagios_service "MDE fabrikam" "check_mde!fabrikam.onmicrosoft.com!$APP!$D/secret!$EXTRA"
nagios_service "MDE all tenants" "check_mde_config!$D/mde.conf!"
nagios_service "MDE contoso via config" "check_mde_config_tenant!$D/mde.conf!contoso!--api"
# sensor health (issue 17): the range's end is the count of devices not
# Active in the simulator's ground truth, so the boundary is OK
sick=$(admin GET /tenants/contoso.onmicrosoft.com/machines/truth |
  jq '[.health | to_entries[] | select(.key != "Active") | .value] | add')
nagios_service "MDE contoso sensors" "check_mde!contoso.onmicrosoft.com!$APP!$D/secret!$EXTRA --machines --unhealthy-warn $sick --unprotected-crit 10"

nagios_start "$D/example-check_mde.cfg"
rc=$?
is "$rc" 0 "nagios4 -v accepts the configuration with examples/nagios/check_mde.cfg"
[ "$rc" -eq 0 ] || { tail -20 "$D/verify.out" | sed 's/^/#   /'; exit 1; }

for i in $(seq 1 120); do
  [ "$(nagios_services | wc -l)" -ge 6 ] && break
  sleep 0.5
done
status=$(nagios_services)
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
