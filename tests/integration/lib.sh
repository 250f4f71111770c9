# SPDX-License-Identifier: MIT
# Shared helpers for integration tests (bash). TAP output: "ok N - what" /
# "not ok N - what", and a plan: `plan N` up front when the count is fixed,
# otherwise "1..N" at the end. The exit status is 1 if anything failed, and
# a script that exits non-zero (an early `exit 1`) keeps its status, so
# tests/run.sh counts it as failed whatever it printed before.
# Daemons started here are stopped on exit, and a daemon that does not exit
# cleanly (a sanitizer report, a crash) fails the test.
# Environment (set by tests/run.sh): MDE_BUILD, MDE_ROOT, MDE_CERTS,
# MDE_TEST_TMP.
set -u

: "${MDE_BUILD:?run through tests/run.sh}"
TEST_N=0
TEST_FAILED=0
TEST_PLANNED=""
WORK="$(mktemp -d "${MDE_TEST_TMP:-/tmp}/itest.XXXXXX")"

plan() { # plan N: this script reports exactly N results (finish's included)
  TEST_PLANNED="$1"
  echo "1..$1"
}

ok() { # ok CONDITION_STATUS DESCRIPTION
  TEST_N=$((TEST_N + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $TEST_N - $2"
  else
    echo "not ok $TEST_N - $2"
    TEST_FAILED=$((TEST_FAILED + 1))
  fi
}

is() { # is GOT WANT DESCRIPTION
  if [ "$1" == "$2" ]; then
    ok 0 "$3"
  else
    ok 1 "$3"
    printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
  fi
}

like() { # like GOT REGEX DESCRIPTION
  if [[ "$1" =~ $2 ]]; then
    ok 0 "$3"
  else
    ok 1 "$3"
    printf '#   got:  %.600s\n#   want: /%s/\n' "$1" "$2"
  fi
}

. "$MDE_ROOT/scripts/sim.sh"

unlike() { # unlike GOT REGEX DESCRIPTION
  if [[ "$1" =~ $2 ]]; then
    ok 1 "$3"
    printf '#   got:  %.600s\n#   must not match: /%s/\n' "$1" "$2"
  else
    ok 0 "$3"
  fi
}

# The simulator under test. start_sim SCENARIO [extra mde-sim args...]
start_sim() {
  if ! sim_start "$MDE_BUILD/mde-sim" "$1" "$MDE_CERTS" "$WORK" "${@:2}"; then
    echo "# mde-sim did not start:"
    sed 's/^/#   /' "$WORK/sim.log"
    ok 1 "mde-sim starts"
    exit 1
  fi
  ADMIN=$SIM_ADMIN
  LOGIN="https://login.microsoftonline.com:$SIM_PORT"
  LOGIN_US="https://login.microsoftonline.us:$SIM_PORT"
  API="https://api.securitycenter.microsoft.com:$SIM_PORT"
}

# Stops the simulator and checks that it exited cleanly (no leak report).
stop_sim() {
  [ -n "${SIM_PID:-}" ] || return 0
  local rc=0
  sim_stop || rc=$?
  if [ "$rc" -ne 0 ] || grep -q "Sanitizer" "$WORK/sim.log"; then
    sed 's/^/#   /' "$WORK/sim.log" | head -60
    ok 1 "mde-sim exits cleanly (status $rc, no sanitizer report)"
  else
    ok 0 "mde-sim exits cleanly (status $rc, no sanitizer report)"
  fi
}

# A free loopback TCP port, for a helper daemon next to the simulator.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# check_mde against the basic scenario: its partner app, the simulator
# started, the app's current secret in $WORK/secret (mode 0600).
start_basic_check() {
  APP=11111111-2222-3333-4444-555555555555
  CHECK="$MDE_BUILD/check_mde"
  start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
  printf 'sim-secret-current\n' >"$WORK/secret"
  chmod 600 "$WORK/secret"
}

# A helper daemon next to the simulator (a proxy, an HTTP/2 front end):
# started in the background, output in $WORK/NAME.out, waited for until PORT
# accepts connections (5 s at most), stopped by finish().
HELPER_PIDS=()
start_helper() { # start_helper NAME PORT COMMAND...
  local name="$1" port="$2"
  shift 2
  "$@" >"$WORK/$name.out" 2>&1 &
  HELPER_PIDS+=($!)
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  sed 's/^/#   /' "$WORK/$name.out"
  ok 1 "$name starts"
  return 1
}

finish() {
  # A syntax error in this file stops `.` before the end: the helpers after
  # it are then missing, and a check like `is "$(helper)" ""` would pass.
  if [ -z "${MDE_LIB_LOADED:-}" ]; then
    echo "not ok - tests/integration/lib.sh did not load to its end (syntax error?)"
    TEST_FAILED=$((TEST_FAILED + 1))
  fi
  local pid
  for pid in "${HELPER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  declare -F stop_collectd >/dev/null && stop_collectd
  nagios_stop
  stop_sim
  rm -rf "$WORK"
  if [ -z "$TEST_PLANNED" ]; then
    echo "1..$TEST_N"
  elif [ "$TEST_N" -ne "$TEST_PLANNED" ]; then
    echo "# planned $TEST_PLANNED results but reported $TEST_N"
    return 1
  fi
  [ "$TEST_FAILED" -eq 0 ]
}
# finish_exit STATUS: the EXIT trap. A non-zero STATUS (an early `exit 1`,
# `set -e`, the last command failing) wins over finish's verdict.
finish_exit() {
  local rc="$1"
  finish
  local frc=$?
  [ "$rc" -ne 0 ] && exit "$rc"
  exit "$frc"
}
trap 'finish_exit $?' EXIT

# tap_include NAME COMMAND...: runs a program that speaks TAP itself (the
# soak) and reports its results as this script's own, renumbered; its plan
# must match what it reported and it must exit 0, or that is one more
# failure.
tap_include() {
  local name="$1" line n=0 planned="" rc
  shift
  while IFS= read -r line; do
    if [[ "$line" =~ ^ok\ [0-9]+\ *-?\ *(.*)$ ]]; then
      ok 0 "${BASH_REMATCH[1]}"
      n=$((n + 1))
    elif [[ "$line" =~ ^not\ ok\ [0-9]+\ *-?\ *(.*)$ ]]; then
      ok 1 "${BASH_REMATCH[1]}"
      n=$((n + 1))
    elif [[ "$line" =~ ^1\.\.([0-9]+) ]]; then
      planned="${BASH_REMATCH[1]}"
    else
      printf '%s\n' "$line"
    fi
  done < <("$@" 2>&1)
  wait $! || rc=$?
  ok "${rc:-0}" "$name exits 0 (status ${rc:-0})"
  is "$planned" "$n" "$name reports as many results as it planned"
}

# curl against the simulator under the real host names, TLS verified
# against the test CA (never -k). Prints the body; status in $WORK/status.
HOSTS="login.microsoftonline.com login.microsoftonline.us login.windows.net
api.securitycenter.microsoft.com api-us.securitycenter.microsoft.com
api-eu.securitycenter.microsoft.com api-uk.securitycenter.microsoft.com
api-au.securitycenter.microsoft.com api.security.microsoft.com
us.api.security.microsoft.com eu.api.security.microsoft.com
uk.api.security.microsoft.com au.api.security.microsoft.com
swa.api.security.microsoft.com ina.api.security.microsoft.com
aea.api.security.microsoft.com api-gcc.securitycenter.microsoft.us
api-gov.securitycenter.microsoft.us
graph.microsoft.com graph.microsoft.us dod-graph.microsoft.us"
scurl() {
  local resolve=() h
  for h in $HOSTS; do resolve+=(--resolve "$h:$SIM_PORT:127.0.0.1"); done
  curl -sS --max-time 20 --cacert "$MDE_CERTS/ca.pem" "${resolve[@]}" \
    -o "$WORK/body" -w '%{http_code}' "$@" >"$WORK/status"
  local rc=$?
  cat "$WORK/body" 2>/dev/null
  return $rc
}
status() { cat "$WORK/status"; }

admin() { # admin METHOD PATH [JSON]
  curl -sS --max-time 20 -X "$1" "http://$ADMIN$2" ${3:+-H 'Content-Type: application/json' --data "$3"}
}

# The claims of a JWT, as JSON.
jwt_claims() { jwt_part "$1" 2; }
jwt_header() { jwt_part "$1" 1; }
jwt_part() {
  local seg
  seg=$(printf '%s' "$1" | cut -d. -f"$2" | tr '_-' '/+')
  while [ $((${#seg} % 4)) -ne 0 ]; do seg="$seg="; done
  printf '%s' "$seg" | base64 -d
}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# A client assertion signed with KEY for CERT. Options via env:
# ALG (RS256|PS256), AUD, ISS, SUB, NBF, EXP.
make_assertion() { # make_assertion CERT KEY CLIENT_ID AUD
  local cert="$1" key="$2" client="$3" aud="$4"
  local alg="${ALG:-RS256}" now
  now=$(date +%s)
  local thumb header claims input sig
  if [ "$alg" = PS256 ]; then
    thumb=$(openssl x509 -in "$cert" -outform DER | openssl dgst -sha256 -binary | b64url)
    header="{\"alg\":\"PS256\",\"typ\":\"JWT\",\"x5t#S256\":\"$thumb\"}"
  else
    thumb=$(openssl x509 -in "$cert" -outform DER | openssl dgst -sha1 -binary | b64url)
    header="{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":\"$thumb\"}"
  fi
  claims="{\"aud\":\"${AUD:-$aud}\",\"iss\":\"${ISS:-$client}\",\"sub\":\"${SUB:-$client}\",\"jti\":\"$(cat /proc/sys/kernel/random/uuid)\",\"nbf\":${NBF:-$now},\"exp\":${EXP:-$((now + 600))}}"
  input="$(printf '%s' "$header" | b64url).$(printf '%s' "$claims" | b64url)"
  if [ "$alg" = PS256 ]; then
    sig=$(printf '%s' "$input" | openssl dgst -sha256 -sign "$key" \
      -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 | b64url)
  else
    sig=$(printf '%s' "$input" | openssl dgst -sha256 -sign "$key" | b64url)
  fi
  printf '%s.%s' "$input" "$sig"
}

# The first line of an Entra error_description (before "\r\nTrace ID").
aad_message() { jq -r '.error_description' | head -n1 | tr -d '\r'; }

# --- a real collectd with mde.so -------------------------------------------
# start_collectd PLUGIN_BLOCK [INTERVAL]: writes a collectd.conf with
# logfile (which also logs notifications), unixsock and csv, plus the given
# <Plugin mde> block, and runs collectd in the foreground. mde.so is copied
# into a private PluginDir (collectd refuses symlinked plugins). When mde.so
# is the sanitised build, the ASan runtime is preloaded into collectd.
COLLECTD_PID=""
# The global part of a test collectd.conf: everything inside $WORK.
collectd_globals() {
  cat <<CONF
Hostname "test"
FQDNLookup false
BaseDir "$WORK"
PIDFile "$WORK/collectd.pid"
PluginDir "$WORK/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval ${1:-2}
CONF
}
# The partner app's lines at the top of a <Plugin mde> block against this
# test's mde-sim: ClientId $APP with its secret in $WORK/secret, both
# endpoints on the simulator, the test CA. Used as
#   start_collectd "<Plugin mde>
#   $(sim_plugin_options)
#     Timeout 5
#     ..."
sim_plugin_options() {
  printf '  ClientId "%s"\n  ClientSecretFile "%s"\n' "$APP" "$WORK/secret"
  printf '  LoginEndpoint "https://127.0.0.1:%s"\n' "$SIM_PORT"
  printf '  ApiEndpoint "https://127.0.0.1:%s"\n' "$SIM_PORT"
  printf '  CACert "%s"\n' "$MDE_CERTS/ca.pem"
}
# collectd's own messages (and the plugin's) on standard output
collectd_log_stdout() {
  printf 'LoadPlugin logfile\n<Plugin logfile>\n  LogLevel "info"\n  File STDOUT\n</Plugin>\n'
}
start_collectd() {
  local block="$1" interval="${2:-2}"
  mkdir -p "$WORK/plugins" "$WORK/csv"
  cp "$MDE_BUILD/mde.so" "$WORK/plugins/mde.so"
  local p
  for p in logfile unixsock csv; do cp "/usr/lib/collectd/$p.so" "$WORK/plugins/"; done
  { collectd_globals "$interval"
    cat <<CONF
LoadPlugin logfile
<Plugin logfile>
  LogLevel "info"
  File "$WORK/collectd.log"
  Timestamp true
  PrintSeverity true
</Plugin>
LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "$WORK/collectd.sock"
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$WORK/csv"
</Plugin>
LoadPlugin mde
$block
CONF
  } >"$WORK/collectd.conf"
  : >"$WORK/collectd.log"
  local preload=""
  if readelf -d "$MDE_BUILD/mde.so" | grep -q 'libasan'; then
    preload="$(gcc -print-file-name=libasan.so)"
  fi
  LD_PRELOAD="$preload" \
    LSAN_OPTIONS="suppressions=$MDE_ROOT/tests/integration/lsan-collectd.supp:print_suppressions=0" \
    collectd -f -C "$WORK/collectd.conf" >"$WORK/collectd.out" 2>&1 &
  COLLECTD_PID=$!
  local i
  for i in $(seq 1 100); do
    [ -S "$WORK/collectd.sock" ] && return 0
    kill -0 "$COLLECTD_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "# collectd did not start:"
  sed 's/^/#   /' "$WORK/collectd.out" "$WORK/collectd.log" | head -40
  return 1
}

# Stops collectd; checks it exited cleanly with no sanitizer report.
stop_collectd() {
  [ -n "$COLLECTD_PID" ] || return 0
  kill -TERM "$COLLECTD_PID" 2>/dev/null
  local rc=0
  wait "$COLLECTD_PID" || rc=$?
  COLLECTD_PID=""
  if [ "$rc" -ne 0 ] || grep -q "Sanitizer\|runtime error" "$WORK/collectd.out"; then
    sed 's/^/#   /' "$WORK/collectd.out" | head -80
    ok 1 "collectd exits cleanly (status $rc, no sanitizer report)"
  else
    ok 0 "collectd exits cleanly (status $rc, no sanitizer report)"
  fi
}

# getval IDENT -> "name=value ..." lines from collectdctl, or nothing.
getval() { collectdctl -s "$WORK/collectd.sock" getval "test/$1" 2>/dev/null; }
# value IDENT -> the single value (first data source), or "".
value() { getval "$1" | sed -n '1s/^[^=]*=//p'; }
listval() { collectdctl -s "$WORK/collectd.sock" listval 2>/dev/null | sed 's/^[^ ]* //'; }
# counter IDENT -> the raw value last written to the CSV files (getval
# gives DERIVE types as rates; the csv plugin keeps the counter).
counter() {
  local f
  f=$(ls "$WORK/csv/test/${1%%/*}/${1#*/}"-* 2>/dev/null | tail -n 1)
  [ -n "$f" ] && tail -n 1 "$f" | cut -d, -f2
}
# num_eq A B: numeric equality ("3.25e+02" equals "325").
num_eq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }'; }
# cycles -> how many cycles the plugin has finished (duration-cycle rows in
# the CSV files).
cycles() { cat "$WORK"/csv/test/mde/duration-cycle-* 2>/dev/null | grep -c '^[0-9]'; }
# wait_cycles N [SECONDS]: until the plugin has finished N more cycles, so a
# test waits for the daemon's work rather than for a guess at its speed.
wait_cycles() {
  local want=$(($(cycles) + $1)) limit="${2:-30}" i
  for i in $(seq 1 $((limit * 5))); do
    [ "$(cycles)" -ge "$want" ] && return 0
    sleep 0.2
  done
  return 1
}
# counts_mismatch DOMAIN INSTANCE: every count-alerts_<status>_<severity>
# collectd holds for plugin instance INSTANCE against the simulator's ground
# truth for tenant DOMAIN; prints the cells that differ (nothing if none).
counts_mismatch() {
  local truth st sev want got out=""
  truth=$(admin GET "/tenants/$1/alerts/truth")
  for st in New:new InProgress:inprogress Resolved:resolved Unknown:unknown; do
    for sev in Informational:informational Low:low Medium:medium High:high UnSpecified:unspecified; do
      want=$(jq ".counts.${st%%:*}.${sev%%:*} // 0" <<<"$truth")
      got=$(value "mde-$2/count-alerts_${st#*:}_${sev#*:}")
      num_eq "$got" "$want" || out="$out ${st#*:}_${sev#*:}:$got/$want"
    done
  done
  printf '%s' "$out"
}
# wait_for IDENT WANT [SECONDS]: until the value equals WANT (numerically).
wait_for() {
  local ident="$1" want="$2" limit="${3:-30}" v i
  for i in $(seq 1 $((limit * 5))); do
    v=$(value "$ident")
    [ -n "$v" ] && awk -v a="$v" -v b="$want" 'BEGIN { exit !(a + 0 == b + 0) }' && return 0
    sleep 0.2
  done
  return 1
}

# --- a real Nagios engine (Debian's nagios4-core) ----------------------------
# Nagios runs checks as the nagios user, so its files live in a folder of
# their own, $NAGIOS_DIR (outside $WORK, which only root may read).
# nagios_objects: that folder, with one host, a contact that is never
#   notified, a 24x7 timeperiod and $USER1$ = the folder (check_dummy in it);
# nagios_service NAME COMMAND: a service checked every 2 s;
# nagios_start CFG_FILE...: nagios.cfg with the objects and the given files,
#   checked by `nagios4 -v` (its output in $NAGIOS_DIR/verify.out; returns
#   its status), then the engine started;
# nagios_services: "description|state|output" per service checked so far.
NAGIOS_PID=""
NAGIOS_DIR=""
nagios_objects() {
  NAGIOS_DIR=$(mktemp -d /tmp/mde-nagios.XXXXXX)
  local D=$NAGIOS_DIR
  chmod 0755 "$D"
  mkdir -p "$D/checkresults"
  cp /usr/lib/nagios/plugins/check_dummy "$D/"
  cat >"$D/objects.cfg" <<CONF
define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    ok
    command_line    \$USER1\$/check_dummy 0
}
define contact {
    contact_name                    nobody
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      ok
    service_notification_commands   ok
}
define host {
    host_name               mssp-monitor
    address                 127.0.0.1
    check_command           ok
    max_check_attempts      1
    check_interval          60
    check_period            24x7
    contacts                nobody
    notification_period     24x7
}
CONF
  printf '$USER1$=%s\n' "$D" >"$D/resource.cfg"
}
nagios_service() { # nagios_service NAME COMMAND
  local D=$NAGIOS_DIR
  cat >>"$D/objects.cfg" <<CONF
define service {
    host_name               mssp-monitor
    service_description     $1
    check_command           $2
    max_check_attempts      1
    check_interval          2
    retry_interval          2
    check_period            24x7
    contacts                nobody
    notification_period     24x7
}
CONF
}
nagios_start() { # nagios_start CFG_FILE...
  local D=$NAGIOS_DIR f
  {
    for f in "$@"; do echo "cfg_file=$f"; done
    cat <<CONF
log_file=$D/nagios.log
cfg_file=$D/objects.cfg
object_cache_file=$D/objects.cache
precached_object_file=$D/objects.precache
resource_file=$D/resource.cfg
status_file=$D/status.dat
status_update_interval=1
nagios_user=nagios
nagios_group=nagios
check_external_commands=0
command_file=$D/nagios.cmd
lock_file=$D/nagios.lock
temp_file=$D/nagios.tmp
temp_path=$D
check_result_path=$D/checkresults
check_result_reaper_frequency=1
interval_length=1
service_inter_check_delay_method=n
host_inter_check_delay_method=n
max_service_check_spread=1
max_host_check_spread=1
enable_notifications=0
retain_state_information=0
state_retention_file=$D/retention.dat
use_syslog=0
log_rotation_method=n
enable_environment_macros=0
CONF
  } >"$D/nagios.cfg"
  chown -R nagios:nagios "$D"
  nagios4 -v "$D/nagios.cfg" >"$D/verify.out" 2>&1 || return 1
  nagios4 "$D/nagios.cfg" >"$D/nagios.out" 2>&1 &
  NAGIOS_PID=$!
}
nagios_services() {
  awk '/^servicestatus \{/ { s = 1; d = ""; st = ""; o = ""; c = 0; next }
       s && /^\tservice_description=/ { d = substr($0, index($0, "=") + 1) }
       s && /^\tcurrent_state=/ { st = substr($0, index($0, "=") + 1) }
       s && /^\tplugin_output=/ { o = substr($0, index($0, "=") + 1) }
       s && /^\thas_been_checked=/ { c = substr($0, index($0, "=") + 1) }
       s && /^\t\}/ { if (c == 1) print d "|" st "|" o; s = 0 }' "$NAGIOS_DIR/status.dat" 2>/dev/null
}
nagios_stop() {
  [ -n "$NAGIOS_PID" ] && { kill "$NAGIOS_PID" 2>/dev/null; wait "$NAGIOS_PID" 2>/dev/null; }
  NAGIOS_PID=""
  [ -n "$NAGIOS_DIR" ] && rm -rf "$NAGIOS_DIR"
  NAGIOS_DIR=""
}

# basic_two_tenants DIR: DIR/mde.conf, a <Plugin mde> block for the basic
# scenario's app with its secret in DIR/secret and the CA in DIR/ca.pem: a
# consented tenant (contoso) and one without consent (northwind).
basic_two_tenants() {
  local D="$1"
  cat >"$D/mde.conf" <<CONF
<Plugin mde>
  ClientId "$APP"
  ClientSecretFile "$D/secret"
  LoginEndpoint "https://127.0.0.1:$SIM_PORT"
  ApiEndpoint "https://127.0.0.1:$SIM_PORT"
  CACert "$D/ca.pem"
  RequireRole "Alert.Read.All"
  <Tenant "contoso">
    TenantId "contoso.onmicrosoft.com"
  </Tenant>
  <Tenant "northwind">
    TenantId "northwind.onmicrosoft.com"
  </Tenant>
</Plugin>
CONF
}
# pkgconfig_without DIR NAME: DIR holds this machine's .pc files but NAME's,
# for PKG_CONFIG_LIBDIR=DIR: a build that must not need NAME.
pkgconfig_without() {
  local pc="$1" dir f
  mkdir -p "$pc"
  for dir in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
    [ -d "$dir" ] || continue
    for f in "$dir"/*.pc; do
      [ -e "$f" ] && [ "$(basename "$f")" != "$2.pc" ] && [ ! -e "$pc/$(basename "$f")" ] && ln -s "$f" "$pc/"
    done
  done
}
# machines_mismatch DOMAIN INSTANCE: every count-machines_health_<health>
# and count-machines_onboarding_<onboarding> collectd holds for plugin
# instance INSTANCE against the simulator's ground truth for tenant DOMAIN
# (no unknown values in the simulator: those rows must be 0); prints the
# cells that differ (nothing if none).
machines_mismatch() {
  local truth row want got out=""
  truth=$(admin GET "/tenants/$1/machines/truth")
  for row in health.Active:health_active health.Inactive:health_inactive \
    health.ImpairedCommunication:health_impairedcommunication \
    health.NoSensorData:health_nosensordata \
    health.NoSensorDataImpairedCommunication:health_nosensordataimpairedcommunication \
    health.Unknown:health_unknown onboarding.onboarded:onboarding_onboarded \
    onboarding.CanBeOnboarded:onboarding_canbeonboarded \
    onboarding.Unsupported:onboarding_unsupported \
    onboarding.InsufficientInfo:onboarding_insufficientinfo onboarding.none:onboarding_unknown; do
    want=$(jq ".${row%%:*} // 0" <<<"$truth")
    got=$(value "mde-$2/count-machines_${row#*:}")
    num_eq "$got" "$want" || out="$out ${row#*:}:$got/$want"
  done
  printf '%s' "$out"
}

# Last line: finish checks that the whole file was read.
MDE_LIB_LOADED=1
