#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints the option lines of the minimal value set exactly as README.md
# documents it (the block after its <!-- minimal-set --> marker), so that
# the benchmark and the test measure what a reader copies.
#   scripts/minimal-set.sh [README]
readme="${1:-$(dirname "$0")/../README.md}"
awk '/<!-- minimal-set/ { want = 1; next }
  want && /^```$/ { if (inside) { found = 1; exit } inside = 1; next }
  inside && !/<\/?Plugin/ && !/^ *\.\.\. *$/ { print }
  END { exit !found }' "$readme"
