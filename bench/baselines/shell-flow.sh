#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmark baseline (make bench): the seed document's flow, as a shell
# loop would run it from cron. Per tenant, in turn: curl for a v2 token,
# jq to take the token out, curl for /api/alerts, jq to count them. One
# process and one TLS handshake per request; nothing is cached.
# Deviation from the seed flow: the secret and the token never go on a
# command line (other users can read those); curl reads the secret from its
# file and the Authorization header from standard input.
#   shell-flow.sh LOGIN API CA_FILE CLIENT_ID SECRET_FILE TENANTS_FILE
# TENANTS_FILE: "NAME TENANT" per line. Prints "NAME ALERTS" per tenant
# ("NAME -1" when the token or the alerts could not be had).
set -eu
login="$1" api="$2" ca="$3" client="$4" secret="$5" tenants="$6"
scope=https://api.securitycenter.microsoft.com/.default

while read -r name tenant; do
  n=-1
  if tok=$(curl -sS --fail --max-time 10 --cacert "$ca" \
    -d grant_type=client_credentials -d "client_id=$client" -d "scope=$scope" \
    --data-urlencode "client_secret@$secret" \
    "$login/$tenant/oauth2/v2.0/token" | jq -er .access_token); then
    n=$(printf 'Authorization: Bearer %s\n' "$tok" |
      curl -sS --fail --max-time 10 --cacert "$ca" -H @- "$api/api/alerts" |
      jq -e '.value | length') || n=-1
  fi
  echo "$name $n"
done <"$tenants"
