#!/bin/bash
# The fault soak (tests/soak/soak.py), short: a minute of faults on every
# endpoint against a real collectd with the plugin, then recovery. `make
# soak` runs the long one (10,000 cycles).
. "$(dirname "$0")/lib.sh"
sim="$MDE_ROOT/build/mde-sim"
[ -x "$sim" ] || sim="$MDE_BUILD/mde-sim"
tap_include soak.py python3 "$MDE_ROOT/tests/soak/soak.py" --build "$MDE_BUILD" --sim "$sim" --certs "$MDE_CERTS" \
  --work "$WORK" --cycles "${SOAK_CYCLES:-240}" --interval 0.25
