#!/bin/bash
# SPDX-License-Identifier: MIT
# Through an HTTP proxy: check_mde (the plugin's engine and HTTP code, read
# from the same <Plugin mde> block) reaches mde-sim through Debian's
# tinyproxy on loopback, with the `Proxy` option and with libcurl's
# https_proxy, using CONNECT: TLS still runs end to end and is verified
# against the simulator's certificate, so the proxy sees host names, never
# the secret or the token. A proxy that is down is a network failure that
# names it; a proxy cannot be used to skip verification.
. "$(dirname "$0")/lib.sh"
start_basic_check

PROXY_PORT=$(free_port)
DEAD_PORT=$(free_port)
# No ConnectPort line: CONNECT to any port (the simulator's is random).
cat >"$WORK/tinyproxy.conf" <<EOF
Port $PROXY_PORT
Listen 127.0.0.1
Timeout 30
LogFile "$WORK/tinyproxy.log"
LogLevel Connect
MaxClients 16
Allow 127.0.0.1
EOF
start_helper tinyproxy "$PROXY_PORT" tinyproxy -d -c "$WORK/tinyproxy.conf" || exit 1

config() { # config PROXY_LINE CA_FILE
  cat >"$WORK/mde.conf" <<EOF
<Plugin mde>
  ClientId "$APP"
  ClientSecretFile "$WORK/secret"
  LoginEndpoint "https://127.0.0.1:$SIM_PORT"
  ApiEndpoint "https://127.0.0.1:$SIM_PORT"
  CACert "$2"
  RequireRole "Alert.Read.All"
  $1
  <Tenant "contoso">
    TenantId "contoso.onmicrosoft.com"
  </Tenant>
</Plugin>
EOF
}
connects() { grep -c "CONNECT 127.0.0.1:$SIM_PORT" "$WORK/tinyproxy.log" 2>/dev/null || true; }
sim_requests() { admin GET /stats | jq '.requests'; }

# --- the Proxy option
config "Proxy \"http://127.0.0.1:$PROXY_PORT\"" "$MDE_CERTS/ca.pem"
before=$(connects)
out=$("$CHECK" --config "$WORK/mde.conf" --api 2>&1)
rc=$?
is "$rc" 0 "Proxy: the check passes through the proxy (${out%%|*})"
ok $(($(connects) > before ? 0 : 1)) "Proxy: the proxy logged CONNECT to the simulator"
unlike "$(cat "$WORK/tinyproxy.log")" "sim-secret-current|Bearer|client_secret" \
  "Proxy: the proxy never saw the secret or a token (TLS end to end)"

# --- the environment, as libcurl reads it
config "" "$MDE_CERTS/ca.pem"
before=$(connects)
out=$(https_proxy="http://127.0.0.1:$PROXY_PORT" "$CHECK" --config "$WORK/mde.conf" 2>&1)
rc=$?
is "$rc" 0 "https_proxy: the check passes (${out%%|*})"
ok $(($(connects) > before ? 0 : 1)) "https_proxy: through the proxy"
before=$(connects)
out=$(https_proxy="http://127.0.0.1:$PROXY_PORT" no_proxy=127.0.0.1 "$CHECK" --config "$WORK/mde.conf" 2>&1)
is "$? $(connects)" "0 $before" "no_proxy: straight to the simulator, not through the proxy"

# --- the same for one tenant on the command line (README: the check section)
cli=(-T contoso.onmicrosoft.com -C "$APP" --secret-file "$WORK/secret" --login-endpoint "https://127.0.0.1:$SIM_PORT"
  --api-endpoint "https://127.0.0.1:$SIM_PORT" --cacert "$MDE_CERTS/ca.pem" -r Alert.Read.All --api)
before=$(connects)
out=$(https_proxy="http://127.0.0.1:$PROXY_PORT" "$CHECK" "${cli[@]}" 2>&1)
is "$? $(($(connects) > before))" "0 1" "https_proxy, check_mde -T: through the proxy (${out%%|*})"
before=$(connects)
out=$(https_proxy="http://127.0.0.1:$PROXY_PORT" no_proxy=127.0.0.1 "$CHECK" "${cli[@]}" 2>&1)
is "$? $(connects)" "0 $before" "no_proxy, check_mde -T: straight to the simulator"

# --- a proxy does not weaken TLS: the simulator's certificate is still checked
config "Proxy \"http://127.0.0.1:$PROXY_PORT\"" /etc/ssl/certs/ca-certificates.crt
sent=$(sim_requests)
out=$("$CHECK" --config "$WORK/mde.conf" 2>&1)
rc=$?
is "$rc" 2 "Proxy + a trust store without the simulator's CA: CRITICAL"
like "$out" "network" "Proxy + wrong trust store: a network (TLS) failure (${out%%|*})"
is "$(sim_requests)" "$sent" "Proxy + wrong trust store: no request reached the simulator"

# --- a proxy that is down (the check's long output gives the reason)
start=$(date +%s%N)
out=$(https_proxy="http://127.0.0.1:$DEAD_PORT" "$CHECK" -T contoso.onmicrosoft.com -C "$APP" \
  --secret-file "$WORK/secret" --login-endpoint "https://127.0.0.1:$SIM_PORT" \
  --api-endpoint "https://127.0.0.1:$SIM_PORT" --cacert "$MDE_CERTS/ca.pem" -t 20 2>&1)
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
is "$rc" 2 "a proxy that is down: CRITICAL"
like "$(grep '^reason:' <<<"$out")" "port $DEAD_PORT" \
  "a proxy that is down: a network failure naming it ($(grep '^reason:' <<<"$out" | cut -c1-160))"
ok $((ms < 5000 ? 0 : 1)) "a proxy that is down: no hang (${ms} ms)"
