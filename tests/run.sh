#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs every test against one build directory and prints one summary line.
# Unit tests are cmocka programs, integration tests are bash scripts, and
# fuzz/run.sh gives each libFuzzer harness a short fixed run; all speak TAP,
# so a case counts once whatever kind it is. A program that exits non-zero
# or dies (a sanitizer abort, a crash, the timeout), or whose plan does not
# match what it reported, counts as a failure (tests/harness/tap.sh).
set -u
build="${1:?usage: tests/run.sh BUILD_DIR [TEST...]}"
shift
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
. "$here/harness/tap.sh"

export MDE_BUILD="$root/$build"
export MDE_ROOT="$root"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
MDE_TEST_TMP="$(mktemp -d /tmp/mde-tests.XXXXXX)"
export MDE_TEST_TMP
trap 'rm -rf "$MDE_TEST_TMP"' EXIT

# Keys and certificates exist only for this run: nothing secret is committed.
if ! "$root/scripts/gen-certs.sh" "$MDE_TEST_TMP/certs" >"$MDE_TEST_TMP/gen-certs.log" 2>&1; then
  cat "$MDE_TEST_TMP/gen-certs.log"
  echo "0 passed, 1 failed (could not generate test certificates)"
  exit 1
fi
export MDE_CERTS="$MDE_TEST_TMP/certs"

if [ $# -gt 0 ]; then
  tests=("$@")
else
  tests=("$here"/harness/selftest.sh "$MDE_BUILD"/tests/test_* "$MDE_BUILD"/tests/itest_* "$here"/integration/*.sh
         "$here"/fuzz/run.sh)
fi

passed=0 failed=0 failures=()
for t in "${tests[@]}"; do
  [ -x "$t" ] || continue
  name="${t#"$root"/}"
  echo "# --- $name"
  log="$MDE_TEST_TMP/log.txt"
  timeout 600 "$t" >"$log" 2>&1
  rc=$?
  cat "$log"
  tap_verdict "$log" "$rc"
  p=$TAP_PASSED f=$TAP_FAILED
  [ -z "$TAP_PROBLEM" ] || echo "not ok - $name $TAP_PROBLEM"
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -gt 0 ] && failures+=("$name")
done

echo
[ ${#failures[@]} -gt 0 ] && printf 'failed in: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
