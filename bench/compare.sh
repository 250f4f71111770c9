#!/bin/bash
# SPDX-License-Identifier: MIT
# Two builds of mde.so in the same run, interleaved per tenant count, with
# bench/scale.sh's method (no baselines): how a change to the plugin moves
# its cycle wall time, CPU and RSS. Prints a markdown table of means and
# ratios (BEFORE ÷ AFTER); the scale runs are kept in BENCH_OUT/{before,after}-N.
#   bench/compare.sh BEFORE_BUILD AFTER_BUILD
# e.g. a worktree of the previous commit, built with `make all`:
#   git worktree add /tmp/prev HEAD~1 && make -C /tmp/prev all
#   bench/compare.sh /tmp/prev/build build
# Environment: BENCH_TENANTS ("1000 5000"), BENCH_STEADY_CYCLES (4), and the
# other BENCH_* of bench/scale.sh but BENCH_SETS and BENCH_LARGE_TENANTS
# (the default value set, no large run); BENCH_OUT (a temporary folder).
set -eu
before="${1:?usage: bench/compare.sh BEFORE_BUILD AFTER_BUILD}"
after="${2:?usage: bench/compare.sh BEFORE_BUILD AFTER_BUILD}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${BENCH_OUT:-$(mktemp -d /tmp/mde-compare.XXXXXX)}"
mkdir -p "$out"
export BENCH_STEADY_CYCLES="${BENCH_STEADY_CYCLES:-4}" BENCH_BASELINE_TENANTS=""
# The default value set only, and no large-tenant run: the means below are
# over every line of a phase.
export BENCH_SETS=mde BENCH_LARGE_TENANTS=""

# mean PHASE FIELD < scale.dat: the mean of a column over the phase's cycles
mean() { awk -v p="$1" -v f="$2" '$3 == p { s += $f; n++ } END { printf "%.3f", n ? s / n : 0 }'; }

mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo "| tenants | phase | wall before | wall after | CPU before | CPU after | CPU ratio | peak RSS before | after |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
for n in ${BENCH_TENANTS:-1000 5000}; do
  for side in before after; do
    build="$before"
    [ "$side" = after ] && build="$after"
    BENCH_TENANTS="$n" BENCH_OUT="$out/$side-$n" "$root/bench/scale.sh" "$build" \
      >"$out/$side-$n.log" 2>&1 || {
      tail -20 "$out/$side-$n.log" >&2
      exit 1
    }
  done
  for phase in cold steady; do
    b="$out/before-$n/scale.dat" a="$out/after-$n/scale.dat"
    bw=$(mean "$phase" 5 <"$b") aw=$(mean "$phase" 5 <"$a")
    bc=$(mean "$phase" 6 <"$b") ac=$(mean "$phase" 6 <"$a")
    br=$(mean "$phase" 7 <"$b") ar=$(mean "$phase" 7 <"$a")
    ratio=$(awk -v b="$bc" -v a="$ac" 'BEGIN { printf "%.2f×", (a > 0 ? b / a : 0) }')
    printf '| %s | %s | %s s | %s s | %s s | %s s | %s | %s MiB | %s MiB |\n' \
      "$n" "$phase" "$bw" "$aw" "$bc" "$ac" "$ratio" "$(mib "$br")" "$(mib "$ar")"
  done
done
echo
echo "Runs kept in $out."
