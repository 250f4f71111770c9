#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench's scale harness (bench/scale.sh) at small scale, so that it
# keeps working: mde.so at 20 and 100 tenants, the serial plugin, the
# Python plugin and the shell loop at 20, one steady cycle each. Checks
# that the report has its rows and that every configuration finished its
# cycles with every tenant's alert counts equal to the simulator's ground
# truth. Timings are never asserted: this machine may be busy.
. "$(dirname "$0")/lib.sh"
out="$WORK/results"
BENCH_TENANTS=100 BENCH_BASELINE_TENANTS=20 BENCH_STEADY_CYCLES=1 \
  BENCH_MIN_INTERVAL=3 BENCH_OUT="$out" \
  timeout 240 "$MDE_ROOT/bench/scale.sh" "$MDE_BUILD" >"$WORK/bench.out" 2>&1
rc=$?
ok $rc "bench/scale.sh runs to the end (status $rc)"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$WORK/bench.out" | tail -40

report=$(cat "$out/scale.md" 2>/dev/null)
for row in "mde.so | 20" "mde.so | 100" "mde.so, MaxConnections 1 | 20" \
  "Python plugin (MSAL + requests) | 20" "shell loop (curl + jq) | 20"; do
  line=$(grep -F "| $row |" <<<"$report" | head -n 1)
  like "$line" "^\| [^|]+ \| [0-9]+ \| [0-9.]+ s \| [0-9.]+ s \| [0-9.]+ s \|" \
    "scale.md has a measured row: $row"
done
like "$report" "\| shell loop \(curl \+ jq\) \| 100 \| not run: .*extrapolated from 20 tenants" \
  "scale.md says which baselines were not run, with an extrapolation"
like "$report" "## Targets" "scale.md reports against the targets"
like "$report" "[0-9]+ cores .* Load average at the start [0-9.]+" \
  "scale.md describes the machine"
like "$report" "collectd-core [0-9]" "scale.md names the package versions"

dat="$out/scale.dat"
runs=$(awk '!/^#/ { print $1, $2 }' "$dat" 2>/dev/null | sort -u | tr '\n' ,)
is "$runs" "mde 100,mde 20,python 20,serial 20,shell 20," "scale.dat has every configuration"
is "$(awk '!/^#/ && $3 == "cold"' "$dat" | wc -l)" 5 "one cold cycle per configuration"
is "$(awk '!/^#/ && $3 == "steady"' "$dat" | wc -l)" 5 "one steady cycle per configuration"
is "$(awk '!/^#/ && $9 != $2 { print $1, $2, $9 }' "$dat")" "" \
  "every configuration: all tenants' alert counts equal the ground truth"
is "$(awk '!/^#/ && $8 < $2 { print $1, $2, $3, $8 }' "$dat")" "" \
  "every cycle sent at least one request per tenant"
ok $([ -s "$out/scale.png" ]; echo $?) "scale.png is drawn"
