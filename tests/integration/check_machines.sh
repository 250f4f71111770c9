#!/bin/bash
# SPDX-License-Identifier: MIT
# check_mde --machines against mde-sim (issue 17): perfdata equal to the
# simulator's ground truth for a tenant with 25,000 devices over three
# pages; --unhealthy-*/--unprotected-* at their boundaries (a count equal
# to a range's end is inside it, one less alerts); long output; a tenant
# without a Machine role; no devices; --config per tenant; usage errors.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/machines.json"
APP=11111111-2222-3333-4444-555555555555
BASE="https://127.0.0.1:$SIM_PORT"
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
CHECK="$MDE_BUILD/check_mde"
common=(-C "$APP" --login-endpoint "$BASE" --api-endpoint "$BASE" --cacert "$MDE_CERTS/ca.pem"
  --secret-file "$WORK/secret" -t 30)
run() { # run ARGS... -> $OUT, $RC, $FIRST
  OUT=$(timeout 60 "$CHECK" "$@" 2>"$WORK/stderr")
  RC=$?
  FIRST=${OUT%%$'\n'*}
}
perf() { grep -o "[ |]$1=[^ ]*" <<<"$FIRST" | cut -c2-; } # perf LABEL -> label=value;...

truth=$(admin GET /tenants/fleet.onmicrosoft.com/machines/truth)
t() { jq ".$1 // 0" <<<"$truth"; }
sick=$(( $(t health.Inactive) + $(t health.ImpairedCommunication) + $(t health.NoSensorData) \
  + $(t health.NoSensorDataImpairedCommunication) + $(t health.Unknown) ))
open=$(t onboarding.CanBeOnboarded)

# --- exact counts for 25,000 devices
run -T fleet.onmicrosoft.com "${common[@]}" --machines
is "$RC" 0 "fleet --machines: OK without thresholds"
like "$FIRST" "^MDE OK - fleet.onmicrosoft.com: token valid" "fleet --machines: first line"
got=""
for p in active:health.Active inactive:health.Inactive impairedcommunication:health.ImpairedCommunication \
  nosensordata:health.NoSensorData nosensordataimpairedcommunication:health.NoSensorDataImpairedCommunication \
  unknown:health.Unknown onboarded:onboarding.onboarded canbeonboarded:onboarding.CanBeOnboarded \
  unsupported:onboarding.Unsupported insufficientinfo:onboarding.InsufficientInfo onboarding_unknown:none; do
  v=$(perf "machines_${p%%:*}")
  [ "$v" = "machines_${p%%:*}=$(t "${p#*:}");;;0" ] || got="$got $v/$(t "${p#*:}")"
done
is "$got" "" "fleet: every machines_<status> perfdata equals the ground truth"
is "$(perf machines_unhealthy)" "machines_unhealthy=$sick;;;0" "fleet: machines_unhealthy is the onboarded devices not Active ($sick)"
is "$(perf exposure_score)" "exposure_score=41.50;;;0;100" "fleet: exposure_score (Score.Read.All)"
like "$OUT" $'\ndevices by health \\(onboarded\\): active [0-9]+ inactive '"$(t health.Inactive)" "fleet: long output lists the counts"
like "$OUT" $'\ndevices by onboarding state: onboarded '"$(t onboarding.onboarded) canbeonboarded $open" "fleet: long output lists onboarding states"

# --- thresholds at their boundaries
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unhealthy-warn "$sick" --unhealthy-crit "$((sick + 5))"
is "$RC" 0 "--unhealthy-warn $sick with $sick not Active: OK (the end is inside)"
is "$(perf machines_unhealthy)" "machines_unhealthy=$sick;$sick;$((sick + 5));0" "thresholds echoed in perfdata as written"
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unhealthy-warn "$((sick - 1))" --unhealthy-crit "$sick"
is "$RC" 1 "--unhealthy-warn $((sick - 1)): WARNING"
like "$FIRST" "^MDE WARNING - fleet.onmicrosoft.com: $sick onboarded devices not Active \\(warning $((sick - 1))\\)\\|" "WARNING names the count and the range"
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unhealthy-warn 1 --unhealthy-crit "$((sick - 1))"
is "$RC" 2 "--unhealthy-crit $((sick - 1)): CRITICAL"
like "$FIRST" "^MDE CRITICAL - fleet.onmicrosoft.com: $sick onboarded devices not Active \\(critical $((sick - 1))\\)" "CRITICAL names the critical range"
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unprotected-warn "$open"
is "$RC" 0 "--unprotected-warn $open with $open CanBeOnboarded: OK"
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unprotected-warn "$((open - 1))"
is "$RC" 1 "--unprotected-warn $((open - 1)): WARNING"
like "$FIRST" "^MDE WARNING - fleet.onmicrosoft.com: $open devices can be onboarded but are not \\(warning $((open - 1))\\).*machines_canbeonboarded=$open;$((open - 1));;0" \
  "unprotected WARNING, range echoed on machines_canbeonboarded"
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unprotected-crit "@$open:"
is "$RC" 2 "--unprotected-crit @$open: (inside alerts): CRITICAL"

# --- the device turned inactive is in the next check
admin POST /tenants/fleet.onmicrosoft.com/machines/7 '{"healthStatus": "Active", "onboardingStatus": "onboarded"}' >/dev/null
sick=$(admin GET /tenants/fleet.onmicrosoft.com/machines/truth |
  jq '[.health | to_entries[] | select(.key != "Active") | .value] | add')
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unhealthy-warn "$sick"
is "$RC" 0 "after device 7 turned Active: $sick not Active, OK"
admin POST /tenants/fleet.onmicrosoft.com/machines/7 '{"healthStatus": "Inactive"}' >/dev/null
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unhealthy-warn "$sick"
is "$RC $(perf machines_unhealthy)" "1 machines_unhealthy=$((sick + 1));$sick;;0" "device 7 turned Inactive: one more, WARNING"

# --- other tenants
run -T alertsonly.onmicrosoft.com "${common[@]}" --machines
is "$RC" 2 "--machines without a Machine role: CRITICAL"
like "$FIRST" "^MDE CRITICAL - alertsonly.onmicrosoft.com: .*Machine.Read.All" "it names the role to add"
run -T alertsonly.onmicrosoft.com "${common[@]}"
is "$RC" 0 "without --machines the same tenant is OK (nothing asked)"
unlike "$FIRST" "machines_" "without --machines: no machines perfdata"
run -T nodevices.onmicrosoft.com "${common[@]}" --machines --unhealthy-warn 0 --unprotected-warn 0
is "$RC $(perf machines_onboarded) $(perf machines_unhealthy)" "0 machines_onboarded=0;;;0 machines_unhealthy=0;0;;0" \
  "no devices (404): zeros, OK at 0"
run -T small.onmicrosoft.com "${common[@]}" --machines
is "$RC" 0 "Machine.ReadWrite.All is enough"

# --- --config, per tenant
cat >"$WORK/mde.conf" <<CONF
<Plugin mde>
  ClientId "$APP"
  ClientSecretFile "$WORK/secret"
  LoginEndpoint "$BASE"
  ApiEndpoint "$BASE"
  <Tenant "fleet">
    TenantId "fleet.onmicrosoft.com"
  </Tenant>
  <Tenant "small">
    TenantId "small.onmicrosoft.com"
  </Tenant>
</Plugin>
CONF
small_sick=$(admin GET /tenants/small.onmicrosoft.com/machines/truth |
  jq '[.health | to_entries[] | select(.key != "Active") | .value] | add')
run --config "$WORK/mde.conf" --cacert "$MDE_CERTS/ca.pem" -t 30 --machines --unhealthy-warn "@0:$small_sick"
is "$RC" 1 "--config --machines: each tenant judged (small: $small_sick not Active, inside @0:$small_sick)"
like "$FIRST" "^MDE WARNING - 1 WARNING, 1 OK\\|tenants=2 " "--config: one tenant WARNING (small), one OK (fleet: $((sick + 1)))"
like "$OUT" $'\nWARNING: small: '"$small_sick onboarded devices not Active \\(warning @0:$small_sick\\)" "--config: the WARNING tenant and why"
like "$OUT" $'\nfleet: devices 25000, onboarded [0-9]+, not Active '"$((sick + 1))" "--config: long output has each tenant's counts"
like "$OUT" $'\nsmall: devices 40, ' "--config: ... for every tenant"

# --- usage
run -T fleet.onmicrosoft.com "${common[@]}" --unhealthy-warn 3
is "$RC" 3 "--unhealthy-warn without --machines: UNKNOWN"
like "$FIRST" "add --machines" "it says what is missing"
run -T fleet.onmicrosoft.com "${common[@]}" --machines --unprotected-crit 5:1
is "$RC" 3 "a range whose start is above its end: UNKNOWN"
like "$FIRST" "^MDE UNKNOWN - .*not \"5:1\"" "it echoes the bad range"
unlike "$OUT$(cat "$WORK/stderr")" "sim-secret" "no secret in the output"
