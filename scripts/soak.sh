#!/bin/bash
# SPDX-License-Identifier: MIT
# make soak: the fault soak (tests/soak/soak.py) for CYCLES cycles, with
# the ASan+UBSan plugin (build/asan) and the plain simulator (build), so the
# simulator is not the bottleneck. Writes bench/results/soak.md.
set -eu
cycles="${1:-10000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/mde-soak.XXXXXX)"
# Kept when the soak fails, for a post-mortem (the logs, the CSV, the
# request log in requests.json).
trap 'rc=$?; if [ $rc -eq 0 ]; then rm -rf "$work"; else echo "soak: work folder kept: $work" >&2; fi; exit $rc' EXIT
"$root/scripts/gen-certs.sh" "$work/certs" >/dev/null
python3 "$root/tests/soak/soak.py" --build "$root/build/asan" --sim "$root/build/mde-sim" \
  --certs "$work/certs" --work "$work" --cycles "$cycles" --interval 0.25 \
  --report "$root/bench/results/soak.md"
