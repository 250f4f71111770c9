#!/bin/bash
# A fixed sample of `make mutate`, so the tests' power to catch a broken
# line cannot fall silently: 30 mutants (MUTATE_SEED=1) of libmde outside
# the engine and of check_mde's unit-tested modules, each against the unit
# tests that link it; at least 85% must be killed. (The full run, the
# engine and the plugin included, is `make mutate`.)
. "$(dirname "$0")/lib.sh"
plan 2
threshold=85
MUTATE_SEED=1 MUTATE_MAX=30 MUTATE_SECONDS=150 MUTATE_TESTS=unit \
  MUTATE_FILES="lib/*.c check/range.c check/report.c check/conffile.c" \
  MUTATE_EXCLUDE="lib/engine*.c lib/http.c" MUTATE_REPORT="$WORK/mutate.md" \
  MUTATE_MIN_SCORE=$threshold timeout 300 python3 "$MDE_ROOT/scripts/mutate.py" \
  >"$WORK/out" 2>"$WORK/log"
rc=$?
ok $rc "mutation sample: $(grep -o 'score .*%' "$WORK/out" || echo "no score (status $rc)"), at least $threshold% killed"
[ "$rc" -eq 0 ] || { sed -n '/^## Survivors/,$p' "$WORK/mutate.md"; tail -5 "$WORK/log"; } | sed 's/^/#   /'
not_run=$(grep -o '[0-9]* not run in the time budget' "$WORK/mutate.md")
is "${not_run%% *}" 0 "mutation sample: every mutant ran within its time budget"
