#!/bin/bash
# SPDX-License-Identifier: MIT
# The harness itself: tiny scripts that lie in each way a test can lie
# (bail out after one "ok", die by a signal, report fewer results than
# planned, print no plan) go through the very counting tests/run.sh uses
# (tap.sh) and must each count as failed; honest ones must pass.
. "$(dirname "$0")/../integration/lib.sh"
. "$MDE_ROOT/tests/harness/tap.sh"
plan 29

# verdict NAME WANT_PASSED WANT_FAILED PROBLEM_REGEX [TIMEOUT]: runs
# $WORK/NAME.sh (the lines on stdin, after lib.sh is sourced) as run.sh
# runs a test and checks the counts it would add up.
verdict() {
  local name="$1" want_p="$2" want_f="$3" problem="$4" limit="${5:-20}"
  { echo '#!/bin/bash'
    echo ". \"$MDE_ROOT/tests/integration/lib.sh\""
    cat
  } >"$WORK/$name.sh"
  chmod +x "$WORK/$name.sh"
  # (braces: the shell's own "Killed" notice is not part of the test)
  { timeout "$limit" "$WORK/$name.sh" >"$WORK/$name.log" 2>&1; } 2>/dev/null
  tap_verdict "$WORK/$name.log" $?
  is "$TAP_PASSED/$TAP_FAILED" "$want_p/$want_f" "$name: $want_p passed, $want_f failed"
  if [ -n "$problem" ]; then
    like "$TAP_PROBLEM" "$problem" "$name: the reason is given"
  else
    is "$TAP_PROBLEM" "" "$name: no harness problem"
  fi
  [ "$TAP_FAILED" -eq "$want_f" ] || sed 's/^/#   /' "$WORK/$name.log"
}

verdict honest 2 0 "" <<'T'
ok 0 "first"
ok 0 "second"
T
verdict honest_plan 2 0 "" <<'T'
plan 2
ok 0 "first"
ok 0 "second"
T
verdict one_failure 1 1 "" <<'T'
ok 0 "first"
ok 1 "second"
T
verdict early_exit 1 1 "exited with status 1" <<'T'
ok 0 "first"
exit 1
ok 0 "never reached"
T
verdict killed 1 1 "died by signal 9" <<'T'
ok 0 "first"
kill -KILL $$
T
verdict terminated 1 1 "died by signal 15|exited with status 143" <<'T'
ok 0 "first"
kill -TERM $$
T
verdict fewer_than_planned 2 1 "status 1" <<'T'
plan 3
ok 0 "first"
ok 0 "second"
T
verdict planned_then_exit_0 1 1 "status 1" <<'T'
plan 3
ok 0 "first"
exit 0
T
verdict last_command_fails 1 1 "status 1" <<'T'
ok 0 "first"
false
T
verdict timed_out 1 1 "timed out" 1 <<'T'
ok 0 "first"
sleep 30
T
# Programs that speak TAP without lib.sh (cmocka, the fuzz runner).
verdict raw_no_plan 1 1 "no plan" <<'T'
trap - EXIT
echo "ok 1 - alone"
T
verdict raw_short 2 1 "planned 3 results but reported 2" <<'T'
trap - EXIT
printf '1..3\nok 1 - a\nok 2 - b\n'
T
verdict raw_two_plans 2 1 "2 plans" <<'T'
trap - EXIT
printf '1..1\nok 1 - a\n1..1\nok 1 - b\n'
T
# A TAP program run from a script: its shortfall and its status count.
verdict included 2 2 "" <<'T'
tap_include inner bash -c 'printf "1..3\nok 1 - a\nok 2 - b\n"; exit 4'
T

# A real cmocka program is counted by its own plan.
CMOCKA_MESSAGE_OUTPUT=TAP "$MDE_BUILD/tests/test_b64url" >"$WORK/cmocka.log" 2>&1
tap_verdict "$WORK/cmocka.log" $?
ok $(( TAP_PASSED > 0 && TAP_FAILED == 0 ? 0 : 1 )) \
  "a cmocka program prints a plan that matches its results ($TAP_PASSED passed)"
