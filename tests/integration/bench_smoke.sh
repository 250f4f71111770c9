#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench's scale harness (bench/scale.sh) at small scale, so that it
# keeps working: mde.so at 20 and 100 tenants, the minimal value set
# (README's, no Defender API call) at 100, the serial plugin, the Python plugin and the
# shell loop at 20, one steady cycle each, and the large-tenant cold start
# at 40 tenants, 2 of them with 12,000 alerts (two pages). Checks that the
# report has its rows and that every configuration finished its cycles with
# every tenant passing the check against the simulator (alert counts equal
# its ground truth; the minimal set's token values). Timings are never
# asserted: this machine may be busy.
. "$(dirname "$0")/lib.sh"
out="$WORK/results"
BENCH_TENANTS=100 BENCH_BASELINE_TENANTS=20 BENCH_STEADY_CYCLES=1 \
  BENCH_MIN_INTERVAL=3 BENCH_LARGE_TENANTS=40 BENCH_LARGE_SHARE=5 \
  BENCH_LARGE_ALERTS=12000 BENCH_LARGE_INTERVAL=5 BENCH_OUT="$out" \
  timeout 300 "$MDE_ROOT/bench/scale.sh" "$MDE_BUILD" >"$WORK/bench.out" 2>&1
rc=$?
ok $rc "bench/scale.sh runs to the end (status $rc)"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$WORK/bench.out" | tail -40

report=$(cat "$out/scale.md" 2>/dev/null)
for row in "mde.so | 20" "mde.so | 100" "mde.so, minimal set | 100" \
  "mde.so, MaxConnections 1 | 20" \
  "Python plugin (MSAL + requests) | 20" "shell loop (curl + jq) | 20"; do
  line=$(grep -F "| $row |" <<<"$report" | head -n 1)
  like "$line" "^\| [^|]+ \| [0-9]+ \| [0-9.]+ s \| [0-9.]+ s \| [0-9.]+ s \|" \
    "scale.md has a measured row: $row"
done
like "$report" "\| shell loop \(curl \+ jq\) \| 100 \| not run: .*extrapolated from 20 tenants" \
  "scale.md says which baselines were not run, with an extrapolation"
like "$report" "## Targets \(issue 19\)" "scale.md reports against issue 19's targets"
like "$report" "## Targets \(issue 7" "and issue 7's"
like "$report" "\| Python plugin \(MSAL \+ requests\) \| 20 \| minimal \| not run \|" \
  "a ratio against a value set not run at that size says not run"
like "$report" "\| 40 \| 2 × 12,000 \| [0-9]+ \| [0-9.]+ s \| [0-9.]+ s \| [0-9.]+ MiB \|" \
  "scale.md has the large-tenant cold start's row"
like "$report" "\| 5,000 tenants, minimal set: steady cycle ≤ 0.2 s CPU \| not run \|" \
  "a target at a size not run says not run"
like "$report" "[0-9]+ cores .* Load average at the start [0-9.]+" \
  "scale.md describes the machine"
like "$report" "collectd-core [0-9]" "scale.md names the package versions"

dat="$out/scale.dat"
runs=$(awk '!/^#/ { print $1, $2 }' "$dat" 2>/dev/null | sort -u | tr '\n' ,)
is "$runs" "large 40,mde 100,mde 20,minimal 100,python 20,serial 20,shell 20," \
  "scale.dat has every configuration"
is "$(awk '!/^#/ && $3 == "cold" && $1 != "large"' "$dat" | wc -l)" 6 \
  "one cold cycle per configuration"
is "$(awk '!/^#/ && $3 == "steady"' "$dat" | wc -l)" 6 "one steady cycle per configuration"
like "$(awk '$1 == "large" { print $4 }' "$dat" | tr '\n' ' ')" "^1 ([2-9] )*$" \
  "the large run's cold cycles are numbered from 1"
is "$(awk '!/^#/ && $9 != $2 { print $1, $2, $9 }' "$dat")" "" \
  "every configuration: all tenants pass the check against the simulator"
is "$(awk '!/^#/ && $8 < $2 && !($1 == "minimal" && $3 == "steady") { print $1, $2, $3, $8 }' "$dat")" "" \
  "every cycle sent at least one request per tenant, but the minimal set's steady ones"
is "$(awk '$1 == "minimal" && $3 == "steady" { print $8 }' "$dat")" 0 \
  "the minimal set's steady cycle sent no request (tokens cached, no API call)"
ok $([ -s "$out/scale.png" ]; echo $?) "scale.png is drawn"
