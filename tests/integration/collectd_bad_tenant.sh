#!/bin/bash
# SPDX-License-Identifier: MIT
# One bad <Tenant> block among good ones does not take collectd down: the
# good tenant runs (token, alert counts), each bad one is skipped, logged
# naming the option and the tenant, and reported under its name with its
# failure class (errors-config or errors-credential_unusable, token_valid 0)
# and exactly one FAILURE notification. Bad blocks are caught at each stage:
# the option parser (a value of the wrong type), the conversion (a region
# that does not exist) and the engine (a malformed id, a credential file it
# cannot use). check_mde --config --validate still refuses the same file;
# collectd refuses when no tenant is usable.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
APP=11111111-2222-3333-4444-555555555555
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
printf 'sim-secret-current\n' >"$WORK/loose"
chmod 0644 "$WORK/loose"
mkfifo "$WORK/fifo"

# NAME|OPTION LINE|CLASS|what the log says
BAD="badvalue|AlertsInterval \"ten\"|config|\"AlertsInterval\" takes a whole number
badregion|Region \"mars\"|config|\"Region\" is one of .*, not \"mars\"
badclient|ClientId \"not-a-guid\"|config|ClientId \"not-a-guid\" is not a GUID
loose|ClientSecretFile \"$WORK/loose\"|credential_unusable|$WORK/loose is accessible by other users
fifo|ClientSecretFile \"$WORK/fifo\"|credential_unusable|$WORK/fifo is not a regular file
missing|ClientSecretFile \"$WORK/missing\"|credential_unusable|$WORK/missing: No such file"

block="<Plugin mde>
$(sim_plugin_options)
  Timeout 5
  AlertsInterval 1
  <Tenant \"contoso\">
    TenantId \"contoso.onmicrosoft.com\"
  </Tenant>"
while IFS='|' read -r name line _ _; do
  block="$block
  <Tenant \"$name\">
    TenantId \"contoso.onmicrosoft.com\"
    $line
  </Tenant>"
done <<<"$BAD"
block="$block
</Plugin>"

start_collectd "$block" 1 || exit 1
ok $(wait_for mde-contoso/bool-token_valid 1 30; echo $?) "the good tenant runs beside six bad ones"
ok $(wait_cycles 3; echo $?) "three cycles later collectd still runs"
like "$(counts_mismatch contoso.onmicrosoft.com contoso)" "^$" "the good tenant's alert counts equal the simulator's"

log=$(cat "$WORK/collectd.log")
notes() { grep -c "Notification: .*plugin_instance = $1," "$WORK/collectd.log"; }
while IFS='|' read -r name line class why; do
  like "$log" "<Tenant \"$name\">.*$why|tenant \"$name\": .*$why" "$name: the log names the tenant and why ($class)"
  like "$log" "<Tenant \"$name\"> skipped \($class\)" "$name: the log says it is skipped"
  is "$(value "mde-$name/bool-token_valid")" "0.000000e+00" "$name: bool-token_valid 0"
  is "$(value "mde-$name/bool-alerts_complete")" "" "$name: no bool-alerts_complete (its alerts were never synced)"
  c=$(counter "mde-$name/errors-$class")
  ok $(awk -v c="${c:-0}" 'BEGIN { exit !(c >= 3) }'; echo $?) "$name: errors-$class counts the cycles ($c)"
  is "$(notes "$name")" 1 "$name: exactly one notification after several cycles"
  n=$(grep "plugin_instance = $name," "$WORK/collectd.log")
  like "$n" "severity = FAILURE" "$name: a FAILURE"
  like "$n" "message = $name: $class - correct this <Tenant> block" "$name: the message names the class and the fix"
done <<<"$BAD"
is "$(notes contoso)" 0 "the good tenant: no notification"
stop_collectd

# check_mde's job is to find every bad block: it still refuses the file
out=$(timeout 30 "$MDE_BUILD/check_mde" --config "$WORK/collectd.conf" --validate 2>&1)
is "$?" 3 "check_mde --config --validate is UNKNOWN for the same file"
like "$out" "^MDE UNKNOWN - .*badvalue.*AlertsInterval" "check_mde names the first bad block and option"

# no usable tenant: collectd refuses to start, and says so
preload=""
readelf -d "$MDE_BUILD/mde.so" | grep -q libasan && preload="$(gcc -print-file-name=libasan.so)"
only_bad=$(awk '/<Tenant "contoso">/ { skip = 3 } skip > 0 { skip--; next } { print }' "$WORK/collectd.conf")
printf '%s\n' "$only_bad" | sed 's|File "'"$WORK"'/collectd.log"|File STDOUT|' >"$WORK/bad.conf"
out=$(LD_PRELOAD="$preload" timeout 30 collectd -T -C "$WORK/bad.conf" 2>&1)
rc=$?
ok $(( rc != 0 && rc != 124 ? 0 : 1 )) "only bad tenants: collectd refuses to start (exit $rc)"
like "$out" "no usable <Tenant> block \(6 skipped\)" "only bad tenants: collectd says none is usable"
unlike "$out" "Sanitizer" "only bad tenants: no sanitizer report"
