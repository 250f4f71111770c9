# SPDX-License-Identifier: MIT
# Sourced by tests/run.sh (and its self-test): how one test program's TAP
# output and exit status become counts. Whatever a program printed, it has
# failed if it exited non-zero or died by a signal, if it printed no plan
# ("1..N") or more than one, or if it reported a different number of
# results than its plan: a script that bails out after one "ok" must not
# pass.
#   tap_verdict LOG STATUS
# sets TAP_PASSED and TAP_FAILED (the "ok" and "not ok" lines, plus one
# failure for a harness problem) and TAP_PROBLEM (why, or empty).
tap_verdict() {
  local log="$1" rc="$2" plans planned ran
  TAP_PASSED=$(grep -c '^ok ' "$log")
  TAP_FAILED=$(grep -c '^not ok ' "$log")
  TAP_PROBLEM=""
  ran=$((TAP_PASSED + TAP_FAILED))
  plans=$(grep -cE '^1\.\.[0-9]+([[:space:]]|$)' "$log")
  planned=$(grep -m1 -oE '^1\.\.[0-9]+' "$log" | cut -c4-)
  if [ "$rc" -gt 128 ] && [ "$rc" -ne 124 ]; then
    TAP_PROBLEM="died by signal $((rc - 128))"
  elif [ "$rc" -eq 124 ]; then
    TAP_PROBLEM="timed out"
  elif [ "$rc" -ne 0 ] && [ "$TAP_FAILED" -eq 0 ]; then
    TAP_PROBLEM="exited with status $rc without reporting a failure"
  elif [ "$plans" -eq 0 ]; then
    TAP_PROBLEM="printed no plan (1..N)"
  elif [ "$plans" -gt 1 ]; then
    TAP_PROBLEM="printed $plans plans"
  elif [ "$planned" -ne "$ran" ]; then
    TAP_PROBLEM="planned $planned results but reported $ran"
  fi
  [ -z "$TAP_PROBLEM" ] || TAP_FAILED=$((TAP_FAILED + 1))
}
