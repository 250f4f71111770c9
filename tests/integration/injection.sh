#!/bin/bash
# SPDX-License-Identifier: MIT
# Text from outside leaves the process escaped (include/mde/escape.h):
# a hostile API's nextLink holding a newline cannot forge a collectd log
# line or notification; a '|' in a reason never becomes Nagios perfdata; a
# newline in `-T` or in a configured TenantId cannot forge an "MDE OK" line.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
APP=11111111-2222-3333-4444-555555555555
BASE="https://127.0.0.1:$SIM_PORT"
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
CHECK="$MDE_BUILD/check_mde"
common=(-C "$APP" --login-endpoint "$BASE" --api-endpoint "$BASE" --cacert "$MDE_CERTS/ca.pem")
ctl=$'[\x01-\x08\x0b-\x1f\x7f]' # control bytes other than \t and \n

# --- check_mde: argv
for t in $'x\nMDE OK - forged' $'a|b=1;2;3' $'x\rMDE OK - forged' $'\x1b[32mok'; do
  out=$(timeout 30 "$CHECK" -T "$t" "${common[@]}" --secret-file "$WORK/secret" 2>&1)
  rc=$?
  shown=$(printf '%q' "$t")
  is "$rc" 3 "-T $shown: UNKNOWN"
  is "$(wc -l <<<"$out")" 1 "-T $shown: one line of output, no forged second one"
  unlike "$out" '\|' "-T $shown: no '|', so no perfdata from the argument"
  unlike "$out" "$ctl" "-T $shown: no control byte in the output"
  like "$out" '^MDE UNKNOWN - tenant "[^"]*(\\x0a|\\x7c|\\x0d|\\x1b)' "-T $shown: the byte is shown escaped"
done

# --- check_mde --config: a configured TenantId with control bytes
printf '<Plugin mde>\n  ClientId "%s"\n  ClientSecretFile "%s"\n  <Tenant "t1">\n    TenantId "x\rMDE OK - forged|p=1"\n  </Tenant>\n</Plugin>\n' \
  "$APP" "$WORK/secret" >"$WORK/ctl.conf"
out=$(timeout 30 "$CHECK" --config "$WORK/ctl.conf" --validate 2>&1)
is "$?" 3 "--config, TenantId with CR and '|': UNKNOWN"
is "$out" 'MDE UNKNOWN - tenant "t1": TenantId "x\x0dMDE OK - forged\x7cp=1" is neither a GUID nor a domain name' \
  "--config, TenantId with CR and '|': escaped, one line, no perfdata"

# --- collectd: a hostile API's nextLink with a newline in it
admin POST /settings '{"page_size": 5, "next_link_base": "https://evil.example/x\n[2026-01-01 00:00:00] [info] mde plugin: forged: OK|"}' >/dev/null
start_collectd "<Plugin mde>
  ClientId \"$APP\"
  ClientSecretFile \"$WORK/secret\"
  LoginEndpoint \"$BASE\"
  ApiEndpoint \"$BASE\"
  CACert \"$MDE_CERTS/ca.pem\"
  <Tenant \"contoso\">
    TenantId \"contoso.onmicrosoft.com\"
  </Tenant>
</Plugin>" 1 || exit 1
for _ in $(seq 1 100); do grep -q "leaves the configured API" "$WORK/collectd.log" && break; sleep 0.2; done
log=$(cat "$WORK/collectd.log")
like "$log" 'leaves the Defender API \(https://evil.example/x\\x0a\[2026-01-01' "the refused nextLink is logged, its newline escaped"
unlike "$log" $'\n\\[2026-01-01 00:00:00\\]' "no log line forged by the nextLink"
like "$log" 'Notification: .*plugin_instance = contoso, .*message = contoso: protocol - ' \
  "the failure is notified (the reason, escaped the same way, rides in its meta)"
unlike "$log" "$ctl" "no control byte in collectd's log"
stop_collectd
