#!/bin/bash
# SPDX-License-Identifier: MIT
# The fault soak (tests/soak/soak.py), short: two minutes of faults on
# every endpoint against a real collectd with the plugin, then recovery.
# `make soak` runs the long one (10,000 cycles of 0.25 s). Here cycles are
# 0.5 s: under ASan on two shared cores a cycle's answers (pages parsed,
# tokens checked) can overrun a 0.2 s budget by 0.1-0.25 s, base and
# rework alike, which at 0.25 s made "no cycle delayed the next read"
# fail now and then on a quiet machine.
. "$(dirname "$0")/lib.sh"
sim="$MDE_ROOT/build/mde-sim"
[ -x "$sim" ] || sim="$MDE_BUILD/mde-sim"
tap_include soak.py python3 "$MDE_ROOT/tests/soak/soak.py" --build "$MDE_BUILD" --sim "$sim" --certs "$MDE_CERTS" \
  --work "$WORK" --cycles "${SOAK_CYCLES:-240}" --interval 0.5
