#!/bin/bash
# SPDX-License-Identifier: MIT
# A fixed sample of `make mutate`, so the tests' power to catch a broken
# line cannot fall silently: 30 mutants (MUTATE_SEED=1) of libmde outside
# the engine and of check_mde's unit-tested modules, each against the unit
# tests that link it; at least 85% must be killed. (The full run, the
# engine and the plugin included, is `make mutate`.) Its copy of the tree
# is build/mutate-check, kept between runs.
. "$(dirname "$0")/lib.sh"
plan 2
threshold=85
MUTATE_SEED=1 MUTATE_MAX=30 MUTATE_SECONDS=480 MUTATE_TESTS=unit \
  MUTATE_FILES="lib/*.c check/range.c check/report.c check/conffile.c" \
  MUTATE_EXCLUDE="lib/engine*.c lib/http.c" MUTATE_REPORT="$WORK/mutate.md" \
  MUTATE_MIN_SCORE=$threshold MUTATE_DIR="$MDE_ROOT/build/mutate-check" timeout 600 python3 "$MDE_ROOT/scripts/mutate.py" \
  >"$WORK/out" 2>"$WORK/log"
rc=$?
ok $rc "mutation sample: $(grep -o 'score .*%' "$WORK/out" || echo "no score (status $rc)"), at least $threshold% killed"
[ "$rc" -eq 0 ] || { sed -n '/^## Survivors/,$p' "$WORK/mutate.md"; tail -5 "$WORK/log"; } | sed 's/^/#   /'
# Bounded in time (480 s, the copy of the tree built included): about
# 1.5 minutes on a quiet machine; 150 s ran only 17 of 30 while a fault soak
# shared the two cores. On a busier machine some may still not run, but a
# score needs most of them.
not_run=$(grep -o '[0-9]* not run in the time budget' "$WORK/mutate.md")
not_run=${not_run%% *}
ok $(( ${not_run:-30} <= 10 ? 0 : 1 )) "mutation sample: $((30 - ${not_run:-30})) of 30 mutants ran within 480 s"
