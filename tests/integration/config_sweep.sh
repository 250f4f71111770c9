#!/bin/bash
# SPDX-License-Identifier: MIT
# Every option of <Plugin mde>, given a value of the wrong type and values
# out of range: at the top of the block, or in the only tenant, collectd
# refuses to start and names the option; in one tenant beside a good one,
# collectd starts, skipping that tenant and naming the option and the tenant
# (one bad tenant must not take collectd down); check_mde --config --validate
# exits UNKNOWN and names the option in every case. The option list is read
# from the plugin's own table (conf/options.c), so an option added later is
# swept without touching this test. Then secret files that cannot be used
# (world-readable, missing, empty, a directory, a FIFO): both refuse a lone
# tenant, naming the file and why, without hanging; beside a good tenant,
# collectd skips it as credential_unusable.
. "$(dirname "$0")/lib.sh"
APP=11111111-2222-3333-4444-555555555555
umask 077
printf 'sim-secret-current\n' >"$WORK/secret"
mkdir -p "$WORK/plugins"
cp "$MDE_BUILD/mde.so" "$WORK/plugins/"
cp /usr/lib/collectd/logfile.so "$WORK/plugins/"
preload=""
readelf -d "$MDE_BUILD/mde.so" | grep -q libasan && preload="$(gcc -print-file-name=libasan.so)"

# NAME SCOPE KIND MIN MAX, one line per row of the table
rows=$(tr -d '\n' <"$MDE_ROOT/conf/options.c" |
  grep -oE '\{"[A-Za-z0-9]+", *(TOP|TENANT|BOTH), *[A-Z]+, *[A-Za-z_]+\([a-z_0-9]*\)|\{"[A-Za-z0-9]+", *(TOP|TENANT|BOTH), *[A-Z]+, *0' |
  sed -E 's/^\{"([A-Za-z0-9]+)", *([A-Z]+), *([A-Z]+).*/\1 \2 \3/')
ranges=$(tr -d '\n' <"$MDE_ROOT/conf/options.c" |
  grep -oE '\{"[A-Za-z0-9]+", *(TOP|TENANT|BOTH), *INT, *[A-Za-z_]+\([a-z_0-9]*\), *-?[0-9]+, *-?[0-9]+\}' |
  sed -E 's/^\{"([A-Za-z0-9]+)".*, *(-?[0-9]+), *(-?[0-9]+)\}$/\1 \2 \3/')
n_rows=$(wc -l <<<"$rows")
ok $(( n_rows >= 25 ? 0 : 1 )) "the option table was read ($n_rows options)"

# conf TOP_LINE TENANT_LINE [GOOD] -> $WORK/c.conf with tenant t1, and with
# a good tenant t0 before it when GOOD is given
conf() {
  local good=""
  [ -n "${3:-}" ] && good="<Tenant \"t0\">
    TenantId \"fabrikam.onmicrosoft.com\"
  </Tenant>"
  { collectd_globals 10
    collectd_log_stdout
    cat <<CONF
LoadPlugin mde
<Plugin mde>
  ClientId "$APP"
  ClientSecretFile "$WORK/secret"
  LoginEndpoint "https://127.0.0.1:9"
  ApiEndpoint "https://127.0.0.1:9"
  $1
  $good
  <Tenant "t1">
    TenantId "contoso.onmicrosoft.com"
    $2
  </Tenant>
</Plugin>
CONF
  } >"$WORK/c.conf"
}

# refused OPTION VALUE SCOPE: both collectd and check_mde refuse it, by name
refused() {
  local opt="$1" value="$2" scope="$3" out rc
  if [ "$scope" = TENANT ]; then conf "" "$opt $value"; else conf "$opt $value" ""; fi
  out=$(LD_PRELOAD="$preload" timeout 30 collectd -T -C "$WORK/c.conf" 2>&1)
  rc=$?
  if [ "$rc" -ne 0 ] && grep -q "$opt" <<<"$out" && ! grep -q Sanitizer <<<"$out"; then
    ok 0 "collectd refuses $opt $value, naming it"
  else
    ok 1 "collectd refuses $opt $value, naming it (exit $rc): $(grep -m3 'mde\|Sanitizer' <<<"$out")"
  fi
  out=$(timeout 30 "$MDE_BUILD/check_mde" --config "$WORK/c.conf" --validate 2>&1)
  rc=$?
  if [ "$rc" -eq 3 ] && grep -q "^MDE UNKNOWN - .*$opt" <<<"$out"; then
    ok 0 "check_mde is UNKNOWN for $opt $value, naming it"
  else
    ok 1 "check_mde is UNKNOWN for $opt $value, naming it (exit $rc): $out"
  fi
}

# skipped WHAT REGEX: with $WORK/c.conf (t1 bad, t0 good), collectd starts,
# logs REGEX and that t1 is skipped (CLASS), and runs t0; check_mde
# --validate still refuses the file
skipped() {
  local what="$1" why="$2" class="$3" out rc
  out=$(LD_PRELOAD="$preload" timeout 30 collectd -T -C "$WORK/c.conf" 2>&1)
  rc=$?
  if [ "$rc" -eq 0 ] && grep -qE "$why" <<<"$out" &&
    grep -q "<Tenant \"t1\"> skipped ($class)" <<<"$out" &&
    grep -q "monitoring 1 tenant (1 skipped)" <<<"$out" && ! grep -q Sanitizer <<<"$out"; then
    ok 0 "beside a good tenant, collectd skips t1 with $what, naming it"
  else
    ok 1 "beside a good tenant, collectd skips t1 with $what, naming it (exit $rc): $(grep -m4 'mde\|Sanitizer' <<<"$out")"
  fi
  out=$(timeout 30 "$MDE_BUILD/check_mde" --config "$WORK/c.conf" --validate 2>&1)
  rc=$?
  is "$rc" 3 "beside a good tenant, check_mde --validate is UNKNOWN for $what"
}

conf "" ""
out=$(timeout 30 "$MDE_BUILD/check_mde" --config "$WORK/c.conf" --validate 2>&1)
is "$?" 0 "control: the configuration without the bad option is valid ($out)"
conf "" "" good
out=$(timeout 30 "$MDE_BUILD/check_mde" --config "$WORK/c.conf" --validate 2>&1)
is "$?" 0 "control: with the good tenant t0 too, it is valid ($out)"

while read -r opt scope kind; do
  if [ "$scope" != TOP ]; then
    conf "" "$opt 42" good
    [ "$kind" = INT ] && conf "" "$opt \"ten\"" good
    [ "$kind" = BOOL ] && conf "" "$opt \"maybe\"" good
    skipped "a bad $opt" "<Tenant \"t1\">: .*\"?$opt" config
  fi
  case "$kind" in
  INT)
    refused "$opt" '"ten"' "$scope"
    refused "$opt" true "$scope"
    refused "$opt" 2.5 "$scope"  # not a whole number (was taken as 2)
    refused "$opt" 1e30 "$scope" # (int)1e30 is undefined (found by fuzzing)
    read -r _ min max < <(grep "^$opt " <<<"$ranges")
    if [ -n "${max:-}" ]; then
      refused "$opt" "$((max + 1))" "$scope"
      refused "$opt" "$((min - 1))" "$scope"
    fi
    ;;
  BOOL)
    refused "$opt" '"maybe"' "$scope"
    refused "$opt" 2 "$scope"
    ;;
  *) # strings, credentials, role lists
    refused "$opt" 42 "$scope"
    refused "$opt" false "$scope"
    ;;
  esac
done <<<"$rows"

# --- secret files that cannot be used: a clear error naming the file, no hang
printf 'sim-secret-current\n' >"$WORK/loose"
chmod 0644 "$WORK/loose"
: >"$WORK/empty"
mkdir -p "$WORK/dir"
mkfifo "$WORK/fifo"
for bad in loose:"accessible by other users" missing:"No such file" empty:"is empty" \
  dir:"not a regular file" fifo:"not a regular file"; do
  name=${bad%%:*} why=${bad#*:}
  conf "" "ClientSecretFile \"$WORK/$name\""
  start=$(date +%s)
  out=$(LD_PRELOAD="$preload" timeout 30 collectd -T -C "$WORK/c.conf" 2>&1)
  rc=$?
  ok $(( rc != 0 && rc != 124 ? 0 : 1 )) "secret file $name: collectd refuses to start (exit $rc)"
  like "$out" "$WORK/$name.*$why|$why.*$WORK/$name" "secret file $name: collectd says which file and why"
  out=$(timeout 30 "$MDE_BUILD/check_mde" -T contoso.onmicrosoft.com -C "$APP" \
    --secret-file "$WORK/$name" --login-endpoint https://127.0.0.1:9 --api-endpoint https://127.0.0.1:9 2>&1)
  rc=$?
  is "$rc" 3 "secret file $name: check_mde is UNKNOWN"
  like "$out" "^MDE UNKNOWN - .*$WORK/$name.*$why" "secret file $name: check_mde says which file and why"
  ok $(( $(date +%s) - start < 10 ? 0 : 1 )) "secret file $name: no hang"
  conf "" "ClientSecretFile \"$WORK/$name\"" good
  skipped "secret file $name" "$WORK/$name.*$why|$why.*$WORK/$name" credential_unusable
done

# --- files that hold a private key are secrets too: world-readable, a FIFO,
# owned by another user (a 0600 file someone else can chmod or swap) are
# refused by both, naming the file and why, without hanging; a certificate
# alone is public and may stay readable
cp "$MDE_CERTS/app1.pem" "$WORK/app.pem"
chmod 0644 "$WORK/app.pem"
cp "$MDE_CERTS/app1.key" "$WORK/ok.key"
cp "$MDE_CERTS/app1.key" "$WORK/loose.key"
chmod 0644 "$WORK/loose.key"
cp "$MDE_CERTS/app1.key" "$WORK/theirs.key"
chown 65534 "$WORK/theirs.key"
mkfifo "$WORK/fifo.key"
cat "$MDE_CERTS/app1.pem" "$MDE_CERTS/app1.key" >"$WORK/both.pem"
chmod 0644 "$WORK/both.pem"
openssl pkcs12 -export -in "$MDE_CERTS/app1.pem" -inkey "$MDE_CERTS/app1.key" \
  -passout pass: -out "$WORK/loose.p12" 2>/dev/null
chmod 0604 "$WORK/loose.p12"
# key_conf CREDENTIAL_LINES: the one-tenant configuration with a certificate
key_conf() {
  conf "" ""
  local cred="$1"
  awk -v cred="$cred" '/ClientSecretFile/ { print "  " cred; next } { print }' \
    "$WORK/c.conf" >"$WORK/k.conf" && mv "$WORK/k.conf" "$WORK/c.conf"
}
key_conf "ClientCertificate \"$WORK/app.pem\"
  ClientKey \"$WORK/ok.key\""
out=$(timeout 30 "$MDE_BUILD/check_mde" --config "$WORK/c.conf" --validate 2>&1)
is "$?" 0 "control: a 0644 certificate with a 0600 key of ours is valid ($out)"
while IFS='|' read -r name cred why; do
  key_conf "${cred//;/$'\n'}"
  start=$(date +%s)
  out=$(LD_PRELOAD="$preload" timeout 30 collectd -T -C "$WORK/c.conf" 2>&1)
  rc=$?
  ok $(( rc != 0 && rc != 124 ? 0 : 1 )) "$name: collectd refuses to start (exit $rc)"
  like "$out" "$why" "$name: collectd says which file and why"
  out=$(timeout 30 "$MDE_BUILD/check_mde" --config "$WORK/c.conf" --validate 2>&1)
  rc=$?
  is "$rc" 3 "$name: check_mde --validate is UNKNOWN"
  like "$out" "^MDE UNKNOWN - .*$why" "$name: check_mde says which file and why"
  ok $(( $(date +%s) - start < 10 ? 0 : 1 )) "$name: no hang"
done <<ROWS
world-readable key|ClientCertificate "$WORK/app.pem";ClientKey "$WORK/loose.key"|private key $WORK/loose.key is accessible by other users \(mode 0644\); run: chmod 600
key owned by another user|ClientCertificate "$WORK/app.pem";ClientKey "$WORK/theirs.key"|private key $WORK/theirs.key is owned by uid 65534, not by the user running this
FIFO as key|ClientCertificate "$WORK/app.pem";ClientKey "$WORK/fifo.key"|private key $WORK/fifo.key is not a regular file \(a FIFO\)
world-readable certificate holding the key|ClientCertificate "$WORK/both.pem"|certificate and key file $WORK/both.pem is accessible by other users \(mode 0644\)
world-readable PKCS#12|ClientPKCS12 "$WORK/loose.p12"|PKCS#12 file $WORK/loose.p12 is accessible by other users \(mode 0604\)
ROWS
# the command line's --cert/--key take the same path through the library
for k in loose theirs fifo; do
  start=$(date +%s)
  out=$(timeout 30 "$MDE_BUILD/check_mde" -T contoso.onmicrosoft.com -C "$APP" --cert "$WORK/app.pem" \
    --key "$WORK/$k.key" --login-endpoint https://127.0.0.1:9 --api-endpoint https://127.0.0.1:9 2>&1)
  rc=$?
  is "$rc" 3 "--key $k.key: check_mde is UNKNOWN"
  like "$out" "^MDE UNKNOWN - .*private key $WORK/$k.key" "--key $k.key: check_mde names the key"
  ok $(( $(date +%s) - start < 10 ? 0 : 1 )) "--key $k.key: no hang"
done
