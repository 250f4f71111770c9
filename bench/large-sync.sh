#!/bin/bash
# SPDX-License-Identifier: MIT
# How long a tenant too large for one cycle's call budget takes to reach
# exact counts (issue 12): tests/integration/collectd_engine.sh's "large"
# tenant — 300,000 alerts in pages of 10,000, the simulator enforcing
# Microsoft's 100 calls a minute and 1,500 an hour — in a real collectd
# with the plain plugin. Expected: about (pages - the budget's burst of
# 10) / 40 calls a minute. Writes bench/results/large-sync.md.
set -eu
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp /tmp/mde-large-sync.XXXXXX)"
trap 'rm -f "$out"' EXIT
MDE_BENCH_OUT="$out" "$root/tests/run.sh" "$build" \
  "$root/tests/integration/collectd_engine.sh" | tail -n 1
read -r line <"$out"
secs=${line#large_sync_seconds=}
secs=${secs%% *}
pages=${line##*pages=}
{
  echo "# Large-tenant first sync"
  echo
  echo "Run $(date -u +%Y-%m-%d) on $(nproc) cores, build \`$build\`, by \`bench/large-sync.sh\`."
  echo
  echo "| alerts | page size | requests for pages | first to last page | expected (budget: 10 at once, then 40 a minute) |"
  echo "|---:|---:|---:|---:|---:|"
  printf '| 300,000 | 10,000 | %s | %.0f s | %.0f s |\n' "$pages" "$secs" \
    "$(awk -v p="$pages" 'BEGIN { print (p > 10 ? (p - 10) * 60 / 40 : 0) }')"
} >"$root/bench/results/large-sync.md"
cat "$root/bench/results/large-sync.md"
