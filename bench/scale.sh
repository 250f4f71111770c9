#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench (scale part, issues 7 and 19): mde.so in a real collectd against
# mde-sim with a generated world (N tenants x 50 alerts, API quotas off) and
# 50 ms injected on every request, at several tenant counts, with the
# default value set (label mde) and the minimal one as README.md documents
# it (scripts/minimal-set.sh: Values "token", no Defender API call; label
# minimal), next to three baselines run in the same way against the same
# simulator: the plugin serial (MaxConnections 1), a Python collectd plugin
# with MSAL + requests (bench/baselines/mde_python.py) and the seed
# document's curl loop (bench/baselines/shell-flow.sh). Per configuration and
# tenant count: the first cycle (cold: tokens + full alert sync) and steady
# cycles (cached tokens, incremental sync): cycle wall time, CPU (user+sys of
# the measured process), peak RSS, requests the simulator answered, and
# whether every tenant passes the check against the simulator (alert counts
# equal its ground truth; with the minimal set, which dispatches no alert
# counts, the token values and the absence of alert values). Then the large
# run (label large): a cold start with BENCH_LARGE_SHARE % of
# BENCH_LARGE_TENANTS holding BENCH_LARGE_ALERTS alerts each (the rest 50),
# the default set, cycle after cycle until every tenant's alert counts are
# exact. Writes scale.dat, scale-machine.txt, scale.md and scale.png to
# BENCH_OUT (default bench/results).
#   bench/scale.sh [BUILD]
# Environment: BENCH_TENANTS ("100 1000 5000 10000"), BENCH_SETS ("mde
# minimal": the value sets run at every BENCH_TENANTS size),
# BENCH_BASELINE_TENANTS ("100 1000"; empty: none), BENCH_STEADY_CYCLES (2),
# BENCH_LATENCY_MS (50), BENCH_MAX_CONNECTIONS (256), BENCH_MIN_INTERVAL
# (10), BENCH_LARGE_TENANTS (10000; empty: no large run), BENCH_LARGE_SHARE
# (1, percent; at least one tenant), BENCH_LARGE_ALERTS (100000),
# BENCH_LARGE_CYCLES (6: cycles at most before giving up on exact counts),
# BENCH_LARGE_INTERVAL (60, or more if the small tenants' cold cycle needs
# it), BENCH_MEMORY_BUDGET (MiB; unset: the plugin's default), BENCH_OUT;
# BENCH_KEEP=1 keeps the temporary folder (configurations, collectd logs).
set -eu
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
case "$build" in /*) bdir="$build" ;; *) bdir="$root/$build" ;; esac
sizes="${BENCH_TENANTS:-100 1000 5000 10000}"
baseline_sizes="${BENCH_BASELINE_TENANTS-100 1000}"
steady="${BENCH_STEADY_CYCLES:-2}"
latency="${BENCH_LATENCY_MS:-50}"
conns="${BENCH_MAX_CONNECTIONS:-256}"
min_interval="${BENCH_MIN_INTERVAL:-10}"
sets="${BENCH_SETS-mde minimal}"
large_n="${BENCH_LARGE_TENANTS-10000}"
large_share="${BENCH_LARGE_SHARE:-1}"
large_alerts="${BENCH_LARGE_ALERTS:-100000}"
large_cycles="${BENCH_LARGE_CYCLES:-6}"
memory_budget="${BENCH_MEMORY_BUDGET:-}"
out="${BENCH_OUT:-$root/bench/results}"
# Debian's interpreter, the one python3-msal is installed for.
py=/usr/bin/python3
app=11111111-2222-3333-4444-555555555555
hz=$(getconf CLK_TCK)
tmp="$(mktemp -d /tmp/mde-bench.XXXXXX)"
. "$root/scripts/sim.sh"
COLLECTD_PID=""
cleanup() {
  if [ -n "$COLLECTD_PID" ]; then
    kill -TERM "$COLLECTD_PID" 2>/dev/null || true
    wait "$COLLECTD_PID" 2>/dev/null || true
  fi
  sim_stop 2>/dev/null || true
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
say() { echo "bench: $*" >&2; }
die() {
  say "$*"
  exit 1
}
now() { date +%s.%N; }
# calc EXPR [VAR=VALUE...]: floating-point arithmetic.
calc() {
  local e="$1"
  shift
  awk -v OFMT=%.6f "$@" "BEGIN { print ($e) }"
}
sleep_until() { sleep "$(calc 't > n ? t - n : 0' -v t="$1" -v n="$(now)")"; }

"$root/scripts/gen-certs.sh" "$tmp/certs" >/dev/null
ca="$tmp/certs/ca.pem"
umask 077
# No newline: curl's --data-urlencode name@file would send it.
printf 'bench-secret' >"$tmp/secret"
umask 022
echo "# configuration tenants phase cycle wall_s cpu_s peak_rss_kib requests tenants_ok" >"$tmp/scale.dat"

# --- the world and the simulator ---------------------------------------

# tenant_set PREFIX SEED COUNT ALERTS: one generated set of the world
tenant_set() {
  cat <<JSON
  {"count": $3, "seed": $2, "name_prefix": "$1",
   "template": {"apps": {"$app": {"roles": ["Alert.Read.All"]}},
     "alerts": {"count": $4,
       "severity": {"Informational": 1, "Low": 3, "Medium": 3, "High": 2, "UnSpecified": 1},
       "status": {"New": 4, "InProgress": 2, "Resolved": 4}}}}
JSON
}

# start_world N [LARGE ALERTS]: a fresh simulator with N tenants
# (tenant0..) of 50 alerts each, or N - LARGE of them and LARGE tenants
# (big0..) of ALERTS alerts each; $tmp/tenants lists "INSTANCE DOMAIN".
start_world() {
  local n=$1 large=${2:-0} alerts=${3:-0} i
  {
    echo "{\"description\": \"make bench: $n tenants, $large of them with $alerts alerts, the others 50; quotas off\","
    echo ' "settings": {"api_calls_per_minute": 0, "api_calls_per_hour": 0},'
    echo " \"apps\": [{\"client_id\": \"$app\", \"secrets\": [{\"value\": \"bench-secret\"}]}],"
    echo ' "tenant_sets": ['
    tenant_set tenant 7 $((n - large)) 50
    [ "$large" -gt 0 ] && echo "," && tenant_set big 8 "$large" "$alerts"
    echo ']}'
  } >"$tmp/world.json"
  {
    for ((i = 0; i < large; i++)); do echo "b$i big$i.onmicrosoft.com"; done
    for ((i = 0; i < n - large; i++)); do echo "t$i tenant$i.onmicrosoft.com"; done
  } >"$tmp/tenants"
  sim_start "$bdir/mde-sim" "$tmp/world.json" "$tmp/certs" "$tmp" ||
    die "mde-sim did not start: $(cat "$tmp/sim.log")"
  curl -sS --max-time 10 -X PUT "http://$SIM_ADMIN/faults" \
    -d "[{\"endpoint\": \"*\", \"latency_ms\": $latency}]" >/dev/null ||
    die "cannot inject latency"
  url="https://127.0.0.1:$SIM_PORT"
}

requests() { curl -sS --max-time 30 "http://$SIM_ADMIN/stats" | jq -e .requests; }

# --- collectd ------------------------------------------------------------

# sample PID: "CPU_SECONDS PEAK_RSS_KIB REQUESTS" of the process, now.
sample() {
  local cpu hwm
  cpu=$(awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat")
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$1/status")
  echo "$cpu $hwm $(requests)"
}

# collectd_conf RUN INTERVAL: the global part; the caller appends plugins.
collectd_conf() {
  mkdir -p "$1/plugins"
  cp /usr/lib/collectd/logfile.so /usr/lib/collectd/unixsock.so "$1/plugins/"
  cat >"$1/collectd.conf" <<CONF
Hostname "bench"
FQDNLookup false
BaseDir "$1"
PIDFile "$1/collectd.pid"
PluginDir "$1/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval $2
LoadPlugin logfile
<Plugin logfile>
  LogLevel "info"
  File "$1/collectd.log"
  Timestamp true
</Plugin>
LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "$1/collectd.sock"
</Plugin>
# Values stop at collectd's cache (unixsock reads them there): the cost of a
# storage plugin is not the monitoring plugin's, and is the same for all.
PostCacheChain "PostCache"
<Chain "PostCache">
  Target "stop"
</Chain>
CONF
}

# start_collectd RUN [ENV...]: collectd in the foreground, up when its
# socket is. The sanitised mde.so needs the ASan runtime preloaded.
start_collectd() {
  local run="$1" i
  shift
  env "$@" collectd -f -C "$run/collectd.conf" >"$run/collectd.out" 2>&1 &
  COLLECTD_PID=$!
  for i in $(seq 1 600); do
    [ -S "$run/collectd.sock" ] && return 0
    kill -0 "$COLLECTD_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$run/collectd.out" "$run/collectd.log" >&2
  die "collectd did not start ($run)"
}

stop_collectd() { # stop_collectd RUN: fails on a crash or sanitizer report
  local rc=0
  kill -TERM "$COLLECTD_PID"
  wait "$COLLECTD_PID" || rc=$?
  COLLECTD_PID=""
  if [ "$rc" -ne 0 ] || grep -q "Sanitizer\|runtime error" "$1/collectd.out"; then
    head -60 "$1/collectd.out" >&2
    die "collectd exited with status $rc ($1)"
  fi
}

getval() { # getval RUN IDENT: the first value, or nothing
  collectdctl -s "$1/collectd.sock" getval "bench/$2" 2>/dev/null |
    sed -n '1s/^[^=]*=//p'
}

# record CONFIG N PHASE CYCLE WALL BEFORE AFTER: one line of scale.dat
# (OK filled in after the run's check); BEFORE/AFTER are samples.
record() {
  local b=($6) a=($7)
  printf '%s %s %s %s %.3f %.2f %s %s OK\n' "$1" "$2" "$3" "$4" "$5" \
    "$(calc 'a - b' -v a="${a[0]}" -v b="${b[0]}")" "${a[1]}" \
    "$((a[2] - b[2]))" >>"$tmp/run.dat"
}

finish_run() { # finish_run OK_TENANTS: the run's lines into scale.dat
  sed "s/ OK\$/ $1/" "$tmp/run.dat" >>"$tmp/scale.dat"
  : >"$tmp/run.dat"
}

# --- mde.so --------------------------------------------------------------

# What each mde.so label adds to the <Plugin mde> block, and how
# scale-verify.py checks it: the minimal set dispatches no alert counts.
set_options() {
  case "$1" in
  minimal) "$root/scripts/minimal-set.sh" || die "README.md has no minimal-set block" ;;
  esac
}
set_check() {
  case "$1" in
  minimal) echo token ;;
  *) echo collectd ;;
  esac
}

# interval_for N CONNECTIONS: the plugin cannot be asked for a cycle: it
# runs one per interval, each bounded at 80% of it. So the interval is
# sized for the cold cycle (3 requests per tenant — discovery, token,
# alerts — at MaxConnections at a time, with slack for CPU), and the
# process is sampled in the idle gap before each next cycle.
interval_for() {
  calc 'x > m ? x : m' -v m="$min_interval" -v x="$(calc \
    'int((int((3 * n + c - 1) / c) * (l + 5) / 1000 + n / 1500) * 1.6) + 1' \
    -v n="$1" -v c="$2" -v l="$latency")"
}

# mde_start CONFIG N CONNECTIONS INTERVAL: collectd with mde.so for the
# tenants of $tmp/tenants, up to the end of its first cycle: sets run, d
# (its duration), start1 (when it began) and s0 (the sample before it).
mde_start() {
  local config=$1 n=$2 c=$3 interval=$4 i
  run="$tmp/$1-$2"
  collectd_conf "$run" "$interval"
  cp "$bdir/mde.so" "$run/plugins/"
  {
    echo "LoadPlugin mde"
    echo "<Plugin mde>"
    echo "  ClientId \"$app\""
    echo "  ClientSecretFile \"$tmp/secret\""
    echo "  LoginEndpoint \"$url\""
    echo "  ApiEndpoint \"$url\""
    echo "  CACert \"$ca\""
    echo "  RequireRole \"Alert.Read.All\""
    echo "  MaxConnections $c"
    [ -z "$memory_budget" ] || echo "  MemoryBudget $memory_budget"
    echo "  AlertsInterval $interval"
    set_options "$config"
    awk '{ printf "  <Tenant \"%s\">\n    TenantId \"%s\"\n  </Tenant>\n", $1, $2 }' \
      "$tmp/tenants"
    echo "</Plugin>"
  } >>"$run/collectd.conf"
  local preload=""
  if readelf -d "$bdir/mde.so" | grep -q libasan; then
    preload="$(gcc -print-file-name=libasan.so)"
  fi
  s0="0 0 $(requests)"
  start_collectd "$run" LD_PRELOAD="$preload" \
    LSAN_OPTIONS="suppressions=$root/tests/integration/lsan-collectd.supp:print_suppressions=0"
  d=""
  for i in $(seq 1 $((interval * 20 + 600))); do
    d=$(getval "$run" mde/duration-cycle)
    [ -n "$d" ] && break
    sleep 0.1
  done
  [ -n "$d" ] || die "$config, $n tenants: no cycle within $((interval * 2 + 60)) s"
  start1=$(calc 't - d' -v t="$(now)" -v d="$d")
  sleep 0.5 # collectd's writer threads take in the cycle's values
}

run_mde() { # run_mde CONFIG N CONNECTIONS STEADY_CYCLES
  local config=$1 n=$2 c=$3 steady=$4 i interval run d start1 s0 s1 s2
  interval=$(interval_for "$n" "$c")
  say "$config, $n tenants: Interval $interval, 1 cold + $steady steady cycles"
  mde_start "$config" "$n" "$c" "$interval"
  s1=$(sample "$COLLECTD_PID")
  record "$config" "$n" cold 1 "$d" "$s0" "$s1"
  for ((i = 2; i <= steady + 1; i++)); do
    # the end of cycle i's window: a fifth of the interval before cycle i+1
    sleep_until "$(calc 's + i * v - v / 5' -v s="$start1" -v i="$i" -v v="$interval")"
    d=$(getval "$run" mde/duration-cycle)
    s2=$(sample "$COLLECTD_PID")
    record "$config" "$n" steady "$i" "$d" "$s1" "$s2"
    s1=$s2
  done
  local ok
  ok=$("$py" "$root/bench/scale-verify.py" "$SIM_ADMIN" "@$tmp/tenants" \
    "$(set_check "$config")" "$run/collectd.sock" bench mde)
  stop_collectd "$run"
  finish_run "$ok"
  say "$config, $n tenants: $ok/$n tenants pass the check against the simulator"
}

# --- the large-tenant cold start -----------------------------------------

# CPU seconds and peak RSS (KiB) of the simulator, now.
sim_sample() {
  echo "$(awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$SIM_PID/stat") $(awk '/^VmHWM:/ { print $2 }' "/proc/$SIM_PID/status")"
}

# run_large N LARGE ALERTS: the default set from a cold start, cycle after
# cycle until every tenant has completed a full alert sync (bool-
# alerts_complete, polled between cycles), at most BENCH_LARGE_CYCLES; then
# every tenant's counts against the ground truth. Each cycle is a "cold"
# line. The check's own unixsock work is left out of the next cycle's CPU.
run_large() {
  local n=$1 large=$2 alerts=$3 k interval run d start1 s0 s1 s2 done_n
  local pages sim0 sim1 end
  pages=$(calc 'l * int((a + 9999) / 10000)' -v l="$large" -v a="$alerts")
  # A real deployment's Interval (60 s) unless the small tenants' cold
  # cycle needs more: the pages take what cycles they take (each cycle
  # ends at 80% of the interval; a sync resumes in the next).
  interval=${BENCH_LARGE_INTERVAL:-$(calc 'x > 60 ? x : 60' -v x="$(interval_for "$n" "$conns")")}
  say "large, $n tenants ($large x $alerts alerts, $pages pages): Interval $interval, up to $large_cycles cycles"
  {
    echo "large_tenants $n"
    echo "large_count $large"
    echo "large_alerts $alerts"
    echo "large_pages $pages"
    echo "large_interval $interval"
    echo "memory_budget ${memory_budget:-64 (default)}"
  } >>"$tmp/machine.txt"
  sim0=$(sim_sample)
  mde_start large "$n" "$conns" "$interval"
  s1=$(sample "$COLLECTD_PID")
  k=1
  while :; do
    record large "$n" cold "$k" "$d" "$s0" "$s1"
    done_n=$("$py" "$root/bench/scale-verify.py" "$SIM_ADMIN" "@$tmp/tenants" \
      complete "$run/collectd.sock" bench mde 2>/dev/null)
    say "large: cycle $k took $(calc 'd + 0' -v d="$d") s; $done_n/$n tenants have completed a full sync"
    end=$(calc 's + (k - 1) * v + d' -v s="$start1" -v k="$k" -v v="$interval" -v d="$d")
    [ "$done_n" = "$n" ] && break
    [ "$k" -lt "$large_cycles" ] || break
    s0=$(sample "$COLLECTD_PID") # after the check
    k=$((k + 1))
    # a tenth of the interval before cycle k+1: cycle k may have run to its
    # deadline (80%)
    sleep_until "$(calc 's + k * v - v / 10' -v s="$start1" -v k="$k" -v v="$interval")"
    d=$(getval "$run" mde/duration-cycle)
    s1=$(sample "$COLLECTD_PID")
  done
  sim1=$(sim_sample)
  local ok
  ok=$("$py" "$root/bench/scale-verify.py" "$SIM_ADMIN" "@$tmp/tenants" \
    collectd "$run/collectd.sock" bench mde)
  stop_collectd "$run"
  finish_run "$ok"
  # what tenants were reported as on the way (a page held back by the
  # memory budget can time out): the log's failures, by class
  local fails
  fails=$(grep -o 'mde plugin: [^ ]*: [a-z_]*: ' "$run/collectd.log" |
    awk '{ sub(/:$/, "", $4); n[$4]++ } END { for (c in n) printf "%s=%d ", c, n[c] }')
  {
    echo "large_failures ${fails:-none}"
    echo "large_cycles $k"
    echo "large_elapsed_s $(calc 'e - s' -v e="$end" -v s="$start1")"
    echo "large_sim_cpu_s $(calc 'b - a' -v a="${sim0%% *}" -v b="${sim1%% *}")"
    echo "large_sim_rss_kib ${sim1##* }"
  } >>"$tmp/machine.txt"
  say "large, $n tenants: $ok/$n tenants' counts exact after $k cycle(s)"
}

# --- the Python baseline -------------------------------------------------

# mde_python.py runs a cycle when its trigger file appears, so the process
# is sampled exactly before and after each one.
run_python() { # run_python N
  local n=$1 run="$tmp/python-$1" i k
  say "python, $n tenants: 1 cold + $steady steady cycles"
  collectd_conf "$run" 10
  cp /usr/lib/collectd/python.so "$run/plugins/"
  {
    printf '<LoadPlugin python>\n  Globals true\n</LoadPlugin>\n'
    echo "<Plugin python>"
    echo "  ModulePath \"$root/bench/baselines\""
    echo "  Import \"mde_python\""
    echo "  <Module mde_python>"
    echo "    ClientId \"$app\""
    echo "    ClientSecretFile \"$tmp/secret\""
    echo "    LoginEndpoint \"$url\""
    echo "    ApiEndpoint \"$url\""
    echo "    CACert \"$ca\""
    echo "    TriggerFile \"$run/trigger\""
    echo "    DoneFile \"$run/done\""
    echo "    ValuesInterval 3600"
    for ((i = 0; i < n; i++)); do
      printf '    Tenant "t%d" "tenant%d.onmicrosoft.com"\n' "$i" "$i"
    done
    echo "  </Module>"
    echo "</Plugin>"
  } >>"$run/collectd.conf"
  local s0="0 0 $(requests)" s1 line=""
  # Anything but loopback goes to a closed port: MSAL must not reach out.
  # requests prefers REQUESTS_CA_BUNDLE (and CURL_CA_BUNDLE) from the
  # environment over a session's own CA file: point it at the test CA.
  start_collectd "$run" -u PYTHONPATH -u PYTHONHOME -u CURL_CA_BUNDLE \
    REQUESTS_CA_BUNDLE="$ca" HTTPS_PROXY=http://127.0.0.1:9 \
    HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1
  for ((k = 1; k <= steady + 1; k++)); do
    touch "$run/trigger"
    line=""
    for i in $(seq 1 $((n * 20 + 600))); do # 2 s a tenant at most
      [ -s "$run/done" ] && read -r line <"$run/done"
      [ "${line%% *}" = "$k" ] && break
      kill -0 "$COLLECTD_PID" 2>/dev/null || break
      sleep 0.1
    done
    [ "${line%% *}" = "$k" ] || die "python, $n tenants: cycle $k did not finish"
    s1=$(sample "$COLLECTD_PID")
    line=${line#* }
    record python "$n" "$([ "$k" = 1 ] && echo cold || echo steady)" "$k" \
      "${line%% *}" "$s0" "$s1"
    s0=$s1
  done
  local ok
  ok=$("$py" "$root/bench/scale-verify.py" "$SIM_ADMIN" "$n" collectd \
    "$run/collectd.sock" bench mdepy)
  stop_collectd "$run"
  grep -q "mdepy:" "$run/collectd.log" && grep "mdepy:" "$run/collectd.log" | head -5 >&2
  finish_run "$ok"
  say "python, $n tenants: $ok/$n tenants match the simulator"
}

# --- the shell baseline --------------------------------------------------

run_shell() { # run_shell N: the curl loop under /usr/bin/time, per cycle
  local n=$1 run="$tmp/shell-$1" i k ok=0
  say "shell, $n tenants: 1 cold + 1 steady cycle (nothing is cached)"
  mkdir -p "$run"
  for ((i = 0; i < n; i++)); do echo "t$i tenant$i.onmicrosoft.com"; done >"$run/tenants"
  local r0 r1 t w c m
  for k in 1 2; do
    r0=$(requests)
    timeout $((n * 5 + 60)) /usr/bin/time -f '%e %U %S %M' -o "$run/time" \
      "$root/bench/baselines/shell-flow.sh" "$url" "$url" "$ca" "$app" \
      "$tmp/secret" "$run/tenants" >"$run/counts" ||
      die "shell, $n tenants: the loop failed"
    r1=$(requests)
    read -r w t c m <"$run/time"
    printf 'shell %s %s %s %.3f %.2f %s %s OK\n' "$n" \
      "$([ "$k" = 1 ] && echo cold || echo steady)" "$k" "$w" \
      "$(calc 't + c' -v t="$t" -v c="$c")" "$m" "$((r1 - r0))" >>"$tmp/run.dat"
    ok=$("$py" "$root/bench/scale-verify.py" "$SIM_ADMIN" "$n" counts "$run/counts")
    [ "$ok" = "$n" ] || break
  done
  finish_run "$ok"
  say "shell, $n tenants: $ok/$n tenants match the simulator"
}

# --- the run -------------------------------------------------------------

pkgs="collectd-core libcurl4 libssl3 libmicrohttpd12 libcjson1 python3 python3-msal python3-requests curl"
{
  echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cores $(nproc)"
  echo "cpu $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')"
  echo "ram $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel $(uname -sr)"
  echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "latency_ms $latency"
  echo "connections $conns"
  echo "steady $steady"
  echo "packages $(dpkg-query -W -f '${Package} ${Version}, ' $pkgs 2>/dev/null | sed 's/, $//')"
} >"$tmp/machine.txt"

in_list() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }
all=$(printf '%s\n' $sizes $baseline_sizes | sort -n -u)
for n in $all; do
  start_world "$n"
  for set in $sets; do
    if in_list "$n" "$sizes"; then
      run_mde "$set" "$n" "$conns" "$steady"
    fi
  done
  if in_list "$n" "$baseline_sizes"; then
    # the ratios are against mde.so with the default set
    in_list "$n" "$sizes" && in_list mde "$sets" ||
      run_mde mde "$n" "$conns" "$steady"
    # one steady cycle: serially, an interval is minutes at 1,000 tenants
    run_mde serial "$n" 1 1
    run_python "$n"
    run_shell "$n"
  fi
  sim_stop || die "mde-sim exited with an error"
done
if [ -n "$large_n" ]; then
  nl=$(calc 'x < 1 ? 1 : x' -v x="$(calc 'int(n * s / 100)' -v n="$large_n" -v s="$large_share")")
  start_world "$large_n" "$nl" "$large_alerts"
  run_large "$large_n" "$nl" "$large_alerts"
  sim_stop || die "mde-sim exited with an error"
fi
echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$tmp/machine.txt"

mkdir -p "$out"
cp "$tmp/scale.dat" "$out/scale.dat"
cp "$tmp/machine.txt" "$out/scale-machine.txt"
"$py" "$root/bench/scale-report.py" "$out/scale-machine.txt" "$out/scale.dat" \
  "$out/scale-summary.dat" >"$out/scale.md"
# no plot from a run without a measured cycle of those configurations
if command -v gnuplot >/dev/null && grep -q '^[a-z]' "$out/scale-summary.dat"; then
  gnuplot -e "dat='$out/scale-summary.dat'; png='$out/scale.png'" "$root/bench/scale.gp"
fi
cat "$out/scale.md"
