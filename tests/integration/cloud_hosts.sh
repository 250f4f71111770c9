#!/bin/bash
# SPDX-License-Identifier: MIT
# The 2026 hosts and names (spec D.1, D.2), end to end with no endpoint
# overrides: check_mde reaches mde-sim under the real Microsoft host names
# through a CONNECT proxy (https_proxy) that sends every tunnel to the
# simulator, so TLS is verified under the real names and the simulator's
# request log shows the Host each request was for. The default API host,
# every Region, the override, the token host, the User-Agent, a national-
# cloud tenant asked on the public login host (cloud_mismatch), and the
# errors naming --region / Region.
. "$(dirname "$0")/lib.sh"
start_basic_check
UA_DEFAULT="MdePartner-OpenSource-CollectdMde/0.1.0"
MAP_PORT=$(free_port)
start_helper connect-map "$MAP_PORT" python3 "$MDE_ROOT/tests/support/connect-map.py" \
  "$MAP_PORT" "$SIM_PORT" || exit 1

# via ARGS...: check_mde through the mapping proxy; output in $OUT, $RC
via() {
  OUT=$(https_proxy="http://127.0.0.1:$MAP_PORT" no_proxy="" timeout 30 \
    "$CHECK" --cacert "$MDE_CERTS/ca.pem" "$@" 2>&1)
  RC=$?
}
next_seq() { admin GET "/requests?limit=0" | jq .next; }
# hosts SEQ ENDPOINTS_REGEX: the distinct Host values logged since SEQ
hosts() { admin GET "/requests?since=$1" | jq -r --arg e "$2" \
  '[.requests[] | select(.endpoint | test($e)) | .host] | unique | join(" ")'; }
agents() { admin GET "/requests?since=$1" | jq -r '[.requests[] | .user_agent] | unique | join(" ")'; }
secret=(-C "$APP" --secret-file "$WORK/secret")

# --- the default: api.security.microsoft.com; the token for the old resource
seq=$(next_seq)
via -T contoso.onmicrosoft.com "${secret[@]}" -r Alert.Read.All --api
is "$RC" 0 "default hosts: OK with no endpoint option (${OUT%%|*})"
is "$(hosts "$seq" '^(alerts|machines|score)$')" "api.security.microsoft.com" \
  "default hosts: the API calls went to api.security.microsoft.com"
is "$(hosts "$seq" '^(token_v2|keys|discovery)$')" "login.microsoftonline.com" \
  "default hosts: the token and keys came from login.microsoftonline.com"
like "$(cat "$WORK/connect-map.out")" "CONNECT api\.security\.microsoft\.com:443" \
  "default hosts: the client asked the proxy for api.security.microsoft.com:443"
# The simulator issues tokens for the Defender resources only: a token
# asked for the host called (api.security.microsoft.com) would be 500011.
unlike "$OUT" "not_provisioned|500011" "default hosts: the token's resource is still api.securitycenter.microsoft.com"

# --- User-Agent: Microsoft's MdePartner-{Company}-{Product}/{Version}
is "$(agents "$seq")" "$UA_DEFAULT" "User-Agent: every request says $UA_DEFAULT"

# --- every region, and the override
for r in us eu uk au swa ina aea; do
  seq=$(next_seq)
  via -T contoso.onmicrosoft.com "${secret[@]}" -r Alert.Read.All --api --region "$r"
  is "$RC $(hosts "$seq" '^alerts$')" "0 $r.api.security.microsoft.com" "--region $r: the API on $r.api.security.microsoft.com"
done
is "$(hosts "$seq" '^token_v2$')" "login.microsoftonline.com" "--region: the token host does not change"
seq=$(next_seq)
via -T contoso.onmicrosoft.com "${secret[@]}" -r Alert.Read.All --api --region EU
is "$RC $(hosts "$seq" '^alerts$')" "0 eu.api.security.microsoft.com" "--region is case-insensitive"
seq=$(next_seq)
via -T contoso.onmicrosoft.com "${secret[@]}" -r Alert.Read.All --api --region eu \
  --api-endpoint https://api-uk.securitycenter.microsoft.com
is "$RC $(hosts "$seq" '^alerts$')" "0 api-uk.securitycenter.microsoft.com" "--api-endpoint overrides --region"

via -T contoso.onmicrosoft.com "${secret[@]}" --region westeurope
is "$RC" 3 "--region westeurope: UNKNOWN"
is "$OUT" 'MDE UNKNOWN - --region is one of us, eu, uk, au, swa, ina, aea, not "westeurope"' \
  "--region westeurope: names the option and the regions"
via -T adatum.onmicrosoft.us "${secret[@]}" --cloud gcc-high --region us
is "$RC" 3 "--region with --cloud gcc-high: UNKNOWN"
like "$OUT" "^MDE UNKNOWN - --region is for the public cloud only; --cloud gcc-high has one API host" \
  "--region with --cloud gcc-high: names both options"

# --- the collectd configuration: Region, UserAgent
config() { # config TENANT_LINES [TOP_LINES]
  cat >"$WORK/mde.conf" <<EOF
<Plugin mde>
  ClientId "$APP"
  ClientSecretFile "$WORK/secret"
  CACert "$MDE_CERTS/ca.pem"
  RequireRole "Alert.Read.All"
  ${2:-}
  <Tenant "contoso">
    TenantId "contoso.onmicrosoft.com"
    $1
  </Tenant>
</Plugin>
EOF
}
config 'Region "uk"' 'UserAgent "MdePartner-Contoso-SOCMonitor/2.1"'
seq=$(next_seq)
OUT=$(https_proxy="http://127.0.0.1:$MAP_PORT" no_proxy="" "$CHECK" --config "$WORK/mde.conf" --api 2>&1)
RC=$?
is "$RC $(hosts "$seq" '^alerts$')" "0 uk.api.security.microsoft.com" "Region \"uk\": the API on uk.api.security.microsoft.com"
is "$(agents "$seq")" "MdePartner-Contoso-SOCMonitor/2.1" "UserAgent: the configured value on every request"
config 'Region "mars"'
OUT=$("$CHECK" --config "$WORK/mde.conf" --validate 2>&1)
is "$? $OUT" '3 MDE UNKNOWN - <Tenant "contoso">: "Region" is one of us, eu, uk, au, swa, ina, aea, not "mars"' \
  "Region \"mars\": refused, naming the tenant and the option"
config 'Region "eu"
    Cloud "gcc"'
OUT=$("$CHECK" --config "$WORK/mde.conf" --validate 2>&1)
is "$? $OUT" '3 MDE UNKNOWN - <Tenant "contoso">: "Region" is for the public cloud only; Cloud "gcc" has one API host (drop Region, or use ApiEndpoint)' \
  "Region with Cloud \"gcc\": refused, naming both options"
config 'Region "eu"'
OUT=$("$CHECK" --config "$WORK/mde.conf" --region eu 2>&1)
is "$? $OUT" "3 MDE UNKNOWN - with --config, a tenant's region is its Region option" "--region with --config: refused"

# --- a US Government tenant asked on the public login host: AADSTS900382
via -T adatum.onmicrosoft.us "${secret[@]}"
is "$RC" 2 "GCC High tenant, public cloud: CRITICAL"
is "${OUT%%|*}" "MDE CRITICAL - adatum.onmicrosoft.us: tenant is in another cloud [AADSTS900382] - adatum.onmicrosoft.us is in another Microsoft cloud than https://login.microsoftonline.com: set --cloud to the tenant's cloud (gcc-high or dod) and use an app registration made in that cloud" \
  "GCC High tenant, public cloud: the fix names the option and the app registration"
like "$OUT" $'\nclass: cloud_mismatch\nreason: token request refused \\(HTTP 400\\): AADSTS900382: Confidential Client is not supported in Cross Cloud request\\.' \
  "GCC High tenant, public cloud: class cloud_mismatch, Entra's reason"
seq=$(next_seq)
via -T adatum.onmicrosoft.us "${secret[@]}" --cloud gcc-high -r Alert.Read.All --api
is "$RC" 0 "GCC High tenant with --cloud gcc-high: OK (${OUT%%|*})"
is "$(hosts "$seq" '^(token_v2|alerts)$')" "api-gov.securitycenter.microsoft.us login.microsoftonline.us" \
  "--cloud gcc-high: the US Government login and API hosts, unchanged"
