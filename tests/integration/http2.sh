#!/bin/bash
# SPDX-License-Identifier: MIT
# HTTP/2, as Microsoft's endpoints speak it: mde-sim speaks HTTP/1.1, so a
# real HTTP/2 front end (Debian's nghttpx, on loopback) terminates TLS with
# the simulator's certificate and forwards over verified TLS. check_mde (the
# plugin's engine and HTTP code) negotiates h2 by ALPN for every request of
# several tenants, and reads the same answers as over HTTP/1.1.
. "$(dirname "$0")/lib.sh"
start_basic_check

H2_PORT=$(free_port)
start_helper nghttpx "$H2_PORT" nghttpx --conf=/dev/null --frontend="127.0.0.1,$H2_PORT" \
  --backend="127.0.0.1,$SIM_PORT;;tls;sni=login.microsoftonline.com" \
  --cacert="$MDE_CERTS/ca.pem" --workers=1 --no-ocsp \
  --accesslog-file="$WORK/h2-access.log" --accesslog-format='$alpn $method $path $status' \
  --errorlog-file="$WORK/h2-error.log" \
  "$MDE_CERTS/server.key" "$MDE_CERTS/server.pem" || exit 1

cat >"$WORK/mde.conf" <<EOF
<Plugin mde>
  ClientId "$APP"
  ClientSecretFile "$WORK/secret"
  LoginEndpoint "https://127.0.0.1:$H2_PORT"
  ApiEndpoint "https://127.0.0.1:$H2_PORT"
  CACert "$MDE_CERTS/ca.pem"
  RequireRole "Alert.Read.All"
  <Tenant "contoso">
    TenantId "contoso.onmicrosoft.com"
  </Tenant>
  <Tenant "contoso-again">
    TenantId "aaaaaaaa-0000-4000-8000-000000000001"
  </Tenant>
  <Tenant "northwind">
    TenantId "northwind.onmicrosoft.com"
  </Tenant>
</Plugin>
EOF

out=$("$CHECK" --config "$WORK/mde.conf" --api 2>&1)
rc=$?
is "$rc" 2 "over HTTP/2: the worst state, as over HTTP/1.1 (${out%%|*})"
is "$(head -n1 <<<"$out")" \
  "MDE CRITICAL - 1 CRITICAL, 2 OK|tenants=3 ok=2 warning=0 critical=1 unknown=0" \
  "over HTTP/2: the same summary as over HTTP/1.1"
like "$out" "northwind: application not consented in tenant \\[AADSTS700016\\]" "over HTTP/2: an Entra error body read through h2"
log=$(cat "$WORK/h2-access.log")
is "$(awk '$1 != "h2"' <<<"$log" | wc -l)" 0 "every request went over h2 (ALPN), none over HTTP/1.1"
ok $(($(grep -c ' /contoso.onmicrosoft.com/oauth2/v2.0/token 200$\| /aaaaaaaa-0000-4000-8000-000000000001/oauth2/v2.0/token 200$' <<<"$log") == 2 ? 0 : 1)) \
  "over HTTP/2: both contoso tokens acquired"
ok $(($(grep -c ' /api/alerts.* 200$' <<<"$log") >= 2 ? 0 : 1)) "over HTTP/2: the Defender API answered each tenant"
[ "$TEST_FAILED" -eq 0 ] || cat "$WORK/h2-access.log" "$WORK/h2-error.log" "$WORK/nghttpx.out" 2>/dev/null | sed "s/^/#   /"
