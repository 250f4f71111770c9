#!/bin/bash
# SPDX-License-Identifier: MIT
# Garbage and hostile requests get the real error shapes, never a crash or
# a hang; the simulator still serves afterwards and exits cleanly (under
# ASan in make check, so an overflow or leak fails here). Bad scenario
# files and bad command lines are refused with a message naming the place.
. "$(dirname "$0")/lib.sh"

# --- scenario and command-line errors
sim() { timeout 20 "$MDE_BUILD/mde-sim" "$@" 2>&1; }
certs=(--cert "$MDE_CERTS/server.pem" --key "$MDE_CERTS/server.key" --listen 127.0.0.1:0 --admin 127.0.0.1:0)
bad_scenario() { # bad_scenario JSON EXPECTED_MESSAGE
  printf '%s' "$1" >"$WORK/bad.json"
  local out rc
  out=$(sim --scenario "$WORK/bad.json" "${certs[@]}" --data-dir "$MDE_CERTS")
  rc=$?
  is "$rc" 1 "bad scenario exits 1: $2"
  like "$out" "$(printf '%s' "$2" | sed 's/[][\.*^$(){}+?|]/\\&/g')" "bad scenario says: $2"
}
APPJ='{"client_id": "11111111-2222-3333-4444-555555555555", "secrets": [{"value": "x"}]}'
bad_scenario '{"apps": [' "scenario: not valid JSON"
bad_scenario '{"apps": []}' "apps: at least one app is required"
bad_scenario "{\"apps\": [$APPJ], \"tenant\": []}" 'scenario: unknown key "tenant"'
bad_scenario '{"apps": [{"client_id": "nope"}]}' 'apps[0]: "client_id" must be a GUID'
bad_scenario "{\"apps\": [$APPJ], \"tenants\": [{\"id\": \"aaaaaaaa-0000-4000-8000-000000000001\", \"apps\": {\"11111111-2222-3333-4444-555555555555\": {\"roles\": [1]}}}]}" \
  'tenants[0].apps.11111111-2222-3333-4444-555555555555: "roles" must be at most 64 role names (strings)'
bad_scenario "{\"apps\": [$APPJ], \"tenants\": [{\"id\": \"aaaaaaaa-0000-4000-8000-000000000001\", \"alerts\": {\"count\": -1}}]}" \
  'tenants[0].alerts: "count" must be between 0 and 1e+06'
bad_scenario "{\"apps\": [$APPJ], \"tenants\": [{\"id\": \"aaaaaaaa-0000-4000-8000-000000000001\", \"cloud\": \"mars\"}]}" \
  'tenants[0]: "cloud" must be public, gcc, gcc-high or dod'
bad_scenario "{\"apps\": [{\"client_id\": \"11111111-2222-3333-4444-555555555555\", \"certificates\": [{\"file\": \"missing.pem\"}]}]}" \
  "apps[0].certificates[0]: cannot read a PEM certificate from $MDE_CERTS/missing.pem"
bad_scenario "{\"apps\": [$APPJ], \"settings\": {\"page_size\": 0}}" 'settings: "page_size" must be between 1 and 10000'
bad_scenario "{\"apps\": [$APPJ], \"faults\": [{\"endpoint\": \"alerts\", \"probability\": 2}]}" \
  'faults[0]: "probability" must be between 0 and 1'
out=$(sim --scenario "$WORK/none.json" "${certs[@]}")
like "$out" "cannot read the scenario file" "a missing scenario file is named"
out=$(sim --scenario "$MDE_ROOT/tests/integration/scenarios/basic.json")
is "$?" 2 "missing --cert/--key: usage error (exit 2)"
out=$(sim --scenario "$MDE_ROOT/tests/integration/scenarios/basic.json" "${certs[@]}" --data-dir "$MDE_CERTS" --listen 1.2.3)
like "$out" "--listen: '1.2.3' is not HOST:PORT" "a bad --listen is named"
like "$(sim --help)" "Usage: mde-sim --scenario FILE" "--help prints usage"
is "$(sim --version)" "mde-sim 0.1.0" "--version"

# --- hostile requests against a running simulator
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
APP=11111111-2222-3333-4444-555555555555
TOKEN_URL="$LOGIN/contoso.onmicrosoft.com/oauth2/token"

head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$WORK/huge"
scurl "$TOKEN_URL" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$WORK/huge" >/dev/null
is "$(status)" 413 "a 2 MiB token request body: 413"
body=$(scurl "$TOKEN_URL" --data-binary 'grant_type=client_credentials&client_id=%zz')
is "$(status) $(jq -r '.error_codes[0]' <<<"$body")" "400 900144" "a bad %-escape: the body is unreadable (900144)"
body=$(scurl "$TOKEN_URL" --data-binary 'grant_type=client_credentials&client_id=%00')
is "$(status)" 400 "an encoded NUL: 400"
fields=$(for i in $(seq 1 100); do printf 'f%d=1&' "$i"; done)
scurl "$TOKEN_URL" --data-binary "$fields" >/dev/null
is "$(status)" 400 "100 form fields: 400"
long=$(head -c 5000 /dev/zero | tr '\0' 'x')
scurl "$LOGIN/$long.com/oauth2/token" -d grant_type=client_credentials >/dev/null
is "$(status) $(cat "$WORK/body")" "400 Bad Request - Invalid URL" "a 5000-character path segment: 400 Invalid URL, as HTTP.sys answers"
big_assertion=$(head -c 20000 /dev/zero | tr '\0' 'A')
body=$(scurl "$TOKEN_URL" -d grant_type=client_credentials -d "client_id=$APP" -d resource=https://api.securitycenter.microsoft.com \
  -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$big_assertion")
is "$(status) $(jq -r '.error_codes[0]' <<<"$body")" "401 50027" "an oversized assertion: 401 invalid JWT"
for junk in "a.b.c" "..." "eyJ.eyJ.x" "$(printf '{"alg":"RS256"}' | b64url).$(printf '[1,2]' | b64url).AA"; do
  body=$(scurl "$TOKEN_URL" -d grant_type=client_credentials -d "client_id=$APP" -d resource=https://api.securitycenter.microsoft.com \
    -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$junk")
  is "$(status) $(jq -r '.error_codes[0]' <<<"$body")" "401 50027" "junk assertion '$junk': 401 invalid JWT"
done
scurl "$API/api/alerts" -H "Authorization: Bearer $(head -c 60000 /dev/zero | tr '\0' 'e')" >/dev/null
ok $(( $(status) >= 400 && $(status) < 500 ? 0 : 1 )) "a 60 kB bearer: refused with $(status)"
hdrs=()
for i in $(seq 1 2000); do hdrs+=(-H "X-Junk-$i: $i"); done
scurl "$API/api/alerts" "${hdrs[@]}" >/dev/null 2>&1
ok $(( $(status) >= 400 || $(status) == 0 ? 0 : 1 )) "2000 request headers: refused ($(status))"
scurl "$API/api/alerts?\$filter=$(head -c 3000 /dev/zero | tr '\0' '(')" -H "Authorization: Bearer x" >/dev/null
is "$(status)" 401 "an absurd filter without a token: 401 first"
scurl "$LOGIN/a/b/c/d/e/f/g/h/i/j/k" >/dev/null
is "$(status)" 404 "a deep unknown path: 404"
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 5 openssl s_client -quiet -connect "$SIM_ADDR" >/dev/null 2>&1
# Raw bytes to the TLS port, no client library in between (nc is not a
# dependency): prints what came back, up to the peer's close or 10 s.
raw_tcp() { # raw_tcp PORT < BYTES
  timeout 15 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(sys.stdin.buffer.read())
try:
    while s.recv(4096):
        pass
except OSError:
    pass' "$1"
}
printf 'garbage\r\n\r\n' | raw_tcp "$SIM_PORT" >/dev/null 2>&1
head -c 4096 /dev/urandom | raw_tcp "$SIM_PORT" >/dev/null 2>&1
# "Basic ====" once decoded to -1 bytes and wrote before its buffer (an
# ASan abort, no credential needed); malformed Basic is no credential at all.
for basic in "====" "A===" "YQ=" "=" "$(printf 'a:b' | base64)x"; do
  body=$(scurl "$LOGIN/contoso.onmicrosoft.com/oauth2/v2.0/token" -H "Authorization: Basic $basic" \
    -d grant_type=client_credentials -d scope=https://api.securitycenter.microsoft.com/.default)
  like "$(status) $(jq -r '.error' <<<"$body")" "^40[01] invalid_(request|client)$" "Authorization: Basic $basic: refused as a request error"
done
# The Host header is echoed into discovery documents: one that could close
# a JSON string (or a URL) is refused as HTTP.sys does, and a valid one with
# a port still works.
evil_host='x","token_endpoint":"https://evil.example/t","y":"'
scurl -H "Host: $evil_host" "$LOGIN/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration" >/dev/null
is "$(status) $(cat "$WORK/body")" "400 Bad Request - Invalid Hostname" "a Host header holding JSON: 400 Invalid Hostname"
body=$(scurl "$LOGIN/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
is "$(status) $(jq -r .token_endpoint <<<"$body")" \
  "200 https://login.microsoftonline.com:$SIM_PORT/aaaaaaaa-0000-4000-8000-000000000001/oauth2/v2.0/token" \
  "a genuine Host (name:port) still builds the discovery document"
admin POST /tenants/contoso.onmicrosoft.com/alerts '{"title": ' >/dev/null
is "$(admin POST /tenants/contoso.onmicrosoft.com/alerts '[1]' | jq -r .error)" "the body must be a JSON object" \
  "admin: a non-object body is refused"
body=$(scurl "$TOKEN_URL" -d grant_type=client_credentials -d "client_id=$APP" \
  -d resource=https://api.securitycenter.microsoft.com -d client_secret=sim-secret-current)
is "$(status)" 200 "after all of that, the simulator still issues tokens"

# --- slow clients: a connection that says nothing is closed after
# --idle-timeout, and one address holds at most half of --max-connections,
# so a trickle of idle sockets cannot take every thread.
stop_sim
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json" --idle-timeout 2 --max-connections 8
start=$(date +%s)
raw_tcp "$SIM_PORT" </dev/null
ok $(( $(date +%s) - start <= 6 ? 0 : 1 )) "a silent connection is closed after the idle timeout ($(( $(date +%s) - start )) s)"
held=$(timeout 20 python3 -c '
import socket, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
time.sleep(0.3)  # let the server accept all four before the fifth
extra = socket.create_connection(("127.0.0.1", port), timeout=5)
t = time.monotonic()
closed = extra.recv(1) == b""
print("refused" if closed and time.monotonic() - t < 2 else "accepted")' "$SIM_PORT" 2>&1)
is "$held" refused "a fifth connection from an address holding four of 8 is closed at once"
body=$(scurl "$LOGIN/contoso.onmicrosoft.com/oauth2/token" -d grant_type=client_credentials -d "client_id=$APP" \
  -d resource=https://api.securitycenter.microsoft.com -d client_secret=sim-secret-current)
is "$(status)" 200 "once the idle clients are gone, the simulator serves again"
for bad in "--idle-timeout 0" "--max-connections 1" "--idle-timeout 9x"; do
  # shellcheck disable=SC2086
  out=$(sim --scenario "$MDE_ROOT/tests/integration/scenarios/basic.json" "${certs[@]}" --data-dir "$MDE_CERTS" $bad)
  like "$?: $out" "^2: mde-sim: ${bad% *}: '${bad#* }' must be a whole number" "mde-sim $bad: usage error naming the option"
done
