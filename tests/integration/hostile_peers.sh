#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile peers, refused: TLS servers with an expired, wrong-host or
# self-signed certificate (nothing is sent to them); a hostile Entra handing
# out forged tokens (alg none, HS256 keyed with the public key, an
# unpublished kid, another tenant's genuine token, a token for another
# audience); an endless response body and a header flood, both capped with
# memory bounded. check_mde runs the engine against each.
. "$(dirname "$0")/lib.sh"
APP=11111111-2222-3333-4444-555555555555
(umask 077; printf 'sim-secret-current\n' >"$WORK/secret")
check() { # check BASE [ARGS...] -> $OUT, $RC
  local base="$1"
  shift
  OUT=$(timeout 60 "$MDE_BUILD/check_mde" -T "${TENANT:-contoso.onmicrosoft.com}" -C "$APP" \
    --secret-file "$WORK/secret" --login-endpoint "$base" --api-endpoint "$base" \
    --cacert "$MDE_CERTS/ca.pem" -t 20 "$@" 2>&1)
  RC=$?
}

# --- TLS: each hostile certificate is refused before anything is sent
for bad in expired:"certificate has expired" wronghost:"does not match|no alternative certificate subject name" \
  selfsigned:"self.signed certificate"; do
  name=${bad%%:*}
  start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json" \
    --cert "$MDE_CERTS/$name.pem" --key "$MDE_CERTS/$name.key"
  check "https://127.0.0.1:$SIM_PORT"
  is "$RC" 2 "$name certificate: CRITICAL"
  like "$OUT" "^MDE CRITICAL - contoso.onmicrosoft.com: network failure" "$name certificate: a network failure"
  like "$OUT" "${bad#*:}" "$name certificate: the reason says why"
  is "$(admin GET /stats | jq .requests)" 0 "$name certificate: not one request reached the server"
  stop_sim
done

# --- a hostile Entra: forged tokens
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
BASE="https://127.0.0.1:$SIM_PORT"
TID=aaaaaaaa-0000-4000-8000-000000000001
check "$BASE" -r Alert.Read.All --api
is "$RC" 0 "control: a genuine token passes"
api_requests() { admin GET /stats | jq '.endpoints.alerts.requests'; }
# By tenant id, as partners configure customers: a genuine token of another
# tenant is refused too (a domain is pinned to the tid of its first token).
for forge in alg_none:"alg" hs256:"alg|HS256" unknown_kid:"kid" other_tid:"tid" wrong_aud:"aud"; do
  mode=${forge%%:*}
  is "$(admin POST /settings "{\"forge_tokens\": \"$mode\"}" | jq -r .ok)" true "forging $mode tokens"
  before=$(api_requests)
  TENANT=$TID check "$BASE" -r Alert.Read.All --api
  is "$RC" 2 "$mode: CRITICAL"
  like "$OUT" "^MDE CRITICAL - $TID: access token invalid" "$mode: refused as token_invalid"
  like "$(grep '^reason:' <<<"$OUT")" "${forge#*:}" "$mode: the reason names the check that failed"
  is "$(api_requests)" "$before" "$mode: the forged token was never sent to the API"
done
admin POST /settings '{"forge_tokens": "off"}' >/dev/null

# --- an endless body and a header flood: capped, reported, memory bounded
peak_rss() { # peak_rss OUTFILE: the check under time(1) -> $RSS (KiB), $RC
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" timeout 60 \
    /usr/bin/time -f '%M' -o "$WORK/rss" "$MDE_BUILD/check_mde" -T contoso.onmicrosoft.com \
    -C "$APP" --secret-file "$WORK/secret" --login-endpoint "$BASE" --api-endpoint "$BASE" \
    --cacert "$MDE_CERTS/ca.pem" -r Alert.Read.All --api -t 30 >"$1" 2>&1
  RC=$?
  RSS=$(tail -n 1 "$WORK/rss")
}
peak_rss "$WORK/out"
base_rss=$RSS
is "$RC" 0 "control: the check's peak memory measured ($base_rss KiB)"
# Each body is capped by what its parser accepts (issue 13): a probe's
# answer at 1 MiB, a token response and a discovery document at 256 KiB,
# the key set at 512 KiB. (Alert pages keep 64 MiB: a real page of 10,000
# alerts is tens of MB.)
for row in alerts:1048576 token:262144 discovery:262144 keys:524288; do
  ep=${row%%:*} cap=${row#*:}
  admin PUT /faults "[{\"endpoint\": \"$ep\", \"endless\": 1}]" >/dev/null
  peak_rss "$WORK/out"
  rss=$RSS
  is "$RC" 2 "endless $ep body: CRITICAL"
  like "$(cat "$WORK/out")" "response larger than $cap bytes" "endless $ep body: cut at its parser's limit ($cap bytes)"
  # Unbounded, the reader would hold gigabytes (the simulator sends ~1 GiB/s).
  ok $(( rss - base_rss < 32 * 1024 ? 0 : 1 )) \
    "endless $ep body: peak memory bounded by the cap ($((rss - base_rss)) KiB over the control)"
done
admin PUT /faults '[{"endpoint": "alerts", "headers": 10000}]' >/dev/null
check "$BASE" -r Alert.Read.All --api
is "$RC" 0 "10,000 response headers: read and ignored, the check is OK"
admin DELETE /faults >/dev/null
check "$BASE" -r Alert.Read.All --api
is "$RC" 0 "after the hostile peers: the same check is OK again"
