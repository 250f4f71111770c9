#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer harnesses built into build/fuzz/ (make fuzz-build) and
# reports each as a TAP case, with libFuzzer's figures on one line.
#
#   run.sh [NAME...]                a short run that is the same every time:
#                                   FUZZ_RUNS inputs (default 10000) from a
#                                   fixed seed, on a fresh copy of the seeds
#   run.sh --seconds N [NAME...]    `make fuzz`: N seconds each, on
#                                   build/fuzz/corpus-NAME, which keeps
#                                   growing from one run to the next
#
# NAME is a harness without its fuzz_ prefix (jwt, form, ...); default all.
# Crashes, leaks and slow inputs fail the case; the input that did it is
# kept as build/fuzz/artifacts/NAME-*.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/build/fuzz"

seconds=""
if [ "${1:-}" = "--seconds" ]; then
  seconds="${2:?--seconds needs a number}"
  shift 2
fi
if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for d in "$here"/corpus/*/; do
    names+=("$(basename "$d")")
  done
fi

tmp="$(mktemp -d "${MDE_TEST_TMP:-/tmp}/fuzz.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/artifacts"

n=0 failed=0
for name in "${names[@]}"; do
  n=$((n + 1))
  bin="$out/fuzz_$name"
  seeds="$here/corpus/$name"
  if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
    echo "not ok $n - $name: no $bin or no $seeds (make fuzz-build)"
    failed=$((failed + 1))
    continue
  fi
  dict=()
  [ -f "$here/$name.dict" ] && dict=("-dict=$here/$name.dict")
  if [ -n "$seconds" ]; then
    corpus="$out/corpus-$name"
    limit=("-max_total_time=$seconds")
  else
    corpus="$tmp/corpus-$name"
    rm -rf "$corpus"
    limit=("-runs=${FUZZ_RUNS:-10000}" -seed=1)
  fi
  mkdir -p "$corpus"
  cp "$seeds"/* "$corpus"/
  log="$tmp/$name.log"
  # a harness's own temporary files go where the trap below removes them
  export TMPDIR="$tmp"
  start=$(date +%s)
  "$bin" "${limit[@]}" "${dict[@]}" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$name-" "$corpus" >"$log" 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
  cov=$(sed -E -n 's/.* cov: ([0-9]+).*/\1/p' <<<"$done_line")
  ft=$(sed -E -n 's/.* ft: ([0-9]+).*/\1/p' <<<"$done_line")
  corp=$(sed -E -n 's/.* corp: ([0-9]+).*/\1/p' <<<"$done_line")
  figures="${took} s, $(stat number_of_executed_units) execs"
  figures+=" ($(stat average_exec_per_sec)/s), cov ${cov:-?}, ft ${ft:-?}"
  figures+=", corpus ${corp:-?}, rss $(stat peak_rss_mb) MB"
  if [ "$rc" -eq 0 ]; then
    echo "ok $n - $name: $figures"
  else
    echo "not ok $n - $name: libFuzzer exited with status $rc after $figures"
    grep -E 'ERROR|SUMMARY|fuzz: |Test unit written' "$log" | head -n 20 |
      sed 's/^/#   /'
    failed=$((failed + 1))
  fi
done
echo "1..$n"
if [ -n "$seconds" ]; then
  echo "$((n - failed)) passed, $failed failed"
fi
[ "$failed" -eq 0 ]
