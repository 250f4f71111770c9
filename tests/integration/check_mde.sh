#!/bin/bash
# SPDX-License-Identifier: MIT
# check_mde against mde-sim: for every failure class the exact exit code and
# first line (state, tenant, what, AADSTS code, fix) and the perfdata; both
# token versions and both credential kinds; latency and credential-expiry
# thresholds; the timeout; usage errors; multi-tenant mode from a collectd
# configuration. The secret never shows up in the output.
. "$(dirname "$0")/lib.sh"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
APP=11111111-2222-3333-4444-555555555555
CONTOSO=aaaaaaaa-0000-4000-8000-000000000001
BASE="https://127.0.0.1:$SIM_PORT"
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
printf 'sim-secret-expired\n' >"$WORK/expired"
printf 'not-the-secret\n' >"$WORK/wrong"
CHECK="$MDE_BUILD/check_mde"
common=(-C "$APP" --login-endpoint "$BASE" --api-endpoint "$BASE" --cacert "$MDE_CERTS/ca.pem")

# run ARGS... -> output in $OUT, exit code in $RC, first line in $FIRST
run() {
  OUT=$(timeout 30 "$CHECK" "$@" 2>"$WORK/stderr")
  RC=$?
  FIRST=${OUT%%$'\n'*}
}
expect() { # expect RC FIRST_LINE_REGEX DESCRIPTION -- ARGS...
  local rc="$1" re="$2" what="$3"
  shift 4
  run "$@"
  is "$RC" "$rc" "$what: exit $rc"
  like "$FIRST" "$re" "$what: first line"
}
perf_ok='\|token_time=[0-9]+\.[0-9]{6}s;;;0 token_ttl=3(599|600)s roles_missing=0'
secret=(--secret-file "$WORK/secret")

# --- OK, for both token versions and both credential kinds
expect 0 "^MDE OK - contoso.onmicrosoft.com: token valid \(60 min left\), required roles granted$perf_ok\$" \
  "OK, v2, secret" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" -r Alert.Read.All
expect 0 "^MDE OK - contoso.onmicrosoft.com: token valid .*$perf_ok\$" \
  "OK, v1, secret" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" --token-version 1 -r Alert.Read.All
expect 0 "^MDE OK - $CONTOSO: token valid .*roles_missing=0 credential_ttl=[0-9]+s\$" \
  "OK, v2, certificate (default: PS256)" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/app1.pem" --key "$MDE_CERTS/app1.key"
expect 0 "^MDE OK - $CONTOSO: token valid .*credential_ttl=[0-9]+s\$" \
  "OK, v1, certificate (RS256)" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/app1.pem" --key "$MDE_CERTS/app1.key" --assertion-algorithm RS256 --token-version 1
# Which algorithm went out: an Entra that refuses PS256 (spec D.1: one
# customer saw x5t#S256 fail) fails the default and passes RS256.
admin POST /settings '{"accept_ps256": false}' >/dev/null
expect 2 "^MDE CRITICAL - $CONTOSO: certificate credential rejected \[AADSTS700027\]" \
  "certificate: PS256 by default (an Entra refusing PS256 refuses it)" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/app1.pem" --key "$MDE_CERTS/app1.key"
expect 0 "^MDE OK - $CONTOSO: token valid" \
  "certificate: --assertion-algorithm RS256 sends RS256 + x5t" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/app1.pem" --key "$MDE_CERTS/app1.key" --assertion-algorithm rs256
expect 2 "^MDE CRITICAL - $CONTOSO: certificate credential rejected" \
  "certificate: --assertion-algorithm PS256 sends PS256" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/app1.pem" --key "$MDE_CERTS/app1.key" --assertion-algorithm PS256
# the same from a collectd configuration: AssertionAlgorithm per tenant
cat >"$WORK/cert.conf" <<CONF
<Plugin mde>
  ClientId "$APP"
  ClientCertificate "$MDE_CERTS/app1.pem"
  ClientKey "$MDE_CERTS/app1.key"
  LoginEndpoint "$BASE"
  ApiEndpoint "$BASE"
  CACert "$MDE_CERTS/ca.pem"
  <Tenant "default">
    TenantId "$CONTOSO"
  </Tenant>
  <Tenant "rs256">
    TenantId "$CONTOSO"
    AssertionAlgorithm "RS256"
  </Tenant>
</Plugin>
CONF
run --config "$WORK/cert.conf"
is "$RC" 2 "AssertionAlgorithm: one tenant refused (PS256 by default), one not"
like "$OUT" $'\nCRITICAL: default: certificate credential rejected \\[AADSTS700027\\]' "AssertionAlgorithm: the default tenant sent PS256"
unlike "$OUT" "rs256: certificate" "AssertionAlgorithm \"RS256\": that tenant sent RS256"
admin POST /settings '{"accept_ps256": true}' >/dev/null
expect 3 '^MDE UNKNOWN - --assertion-algorithm is PS256 or RS256, not "ES256"$' \
  "--assertion-algorithm ES256: refused" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/app1.pem" --key "$MDE_CERTS/app1.key" --assertion-algorithm ES256
expect 0 "^MDE OK - contoso.onmicrosoft.com: token valid \(60 min left\), required roles granted, API answered\|token_time=[0-9.]+s;1;2;0 api_time=[0-9.]+s;1;2;0 token_ttl=3(599|600)s roles_missing=0\$" \
  "OK with --api and thresholds" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" -r Alert.Read.All -r Machine.Read.All --api -w 1 -c 2
MDE_CLIENT_SECRET=sim-secret-current expect 0 "^MDE OK - " "OK, secret from MDE_CLIENT_SECRET" -- -T contoso.onmicrosoft.com "${common[@]}"
like "$(grep -c sim-secret <<<"$OUT")" "^0$" "the secret is not in the output"

# --- every failure class: exact first line
expect 2 "^MDE CRITICAL - northwind.onmicrosoft.com: application not consented in tenant \[AADSTS700016\] - a tenant admin must grant admin consent: $BASE/northwind.onmicrosoft.com/adminconsent\?client_id=$APP\|token_time=[0-9.]+s;;;0 roles_missing=0\$" \
  "consent missing" -- -T northwind.onmicrosoft.com "${common[@]}" "${secret[@]}"
like "$OUT" $'\nclass: app_not_in_tenant\nreason: token request refused \\(HTTP 400\\): AADSTS700016: .*\ntrace id: [0-9a-f-]{36}\ncorrelation id: [0-9a-f-]{36}\ntimestamp: [0-9-]+ [0-9:]+Z' \
  "consent missing: long output with class, reason, trace and correlation ids"
expect 2 "^MDE CRITICAL - litware.onmicrosoft.com: API permission missing - add Alert.Read.All to app $APP, then consent again: $BASE/litware.onmicrosoft.com/adminconsent\?client_id=$APP\|token_time=[0-9.]+s;;;0 token_ttl=3(599|600)s roles_missing=1\$" \
  "role missing from the token" -- -T litware.onmicrosoft.com "${common[@]}" "${secret[@]}" -r Alert.Read.All -r Machine.Read.All
expect 2 "^MDE CRITICAL - fabrikam.onmicrosoft.com: API permission missing - add Alert.Read.All, Machine.Read.All to app $APP.*roles_missing=2\$" \
  "consented without any role (no roles claim)" -- -T fabrikam.onmicrosoft.com "${common[@]}" "${secret[@]}" -r Alert.Read.All -r Machine.Read.All
expect 2 "^MDE CRITICAL - contoso.onmicrosoft.com: client secret expired \[AADSTS7000222\] - create a new client secret for app $APP" \
  "secret expired" -- -T contoso.onmicrosoft.com "${common[@]}" --secret-file "$WORK/expired"
expect 2 "^MDE CRITICAL - contoso.onmicrosoft.com: client secret invalid \[AADSTS7000215\] - configure the secret's Value \(not its Secret ID\)" \
  "secret invalid" -- -T contoso.onmicrosoft.com "${common[@]}" --secret-file "$WORK/wrong"
expect 2 "^MDE CRITICAL - $CONTOSO: certificate credential rejected \[AADSTS700027\] - upload the configured certificate" \
  "certificate not registered" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/rogue.pem" --key "$MDE_CERTS/rogue.key"
expect 2 "^MDE CRITICAL - wingtip.onmicrosoft.com: application disabled \[AADSTS7000112\] - enable the service principal" \
  "app disabled" -- -T wingtip.onmicrosoft.com "${common[@]}" "${secret[@]}"
expect 2 "^MDE CRITICAL - nosuch.onmicrosoft.com: tenant not found \[AADSTS90002\] - check the tenant id 'nosuch.onmicrosoft.com'" \
  "tenant not found" -- -T nosuch.onmicrosoft.com "${common[@]}" "${secret[@]}"
# a licence, not an outage: WARNING, and the fix names both causes
expect 1 "^MDE WARNING - tailspin.onmicrosoft.com: Defender for Endpoint not provisioned \[AADSTS500011\] - Defender for Endpoint \(https://api.securitycenter.microsoft.com\) is not provisioned in tailspin.onmicrosoft.com, or the cloud is wrong: check the tenant's Defender licence and onboarding, and --cloud\|" \
  "Defender not provisioned" -- -T tailspin.onmicrosoft.com "${common[@]}" "${secret[@]}"
like "$OUT" $'\nclass: not_provisioned\n' "Defender not provisioned: class not_provisioned"
expect 2 "^MDE CRITICAL - $CONTOSO: network failure - check DNS, proxy, firewall and CA trust" \
  "TLS not trusted (no --cacert)" -- -T "$CONTOSO" -C "$APP" --login-endpoint "$BASE" "${secret[@]}"
expect 2 "^MDE CRITICAL - $CONTOSO: network failure" \
  "connection refused" -- -T "$CONTOSO" -C "$APP" --login-endpoint "https://127.0.0.1:1" "${secret[@]}"

# --- a code Microsoft has not invented yet: classified by its OAuth `error`
unknown_code() { # unknown_code STATUS ERROR RC FIRST_LINE_REGEX CLASS
  admin PUT /faults "[{\"endpoint\": \"token\", \"status\": $1, \"aadsts\": 9999901, \"error\": \"$2\"}]" >/dev/null
  expect "$3" "$4" "unknown AADSTS9999901 under $2" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}"
  like "$OUT" $'\nclass: '"$5"$'\n' "unknown AADSTS9999901 under $2: class $5"
}
unknown_code 400 unauthorized_client 2 "^MDE CRITICAL - contoso.onmicrosoft.com: application not consented in tenant \[AADSTS9999901\] - a tenant admin must grant admin consent: $BASE/contoso.onmicrosoft.com/adminconsent\?client_id=$APP\|" app_not_in_tenant
unknown_code 401 invalid_client 2 "^MDE CRITICAL - contoso.onmicrosoft.com: client secret invalid \[AADSTS9999901\] - Entra refused the client secret of app $APP" secret_invalid
unknown_code 400 invalid_resource 1 "^MDE WARNING - contoso.onmicrosoft.com: Defender for Endpoint not provisioned \[AADSTS9999901\] - Defender for Endpoint .* is not provisioned in contoso.onmicrosoft.com, or the cloud is wrong" not_provisioned
unknown_code 503 temporarily_unavailable 2 "^MDE CRITICAL - contoso.onmicrosoft.com: Entra ID service error \[AADSTS9999901\] - Entra ID is temporarily unavailable" auth_service
unknown_code 400 invalid_request 2 "^MDE CRITICAL - contoso.onmicrosoft.com: token request rejected \(unclassified code\) \[AADSTS9999901\] - look up AADSTS9999901: $BASE/error\?code=9999901" auth_rejected
admin DELETE /faults >/dev/null

# --- an access token that is not a JWT: used, never blind, said so
admin POST /settings '{"opaque_tokens": true}' >/dev/null
served() { admin GET "/requests?since=0&limit=100000" | jq '[.requests[] | select(.endpoint == "alerts" and .status == 200)] | length'; }
before=$(served)
expect 1 "^MDE WARNING - contoso.onmicrosoft.com: access token not a JWT - " \
  "opaque token: WARNING (token_opaque), the API still asked" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" -r Alert.Read.All --api
like "$OUT" $'\nclass: token_opaque\n' "opaque token: class token_opaque"
is "$(served)" "$((before + 1))" "opaque token: the API answered the call made with it"
admin POST /settings '{"opaque_tokens": false}' >/dev/null

# --- the API: forbidden and throttled
admin PUT /faults '[{"endpoint": "alerts", "status": 403}]' >/dev/null
expect 2 "^MDE CRITICAL - contoso.onmicrosoft.com: API permission missing" \
  "API refuses a role the token claims (403)" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" -r Alert.Read.All --api
admin PUT /faults '[{"endpoint": "alerts", "status": 429, "retry_after": 30}]' >/dev/null
expect 1 "^MDE WARNING - contoso.onmicrosoft.com: throttled - " \
  "API throttled (429)" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" -r Alert.Read.All --api
admin PUT /faults '[{"endpoint": "token", "status": 429, "retry_after": 30}]' >/dev/null
expect 1 "^MDE WARNING - contoso.onmicrosoft.com: throttled" \
  "token endpoint throttled (429)" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}"

# --- thresholds
admin PUT /faults '[{"endpoint": "token", "latency_ms": 600}]' >/dev/null
expect 1 "^MDE WARNING - contoso.onmicrosoft.com: token answered in 0\.[0-9]{3}s \(warning 0\.5\)\|token_time=0\.[0-9]+s;0\.5;5;0 " \
  "latency over -w" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" -w 0.5 -c 5
expect 2 "^MDE CRITICAL - contoso.onmicrosoft.com: token answered in 0\.[0-9]{3}s \(critical 0\.5\)" \
  "latency over -c" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" -w 0.1 -c 0.5
admin DELETE /faults >/dev/null
expect 1 "^MDE WARNING - $CONTOSO: credential expires in 36[45]\.[0-9] days - renew it" \
  "certificate expiring within --cred-warn" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/app1.pem" --key "$MDE_CERTS/app1.key" --cred-warn 400 --cred-crit 30
expect 2 "^MDE CRITICAL - $CONTOSO: credential expires in" \
  "certificate expiring within --cred-crit" -- -T "$CONTOSO" "${common[@]}" --cert "$MDE_CERTS/app1.pem" --key "$MDE_CERTS/app1.key" --cred-warn 500 --cred-crit 400
soon=$(date -u -d "+10 days" +%Y-%m-%d)
expect 1 "^MDE WARNING - contoso.onmicrosoft.com: credential expires in [0-9.]+ days - renew it.*credential_ttl=[0-9]+s" \
  "a secret expiring within --cred-warn (--secret-expires)" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" --secret-expires "$soon" --cred-warn 30 --cred-crit 5
expect 0 "^MDE OK - contoso.onmicrosoft.com: token valid" \
  "a secret expiring later than --cred-warn" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" --secret-expires "${soon}T23:59:59Z" --cred-warn 5
expect 3 "^MDE UNKNOWN - --secret-expires takes a date such as 2027-01-31 or 2027-01-31T12:00:00Z, not \"2027-02-30\"\$" \
  "--secret-expires: not a real date" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" --secret-expires 2027-02-30
# digits only: sscanf's %d also took a sign or a blank (found by fuzzing)
for bad in "2027-01-+1" "2027-01- 1" "2027-01-31T+1:00:00Z" "2027-01-31T24:00:00Z" "+027-01-31"; do
  expect 3 "^MDE UNKNOWN - --secret-expires takes a date such as" \
    "--secret-expires $bad: refused" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" --secret-expires "$bad"
done
# a past date is an expired secret (CRITICAL with or without --cred-crit);
# the epoch is a date like any other, not "unset"
for past in 1970-01-01 2020-06-30; do
  expect 2 "^MDE CRITICAL - contoso.onmicrosoft.com: credential expired [0-9.]+ days ago - renew it.*credential_ttl=-[0-9]+s" \
    "--secret-expires $past: expired" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" --secret-expires "$past"
done
# days are finite numbers: strtod's "nan", "inf" and "" are not
for bad in "--cred-warn nan" "--cred-warn inf" "--cred-crit -1" "--cred-crit 5x"; do
  # shellcheck disable=SC2086
  expect 3 "^MDE UNKNOWN - --cred-warn/--cred-crit take days \(0 to 36525\), not \"${bad#* }\"\$" \
    "$bad: refused" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" $bad
done
expect 3 '^MDE UNKNOWN - --cred-warn/--cred-crit take days \(0 to 36525\), not ""$' \
  "an empty --cred-crit: refused" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" --cred-crit ""

# --- timeout: UNKNOWN, on time
admin PUT /faults '[{"endpoint": "token", "latency_ms": 8000}]' >/dev/null
start=$(date +%s%N)
expect 3 "^MDE UNKNOWN - contoso.onmicrosoft.com: plugin timed out after 2 s" \
  "timeout" -- -T contoso.onmicrosoft.com "${common[@]}" "${secret[@]}" -t 2
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok $(( ms < 2600 ? 0 : 1 )) "timeout: returned in ${ms} ms (-t 2)"
admin DELETE /faults >/dev/null

# --- usage
expect 3 "^MDE UNKNOWN - -T TENANT and -C CLIENT_ID are required" "no arguments" --
expect 3 "^check_mde 0\.1\.0\$" "--version" -- --version
expect 3 "^MDE UNKNOWN - tenant \"$CONTOSO\": Cloud \"mars\" is not one of public, gcc, gcc-high, dod\$" \
  "--cloud is passed on, and an unknown one named" -- -T "$CONTOSO" "${common[@]}" "${secret[@]}" --cloud mars
run --help
is "$RC" 3 "--help: exit 3"
like "$OUT" "There is no option that"$'\n'".*takes the secret itself" "--help explains where secrets go"
expect 3 "^MDE UNKNOWN - -w/-c take a Nagios range" "a bad range" -- -T x -C "$APP" -w abc
expect 3 "^MDE UNKNOWN - -w/-c take a Nagios range" "--cred-warn 0 is a number of days (then the bad range)" \
  -- -T x -C "$APP" --cred-warn 0 -w abc
expect 3 "^MDE UNKNOWN - unexpected argument \"sim-secret-current\" \(secrets are never given on the command line" \
  "a secret on the command line is refused" -- -T contoso.onmicrosoft.com "${common[@]}" sim-secret-current
expect 3 "^MDE UNKNOWN - no credential: use --secret-file FILE, --cert PEM --key PEM, or set MDE_CLIENT_SECRET\$" \
  "no credential" -- -T "$CONTOSO" "${common[@]}"
printf 'x' >"$WORK/loose" && chmod 0644 "$WORK/loose"
expect 3 "^MDE UNKNOWN - tenant \"$CONTOSO\": secret file $WORK/loose is accessible by other users" \
  "a world-readable secret file" -- -T "$CONTOSO" "${common[@]}" --secret-file "$WORK/loose"
for v in $'\n' $'\r\n'; do
  OUT=$(MDE_CLIENT_SECRET="$v" timeout 30 "$CHECK" -T contoso.onmicrosoft.com "${common[@]}" 2>&1)
  is "$?" 3 "MDE_CLIENT_SECRET of only a line break: UNKNOWN"
  like "$OUT" '^MDE UNKNOWN - tenant "contoso.onmicrosoft.com": environment variable MDE_CLIENT_SECRET holds only a line break' \
    "MDE_CLIENT_SECRET of only a line break: named, never sent"
done
printf 'sim-secret-current\n' >"$WORK/theirs" && chown 65534 "$WORK/theirs"
expect 3 "^MDE UNKNOWN - tenant \"$CONTOSO\": secret file $WORK/theirs is owned by uid 65534, not by the user running this" \
  "a 0600 secret file of another user" -- -T "$CONTOSO" "${common[@]}" --secret-file "$WORK/theirs"

# --- several tenants from the collectd configuration
mkdir -p "$WORK/conf.d"
cat >"$WORK/collectd.conf" <<CONF
# a collectd.conf: the check reads only the mde block
Hostname "test"
LoadPlugin mde
Include "$WORK/conf.d"
CONF
cat >"$WORK/conf.d/mde.conf" <<CONF
<Plugin mde>
  ClientId "$APP"
  ClientSecretFile "$WORK/secret"
  LoginEndpoint "https://127.0.0.1:$SIM_PORT"
  ApiEndpoint "https://127.0.0.1:$SIM_PORT"
  CACert "$MDE_CERTS/ca.pem"
  RequireRole "Alert.Read.All"
  <Tenant "contoso">
    TenantId "contoso.onmicrosoft.com"
  </Tenant>
  <Tenant "northwind">
    TenantId "northwind.onmicrosoft.com"  # never consented
  </Tenant>
  <Tenant "litware">
    TenantId "litware.onmicrosoft.com"
  </Tenant>
  <Tenant "empty">
    TenantId "empty.onmicrosoft.com"
  </Tenant>
</Plugin>
CONF
run --config "$WORK/collectd.conf"
is "$RC" 2 "--config: exit is the worst state"
is "$FIRST" "MDE CRITICAL - 2 CRITICAL, 2 OK|tenants=4 ok=2 warning=0 critical=2 unknown=0" "--config: the summary line"
like "$OUT" $'\nCRITICAL: northwind: application not consented in tenant \\[AADSTS700016\\] - .*\nCRITICAL: litware: API permission missing' \
  "--config: one line per tenant not OK, in order"
like "$OUT" $'\nnorthwind: class: app_not_in_tenant; reason: token request refused \\(HTTP 400\\): AADSTS700016: .*; trace id: [0-9a-f-]{36}; correlation id: [0-9a-f-]{36}; timestamp: ' \
  "--config: then each failing tenant's class, reason and Microsoft's trace ids"
run --config "$WORK/collectd.conf" --tenant contoso --tenant empty
is "$RC $FIRST" "0 MDE OK - 2 OK|tenants=2 ok=2 warning=0 critical=0 unknown=0" \
  "--config --tenant: only the named tenants"
run --config "$WORK/collectd.conf" --validate
is "$RC $FIRST" "0 MDE OK - $WORK/collectd.conf: valid, 4 tenants|tenants=4" \
  "--config --validate: every tenant counted, contacting nothing"
run --config "$WORK/collectd.conf" --validate --tenant litware
is "$RC $FIRST" "0 MDE OK - $WORK/collectd.conf: valid, 1 tenant|tenants=1" \
  "--config --validate --tenant: one tenant"
run --config "$WORK/collectd.conf" --tenant nosuch
is "$RC $FIRST" "3 MDE UNKNOWN - no <Tenant> matched in $WORK/collectd.conf" \
  "--config --tenant NAME that no block has: UNKNOWN, said"
# --- Shard "K/N": the same file on three hosts checks each tenant once
sed 's|^<Plugin mde>$|<Plugin mde>\n  Shard "SHARD"|' "$WORK/conf.d/mde.conf" >"$WORK/sharded.conf"
total=0 same=0
for k in 1 2 3; do
  run --config "$WORK/collectd.conf" --shard "$k/3"
  n=$(grep -oE 'tenants=[0-9]+' <<<"$FIRST" | cut -d= -f2)
  total=$((total + ${n:-0}))
  sed "s|SHARD|$k/3|" "$WORK/sharded.conf" >"$WORK/shard-k.conf"
  out=$("$CHECK" --config "$WORK/shard-k.conf" 2>&1 | head -n1)
  [ "$(grep -oE 'tenants=[0-9]+' <<<"$out")" = "tenants=${n:-x}" ] && same=$((same + 1))
done
is "$total" 4 "--shard K/3 for K = 1, 2, 3: every tenant checked exactly once"
is "$same" 3 "Shard \"K/3\" in the file keeps the same tenants as --shard K/3"
run --config "$WORK/shard-k.conf" --shard 1/1
is "$RC $FIRST" "2 MDE CRITICAL - 2 CRITICAL, 2 OK|tenants=4 ok=2 warning=0 critical=2 unknown=0" \
  "--shard overrides the file's Shard (1/1: every tenant)"
run --config "$WORK/shard-k.conf" --validate
is "$RC $FIRST" "0 MDE OK - $WORK/shard-k.conf: valid, 4 tenants|tenants=4" \
  "--validate checks every tenant, whatever the shard"
rm -f "$WORK/shard-k.conf"
expect 3 '^MDE UNKNOWN - --shard "0/3": K must be from 1 to N, and N from 1 to 65536$' \
  "--shard 0/3 is refused, named" -- --config "$WORK/collectd.conf" --shard 0/3
expect 3 '^MDE UNKNOWN - --shard "1/3x" is not K/N' \
  "--shard 1/3x is refused, named" -- --config "$WORK/collectd.conf" --shard 1/3x
expect 3 '^MDE UNKNOWN - --shard goes with --config FILE$' \
  "--shard without --config is refused" -- -T "$CONTOSO" "${common[@]}" --shard 1/2
printf '<Plugin mde>\n  Colour "blue"\n</Plugin>\n' >"$WORK/bad.conf"
expect 3 '^MDE UNKNOWN - <Plugin mde>: unknown option "Colour"$' "--config: a bad block is UNKNOWN, named" -- --config "$WORK/bad.conf"
printf '<Plugin mde>\n  ClientId "x\n' >"$WORK/broken.conf"
expect 3 "^MDE UNKNOWN - $WORK/broken.conf:2: unterminated string\$" "--config: a syntax error names file and line" -- --config "$WORK/broken.conf"
printf '<Plugin mde>\n  ClientId "1111\0 2222"\n</Plugin>\n' >"$WORK/nul.conf"
expect 3 "^MDE UNKNOWN - $WORK/nul.conf:2: a NUL byte inside a quoted string\$" "--config: a NUL in a string names file and line" -- --config "$WORK/nul.conf"
# collectd refuses a second <Plugin mde> block (the plugin takes one), so
# --validate must too, also when an Include brings it
cp "$WORK/collectd.conf" "$WORK/twice.conf"
printf 'Include "%s"\n' "$WORK/conf.d/mde.conf" >>"$WORK/twice.conf"
expect 3 "^MDE UNKNOWN - $WORK/twice.conf has more than one <Plugin mde> block" \
  "--validate: two <Plugin mde> blocks" -- --config "$WORK/twice.conf" --validate
# Includes as collectd 5.12 follows them: Debian's <Include DIR> with
# Filter (a README next to the .conf is skipped), and a wildcard
mkdir -p "$WORK/debian.d/sub"
mv "$WORK/conf.d/mde.conf" "$WORK/debian.d/sub/mde.conf"
printf 'Read me: not configuration <\n' >"$WORK/debian.d/README"
printf 'LoadPlugin mde\n<Include "%s">\n\tFilter "*.conf"\n</Include>\n' "$WORK/debian.d" >"$WORK/debian.conf"
expect 0 "^MDE OK - $WORK/debian.conf: valid, 4 tenants" \
  "--validate: Debian's <Include DIR> Filter \"*.conf\", recursively" -- --config "$WORK/debian.conf" --validate
printf 'LoadPlugin mde\nInclude "%s/debian.d/s*/*.conf"\n' "$WORK" >"$WORK/glob.conf"
expect 0 "^MDE OK - $WORK/glob.conf: valid, 4 tenants" \
  "--validate: a wildcard Include" -- --config "$WORK/glob.conf" --validate
printf 'LoadPlugin mde\nInclude "%s/debian.d"\n' "$WORK" >"$WORK/nofilter.conf"
expect 3 "^MDE UNKNOWN - $WORK/debian.d/README:1: " \
  "--validate: a directory without Filter is every file in it, as collectd reads it" -- --config "$WORK/nofilter.conf" --validate
mv "$WORK/debian.d/sub/mde.conf" "$WORK/conf.d/mde.conf"
